/*
 * Remote-access tools preconfigured for a tech-support scammer: silent
 * installs with a preset password, ID assignment or relay host. The vendors'
 * own installers do not carry these command lines or configuration values;
 * every rule needs the silent install and the preset (two indicators).
 */

rule rat_anydesk_silent_install_password
{
    meta:
        severity = "high"
        family = "rat"
        description = "AnyDesk installed silently from a script together with a password piped into --set-password for unattended access."
        reference = "https://www.cisa.gov/news-events/cybersecurity-advisories/aa23-025a"
        fixture = "rat/anydesk-silent.bat"

    strings:
        $install1 = /anydesk[^\r\n\x00]{0,120}\s--install\s[^\r\n\x00]{0,300}--silent/ nocase
        $install2 = /anydesk[^\r\n\x00]{0,120}\s--silent\s[^\r\n\x00]{0,300}--install\s/ nocase
        $pwpipe = /\|\s{0,4}[&"']?[^\r\n\x00|]{0,200}anydesk[^\r\n\x00|]{0,60}\s--set-password/ nocase

    condition:
        1 of ($install*) and $pwpipe
}

rule rat_teamviewer_preset_password
{
    meta:
        severity = "high"
        family = "rat"
        description = "TeamViewer installed silently or assigned to an account from a script, together with a preset permanent password, password strength or easy-access grant."
        reference = "https://www.cisa.gov/news-events/cybersecurity-advisories/aa23-025a"
        fixture = "rat/teamviewer-preset.cmd"

    strings:
        $s_exe = /teamviewer[^\r\n\x00\/]{0,80}\.exe["']?\s{1,4}\/S\b/ nocase
        $s_msi = /msiexec(\.exe)?["']?\s[^\r\n\x00]{0,40}\/i\s[^\r\n\x00]{0,160}teamviewer[^\r\n\x00]{0,200}\s\/(qn|quiet|passive)\b/ nocase
        $s_assign = /teamviewer[^\r\n\x00]{0,120}\sassignment\s[^\r\n\x00]{0,80}--id\s/ nocase

        $p_reg = /"(SecurityPasswordAES|PermanentPassword|OptionsPasswordAES|SecurityPasswordExported)"\s{0,4}=\s{0,4}(hex|dword)/ nocase
        $p_regadd = /\/v\s+"?(SecurityPasswordAES|PermanentPassword|OptionsPasswordAES|Security_PasswordStrength)"?\s/ nocase
        $p_strength = /"Security_PasswordStrength"\s{0,4}=\s{0,4}dword:/ nocase
        $p_easy = /\s--grant-easy-access\b/ nocase
        $p_custom = /CUSTOMCONFIGID=["']?[A-Za-z0-9]{5,}/
        $p_token = /APITOKEN=["']?[0-9]{4,}-[A-Za-z0-9]{8,}/

    condition:
        1 of ($s_*) and 1 of ($p_*)
}

rule rat_screenconnect_client_config
{
    meta:
        severity = "high"
        family = "rat"
        description = "A ScreenConnect (ConnectWise Control) client component together with a preconfigured relay string naming the operator's host, port and session type."
        reference = "https://www.cisa.gov/news-events/cybersecurity-advisories/aa23-025a"
        fixture = "rat/screenconnect-client.config"

    strings:
        $c1 = "ScreenConnect.ClientService" nocase ascii wide
        $c2 = "ScreenConnect.WindowsClient" nocase ascii wide
        $c3 = "ScreenConnect Client (" nocase ascii wide
        $c4 = "ConnectWiseControl.Client" nocase ascii wide
        $c5 = "ScreenConnect.Client.dll" nocase ascii wide

        $relay = /\?e=(Access|Support|Meeting)&y=(Guest|Host)&h=[A-Za-z0-9.\-]{3,253}&p=[0-9]{2,5}/ nocase

    condition:
        1 of ($c*) and $relay
}

rule rat_ultraviewer_supremo_silent
{
    meta:
        severity = "high"
        family = "rat"
        description = "UltraViewer or Supremo installed or started silently from a script together with a preset password or an automatic-start service."
        reference = "https://attack.mitre.org/techniques/T1219/"
        fixture = "rat/ultraviewer-silent.bat"
        fixture = "rat/supremo-silent.bat"

    strings:
        $s_uv = /ultraviewer[^\r\n\x00]{0,120}\s\/(verysilent|silent|s|quiet|qn)\b/ nocase
        $s_sp = /supremo[^\r\n\x00]{0,120}\s(--silent|-silent|\/silent|\/s|\/quiet|--install|-install|\/install)\b/ nocase

        $p_pw = /(ultraviewer|supremo)[^\r\n\x00]{0,200}\s(\/|-{1,2})(password|passwd|pass|pwd)[ =:]["']?[^\s"'\r\n\x00]{4,}/ nocase
        $p_svc = /sc(\.exe)?\s+(config|create)\s+["']?(UltraViewService|UltraViewer_Service|SupremoService)["']?\s[^\r\n\x00]{0,120}start=\s{0,2}auto/ nocase

    condition:
        1 of ($s_*) and 1 of ($p_*)
}

rule rat_atera_splashtop_logmein_silent_agent
{
    meta:
        severity = "high"
        family = "rat"
        description = "An Atera, Splashtop or LogMeIn management agent installed silently with the operator's account, deployment code or deploy id preset."
        reference = "https://www.cisa.gov/news-events/cybersecurity-advisories/aa23-025a"
        fixture = "rat/rmm-agent-deploy.cmd"

    strings:
        $quiet = /msiexec(\.exe)?["']?\s[^\r\n\x00]{0,40}\/i\s[^\r\n\x00]{0,300}\s\/(qn|quiet|passive)\b/ nocase

        $atera_name = "AteraAgent" nocase ascii wide
        $atera_login = /IntegratorLogin=["']?[^\s"'@\r\n]{1,64}@[A-Za-z0-9.\-]{3,}/ nocase
        $atera_company = /CompanyId=["']?[0-9]{1,8}\b/ nocase

        $splash_name = "splashtop" nocase ascii wide
        $splash_code1 = /(confirm_d=0|hidewindow=1|notray=1)[^\r\n\x00"]{0,120}dcode=[A-Z0-9]{6,}/ nocase
        $splash_code2 = /dcode=[A-Z0-9]{6,}[^\r\n\x00"]{0,120}(confirm_d=0|hidewindow=1|notray=1)/ nocase

        $lmi_name = /logmein[^\r\n\x00]{0,80}\.msi/ nocase
        $lmi_deploy = /DEPLOYID=["']?[A-Za-z0-9_\-]{6,}/

    condition:
        ($atera_name and $atera_login and ($quiet or $atera_company)) or
        ($splash_name and 1 of ($splash_code*)) or
        ($lmi_name and $lmi_deploy and $quiet)
}

rule rat_netsupport_client_config
{
    meta:
        severity = "high"
        family = "rat"
        description = "A NetSupport Manager client32.ini that points the client at a gateway and hides it (silent mode or no tray icon)."
        reference = "https://attack.mitre.org/techniques/T1219/"
        fixture = "rat/client32.ini"

    strings:
        $gw = /GatewayAddress=[A-Za-z0-9.\-]{3,253}:[0-9]{2,5}/ nocase
        $gsk = /\bGSK=[!-~]{8,}/
        $http = "[HTTP]" ascii wide
        $silent = /\bsilent=1\b/ nocase
        $tray = /\bSysTray=0\b/ nocase
        $client = "[Client]" ascii wide

    condition:
        $gw and ($gsk or $http) and $client and ($silent or $tray)
}

rule rat_rustdesk_preset_server_password
{
    meta:
        severity = "high"
        family = "rat"
        description = "RustDesk installed silently or configured from a script together with a preset password or the operator's own rendezvous server."
        reference = "https://attack.mitre.org/techniques/T1219/"
        fixture = "rat/rustdesk-setup.ps1"

    strings:
        $install = /rustdesk[^\r\n\x00]{0,120}[\s"']--silent-install\b/ nocase
        $password = /rustdesk[^\r\n\x00]{0,120}\s--password\s+["']?[^\s"'\r\n\x00]{4,}/ nocase
        $config = /rustdesk[^\r\n\x00]{0,120}\s--config\s+["']?[A-Za-z0-9=_\-]{20,}/ nocase
        $server = /custom-rendezvous-server\s{0,4}=\s{0,4}['"][A-Za-z0-9.\-]{3,253}/ nocase

    condition:
        ($install and ($password or $config or $server)) or ($server and $password)
}

/*
 * Windows droppers: scripts that fetch a second stage and run it, hide it,
 * or make it start again. Each rule needs the fetch (or the staged payload)
 * and a second, independent behaviour.
 */

rule dropper_powershell_download_cradle
{
    meta:
        severity = "high"
        family = "dropper"
        description = "PowerShell started hidden or with the execution policy bypassed that downloads content and executes it (or runs a long encoded command)."
        reference = "https://attack.mitre.org/techniques/T1059/001/"
        fixture = "dropper/ps-cradle.cmd"
        fixture = "dropper/ps-encoded.cmd"

    strings:
        $ps1 = "powershell" nocase ascii wide
        $ps2 = "pwsh" nocase fullword ascii wide

        $dl1 = /\.(DownloadString|DownloadFile|DownloadData|DownloadFileAsync|OpenRead)\s{0,4}\(/ nocase
        $dl2 = /\b(Invoke-WebRequest|iwr|Invoke-RestMethod|irm|Start-BitsTransfer)\s[^\r\n\x00]{0,200}https?:\/\// nocase
        $dl3 = /Net\.Http\.HttpClient[^\r\n\x00]{0,200}GetByteArrayAsync/ nocase

        $ex1 = /\b(IEX|iex|Iex|Invoke-Expression|invoke-expression)\b/ nocase
        $ex2 = /Start-Process\s/ nocase
        $ex3 = /\[(System\.)?Reflection\.Assembly\]::Load/ nocase
        $ex4 = /\&\s{0,4}\(?\s{0,4}\$env:(TEMP|APPDATA|LOCALAPPDATA|PUBLIC)/ nocase

        $st1 = /([Pp]ower[Ss]hell|POWERSHELL|pwsh)(\.exe)?["']?\s[^\r\n\x00|]{0,120}\s-([Ww]|[Ww]i|[Ww]in|[Ww]ind|[Ww]indow|[Ww]indow[Ss]tyle)\s+([Hh]idden|HIDDEN|1)\b/ nocase
        $st2 = /([Pp]ower[Ss]hell|POWERSHELL|pwsh)(\.exe)?["']?\s[^\r\n\x00|]{0,120}\s-([Ee][Pp]|[Ee]x|[Ee]xe|[Ee]xec|[Ee]xecution[Pp]olicy)\s+([Bb]ypass|BYPASS|[Uu]nrestricted)\b/ nocase
        $enc = /([Pp]ower[Ss]hell|POWERSHELL|pwsh)(\.exe)?["']?\s[^\r\n\x00|]{0,120}\s-([Ee]|[Ee][Cc]|[Ee]n|[Ee]nc|ENC|[Ee]ncoded[Cc]ommand)\s+[A-Za-z0-9+\/]{40,}/ nocase

    condition:
        1 of ($ps*) and (
            (1 of ($dl*) and 1 of ($ex*) and 1 of ($st*)) or
            ($enc and 1 of ($st*))
        )
}

rule dropper_lolbin_download
{
    meta:
        severity = "high"
        family = "dropper"
        description = "A signed Windows binary abused to fetch or run remote content: certutil -urlcache, bitsadmin /transfer, mshta with a URL, regsvr32 /i:URL scrobj, rundll32 javascript: or msiexec of a remote package."
        reference = "https://lolbas-project.github.io/"
        fixture = "dropper/lolbins.bat"

    strings:
        $certutil1 = /certutil(\.exe)?["']?\s[^\r\n\x00]{0,60}-urlcache[^\r\n\x00]{0,60}https?:\/\// nocase
        $certutil2 = /certutil(\.exe)?["']?\s[^\r\n\x00]{0,60}-verifyctl[^\r\n\x00]{0,60}https?:\/\// nocase
        $bitsadmin = /bitsadmin(\.exe)?["']?\s[^\r\n\x00]{0,60}\/(transfer|addfile)\s[^\r\n\x00]{0,200}https?:\/\// nocase
        $mshta = /mshta(\.exe)?["']?\s+["']?(https?:\/\/|vbscript:|javascript:)/ nocase
        $regsvr32 = /regsvr32(\.exe)?["']?\s[^\r\n\x00]{0,60}\/i:\s{0,2}["']?https?:\/\/[^\r\n\x00]{0,200}scrobj/ nocase
        $rundll32a = /rundll32(\.exe)?["']?\s+["']?javascript:/ nocase
        $rundll32b = /rundll32(\.exe)?["']?\s[^\r\n\x00]{0,80}mshtml(\.dll)?["']?\s{0,2},\s{0,2}RunHTMLApplication/ nocase
        $msiexec = /msiexec(\.exe)?["']?\s[^\r\n\x00]{0,40}\/(i|package)\s+["']?https?:\/\/[^\r\n\x00]{0,200}\s\/q/ nocase

    condition:
        any of them
}

rule dropper_persistence_run_key_schtasks
{
    meta:
        severity = "high"
        family = "dropper"
        description = "A Run-key write or logon/startup scheduled task pointing into a user-writable folder (AppData, Temp, ProgramData, Public), in a script that also downloads a file."
        reference = "https://attack.mitre.org/techniques/T1547/001/"
        fixture = "dropper/persist-runkey.bat"

    strings:
        $r_regadd = /reg(\.exe)?\s+add\s+["']?(HKCU|HKLM|HKEY_CURRENT_USER|HKEY_LOCAL_MACHINE)\\Software\\(WOW6432Node\\)?Microsoft\\Windows\\CurrentVersion\\Run(Once)?\b/ nocase
        $r_psreg = /(New-ItemProperty|Set-ItemProperty)[^\r\n\x00]{0,80}\\CurrentVersion\\Run(Once)?\b/ nocase
        $r_wsh = /RegWrite\s{0,4}\(?\s{0,4}["'](HKCU|HKLM|HKEY_CURRENT_USER|HKEY_LOCAL_MACHINE)\\Software\\Microsoft\\Windows\\CurrentVersion\\Run/ nocase
        $r_schtasks = /schtasks(\.exe)?["']?\s[^\r\n\x00]{0,40}\/create\s[^\r\n\x00]{0,300}\/sc\s+(onlogon|onstart|onidle|minute)\b/ nocase
        $r_pstrigger = /New-ScheduledTaskTrigger\s+-At(LogOn|Startup)\b/ nocase

        $p_env = /(%APPDATA%|%LOCALAPPDATA%|%TEMP%|%TMP%|%PUBLIC%|%PROGRAMDATA%|\$env:(APPDATA|LOCALAPPDATA|TEMP|TMP|PUBLIC|ProgramData))/ nocase
        $p_dir = /\\(AppData\\(Roaming|Local)|Users\\Public|ProgramData|Windows\\Temp)\\/ nocase

        $d_url = /https?:\/\/[^\s"'<>]{4,200}\.(exe|dll|ps1|vbs|js|bat|cmd|hta|scr|msi|zip)\b/ nocase
        $d_api = /(DownloadFile|DownloadString|Invoke-WebRequest|Start-BitsTransfer|-urlcache|bitsadmin|URLDownloadToFile)/ nocase
        $d_curl = /curl(\.exe)?\s[^\r\n\x00]{0,80}\s-(o|O|-output)\s/

    condition:
        1 of ($r_*) and 1 of ($p_*) and 1 of ($d_*)
}

rule dropper_obfuscated_batch
{
    meta:
        severity = "medium"
        family = "dropper"
        description = "A batch file that builds its commands from many %var:~x,y% substrings or long runs of concatenated variables."
        reference = "https://attack.mitre.org/techniques/T1027/010/"
        fixture = "dropper/obfuscated.bat"

    strings:
        $b1 = "@echo off" nocase ascii wide
        $b2 = /\bset\s+"?[A-Za-z0-9_#$]{1,20}=/ nocase
        $b3 = "%comspec%" nocase ascii wide
        $b4 = /\bcmd(\.exe)?\s+\/[cCkK]\s/

        $sub = /%[A-Za-z0-9_#$]{1,20}:~-?[0-9]{1,3}(,-?[0-9]{1,3})?%/
        $cat = /%[A-Za-z0-9_#$]{1,12}%%[A-Za-z0-9_#$]{1,12}%%[A-Za-z0-9_#$]{1,12}%%[A-Za-z0-9_#$]{1,12}%/
        $subrun = /(%[A-Za-z0-9_#$]{1,20}:~-?[0-9]{1,3}(,-?[0-9]{1,3})?%){10}/
        $catrun = /(%[A-Za-z0-9_#$]{1,12}%){12}/

    condition:
        1 of ($b*) and (#sub >= 20 or #cat >= 8 or $subrun or $catrun)
}

rule dropper_script_http_save_execute
{
    meta:
        severity = "high"
        family = "dropper"
        description = "A VBScript or JScript that fetches a URL with XMLHTTP/WinHTTP, saves the body with ADODB.Stream and runs it through WScript.Shell or Shell.Application."
        reference = "https://attack.mitre.org/techniques/T1105/"
        fixture = "dropper/fetch-run.vbs"

    strings:
        $x1 = /MSXML2\.(Server)?XMLHTTP/ nocase
        $x2 = "Microsoft.XMLHTTP" nocase ascii wide
        $x3 = "WinHttp.WinHttpRequest" nocase ascii wide
        $s1 = "ADODB.Stream" nocase ascii wide
        $s2 = /\.SaveToFile\b/ nocase
        $e1 = "WScript.Shell" nocase ascii wide
        $e2 = "Shell.Application" nocase ascii wide

    condition:
        1 of ($x*) and $s1 and $s2 and 1 of ($e*)
}

rule dropper_base64_pe_in_script
{
    meta:
        severity = "high"
        family = "dropper"
        description = "A base64-encoded Windows executable header (plain or reversed) together with a base64 decoder call that turns it back into bytes."
        reference = "https://attack.mitre.org/techniques/T1140/"
        fixture = "dropper/b64-stager.ps1"

    strings:
        $mz1 = "TVqQAAMAAAAEAAAA" ascii wide
        $mz2 = "TVpQAAIAAAAEAA8A" ascii wide
        $mz3 = "TVoAAAAAAAAAAAAA" ascii wide
        $mz4 = "TVqAAAEAAAAEABAA" ascii wide
        $mz5 = "AAAAEAAAAMAAQqVT" ascii wide

        $d1 = "FromBase64String" nocase ascii wide
        $d2 = /certutil(\.exe)?["']?\s+-decode\b/ nocase
        $d3 = /base64\s+(-d|--decode)\b/
        $d4 = /\batob\s{0,4}\(/
        $d5 = "Base64Decode" nocase ascii wide
        $d6 = "b64decode" ascii wide

    condition:
        1 of ($mz*) and 1 of ($d*)
}

/*
 * Miners that are made to start again: scheduled tasks, services, cron,
 * systemd and launchd entries that launch a miner.
 */

rule miner_scheduled_task
{
    meta:
        severity = "critical"
        family = "miner"
        description = "A scheduled task, service, cron, systemd or launchd entry in the same file as a miner program name, a stratum URI or a miner option."
        reference = "https://attack.mitre.org/techniques/T1053/"
        fixture = "miner/schtask-miner.cmd"

    strings:
        $t_schtasks = /schtasks(\.exe)?["']?\s[^\r\n\x00]{0,40}\/create\s/ nocase
        $t_regtask = "Register-ScheduledTask" nocase ascii wide
        $t_taskaction = "New-ScheduledTaskAction" nocase ascii wide
        $t_sc = /\bsc(\.exe)?\s+create\s/ nocase
        $t_newservice = /New-Service\s+-Name/ nocase
        $t_execstart = /ExecStart=[^\r\n]{0,200}(xmrig|xmr-stak|nbminer|lolminer|phoenixminer|stratum)/ nocase
        $t_crontab = /\|\s*crontab\s+-/
        $t_reboot = /@reboot\s[^\r\n]{0,200}(xmrig|xmr-stak|nbminer|lolminer|phoenixminer|stratum|--donate-level)/ nocase
        $t_launchd = "<key>ProgramArguments</key>" ascii

        $m_xmrig = "xmrig" nocase fullword ascii wide
        $m_xmrstak = "xmr-stak" nocase fullword ascii wide
        $m_nbminer = "nbminer" nocase fullword ascii wide
        $m_phoenix = "phoenixminer" nocase fullword ascii wide
        $m_lolminer = "lolminer" nocase fullword ascii wide
        $m_teamred = "teamredminer" nocase fullword ascii wide
        $m_uri = /stratum[12]?\+(tcp|ssl|tls):\/\// nocase
        $m_donate = "--donate-level" nocase ascii wide
        $m_hint = "--cpu-max-threads-hint" nocase ascii wide

    condition:
        1 of ($t_*) and 1 of ($m_*)
}

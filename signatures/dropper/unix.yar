/*
 * Linux and macOS droppers: download a binary, make it executable and make
 * it start again through cron, systemd or launchd.
 */

rule dropper_linux_persistence
{
    meta:
        severity = "high"
        family = "dropper"
        description = "A shell script that downloads a file with curl or wget, makes it executable, places it in a temporary or hidden path and installs a cron, systemd or launchd entry for it."
        reference = "https://attack.mitre.org/techniques/T1053/003/"
        fixture = "dropper/linux-persist.sh"
        fixture = "dropper/macos-launchagent.sh"

    strings:
        $dl1 = /\b(curl|wget)\s[^\r\n|;&]{0,200}\s(-o|-O|--output|--output-document)[ =]?\s{0,2}["']?(\/tmp|\/var\/tmp|\/dev\/shm|\$HOME|~|\/usr\/local\/bin|\/etc|\/opt|\$\{?TMPDIR|\.)/
        $dl2 = /\b(curl|wget)\s[^\r\n|;&]{0,200}https?:\/\/[^\s"'|;&]{1,200}["']?\s{0,2}>\s{0,2}["']?(\/|\$|~)/

        $x = /\bchmod\s+(-[a-zA-Z]+\s+)?(\+x|[augo]{1,3}\+[rw]{0,2}x|[0-7]?[0-7][0-7][157])\s/

        $c_crontab = /\|\s{0,4}crontab\s+-/
        $c_reboot = /@reboot\s/
        $c_crond = /\/etc\/cron\.(d|hourly|daily)\//
        $c_unit = /\/(etc|lib|usr\/lib)\/systemd\/system\/[A-Za-z0-9_.@\-]{1,64}\.(service|timer)/
        $c_userunit = /\.config\/systemd\/user\/[A-Za-z0-9_.@\-]{1,64}\.service/
        $c_enable = /systemctl\s+(--user\s+)?enable\s/
        $c_launch = /Library\/(LaunchAgents|LaunchDaemons)\/[A-Za-z0-9_.\-]{1,96}\.plist/
        $c_launchctl = /launchctl\s+(load|bootstrap)\s/
        $c_rclocal = "/etc/rc.local" ascii

        $h1 = /(\/tmp|\/var\/tmp|\/dev\/shm)\/\.?[A-Za-z0-9_\-]/
        $h2 = /(\$HOME|~)\/\.[A-Za-z0-9_\-]{1,32}\//
        $h3 = /\bnohup\s/
        $h4 = />\s{0,2}\/dev\/null\s{0,2}2>&1\s{0,2}&/

    condition:
        1 of ($dl*) and $x and 1 of ($c_*) and 1 of ($h*)
}

/*
 * Scareware and tech-support scam pages (HTML, HTA, scripts): fake virus
 * alerts, a phone number next to alarm words, and screen-locking tricks.
 */

rule scam_fake_virus_alert_page
{
    meta:
        severity = "high"
        family = "scam"
        description = "A web page or HTA with markup and two or more phrases of a fake Windows or Mac security alert used by tech-support scams."
        reference = "https://learn.microsoft.com/en-us/defender-endpoint/malware/support-scams"
        fixture = "scam/fake-alert.html"

    strings:
        $m1 = "<html" nocase ascii wide
        $m2 = "<body" nocase ascii wide
        $m3 = "<script" nocase ascii wide
        $m4 = "<hta:application" nocase ascii wide
        $m5 = "<title" nocase ascii wide

        $p1 = "Your computer has been blocked" nocase ascii wide
        $p2 = "Windows Defender Security Center" nocase ascii wide
        $p3 = "Call Microsoft Support" nocase ascii wide
        $p4 = "Do not restart your computer" nocase ascii wide
        $p5 = /Error\s?#\s?(DW6VB36|268D3|0x80073b01|0x8024402c)/ nocase
        $p6 = "Access to this PC has been blocked" nocase ascii wide
        $p7 = /[Yy]our (PC|computer|system|Mac|device) (is|has been|may be) (infected|hacked|compromised|locked)/ nocase
        $p8 = "Trojan Spyware" nocase ascii wide
        $p9 = "pornographic spyware" nocase ascii wide
        $p10 = /(Contact|Call) (Windows|Apple|Microsoft) (Support|Technical Support|Helpdesk|Help Desk)/ nocase
        $p11 = "Windows Firewall Alert" nocase ascii wide
        $p12 = /(Do not|Don't) (ignore|close) this (critical|important|security)? ?(alert|warning|window)/ nocase
        $p13 = /(credit card|banking) (details|information), (passwords|facebook|e-?mail)/ nocase
        $p14 = /Windows (Security|Support) Alert/ nocase
        $p15 = /(toll[ -]?free|helpline)[^<>\r\n]{0,40}(Microsoft|Windows|Apple)/ nocase
        $p16 = /(RDN|Zeus|Trojan)[\/ ](YahLover|Trojan|Virus)/ nocase

    condition:
        1 of ($m*) and 2 of ($p*)
}

rule scam_support_phone_alert
{
    meta:
        severity = "high"
        family = "scam"
        description = "A phone number written next to a call-support phrase, in a page or script that also shows two or more alarm words and an alert user interface."
        reference = "https://consumer.ftc.gov/articles/how-spot-avoid-and-report-tech-support-scams"
        fixture = "scam/support-phone.hta"

    strings:
        $phone1 = /\b(call|contact|dial|helpline|hotline|toll[ -]?free|support|technician)\b[^\r\n\x00]{0,100}(\+?1[ .\-]?)?\(?[2-9][0-9]{2}\)?[ .\-][0-9]{3}[ .\-][0-9]{4}\b/ nocase
        $phone2 = /href\s{0,4}=\s{0,4}["']?tel:\+?1?[ .\-]?\(?[2-9][0-9]{2}\)?[ .\-]?[0-9]{3}[ .\-]?[0-9]{4}/ nocase

        $a1 = "virus" nocase fullword ascii wide
        $a2 = "infected" nocase fullword ascii wide
        $a3 = "trojan" nocase fullword ascii wide
        $a4 = "spyware" nocase fullword ascii wide
        $a5 = "hacked" nocase fullword ascii wide
        $a6 = "malware" nocase fullword ascii wide
        $a7 = "blocked" nocase fullword ascii wide
        $a8 = "suspended" nocase fullword ascii wide
        $a9 = "compromised" nocase fullword ascii wide
        $a10 = "security alert" nocase ascii wide
        $a11 = "critical alert" nocase ascii wide

        $ui1 = "<html" nocase ascii wide
        $ui2 = "<script" nocase ascii wide
        $ui3 = "<hta:application" nocase ascii wide
        $ui4 = /\balert\s{0,4}\(/
        $ui5 = /\bMsgBox\b/ nocase
        $ui6 = "speechSynthesis" ascii wide
        $ui7 = "SAPI.SpVoice" nocase ascii wide

    condition:
        1 of ($phone*) and 2 of ($a*) and 1 of ($ui*)
}

rule scam_hta_fullscreen_lock
{
    meta:
        severity = "high"
        family = "scam"
        description = "An HTA application without caption, system menu or taskbar entry, maximised, that also blocks keys, closing or the task manager."
        reference = "https://attack.mitre.org/techniques/T1218/005/"
        fixture = "scam/lock-screen.hta"

    strings:
        $hta = "<hta:application" nocase ascii wide

        $a1 = /windowstate\s{0,4}=\s{0,4}["']?maximize/ nocase
        $a2 = /caption\s{0,4}=\s{0,4}["']?no\b/ nocase
        $a3 = /sysmenu\s{0,4}=\s{0,4}["']?no\b/ nocase
        $a4 = /showintaskbar\s{0,4}=\s{0,4}["']?no\b/ nocase
        $a5 = /border\s{0,4}=\s{0,4}["']?none\b/ nocase
        $a6 = /contextmenu\s{0,4}=\s{0,4}["']?no\b/ nocase

        $l1 = "onbeforeunload" nocase ascii wide
        $l2 = /onkeydown\s{0,4}=\s{0,4}["']?\s{0,4}(return\s+false|function)/ nocase
        $l3 = /event\.(keyCode|returnValue)\s{0,4}=\s{0,4}(0|false)/ nocase
        $l4 = /taskkill[^\r\n\x00]{0,60}(explorer|taskmgr)\.exe/ nocase
        $l5 = "DisableTaskMgr" nocase ascii wide
        $l6 = /setInterval\s{0,4}\([^\r\n\x00]{0,120}(focus|moveTo|resizeTo)\s{0,4}\(/ nocase
        $l7 = /window\.onblur\s{0,4}=/ nocase

    condition:
        $hta and 2 of ($a*) and 1 of ($l*)
}

rule scam_browser_locker_page
{
    meta:
        severity = "high"
        family = "scam"
        description = "A page that forces fullscreen and traps the user (keyboard or pointer lock, leave-page prompts, alert loops, looping alarm audio) while showing security-alert text."
        reference = "https://learn.microsoft.com/en-us/defender-endpoint/malware/support-scams"
        fixture = "scam/browser-locker.html"

    strings:
        $fs = /(requestFullscreen|webkitRequestFullscreen|webkitRequestFullScreen|mozRequestFullScreen|msRequestFullscreen)\s{0,4}\(/

        $t1 = /navigator\.keyboard\.lock\s{0,4}\(/
        $t2 = "requestPointerLock" ascii wide
        $t3 = /(onbeforeunload|addEventListener\s{0,4}\(\s{0,4}["']beforeunload)/
        $t4 = /(setInterval|setTimeout)\s{0,4}\([^\r\n\x00]{0,160}\b(alert|confirm|prompt)\s{0,4}\(/
        $t5 = /<audio[^>]{0,200}\b(autoplay|loop)\b[^>]{0,200}\b(autoplay|loop)\b/ nocase
        $t6 = /history\.pushState[^\r\n\x00]{0,200}(onpopstate|popstate)/

        $w1 = /\b(infected|trojan|spyware|virus detected|hacked)\b/ nocase
        $w2 = /(Windows Defender|Microsoft Support|Apple Support|Windows Support|Security Alert|Firewall Alert)/ nocase
        $w3 = /(computer|PC|browser|Mac) (has been|is) (blocked|locked)/ nocase

    condition:
        // A page, not a browser: Chromium's own binary embeds these web APIs and alert strings.
        not (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F or uint32(0) == 0xFEEDFACF or uint32(0) == 0xCAFEBABE)
        and $fs and 2 of ($t*) and 1 of ($w*)
}

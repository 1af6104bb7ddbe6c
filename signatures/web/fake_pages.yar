/*
 * Fake pages that push an installer: fake browser updates, vendor-named
 * download pages that start the download by themselves, and installers
 * smuggled inside the page as a base64 blob.
 */

rule web_fake_browser_update
{
    meta:
        severity = "high"
        family = "web"
        description = "A page that tells the visitor their browser is out of date or needs a critical update, and offers an executable, script or archive as the update."
        reference = "https://attack.mitre.org/techniques/T1189/"
        fixture = "web/fake-browser-update.html"

    strings:
        $html1 = "<html" nocase ascii wide
        $html2 = "<body" nocase ascii wide

        $u1 = /Update (Google )?(Chrome|Firefox|Edge|Safari|your browser)/ nocase
        $u2 = /(browser|Chrome|Firefox|Edge|Safari)( version)? is out of date/ nocase
        $u3 = /(critical|urgent|required|recommended) (browser|Chrome|Firefox|Edge|security) update/ nocase
        $u4 = /(Chrome|Firefox|Edge|Safari|Browser) update (required|available|failed|needed)/ nocase
        $u5 = /(error|problem) (occurred|has occurred) (in|with) (your browser|displaying this page)/ nocase
        $u6 = /(install|download) the (latest|new) version of (Google )?(Chrome|Firefox|Edge|Safari)/ nocase

        $d1 = /href\s{0,4}=\s{0,4}["'][^"'<>\r\n]{1,300}\.(exe|msi|msix|appx|zip|js|hta|iso|apk|vbs)["']/ nocase
        $d2 = /download\s{0,4}=\s{0,4}["'][^"'<>\r\n]{1,120}\.(exe|msi|msix|appx|zip|js|hta|iso|apk|vbs)["']/ nocase
        $d3 = /(location(\.href)?\s{0,4}=|location\.(assign|replace)\s{0,4}\(|window\.open\s{0,4}\()\s{0,4}["'][^"'<>\r\n]{1,300}\.(exe|msi|msix|appx|zip|js|hta|iso|apk|vbs)["']/ nocase

    condition:
        1 of ($html*) and 2 of ($u*) and 1 of ($d*)
}

rule web_vendor_download_autostart
{
    meta:
        severity = "low"
        family = "web"
        description = "A page titled after a meeting, chat or remote-access product that says the download starts by itself and starts an installer with a meta refresh, a script or an iframe (also true of some vendor pages: judge it with the host)."
        reference = "https://www.trendmicro.com/en_us/research/20/d/zoomed-in-a-look-into-a-coinminer-bundled-with-zoom-installer.html"
        fixture = "web/vendor-download-autostart.html"

    strings:
        $title = /<title>[^<]{0,120}\b(Zoom|Teams|Webex|AnyDesk|TeamViewer|Skype|Slack|Discord|Telegram|WhatsApp|RustDesk|UltraViewer)\b[^<]{0,120}<\/title>/ nocase

        $m1 = /download (will|should) (start|begin)/ nocase
        $m2 = /download (starts|begins) automatically/ nocase
        $m3 = /if (your|the) download (does not|doesn't|did not|didn't) start/ nocase

        $a1 = /http-equiv\s{0,4}=\s{0,4}["']?refresh["']?[^>]{0,80}url\s{0,4}=[^>"'\r\n]{1,300}\.(exe|msi|msix|zip|dmg|pkg|apk)\b/ nocase
        $a2 = /location(\.href)?\s{0,4}=\s{0,4}["'][^"'\r\n]{1,300}\.(exe|msi|msix|zip|dmg|pkg|apk)["']/ nocase
        $a3 = /location\.(assign|replace)\s{0,4}\(\s{0,4}["'][^"'\r\n]{1,300}\.(exe|msi|msix|zip|dmg|pkg|apk)["']/ nocase
        $a4 = /<iframe[^>]{1,200}src\s{0,4}=\s{0,4}["'][^"'<>\r\n]{1,300}\.(exe|msi|msix|zip|dmg|pkg)["']/ nocase

    condition:
        $title and 1 of ($m*) and 1 of ($a*)
}

rule web_html_smuggling_executable
{
    meta:
        severity = "high"
        family = "web"
        description = "A page script that decodes base64 into a Blob and saves it under an executable, script or disk-image filename (HTML smuggling past download scanners)."
        reference = "https://attack.mitre.org/techniques/T1027/006/"
        fixture = "web/html-smuggling.html"

    strings:
        $blob = /new\s+Blob\s{0,4}\(/
        $b64 = /atob\s{0,4}\(/
        $bytes = "Uint8Array" ascii wide
        $url = "URL.createObjectURL" ascii wide
        $ms = "msSaveOrOpenBlob" ascii wide
        $name = /(\.download\s{0,4}=|msSaveOrOpenBlob\s{0,4}\([^)\r\n]{1,200},)\s{0,4}["'][^"'\r\n]{1,120}\.(exe|msi|msix|iso|img|vhd|vhdx|js|jse|hta|lnk|scr|bat|cmd|ps1|vbs|wsf)["']/ nocase
        $click = /\.click\s{0,4}\(\s{0,4}\)/

    condition:
        $blob and $b64 and $bytes and $name and (($url and $click) or $ms)
}

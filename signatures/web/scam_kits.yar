/*
 * Web pages of tech-support-scam kits: the parts that set a kit apart from a
 * hand-made alert page (signatures/scam/ covers the alert text itself): the
 * phone number taken from the URL and written into the page, and the
 * visitor's IP address and city looked up and shown back to frighten them.
 */

rule web_scam_kit_phone_from_url
{
    meta:
        severity = "high"
        family = "web"
        description = "A scam page script that reads a phone number from its own URL (query or fragment) and writes it into the page, next to call-support and alarm wording."
        reference = "https://www.microsoft.com/en-us/security/blog/2018/12/19/tech-support-scams-persist-with-increasingly-crafty-techniques/"
        fixture = "web/scam-kit-phone-from-url.html"

    strings:
        $read1 = /URLSearchParams\s{0,4}\(\s{0,4}(window\.|document\.)?location\.(search|hash)/
        $read2 = /location\.(search|hash)\.(split|substr|substring|slice|match|replace)\s{0,4}\(/
        $read3 = /location\.href\.split\s{0,4}\(\s{0,4}["'][?#=&]["']/

        $param = /\.get\s{0,4}\(\s{0,4}["'](phone|ph|number|num|tel|tfn|pn|call|support|toll)["']\s{0,4}\)/ nocase

        $write1 = "document.write" ascii wide
        $write2 = /\.(innerHTML|innerText|textContent)\s{0,4}[+]?=/

        $call1 = /(call|contact|dial)\s(Microsoft|Windows|Apple|Support|Technical|a technician|us)/ nocase
        $call2 = /toll[ -]?free/ nocase
        $call3 = "helpline" nocase ascii wide

        $alarm1 = "virus" nocase fullword ascii wide
        $alarm2 = "infected" nocase fullword ascii wide
        $alarm3 = "trojan" nocase fullword ascii wide
        $alarm4 = "spyware" nocase fullword ascii wide
        $alarm5 = "blocked" nocase fullword ascii wide
        $alarm6 = "hacked" nocase fullword ascii wide
        $alarm7 = "compromised" nocase fullword ascii wide

    condition:
        1 of ($read*) and $param and 1 of ($write*) and 1 of ($call*) and 2 of ($alarm*)
}

rule web_scam_visitor_ip_shown_back
{
    meta:
        severity = "medium"
        family = "web"
        description = "A page that asks an IP-geolocation service for the visitor's address or city, writes it into the page as 'your IP' or 'your location', and shows alarm words."
        reference = "https://www.malwarebytes.com/blog/news/2023/02/tech-support-scammers-use-visitor-geolocation"
        fixture = "web/visitor-ip-shown-back.html"

    strings:
        $api1 = "ipapi.co" nocase ascii wide
        $api2 = "ip-api.com" nocase ascii wide
        $api3 = "ipinfo.io" nocase ascii wide
        $api4 = "geoplugin.net" nocase ascii wide
        $api5 = "ipwho.is" nocase ascii wide
        $api6 = "geolocation-db.com" nocase ascii wide
        $api7 = "extreme-ip-lookup.com" nocase ascii wide
        $api8 = "ipgeolocation.io" nocase ascii wide
        $api9 = "api.ipify.org" nocase ascii wide

        $show1 = /\.(innerHTML|innerText|textContent)\s{0,4}[+]?=/
        $show2 = "document.write" ascii wide

        $you1 = "your IP" nocase ascii wide
        $you2 = /IP address\s{0,4}:/ nocase
        $you3 = "your location" nocase ascii wide
        $you4 = "your ISP" nocase ascii wide
        $you5 = "your city" nocase ascii wide

        $alarm1 = "hacked" nocase fullword ascii wide
        $alarm2 = "infected" nocase fullword ascii wide
        $alarm3 = "virus" nocase fullword ascii wide
        $alarm4 = "compromised" nocase fullword ascii wide
        $alarm5 = "blocked" nocase fullword ascii wide

    condition:
        1 of ($api*) and 1 of ($show*) and 1 of ($you*) and 1 of ($alarm*)
}

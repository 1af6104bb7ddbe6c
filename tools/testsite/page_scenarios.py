"""Page-analysis scenarios of the loopback test site: fake Zoom, Teams and AnyDesk download
pages (direct link, script redirect, meta refresh, Refresh header, onclick button, iframe),
a download portal posing as a vendor (with the genuine file, and with a bundle carrying a
miner configuration), the official clone's download centre and a page of it whose installer
lives off-site, tech-support-scam pages (English, a kit that takes its number from the URL,
and Japanese in Shift_JIS), a news story that only mentions Zoom, a lookalike that borrows a
favicon, and hostile markup (unclosed tags, deep nesting, huge lines, NUL bytes, UTF-16,
Shift_JIS, 100,000 links, data: and javascript: URLs). Imported by testsite.py; every body
here is inert text.

respond(host, path, ports, workdir) returns (status, body, content_type, headers) for the
paths it owns and None for everything else, so the older scenarios of testsite.py stay as
they were.
"""
import io
import os
import struct
import zipfile

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FIXTURE_PAGES = os.path.join(REPO, "tests", "fixtures", "pages")

OFFICIAL_HOSTS = ("zoom.us", "www.zoom.us")
FAKE_ZOOM = "zoom-client-download.com"
FAKE_TEAMS = "teams-setup-download.com"
FAKE_ANYDESK = "anydesk-download-center.net"
FAVICON_LOOKALIKE = "zoom-meet-portal.com"
OFFSITE_MIRROR = "files-mirror-cdn.net"
SCAM = "pc-security-alert-center.com"
SCAM_JA = "pc-anzen-keikoku.jp"
NEWS = "daily-planet-news.com"
PORTAL = "best-free-apps-portal.com"  # no brand in the name: not a lookalike
STRESS = "page-stress-test.com"

# host -> certificate age in days (issued that long ago, valid for 90 more days): the
# lookalikes' certificates are fresh, as kits' are; the unrelated sites' are old.
CERT_AGES = {
    FAKE_ZOOM: 2,
    FAKE_TEAMS: 4,
    FAKE_ANYDESK: 1,
    FAVICON_LOOKALIKE: 3,
    OFFSITE_MIRROR: 400,
    SCAM: 5,
    SCAM_JA: 6,
    NEWS: 900,
    PORTAL: 700,
    STRESS: 900,
}
HOSTS = list(CERT_AGES)
# The file in the site's workdir that official and mirror paths serve once a test put it there.
SIGNED_INSTALLER = "signed-installer.exe"

# What the fake pages hand out: a PE header and inert text, one name per brand, so the
# reports tell the downloads apart. /files/ZoomInstaller.exe is testsite.py's own.
INSTALLER_NAMES = ("ZoomSetup.exe", "ZoomInstallerFull.exe", "Zoom_launcher.exe", "MSTeamsSetup.exe",
                   "TeamsSetup_x64.exe", "AnyDesk.exe", "AnyDeskSetup.exe")


def inert_installer(name):
    return b"MZ" + b"\0" * 62 + b"inert test installer " + name.encode()


def trojanized_zip():
    """A "repackaged" installer: the inert installer stub plus the inert miner configuration
    fixture that signatures/miner matches."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        with open(os.path.join(REPO, "tests", "fixtures", "payloads", "miner", "xmrig-config.json"), "rb") as f:
            members = {"TeamsSetup.exe": inert_installer("TeamsSetup.exe"), "config.json": f.read()}
        for name, data in members.items():  # fixed dates: the same bytes, the same SHA-256, every run
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


# A 16x16 one-colour ICO, the "vendor's favicon" the favicon scenario borrows; tests hash
# these bytes and put the hashes into a test allowlist.
FAVICON = (struct.pack("<HHHBBBBHHII", 0, 1, 1, 16, 16, 0, 0, 1, 32, 1128, 22) +
           struct.pack("<IiiHHIIiiII", 40, 16, 32, 1, 32, 0, 1024, 0, 0, 0, 0) + bytes.fromhex("2d8cffff") * 256 +
           b"\0" * 64)


def page(title, body, head="", lang="en"):
    return (f"<!doctype html><html lang={lang}><head><meta charset=utf-8><title>{title}</title>{head}</head>"
            f"<body>{body}</body></html>")


def fixture(name):
    with open(os.path.join(FIXTURE_PAGES, name), "rb") as f:
        return f.read()


HTML = "text/html; charset=utf-8"


def html(body, ctype=HTML, status=200, headers=()):
    return status, body, ctype, list(headers)


def fake_zoom(path):
    if path == "/":  # (a) a direct link
        return page("Download Zoom Meetings for Windows",
                    "<h1>Zoom Meetings</h1><p>Download the Zoom client for your computer.</p>"
                    "<a class=btn href='/files/ZoomSetup.exe'>Download</a>")
    if path == "/js":  # (b) location.href after a delay
        return page("Zoom Workplace - Download",
                    "<h1>Zoom Workplace</h1><p>Your download starts in a moment.</p>"
                    "<script>setTimeout(function () { window.location.href = '/files/Zoom_launcher.exe'; }, 1500);"
                    "</script>")
    if path == "/refresh":  # (c) meta refresh straight to the installer
        return page("Zoom Cloud Meetings - Download", "<h1>Zoom Cloud Meetings</h1><p>Downloading...</p>",
                    head="<meta http-equiv=refresh content='1; url=/files/ZoomInstallerFull.exe'>")
    if path == "/header":  # a Refresh header to a URL that does not look like a file
        return html(page("Zoom Workplace - Download", "<h1>Zoom Workplace</h1><p>Your download starts now.</p>"),
                    headers=[("Refresh", "1; url=/start-download")])
    if path == "/start-download":
        return 200, inert_installer("ZoomSetup.exe"), "application/octet-stream", [
            ("Content-Disposition", "attachment; filename=ZoomSetup.exe")]
    return None


def fake_teams(path):
    if path == "/":  # (d) a button with onclick
        return page("Microsoft Teams - Download for Windows",
                    "<h1>Microsoft Teams</h1><p>Meet, chat and call.</p>"
                    "<button class=dl onclick=\"location.href='/files/MSTeamsSetup.exe'\">Download Teams</button>")
    if path == "/open":  # (b) window.open
        return page("Download Microsoft Teams",
                    "<h1>Microsoft Teams</h1>"
                    "<script>document.addEventListener('DOMContentLoaded', function () {"
                    " window.open(\"/files/TeamsSetup_x64.exe\", \"_blank\"); });</script>")
    return None


def fake_anydesk(path):
    if path == "/":  # (a) a direct link
        return page("AnyDesk - Free Remote Desktop Download",
                    "<h1>AnyDesk</h1><a href='/files/AnyDesk.exe' download>Download now</a>")
    if path == "/replace":  # (b) location.replace
        return page("AnyDesk Download",
                    "<h1>AnyDesk</h1><p>Preparing your download.</p>"
                    "<script>location.replace(\"/files/AnyDesk.exe\")</script>")
    if path == "/frame":  # (e) a hidden iframe starts the download
        return page("AnyDesk - The Fast Remote Desktop Application",
                    "<h1>AnyDesk for Windows</h1><p>Your download will start automatically.</p>"
                    "<iframe src='/files/AnyDeskSetup.exe' style='display:none' width=0 height=0></iframe>")
    return None


def signed_installer(workdir, name):
    """The vendor-signed installer a test placed in the site's workdir (a PE from
    tools/fixtures/make-signed-pe, signed by a throwaway CA the test trusts), or None."""
    try:
        with open(os.path.join(workdir, SIGNED_INSTALLER), "rb") as f:
            data = f.read()
    except (OSError, TypeError):
        return None
    return 200, data, "application/octet-stream", [("Content-Disposition", f"attachment; filename={name}")]


def official(path, https_port, workdir):
    if path.startswith("/client/latest/") and path.rsplit("/", 1)[1] in INSTALLER_NAMES:
        # Only once a test has placed the signed installer: before that, testsite.py's own
        # answer (the page) stands, as the older tests expect.
        return signed_installer(workdir, path.rsplit("/", 1)[1])
    if path == "/download":  # the official clone's download centre
        return page("Download Center | Zoom",
                    "<h1>Download Center</h1><h2>Zoom Workplace desktop app</h2>"
                    "<a href='/client/latest/ZoomInstallerFull.exe'>Download</a>",
                    head="<meta property='og:site_name' content='Zoom'>")
    if path == "/offsite":  # the vendor's page, its installer on a host that is not the vendor's
        return page("Download Center | Zoom",
                    "<h1>Download Center</h1><h2>Zoom Workplace desktop app</h2>"
                    f"<a href='https://{OFFSITE_MIRROR}:{https_port}/dl/ZoomInstallerFull.exe'>Download</a>",
                    head="<meta property='og:site_name' content='Zoom'>")
    return None


def offsite_mirror(path, workdir):
    if path.startswith("/dl/") and path[4:] in INSTALLER_NAMES:  # a mirror of the genuine file
        name = path[4:]
        return signed_installer(workdir, name) or (200, inert_installer(name), "application/octet-stream", [
            ("Content-Disposition", f"attachment; filename={name}")])
    return None


def favicon_lookalike(path):
    if path == "/":  # no brand in the words at all: only the borrowed favicon says "Zoom"
        return page("Video meetings - Sign in",
                    "<h1>Sign in to your meeting</h1><form action=/signin><input name=email></form>",
                    head="<link rel=icon href='/static/brand.ico'>")
    if path == "/static/brand.ico":
        return 200, FAVICON, "image/x-icon", []
    return None


def news(path, https_port):
    if path == "/":
        body = fixture("news-mentions-zoom.html").decode()
        link = (f"<p>Install it only from <a href='https://zoom.us:{https_port}/client/latest/ZoomInstallerFull.exe'>"
                "the vendor's site</a>.</p>")
        return body.replace("</body>", link + "</body>")
    return None


# --- hostile markup -------------------------------------------------------------------------

_stress_cache = {}


def stress_body(path):
    if path in _stress_cache:
        return _stress_cache[path]
    made = make_stress(path)
    if made is not None:
        _stress_cache[path] = made
    return made


def make_stress(path):
    head = "<!doctype html><html><head><meta charset=utf-8><title>{}</title></head><body>"
    if path == "/unclosed":  # the shape that took Gumbo 0.10.1 86 s and 12 GB without max_errors = 0
        unit = "<div><p><b><i><a href=/u><table><tr><td><select><option><font><span><u><s>"
        return HTML, (head.format("Unclosed tags") + unit * ((1 << 20) // len(unit) + 1)).encode()
    if path == "/nested":
        return HTML, (head.format("Nested 100000") + "<div>" * 100_000 + "deep" + "</div>" * 100_000 +
                      "</body></html>").encode()
    if path == "/longline":  # one line, just under the 5 MiB input cap: the text cap is what is hit
        start = head.format("One long line") + "<p>"
        filler = "lorem ipsum dolor sit amet "
        size = (5 << 20) - 4096 - len(start)
        return HTML, (start + (filler * (size // len(filler) + 1))[:size] + "</p></body></html>").encode()
    if path == "/oversize":  # 6 MiB on one line: cut at the page cap
        start = head.format("Six mebibytes") + "<p>"
        return HTML, (start + "x" * (6 << 20) + "</p></body></html>").encode()
    if path == "/nul":
        return HTML, (b"<!doctype html><html><head><meta charset=utf-8><title>NUL\0 bytes\0</title></head><body>" +
                      b"<p>before\0after</p><a href='/files/Zoom\0Setup.exe'>Do\0wnload</a>" + b"\0" * 65536 +
                      b"<script>var a = '\0';</script><p>tail text</p></body></html>")
    if path == "/utf16le":  # a byte-order mark and nothing else says what this is
        text = head.format("T\u00e9l\u00e9chargement \u4e0b\u8f7d") + "<p>UTF-16 page</p></body></html>"
        return "text/html", b"\xff\xfe" + text.replace("charset=utf-8", "charset=utf-16").encode("utf-16-le")
    if path == "/utf16be":  # no BOM, the header names the charset
        text = head.format("T\u00e9l\u00e9chargement \u4e0b\u8f7d").replace("<meta charset=utf-8>", "")
        return "text/html; charset=utf-16be", (text + "<p>UTF-16BE page</p></body></html>").encode("utf-16-be")
    if path == "/sjis":  # declared only in the markup, with a cut multibyte sequence at the end
        text = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=Shift_JIS'>"
                "<title>\u30c0\u30a6\u30f3\u30ed\u30fc\u30c9</title></head><body><p>\u65e5\u672c\u8a9e</p>"
                "</body></html>")
        return "text/html", text.encode("shift_jis") + b"\x82"
    if path == "/links":
        links = "".join(f"<a href='/l/{i}'>link {i}</a>\n" for i in range(100_000))
        return HTML, (head.format("100000 links") + links + "</body></html>").encode()
    if path == "/schemes":
        b64 = "TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAA" * 64
        parts = [
            "<a href='javascript:alert(document.cookie)'>js</a>",
            "<a href=\"javascript:location.href='/files/ZoomSetup.exe'\">Download</a>",
            "<a href='JaVaScRiPt:void(0)' onclick=\"window.open('javascript:alert(1)')\">x</a>",
            "<iframe src='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='></iframe>",
            f"<a download='ZoomSetup.exe' href='data:application/x-msdownload;base64,{b64}'>Download Zoom</a>",
            "<img src='data:image/png;base64,iVBORw0KGgo=' alt=x>",
            "<a href='data:,plain%20text'>data</a>",
            "<a href='vbscript:msgbox(1)'>vb</a>",
        ]
        many = "".join(f"<a href='javascript:void({i})'>j</a><a href='data:text/plain,{i}'>d</a>"
                       for i in range(5_000))
        return HTML, (head.format("data and javascript URLs") + "".join(parts) + many + "</body></html>").encode()
    return None


def respond(host, path, ports, workdir=None):
    """The scenario for host and path, or None when testsite.py's own handlers answer."""
    https_port = ports[0]
    if path == "/files/TeamsSetup.zip":
        return 200, trojanized_zip(), "application/zip", []
    if path.startswith("/files/") and path[len("/files/"):] in INSTALLER_NAMES:
        name = path[len("/files/"):]
        return 200, inert_installer(name), "application/octet-stream", [
            ("Content-Disposition", f"attachment; filename={name}")]
    body = None
    if host in OFFICIAL_HOSTS:
        body = official(path, https_port, workdir)
    elif host == FAKE_ZOOM:
        body = fake_zoom(path)
    elif host == FAKE_TEAMS:
        body = fake_teams(path)
    elif host == FAKE_ANYDESK:
        body = fake_anydesk(path)
    elif host == OFFSITE_MIRROR:
        body = offsite_mirror(path, workdir)
    elif host == FAVICON_LOOKALIKE:
        body = favicon_lookalike(path)
    elif host == SCAM and path == "/":
        body = html(fixture("scam-browser-lock.html"))
    elif host == SCAM and path == "/kit":  # the number arrives in the query (?phone=...) and is written in
        with open(os.path.join(REPO, "tests", "fixtures", "payloads", "web", "scam-kit-phone-from-url.html"),
                  "rb") as f:
            body = html(f.read())
    elif host == SCAM_JA and path == "/":
        body = html(fixture("scam-ja.sjis.html"), "text/html; charset=Shift_JIS")
    elif host == NEWS:
        body = news(path, https_port)
    elif host == PORTAL and path == "/zoom":  # a download portal posing as Zoom, on its own domain
        body = page("Download Zoom for Windows - Free",
                    "<h1>Zoom Meetings</h1><a href='/get/ZoomInstallerFull.exe'>Free download</a>")
    elif host == PORTAL and path == "/get/ZoomInstallerFull.exe":  # the genuine signed file, re-hosted
        body = offsite_mirror("/dl/ZoomInstallerFull.exe", workdir)
    elif host == PORTAL and path == "/teams":  # the same, handing out a bundle with a miner
        body = page("Microsoft Teams - Free Download",
                    "<h1>Microsoft Teams</h1><a href='/files/TeamsSetup.zip'>Free download</a>")
    elif host == STRESS:
        made = stress_body(path)
        body = None if made is None else html(made[1], made[0])
    if body is None and host in HOSTS:
        return html(page("Not found", "<p>nothing here</p>"), status=404)
    if isinstance(body, str):
        return html(body)
    return body

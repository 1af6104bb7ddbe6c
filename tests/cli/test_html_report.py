"""The HTML report opened in headless Chromium, with no network: a hand-made crawl's worth
of reports carrying script payloads is rendered by the unit test binary
(`unit_tests -tc='report format html file*'` with IMPOSTOR_HTML_IN/IMPOSTOR_HTML_OUT), then
Chromium takes a screenshot and dumps the DOM. The summary, the rows and the hostile text
must be there as text; the page's own script must have run (its CSP hash is right) and
sorted and filtered from the fragment; no payload may have run."""
import html as htmllib
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import unittest
import zlib
from html.parser import HTMLParser

UNIT = os.environ.get("IMPOSTOR_UNIT_TESTS", "unit_tests")
BIN = os.environ.get("IMPOSTOR_BIN", "impostor")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TIMEOUT = 120

# Every payload, if it ever ran, would add this element or set the document title.
MARK = "impostor-xss-fired"
FIRE = f"document.body.appendChild(document.createElement('{MARK}'));document.title='PWNED'"
TITLE_PAYLOAD = f"</script><script>{FIRE}</script>"
MEMBER_PAYLOAD = f"\"><img src=x onerror=\"{FIRE}\">"
URL_PAYLOAD = f"javascript:{FIRE}"
SVG_PAYLOAD = f"<svg onload=\"{FIRE}\"></svg>"
IFRAME_PAYLOAD = f"<iframe srcdoc=\"<script>parent.{FIRE}</script>\"></iframe>"
DOC_TITLE = "impostor report: hostile test set"


def report(kind, target_input, verdict, score, change=None, **extra):
    target = {"kind": kind, "input": target_input}
    if change:
        target["change"] = change
    target.update(extra.pop("target", {}))
    r = {"schema": "impostor.report/1", "tool": {"name": "impostor", "version": "0.1.0"},
         "target": target, "verdict": verdict, "score": score, "vendor": None, "findings": [],
         "hops": [], "page": {}, "artifacts": [], "errors": [], "elapsed_ms": 5}
    r.update(extra)
    return r


def finding(fid, severity, summary, evidence=None, location=""):
    return {"id": fid, "severity": severity, "summary": summary, "evidence": evidence or {},
            "location": location}


def cert(subject, issuer, verified_names):
    return {"subject": subject, "issuer": issuer, "common_name": subject, "organization": "",
            "serial": "0a", "dns_names": verified_names, "not_before": "2024-04-30T00:00:00Z",
            "not_after": "2024-07-29T00:00:00Z", "age_days": 1, "key": {"type": "EC", "bits": 256},
            "sha256": "5e" * 32, "spki_sha256": "7f" * 32, "self_issued": False}


def hostile_reports():
    """Eight reports as `impostor crawl` would write them, payloads in every attacker field."""
    fake = report(
        "url", "https://zoom-update.example/download", "malicious", 97, "new",
        target={"url": "https://zoom-update.example/download", "final_url": "https://zoom-update.example/get",
                "final_status": 200, "query": "zoom download\u2028now", "rank": 1, "source": "ad", "scan": 3},
        vendor="zoom",
        findings=[finding("scam.fake-alert", "critical", "Scareware: " + TITLE_PAYLOAD,
                          {"title": TITLE_PAYLOAD, "html": IFRAME_PAYLOAD}, "https://zoom-update.example/get"),
                  finding("yara.miner_xmrig", "critical", "XMRig config in a member",
                          {"member": MEMBER_PAYLOAD}, "ZoomSetup.zip!/" + MEMBER_PAYLOAD),
                  finding("domain.combosquat", "medium", "The Zoom brand joined with 'update'",
                          {"host": "zoom-update.example"}, "zoom-update.example")],
        hops=[{"url": "http://zoom-update.example/download", "method": "GET", "status": 301,
               "headers": {"location": "https://zoom-update.example/download", "x-payload": SVG_PAYLOAD},
               "ip": "127.0.0.1", "port": 80, "timings_ms": {"connect": 1, "total": 2}, "http_version": "1.1"},
              {"url": "https://zoom-update.example/get", "method": "GET", "status": 200, "headers": {},
               "ip": "127.0.0.1", "port": 443, "http_version": "2",
               "tls": {"version": "TLSv1.3", "cipher": "TLS_AES_128_GCM_SHA256", "alpn": "h2", "verified": False,
                       "verify_error": "unable to get local issuer certificate " + MEMBER_PAYLOAD,
                       "chain": [cert("CN=" + SVG_PAYLOAD, "CN=Throwaway CA\u202e", ["zoom-update.example"])]}}],
        page={"title": TITLE_PAYLOAD, "lang": "en", "downloads": [{"url": URL_PAYLOAD}], "brands": [], "links": []},
        artifacts=[{"kind": "download", "url": URL_PAYLOAD, "final_url": "https://zoom-update.example/ZoomSetup.zip",
                    "size": 4096, "sha256": "ab" * 32, "type": "zip", "findings": ["yara.miner_xmrig"], "members": 2,
                    "member_list": [
                        {"path": "ZoomSetup.zip", "type": "zip", "size": 4096, "depth": 0, "sha256": "ab" * 32},
                        {"path": "ZoomSetup.zip!/" + MEMBER_PAYLOAD, "type": "text", "size": 40, "depth": 1,
                         "sha256": "cd" * 32, "findings": ["yara.miner_xmrig"]}]}],
        errors=["cloaking probe: \x1b[2J timed out \x07"])
    return [
        report("url", "https://zoom.us/download", "official", 0, "same", vendor="zoom",
               target={"final_url": "https://zoom.us/download", "final_status": 200}),
        report("url", "https://teams-free.example/", "suspicious", 55, "changed", vendor="microsoft-teams",
               findings=[finding("domain.combosquat", "medium", "Teams brand joined with 'free'")]),
        fake,
        report("url", "https://anydesk-client.example/", "malicious", 88, "same", vendor="anydesk",
               findings=[finding("page.fake-download", "high", "Download button points off-site"),
                         finding("domain.combosquat", "high", "AnyDesk brand joined with 'client'")]),
        report("url", URL_PAYLOAD, "error", 0, "new", errors=["unsupported scheme: " + URL_PAYLOAD]),
        report("url", "https://slack-app.example/", "malicious", 91, "new", vendor="slack",
               findings=[finding("scam.tech-support", "critical", "Call this number " + TITLE_PAYLOAD)]),
        report("domain", "webex-meet.example", "suspicious", 45, "same", vendor="webex",
               findings=[finding("domain.combosquat", "medium", "Webex brand joined with 'meet'")]),
        report("url", "https://example.org/", "unknown", 0, "same"),
    ]


class DomParser(HTMLParser):
    """Text of the document, the report rows (data-i, hidden) in DOM order, and #shown."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.rows = []
        self.shown = []
        self.tags = set()
        self.in_shown = False
        self.in_title = False
        self.title = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "tbody" and "data-i" in a:
            self.rows.append((int(a["data-i"]), "hidden" in a))
        self.in_shown = a.get("id") == "shown"
        self.in_title = tag == "title"

    def handle_endtag(self, tag):
        self.in_shown = False
        self.in_title = False

    def handle_data(self, data):
        self.text.append(data)
        if self.in_shown:
            self.shown.append(data)
        if self.in_title:
            self.title += data


def png_info(path):
    """(width, height, distinct bytes in the decompressed image data) of a PNG."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, width, height, idat = 8, 0, 0, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


class HtmlReportInChromium(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Not a skip: tools/setup installs chromium, and a report nobody checked is no check.
        assert os.path.exists(CHROMIUM), "chromium is not installed: run tools/setup"
        cls.dir = tempfile.mkdtemp(prefix="impostor-html-")
        cls.reports = hostile_reports()
        src = os.path.join(cls.dir, "reports.jsonl")
        with open(src, "w", encoding="utf-8") as f:
            for r in cls.reports:
                f.write(json.dumps(r) + "\n")
        cls.html = os.path.join(cls.dir, "report.html")
        env = dict(os.environ, IMPOSTOR_HTML_IN=src, IMPOSTOR_HTML_OUT=cls.html)
        r = subprocess.run([UNIT, "-tc=report format html file*"], env=env, capture_output=True, timeout=TIMEOUT)
        assert r.returncode == 0, r.stdout.decode(errors="replace")[-3000:]
        cls.url = "file://" + cls.html

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def chromium(self, *args):
        profile = tempfile.mkdtemp(dir=self.dir, prefix="profile-")
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-extensions", "--hide-scrollbars", f"--user-data-dir={profile}", *args]
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=TIMEOUT, check=True)

    def dom(self, fragment=""):
        out = self.chromium("--dump-dom", self.url + fragment).stdout.decode("utf-8")
        parser = DomParser()
        parser.feed(out)
        return out, parser

    def assert_inert(self, dom, parser):
        self.assertNotIn("<" + MARK, dom)
        self.assertNotIn("PWNED", parser.title)
        self.assertEqual(parser.title, DOC_TITLE)
        for tag in ("img", "svg", "iframe", "a", MARK):
            self.assertNotIn(tag, parser.tags)

    def test_screenshot_is_a_rendered_page(self):
        shot = os.path.join(self.dir, "report.png")
        self.chromium(f"--screenshot={shot}", "--window-size=1400,1000", self.url)
        self.assertTrue(os.path.exists(shot))
        self.assertGreater(os.path.getsize(shot), 10_000)
        width, height, distinct = png_info(shot)
        self.assertEqual((width, height), (1400, 1000))
        self.assertGreater(distinct, 32, "the screenshot looks blank")

    def test_summary_rows_and_hostile_text_are_shown_as_text(self):
        dom, parser = self.dom()
        self.assert_inert(dom, parser)
        # The inline script ran: its hash is what the CSP allows.
        self.assertRegex(dom, r'<html[^>]*data-script="ran"')
        self.assertEqual("".join(parser.shown), f"Showing {len(self.reports)} of {len(self.reports)}")
        expected = {"malicious": 3, "suspicious": 2, "error": 1, "unknown": 1, "official": 1, "new": 3, "changed": 1}
        for name, n in expected.items():
            self.assertRegex(dom, rf'<li id="count-{name}"><b>{n}</b>', name)
        text = "".join(parser.text)
        for payload in (TITLE_PAYLOAD, MEMBER_PAYLOAD, URL_PAYLOAD, SVG_PAYLOAD):
            self.assertTrue(payload in text, payload)
        self.assertTrue(json.dumps(IFRAME_PAYLOAD) in text, "evidence is shown as pretty JSON")
        self.assertIn("\\x1b[2J", text)  # controls shown, not interpreted
        self.assertIn("CN=Throwaway CA\\u202e", text)
        self.assertNotIn("\u2028", text)
        # New and changed first, then by verdict: the rows in the order the renderer chose.
        rows = [htmllib.unescape(s) for s in
                re.findall(r'<tbody data-i="\d+"[^>]*>.*?<code class="url">([^<]*)</code>', dom, re.S)]
        self.assertEqual(rows, ["https://zoom-update.example/download", "https://slack-app.example/",
                                "https://teams-free.example/", URL_PAYLOAD, "https://anydesk-client.example/",
                                "webex-meet.example", "https://example.org/", "https://zoom.us/download"])

    def test_fragment_filters_rows_without_a_server(self):
        dom, parser = self.dom("#q=ZOOM&verdict=malicious,suspicious")
        self.assert_inert(dom, parser)
        visible = [i for i, hidden in parser.rows if not hidden]
        self.assertEqual(len(parser.rows), len(self.reports))
        self.assertEqual(len(visible), 1, parser.rows)  # zoom-update only: zoom.us is official
        self.assertEqual("".join(parser.shown), f"Showing 1 of {len(self.reports)}")
        dom, parser = self.dom("#changed=1")
        self.assertEqual(len([1 for _, hidden in parser.rows if not hidden]), 4)

    def test_fragment_sorts_rows_by_score(self):
        dom, parser = self.dom("#sort=score&dir=desc")
        self.assert_inert(dom, parser)
        self.assertRegex(dom, r'<th aria-sort="descending"><button type="button" data-sort="score"')
        scores = {}
        for r in self.reports:
            scores[r["target"]["input"]] = r["score"]
        shown = re.findall(r'<tbody data-i="\d+"[^>]*>.*?<code class="url">([^<]*)</code>', dom, re.S)
        got = [scores[htmllib.unescape(s)] for s in shown]
        self.assertEqual(got, sorted(got, reverse=True))
        self.assertEqual(got[0], 97)


class CrawlHtmlReport(unittest.TestCase):
    """`impostor crawl --format html` end to end: every test-site scenario crawled, the one
    file opened in Chromium, and each URL's row and verdict read back from the DOM."""

    @classmethod
    def setUpClass(cls):
        from loopback_site import site_args, url
        from test_crawl_cli import SCENARIOS
        assert os.path.exists(CHROMIUM), "chromium is not installed: run tools/setup"
        cls.dir = tempfile.mkdtemp(prefix="impostor-crawl-html-")
        cls.expected = {url(host, path): verdict for host, path, verdict in SCENARIOS}
        src = os.path.join(cls.dir, "urls.txt")
        with open(src, "w") as f:
            f.write("\n".join(cls.expected) + "\n")
        cls.html = os.path.join(cls.dir, "crawl.html")
        cls.crawl = subprocess.run([BIN, "crawl", "--input", src, "--format", "html", "--output", cls.html,
                                  *site_args()], capture_output=True, timeout=600)

    @classmethod
    def tearDownClass(cls):
        from loopback_site import Site
        Site.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_every_url_has_its_row_and_verdict(self):
        self.assertEqual(self.crawl.returncode, 1, self.crawl.stderr.decode(errors="replace"))
        profile = tempfile.mkdtemp(dir=self.dir, prefix="profile-")
        dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                              f"--user-data-dir={profile}", "--dump-dom", "file://" + self.html],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=TIMEOUT,
                             check=True).stdout.decode("utf-8")
        self.assertRegex(dom, r'<html[^>]*data-script="ran"')
        counts = {}
        for v in self.expected.values():
            counts[v] = counts.get(v, 0) + 1
        for verdict, n in counts.items():
            self.assertRegex(dom, rf'<li id="count-{verdict}"><b>{n}</b>', verdict)
        rows = re.findall(r'<tbody data-i="\d+"[^>]*>.*?<code class="url">([^<]*)</code>', dom, re.S)
        shown = set(htmllib.unescape(u) for u in rows)
        self.assertEqual(len(rows), len(self.expected))
        self.assertEqual(shown, set(self.expected))


if __name__ == "__main__":
    unittest.main()

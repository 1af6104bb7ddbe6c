"""End-to-end page analysis: `impostor url` against the page scenarios of the loopback test
site (tools/testsite/page_scenarios.py). Each scenario asserts its verdict, its finding ids
and the evidence that matters; the hostile-markup pages assert a report, the limits.page-*
finding of the bound they hit, and a generous bound on peak memory (never on time)."""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from loopback_site import SRC, Site, place, site_args, url
from peak_memory import run_measured

sys.path.insert(0, os.path.join(SRC, "tools", "testsite"))
import page_scenarios as ps  # noqa: E402  (the pages and installers the site serves)

BIN = os.environ.get("IMPOSTOR_BIN", "impostor")
# Peak resident memory a single `impostor url` run may reach on the hostile pages. Measured
# at well under half of this; the bound catches a blow-up (Gumbo's 12 GB), not a regression
# of a few MiB.
PEAK_KIB_BOUND = 512 * 1024
EXIT_BY_VERDICT = {"official": 0, "unknown": 0, "suspicious": 1, "malicious": 1, "error": 2}


# A Zoom installer validly signed by a throwaway CA (tools/fixtures/make-signed-pe, built at
# test time): what the official clone and the off-site mirror serve, trusted with --trust-file.
SIGNED = {}


def setUpModule():
    SIGNED["dir"] = tempfile.mkdtemp(prefix="impostor-signed-pe-")
    r = subprocess.run([os.path.join(SRC, "tools/fixtures/make-signed-pe"), SIGNED["dir"]], capture_output=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    SIGNED["exe"] = os.path.join(SIGNED["dir"], "zoom-signed.exe")
    SIGNED["ca"] = os.path.join(SIGNED["dir"], "ca.pem")
    with open(SIGNED["exe"], "rb") as f:
        SIGNED["sha256"] = hashlib.sha256(f.read()).hexdigest()
    place(ps.SIGNED_INSTALLER, SIGNED["exe"])


def tearDownModule():
    Site.stop()
    shutil.rmtree(SIGNED.get("dir", ""), ignore_errors=True)


def impostor_url(target, *extra, allowlists=None, measure=False, timeout=300):
    """Runs `impostor url` on the test site; returns (exit code, report, finding ids, peak KiB)."""
    cmd = [BIN, "url", target, *extra, *site_args(), "--format", "json"]
    if allowlists:
        cmd += ["--allowlists", allowlists]
    if measure:
        r, peak = run_measured(cmd, timeout=timeout)
    else:
        r, peak = subprocess.run(cmd, capture_output=True, timeout=timeout), None
    err = r.stderr.decode(errors="replace")
    assert r.stdout.strip(), err
    rep = json.loads(r.stdout)
    return r.returncode, rep, {f["id"] for f in rep["findings"]}, peak


def finding(rep, fid):
    return next(f for f in rep["findings"] if f["id"] == fid)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def murmur3_32(data, seed=0):
    """MurmurHash3 x86 32, signed: what Shodan's http.favicon.hash is (of the base64 text)."""
    c1, c2, h, n = 0xCC9E2D51, 0x1B873593, seed, len(data)
    for i in range(0, n - n % 4, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * c1) & 0xFFFFFFFF
        k = ((k << 15) | (k >> 17)) & 0xFFFFFFFF
        h ^= (k * c2) & 0xFFFFFFFF
        h = ((h << 13) | (h >> 19)) & 0xFFFFFFFF
        h = (h * 5 + 0xE6546B64) & 0xFFFFFFFF
    tail, k = data[n - n % 4:], 0
    for i, b in enumerate(tail):
        k |= b << (8 * i)
    if tail:
        k = (k * c1) & 0xFFFFFFFF
        k = ((k << 15) | (k >> 17)) & 0xFFFFFFFF
        h ^= (k * c2) & 0xFFFFFFFF
    h ^= n
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


class FakeDownloadPages(unittest.TestCase):
    """A page posing as the vendor on a lookalike host that hands out an installer: the
    core detection. Each way a kit starts the download is one scenario."""

    def assert_fake_download(self, host, path, vendor, installer, link_kind):
        code, rep, ids = impostor_url(url(host, path))[:3]
        self.assertEqual((code, rep["verdict"], rep["vendor"]), (1, "malicious", vendor), rep["findings"])
        self.assertTrue({"page.brand-impersonation", "page.fake-download", "page.offsite-installer"} <= ids, ids)
        self.assertTrue(ids & {"domain.combosquat", "domain.typo", "domain.brand-in-subdomain"}, ids)
        fake = finding(rep, "page.fake-download")
        self.assertEqual(fake["severity"], "critical")  # on a lookalike host
        ev = fake["evidence"]
        self.assertEqual((ev["vendor"], ev["host"], ev["lookalike_host"]), (vendor, host, True))
        self.assertEqual(len(ev["installers"]), 1, ev)
        offered = ev["installers"][0]
        self.assertTrue(offered["url"].endswith("/files/" + installer), offered)
        self.assertEqual(offered["sha256"], sha256(ps.inert_installer(installer)))
        self.assertEqual(offered["type"], "pe")
        self.assertTrue(ev["claims"] and all(c["snippet"] and c["location"] for c in ev["claims"]), ev["claims"])
        impersonation = finding(rep, "page.brand-impersonation")["evidence"]
        self.assertTrue(any(c["strong"] for c in impersonation["claims"]), impersonation)
        self.assertEqual(finding(rep, "page.offsite-installer")["evidence"]["installer_host"], host)
        # The link the download came through, as the page analysis found it.
        kinds = {d["kind"] for d in rep["page"]["downloads"] if d["url"].endswith("/files/" + installer)}
        self.assertIn(link_kind, kinds, rep["page"]["downloads"])
        artifact = next(a for a in rep["artifacts"] if a.get("final_url", "").endswith("/files/" + installer))
        self.assertEqual(artifact["size"], len(ps.inert_installer(installer)))
        return rep

    def test_zoom_direct_link(self):
        self.assert_fake_download(ps.FAKE_ZOOM, "/", "zoom", "ZoomSetup.exe", "a")

    def test_zoom_location_href_after_a_delay(self):
        rep = self.assert_fake_download(ps.FAKE_ZOOM, "/js", "zoom", "Zoom_launcher.exe", "script-navigation")
        nav = next(link for link in rep["page"]["links"] if link["kind"] == "script-navigation")
        self.assertEqual(nav["via"], "window.location.href")

    def test_zoom_meta_refresh_to_the_installer(self):
        rep = self.assert_fake_download(ps.FAKE_ZOOM, "/refresh", "zoom", "ZoomInstallerFull.exe", "meta-refresh")
        # The refresh is a hop (the browser follows it); the page the victim sees is still judged.
        self.assertEqual(rep["page"]["title"], "Zoom Cloud Meetings - Download")
        self.assertTrue(rep["hops"][-1]["url"].endswith("/files/ZoomInstallerFull.exe"), rep["hops"])
        self.assertNotIn("http.cloaking", {f["id"] for f in rep["findings"]})  # the plain client follows it too

    def test_zoom_refresh_header_to_an_attachment(self):
        # The target has no installer extension: the response (an attachment) makes it a download.
        code, rep, ids, _ = impostor_url(url(ps.FAKE_ZOOM, "/header"))
        self.assertEqual((code, rep["verdict"]), (1, "malicious"), rep["findings"])
        self.assertTrue({"page.brand-impersonation", "page.fake-download"} <= ids, ids)
        self.assertNotIn("http.cloaking", ids)  # the plain client follows the refresh too
        offered = finding(rep, "page.fake-download")["evidence"]["installers"]
        self.assertEqual([o["sha256"] for o in offered], [sha256(ps.inert_installer("ZoomSetup.exe"))])
        self.assertTrue(offered[0]["url"].endswith("/start-download"))
        artifact = next(a for a in rep["artifacts"] if a["url"].endswith("/start-download"))
        self.assertEqual(artifact["reasons"], ["a refresh of the page lands on a file"])
        self.assertEqual(rep["page"]["title"], "Zoom Workplace - Download")

    def test_teams_button_with_onclick(self):
        rep = self.assert_fake_download(ps.FAKE_TEAMS, "/", "microsoft-teams", "MSTeamsSetup.exe", "handler-navigation")
        nav = next(link for link in rep["page"]["links"] if link["kind"] == "handler-navigation")
        self.assertIn("onclick", nav["location"])

    def test_teams_window_open(self):
        rep = self.assert_fake_download(ps.FAKE_TEAMS, "/open", "microsoft-teams", "TeamsSetup_x64.exe",
                                        "script-navigation")
        nav = next(link for link in rep["page"]["links"] if link["kind"] == "script-navigation")
        self.assertEqual(nav["via"], "window.open")

    def test_anydesk_direct_link_with_download_attribute(self):
        rep = self.assert_fake_download(ps.FAKE_ANYDESK, "/", "anydesk", "AnyDesk.exe", "a")
        candidate = next(d for d in rep["page"]["downloads"] if d["url"].endswith("/files/AnyDesk.exe"))
        self.assertIn("download-attribute", candidate["reasons"])

    def test_anydesk_location_replace(self):
        rep = self.assert_fake_download(ps.FAKE_ANYDESK, "/replace", "anydesk", "AnyDesk.exe", "script-navigation")
        nav = next(link for link in rep["page"]["links"] if link["kind"] == "script-navigation")
        self.assertEqual(nav["via"], "location.replace")

    def test_anydesk_hidden_iframe(self):
        self.assert_fake_download(ps.FAKE_ANYDESK, "/frame", "anydesk", "AnyDeskSetup.exe", "iframe")


    def test_posing_page_on_a_host_that_is_no_lookalike(self):
        # Impersonation plus the vendor's own signed file re-hosted, no second strong signal:
        # suspicious (a fake download, not a certain one).
        code, rep, ids, _ = impostor_url(url(ps.PORTAL, "/zoom"), "--trust-file", SIGNED["ca"])
        self.assertEqual((code, rep["verdict"], rep["vendor"]), (1, "suspicious", "zoom"), rep["findings"])
        self.assertTrue({"page.brand-impersonation", "page.fake-download", "page.offsite-installer",
                         "sign.valid-vendor"} <= ids, ids)
        self.assertFalse({i for i in ids if i.startswith("domain.")}, ids)
        fake = finding(rep, "page.fake-download")
        self.assertEqual((fake["severity"], fake["evidence"]["lookalike_host"]), ("high", False))
        self.assertEqual(fake["evidence"]["installers"][0]["sha256"], SIGNED["sha256"])

    def test_posing_page_handing_out_a_flagged_bundle(self):
        # No lookalike host, but the installer carries a miner: the fake download is certain.
        code, rep, ids, _ = impostor_url(url(ps.PORTAL, "/teams"))
        self.assertEqual((code, rep["verdict"], rep["vendor"]), (1, "malicious", "microsoft-teams"), rep["findings"])
        self.assertTrue({"page.fake-download", "yara.miner_xmrig_config"} <= ids, ids)
        fake = finding(rep, "page.fake-download")
        self.assertEqual(fake["severity"], "critical")
        offered = fake["evidence"]["installers"][0]
        self.assertEqual((offered["type"], offered["sha256"]), ("zip", sha256(ps.trojanized_zip())))
        self.assertIn("yara.miner_xmrig_config", offered["findings"])
        miner = finding(rep, "yara.miner_xmrig_config")
        self.assertTrue(miner["location"].endswith("/files/TeamsSetup.zip!/config.json"), miner["location"])


class VendorPages(unittest.TestCase):
    def test_official_clone_serving_its_installer_is_official(self):
        code, rep, ids, _ = impostor_url(url("zoom.us", "/download"), "--trust-file", SIGNED["ca"])
        self.assertEqual((code, rep["verdict"], rep["vendor"]), (0, "official", "zoom"), rep["findings"])
        self.assertTrue({"domain.official", "sign.valid-vendor"} <= ids, ids)
        self.assertFalse({i for i in ids if i.startswith(("page.", "scam."))}, ids)
        artifact = next(a for a in rep["artifacts"] if a.get("final_url", "").endswith("/client/latest/"
                                                                                       "ZoomInstallerFull.exe"))
        self.assertEqual((artifact["sha256"], artifact["type"]), (SIGNED["sha256"], "pe"))
        brand = next(b for b in rep["page"]["brands"] if b["vendor"] == "zoom")
        self.assertTrue(brand["presents_as_vendor"])  # it is the vendor's page, on the vendor's host

    def test_official_page_with_an_offsite_installer(self):
        # The genuine signed file, but from a mirror that is not an official download host.
        code, rep, ids, _ = impostor_url(url("zoom.us", "/offsite"), "--trust-file", SIGNED["ca"])
        self.assertEqual((code, rep["verdict"]), (1, "suspicious"), rep["findings"])
        self.assertTrue({"domain.official", "page.offsite-installer", "sign.valid-vendor"} <= ids, ids)
        self.assertNotIn("page.fake-download", ids)
        self.assertNotIn("page.brand-impersonation", ids)
        ev = finding(rep, "page.offsite-installer")["evidence"]
        self.assertEqual((ev["vendor"], ev["installer_host"]), ("zoom", ps.OFFSITE_MIRROR))
        self.assertIn("zoom.us", ev["official_download_hosts"])
        self.assertTrue(ev["installer_url"].endswith("/dl/ZoomInstallerFull.exe"))

    def test_news_story_mentioning_zoom_stays_unknown(self):
        code, rep, ids, _ = impostor_url(url(ps.NEWS))
        self.assertEqual((code, rep["verdict"]), (0, "unknown"), rep["findings"])
        self.assertFalse({i for i in ids if i.startswith("page.")}, ids)
        zoom = [b for b in rep["page"]["brands"] if b["vendor"] == "zoom"]
        self.assertTrue(all(not b["presents_as_vendor"] for b in zoom), zoom)
        # The link to the vendor's own installer is fetched, and is the vendor's own.
        self.assertTrue(any(a.get("final_url", "").startswith("https://zoom.us:") for a in rep["artifacts"]),
                        rep["artifacts"])

    def test_cloaked_fake_download(self):
        code, rep, ids, _ = impostor_url(url("zoommeeting-app.com"))
        self.assertEqual((code, rep["verdict"]), (1, "malicious"), rep["findings"])
        self.assertTrue({"http.cloaking", "page.fake-download", "page.brand-impersonation"} <= ids, ids)
        ev = finding(rep, "http.cloaking")["evidence"]
        self.assertEqual(ev["as_plain_client"]["title"], "Pancake recipes")
        self.assertIn("Zoom", ev["as_browser"]["title"])


class FaviconClaim(unittest.TestCase):
    """A lookalike whose words never name the vendor, but whose favicon is the vendor's:
    only an allowlist that carries the official favicon hashes sees the claim."""

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="impostor-favicon-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def allowlist_with(self, name, brand_lines):
        root = os.path.join(self.work, name)
        shutil.copytree(os.path.join(SRC, "allowlists"), root)
        path = os.path.join(root, "zoom.toml")
        with open(path) as f:
            text = f.read()
        self.assertIn("[brand]\n", text)
        with open(path, "w") as f:
            f.write(text.replace("[brand]\n", "[brand]\n" + brand_lines, 1))
        check = subprocess.run([BIN, "allowlist", "check", "--allowlists", root], capture_output=True, timeout=60)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        return root

    def test_shipped_allowlist_sees_no_claim(self):
        code, rep, ids, _ = impostor_url(url(ps.FAVICON_LOOKALIKE))
        self.assertNotIn("page.brand-impersonation", ids)
        favicon = rep["page"]["favicon"]
        self.assertEqual(favicon["sha256"], sha256(ps.FAVICON))
        self.assertEqual(favicon["mmh3"], murmur3_32(base64.encodebytes(ps.FAVICON)))

    def test_official_favicon_by_sha256_and_by_mmh3(self):
        for key, value, matched in (
                ("favicon_sha256", f'["{sha256(ps.FAVICON)}"]', "sha256:" + sha256(ps.FAVICON)),
                ("favicon_mmh3", f"[{murmur3_32(base64.encodebytes(ps.FAVICON))}]",
                 f"mmh3:{murmur3_32(base64.encodebytes(ps.FAVICON))}")):
            with self.subTest(key=key):
                root = self.allowlist_with(key, f"{key} = {value}\n")
                code, rep, ids, _ = impostor_url(url(ps.FAVICON_LOOKALIKE), allowlists=root)
                self.assertEqual((code, rep["verdict"], rep["vendor"]), (1, "suspicious", "zoom"), rep["findings"])
                self.assertTrue({"page.brand-impersonation", "domain.combosquat"} <= ids, ids)
                claims = finding(rep, "page.brand-impersonation")["evidence"]["claims"]
                icon = [c for c in claims if c["source"] == "favicon"]
                self.assertEqual(len(icon), 1, claims)
                self.assertEqual((icon[0]["matched"], icon[0]["location"], icon[0]["strong"]), (matched, "favicon", True))


class ScamPages(unittest.TestCase):
    def test_browser_lock_with_phone_number(self):
        code, rep, ids, _ = impostor_url(url(ps.SCAM))
        self.assertEqual((code, rep["verdict"]), (1, "malicious"), rep["findings"])
        self.assertTrue({"scam.browser-lock", "scam.phone-number", "scam.tech-support-page"} <= ids, ids)
        self.assertEqual(finding(rep, "scam.tech-support-page")["severity"], "critical")
        self.assertEqual(finding(rep, "scam.browser-lock")["severity"], "high")
        phone = json.dumps(finding(rep, "scam.phone-number")["evidence"], ensure_ascii=False)
        self.assertIn("555-0142", phone)
        lock = json.dumps(finding(rep, "scam.browser-lock")["evidence"])
        for technique in ("fullscreen", "beforeunload"):
            self.assertIn(technique, lock.lower())

    def test_kit_writing_the_phone_number_from_its_url(self):
        code, rep, ids, _ = impostor_url(url(ps.SCAM, "/kit?phone=%2B1-888-555-0199"))
        self.assertEqual((code, rep["verdict"]), (1, "malicious"), rep["findings"])
        self.assertTrue({"scam.phone-number", "scam.fake-system-screen", "scam.tech-support-page",
                         "yara.web_scam_kit_phone_from_url"} <= ids, ids)
        from_url = [i for i in finding(rep, "scam.phone-number")["evidence"]["instances"]
                    if i["digits"] == "+18885550199"]
        self.assertEqual(len(from_url), 1)
        self.assertIn("URL query", from_url[0]["location"])

    def test_japanese_scam_in_shift_jis(self):
        code, rep, ids, _ = impostor_url(url(ps.SCAM_JA))
        self.assertEqual((code, rep["verdict"]), (1, "malicious"), rep["findings"])
        self.assertTrue({"scam.phone-number", "scam.tech-support-page"} <= ids, ids)
        self.assertEqual(rep["page"]["charset"]["name"].lower().replace("-", "_"), "shift_jis")
        self.assertEqual(rep["page"]["title"], "Windows \u30bb\u30ad\u30e5\u30ea\u30c6\u30a3\u8b66\u544a")
        phone = json.dumps(finding(rep, "scam.phone-number")["evidence"], ensure_ascii=False)
        self.assertIn("\u96fb\u8a71", phone)  # 電話, quoted beside the number


class HostileMarkup(unittest.TestCase):
    """Bad input served by the site and read through `impostor url`: a report every time,
    the limits.page-* finding of the bound that was hit, and bounded peak memory."""

    def stress(self, path, *extra):
        code, rep, ids, peak = impostor_url(url(ps.STRESS, path), *extra, measure=True)
        self.assertNotEqual(rep["verdict"], "error", rep)
        self.assertEqual(code, EXIT_BY_VERDICT[rep["verdict"]], rep["findings"])
        self.assertEqual(rep["hops"][0]["status"], 200)
        self.assertIn("page", rep)
        self.assertLess(peak, PEAK_KIB_BOUND)
        return rep, ids

    def test_unclosed_tags(self):
        rep, ids = self.stress("/unclosed")
        self.assertIn("limits.page-nesting", ids)
        ev = finding(rep, "limits.page-nesting")["evidence"]
        self.assertGreater(ev["dropped_start_tags"], 0)
        self.assertEqual(rep["page"]["title"], "Unclosed tags")

    def test_hundred_thousand_nested_elements(self):
        rep, ids = self.stress("/nested")
        ev = finding(rep, "limits.page-nesting")["evidence"]
        self.assertGreaterEqual(ev["dropped_start_tags"], 100_000 - 512)
        self.assertEqual(ev["cap"], 512)

    def test_five_mebibyte_single_line(self):
        rep, ids = self.stress("/longline")
        self.assertIn("limits.page-text", ids)
        self.assertNotIn("limits.page-input", ids)  # it fits the input cap
        self.assertEqual(rep["page"]["title"], "One long line")

    def test_page_beyond_the_input_cap(self):
        rep, ids = self.stress("/oversize")
        self.assertTrue(rep["hops"][0]["body_truncated"])
        ev = finding(rep, "limits.page-input")["evidence"]
        self.assertEqual(ev["cap"], 5 << 20)
        self.assertTrue(ev["cut_by"].startswith("fetcher"), ev)
        if rep["page"]:  # the fetcher kept the first 5 MiB: they were analysed
            self.assertEqual((ev["input_bytes"], rep["page"]["title"]), (5 << 20, "Six mebibytes"))
        else:  # the fetcher refused the declared length outright: the finding says nothing was read
            self.assertEqual((ev["input_bytes"], ev["content_length"]), (0, str(len(ps.stress_body("/oversize")[1]))))

    def test_streamed_page_beyond_the_input_cap(self):
        # No Content-Length: the fetcher keeps the first 5 MiB and the page analysis says so.
        rep, ids = self.stress("/oversize-streamed")
        self.assertTrue(rep["hops"][0]["body_truncated"])
        self.assertEqual(rep["hops"][0]["body_bytes"], 5 << 20)
        ev = finding(rep, "limits.page-input")["evidence"]
        self.assertEqual((ev["input_bytes"], ev["cap"]), (5 << 20, 5 << 20))
        self.assertTrue(ev["cut_by"].startswith("fetcher"), ev)
        self.assertEqual(rep["page"]["title"], "Six mebibytes")

    def test_nul_bytes(self):
        rep, ids = self.stress("/nul")
        self.assertGreater(rep["page"]["charset"]["nul_characters"], 0)
        self.assertNotIn("\0", json.dumps(rep["page"]["title"]))
        self.assertIn("NUL", rep["page"]["title"])

    def test_utf16_pages(self):
        for path in ("/utf16le", "/utf16be"):
            with self.subTest(path=path):
                rep, ids = self.stress(path)
                self.assertEqual(rep["page"]["title"], "T\u00e9l\u00e9chargement \u4e0b\u8f7d")
                self.assertTrue(rep["page"]["charset"]["name"].lower().startswith("utf-16"), rep["page"]["charset"])

    def test_shift_jis_declared_in_markup_with_a_cut_sequence(self):
        rep, ids = self.stress("/sjis")
        self.assertEqual(rep["page"]["title"], "\u30c0\u30a6\u30f3\u30ed\u30fc\u30c9")
        self.assertGreaterEqual(rep["page"]["charset"]["replaced"], 1)

    def test_hundred_thousand_links(self):
        rep, ids = self.stress("/links")
        ev = finding(rep, "limits.page-links")["evidence"]
        self.assertEqual((ev["links_seen"], ev["links_kept"], ev["cap"]), (100_000, 10_000, 10_000))
        self.assertEqual(rep["page"]["counts"]["links_dropped"], 90_000)

    def test_data_and_javascript_urls_are_never_fetched(self):
        rep, ids = self.stress("/schemes")
        fetched = [h["url"] for h in rep["hops"]] + [a.get("url", "") for a in rep["artifacts"]]
        self.assertFalse([u for u in fetched if u.lower().startswith(("data:", "javascript:", "vbscript:"))],
                         fetched)
        inline = [d for d in rep["page"]["downloads"] if d["url"].startswith("data:")]
        self.assertTrue(inline and all(not d["fetchable"] and "data-url" in d["reasons"] for d in inline), inline)
        # The navigation inside a javascript: URL is a link of its own, and that one is fetched.
        self.assertTrue(any(a.get("final_url", "").endswith("/files/ZoomSetup.exe") for a in rep["artifacts"]),
                        rep["artifacts"])


if __name__ == "__main__":
    unittest.main()

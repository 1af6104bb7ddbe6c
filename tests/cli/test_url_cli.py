"""End-to-end tests of `impostor url` against tools/testsite/testsite.py on loopback:
HTTPS with a throwaway CA made at test time, real-looking names pinned with --resolve."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

BIN = os.environ.get("IMPOSTOR_BIN", "impostor")


from loopback_site import Site, site_args, url
from peak_memory import run_measured


def tearDownModule():
    Site.stop()


def run(*args, timeout=120, site=True, env=None, **kw):
    extra = site_args(**kw) if site else []
    r = subprocess.run([BIN, "url", *args, *extra, "--format", "json"], capture_output=True, timeout=timeout, env=env)
    reports = json.loads(r.stdout) if r.stdout.strip() else []
    if isinstance(reports, dict):  # --format json prints one object for one input
        reports = [reports]
    return r.returncode, reports, r.stderr.decode(errors="replace")


def one(*args, **kw):
    code, reports, err = run(*args, **kw)
    assert len(reports) == 1, (len(reports), err)
    rep = reports[0]
    return code, rep, {f["id"] for f in rep["findings"]}


def finding(rep, fid):
    return next(f for f in rep["findings"] if f["id"] == fid)


class Scenarios(unittest.TestCase):
    def test_official_clone_is_official_with_every_hop_and_certificate_recorded(self):
        code, rep, ids = one(url("zoom.us", "/www"))
        self.assertEqual((code, rep["verdict"]), (0, "official"), rep)
        self.assertEqual(rep["schema"], "impostor.report/1")
        self.assertEqual([h["status"] for h in rep["hops"]], [302, 200])
        hop = rep["hops"][1]
        self.assertEqual(hop["ip"], "127.0.0.1")
        self.assertEqual(hop["headers"]["content-type"], "text/html; charset=utf-8")
        tls = hop["tls"]
        self.assertTrue(tls["verified"])
        self.assertTrue(tls["version"].startswith("TLSv1."))
        leaf = tls["chain"][0]
        self.assertIn("www.zoom.us", leaf["dns_names"])
        self.assertEqual(leaf["organization"], "Zoom Video Communications, Inc.")
        self.assertEqual(len(leaf["sha256"]), 64)
        self.assertEqual(len(leaf["spki_sha256"]), 64)
        self.assertEqual(leaf["key"]["type"], "EC")
        self.assertGreaterEqual(leaf["age_days"], 199)
        self.assertIn("total", hop["timings_ms"])

    def test_official_clone_without_its_ca_is_not_official(self):
        code, rep, ids = one(url("zoom.us"), trust=False)
        self.assertIn("tls.invalid", ids)
        self.assertEqual(finding(rep, "tls.invalid")["severity"], "high")
        self.assertNotEqual(rep["verdict"], "official")
        self.assertEqual(code, 1)

    def test_system_roots_are_found_by_hash_in_the_certificate_directory(self):
        # Without --ca-file the system store is used: roots looked up by subject hash in
        # SSL_CERT_DIR, or the bundle named by SSL_CERT_FILE when that is set.
        from loopback_site import Site
        ca = Site.start()["ca_file"]
        subject_hash = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", ca], capture_output=True,
                                      text=True, check=True).stdout.strip()
        with tempfile.TemporaryDirectory() as hashed, tempfile.TemporaryDirectory() as empty:
            shutil.copy(ca, os.path.join(hashed, subject_hash + ".0"))
            env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
            for label, extra in (("directory", {"SSL_CERT_DIR": hashed}),
                                 ("bundle file", {"SSL_CERT_DIR": empty, "SSL_CERT_FILE": ca})):
                with self.subTest(label):
                    code, rep, ids = one(url("zoom.us", "/www"), trust=False, env={**env, **extra})
                    self.assertTrue(rep["hops"][-1]["tls"]["verified"], rep["hops"][-1]["tls"])
                    self.assertEqual((code, rep["verdict"]), (0, "official"), ids)
            code, rep, ids = one(url("zoom.us", "/www"), trust=False, env={**env, "SSL_CERT_DIR": empty})
            self.assertIn("tls.invalid", ids)

    def test_lookalike_with_fresh_certificate(self):
        code, rep, ids = one(url("zoom-us-download.com"))
        self.assertEqual((code, rep["verdict"], rep["vendor"]), (1, "malicious", "zoom"))
        self.assertIn("domain.combosquat", ids)
        self.assertIn("tls.fresh-certificate", ids)
        self.assertLessEqual(finding(rep, "tls.fresh-certificate")["evidence"]["age_days"], 3)

    def test_redirect_loop_is_detected(self):
        code, rep, ids = one(url("zoom-us-download.com", "/loop"))
        self.assertIn("http.redirect-loop", ids)
        self.assertEqual(len(rep["hops"]), 2)
        self.assertTrue(finding(rep, "http.redirect-loop")["evidence"]["not_followed"].endswith("/loop"))

    def test_twelve_redirects_stop_after_ten(self):
        code, rep, ids = one(url("zoom-us-download.com", "/hops/12"))
        self.assertIn("http.too-many-redirects", ids)
        self.assertEqual(len(rep["hops"]), 11)  # the first request and ten redirects

    def test_https_to_http_downgrade(self):
        code, rep, ids = one(url("zoom-us-download.com", "/downgrade"))
        self.assertIn("http.downgrade", ids)
        self.assertTrue(rep["hops"][-1]["url"].startswith("http://zoom-install.info:"))
        self.assertEqual(rep["hops"][-1]["status"], 200)
        self.assertNotIn("tls", rep["hops"][-1])

    def test_official_redirecting_to_lookalike(self):
        code, rep, ids = one(url("zoom.us", "/go"))
        self.assertTrue({"http.offsite-redirect", "http.redirect-to-lookalike", "domain.official"} <= ids, ids)
        self.assertEqual(rep["verdict"], "malicious")  # it lands on a fake download page

    def test_cloaked_site_shows_both_views(self):
        code, rep, ids = one(url("zoommeeting-app.com"))
        self.assertIn("http.cloaking", ids)
        ev = finding(rep, "http.cloaking")["evidence"]
        self.assertIn("content", ev["differences"])
        self.assertIn("Download Zoom", ev["as_browser"]["title"])
        self.assertEqual(ev["as_plain_client"]["title"], "Pancake recipes")

    def test_bad_certificates_are_recorded_and_judged(self):
        for host, reason in (("zoom-update-secure.com", "expired"), ("teams-download-center.com", "mismatch"),
                             ("anydesk-free-download.net", "self-signed")):
            with self.subTest(host=host):
                code, rep, ids = one(url(host))
                self.assertIn("tls.invalid", ids)
                self.assertIn(reason, finding(rep, "tls.invalid")["evidence"]["verify_error"])
                self.assertEqual(rep["hops"][0]["status"], 200)  # fetched and judged, not aborted

    def test_certificate_naming_several_brands(self):
        code, rep, ids = one(url("meeting-apps-download.com"))
        self.assertIn("tls.multi-brand", ids)
        self.assertTrue({"zoom", "microsoft-teams", "anydesk"} <= set(finding(rep, "tls.multi-brand")["evidence"]["brands"]))

    def test_unrelated_site_stays_unknown(self):
        code, rep, ids = one(url("photo-lens-review.com"))
        self.assertEqual((code, rep["verdict"]), (0, "unknown"), rep["findings"])

    def test_not_found_is_recorded(self):
        code, rep, ids = one(url("zoom-us-download.com", "/notfound"))
        self.assertIn("http.error", ids)
        self.assertEqual(rep["hops"][0]["status"], 404)


class Http2(unittest.TestCase):
    """HTTP/2 through Debian's nginx on loopback, with a certificate from the test CA."""

    def test_http2_is_negotiated_and_recorded(self):
        info = Site.start()
        work = tempfile.mkdtemp(prefix="impostor-nginx-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        ca_dir = os.path.dirname(info["ca_file"])
        with open(os.path.join(work, "index.html"), "w") as f:
            f.write("<title>Zoom</title>")
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""daemon off; master_process off; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 64; }}
http {{ access_log off; client_body_temp_path {work}; proxy_temp_path {work}; fastcgi_temp_path {work};
  uwsgi_temp_path {work}; scgi_temp_path {work};
  server {{ listen 127.0.0.1:{port} ssl http2; server_name zoom.us;
    ssl_certificate {ca_dir}/official.crt; ssl_certificate_key {ca_dir}/official.key; root {work}; }} }}
""")
        nginx = subprocess.Popen(["nginx", "-c", conf, "-p", work], stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.05)
            code, rep, ids = one(f"https://zoom.us:{port}/", "--resolve", f"zoom.us:{port}:127.0.0.1", "--ca-file",
                                 info["ca_file"], "--allow-private-addresses", site=False)
            hop = rep["hops"][0]
            self.assertEqual((hop["http_version"], hop["tls"]["alpn"]), ("2", "h2"))
            self.assertEqual(rep["verdict"], "official")
        finally:
            nginx.kill()
            nginx.wait()
            shutil.rmtree(work, ignore_errors=True)


class Hostile(unittest.TestCase):
    def test_one_byte_per_second_drip_stops_at_the_timeout(self):
        code, rep, ids = one(url("zoom-us-download.com", "/drip"), "--timeout", "3", "--no-cloaking-probe",
                             timeout=60)
        self.assertIn("http.error", ids)
        self.assertIn("timed out", finding(rep, "http.error")["evidence"]["error"].lower())

    def test_endless_body_is_cut_at_the_page_cap_with_bounded_memory(self):
        info = Site.start()
        cmd = [BIN, "url", url("zoom-us-download.com", "/endless"), "--max-page-bytes", "1048576",
               "--no-cloaking-probe", "--format", "json", *site_args()]
        r, peak_kib = run_measured(cmd, timeout=120)
        rep = json.loads(r.stdout)
        self.assertEqual(rep["hops"][0]["body_bytes"], 1048576)
        self.assertTrue(rep["hops"][0]["body_truncated"])
        self.assertLess(peak_kib, 200 * 1024)
        self.assertTrue(info)

    def test_gzip_bomb_is_decoded_only_up_to_the_page_cap(self):
        cmd = [BIN, "url", url("zoom-us-download.com", "/gzipbomb"), "--max-page-bytes", "1048576",
               "--no-cloaking-probe", "--format", "json", *site_args()]
        r, peak_kib = run_measured(cmd, timeout=120)
        hop = json.loads(r.stdout)["hops"][0]
        self.assertEqual(hop["headers"]["content-encoding"], "gzip")
        self.assertEqual(hop["body_bytes"], 1048576)
        self.assertTrue(hop["body_truncated"])
        self.assertLess(peak_kib, 200 * 1024)

    def test_a_mebibyte_of_headers_is_refused(self):
        code, rep, ids = one(url("zoom-us-download.com", "/bigheaders"), "--no-cloaking-probe")
        self.assertIn("exceed", finding(rep, "http.error")["evidence"]["error"])

    def test_connection_reset(self):
        code, rep, ids = one(url("zoom-us-download.com", "/reset"), "--no-cloaking-probe")
        self.assertIn("http.error", ids)
        self.assertEqual(rep["hops"][0]["status"], 0)
        self.assertEqual(code, 1 if rep["verdict"] == "suspicious" else 2)

    def test_unsupported_schemes_are_refused_before_any_io(self):
        for u in ("file:///etc/passwd", "ftp://zoom.us/x", "data:text/html,<b>x</b>", "javascript:alert(1)",
                  "gopher://zoom.us/"):
            with self.subTest(url=u):
                code, reports, err = run(u, site=False)
                self.assertEqual(code, 2)
                self.assertEqual(reports[0]["verdict"], "error")
                self.assertIn("unsupported scheme", reports[0]["errors"][0])
                self.assertEqual(reports[0]["hops"], [])

    def test_private_addresses_are_refused_in_every_spelling(self):
        for u in ("http://127.0.0.1:9/", "http://0x7f.1:9/", "http://017700000001:9/", "http://2130706433:9/",
                  "http://127.1:9/", "http://[::1]:9/", "http://[::ffff:127.0.0.1]:9/", "http://169.254.169.254/",
                  "http://10.0.0.1/", "http://[fe80::1]/", "http://100.64.0.1/", "http://0.0.0.0:9/"):
            with self.subTest(url=u):
                code, reports, err = run(u, "--timeout", "5", site=False)
                self.assertEqual(code, 2)
                self.assertIn("refused", reports[0]["errors"][0])
                self.assertEqual(reports[0]["hops"][0]["status"], 0)

    def test_a_name_pinned_to_a_private_address_is_refused_without_the_flag(self):
        code, rep, ids = one(url("zoom-us-download.com"), private=False)
        self.assertEqual(code, 1)  # the lookalike name is still judged
        self.assertIn("loopback", rep["errors"][0])
        self.assertIn("domain.combosquat", ids)

    def test_malformed_long_idn_and_userinfo_urls(self):
        long_url = url("zoom-us-download.com", "/" + "a" * 8192)
        code, rep, ids = one(long_url, "--no-cloaking-probe")
        self.assertEqual(rep["hops"][0]["status"], 200)
        code, rep, ids = one("https://zoom.us@zoom-us-download.com:%d/" % Site.start()["https_port"],
                             "--no-cloaking-probe")
        self.assertIn("domain.userinfo-trick", ids)
        self.assertNotIn("authorization", json.dumps(rep["hops"]).lower())
        for bad in ("http://", "https://exa mple.com/", "http://[::1/", "https://%zz%/", "http://a..b/"):
            with self.subTest(url=bad):
                code, reports, err = run(bad, "--timeout", "5", site=False)
                self.assertEqual(code, 2, reports)
                self.assertTrue(reports[0]["errors"])
        code, rep, ids = one("https://xn--zom-8ma.us/", "--timeout", "5", site=False)
        self.assertEqual(code, 2)

    def test_unreachable_host_and_dns_failure(self):
        code, rep, ids = one("https://zoom-us-download.com:1/", "--resolve", "zoom-us-download.com:1:127.0.0.1",
                             "--allow-private-addresses", "--timeout", "5", site=False)
        self.assertIn("http.error", ids)
        code, reports, err = run("https://no-such-host.invalid/", "--timeout", "5", site=False)
        self.assertEqual(code, 2)
        self.assertIn("DNS", reports[0]["errors"][0])


if __name__ == "__main__":
    unittest.main()

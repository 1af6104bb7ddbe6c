"""End-to-end tests of `impostor crawl` and `impostor history` on the loopback test sites:
mixed scenarios, kill -9 and resume, new/changed/same across scans, hostile inputs and
databases."""
import http.client
import json
import os
import resource
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

from loopback_site import Site, site_args, url
from peak_memory import run_measured

BIN = os.environ.get("IMPOSTOR_BIN", "impostor")
LOOKALIKE = "zoom-us-download.com"

# Scenario path/host -> the verdict every URL of it must get.
SCENARIOS = [
    ("zoom.us", "/", "official"),
    ("zoom-us-download.com", "/", "malicious"),
    ("zoommeeting-app.com", "/", "malicious"),
    ("zoom-update-secure.com", "/", "malicious"),
    ("meeting-apps-download.com", "/", "malicious"),
    ("zoom-us-download.com", "/notfound", "suspicious"),
    ("photo-lens-review.com", "/", "unknown"),
    ("photo-lens-review.com", "/notfound", "unknown"),
    ("zoom.us", "/go", "malicious"),
]


def tearDownModule():
    Site.stop()


def crawl(path, *extra, timeout=600, preexec=None):
    return subprocess.run([BIN, "crawl", "--input", path, *site_args(), *extra], capture_output=True,
                          timeout=timeout, preexec_fn=preexec)


def done_before_resume(db):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT COUNT(*) FROM results").fetchone()[0]


def fetch_text(host, path):
    """A test-site answer read directly (plain HTTP on loopback, Host header set)."""
    conn = http.client.HTTPConnection("127.0.0.1", Site.start()["http_port"], timeout=10)
    try:
        conn.request("GET", path, headers={"Host": host})
        return conn.getresponse().read().decode()
    finally:
        conn.close()


def results(stdout):
    return [json.loads(line) for line in stdout.decode().splitlines() if line.strip()]


class Crawl(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="impostor-crawl-")
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def write(self, name, lines):
        with open(self.path(name), "w") as f:
            f.write("\n".join(lines) + "\n")
        return self.path(name)

    def test_500_urls_mixing_every_scenario_get_their_verdicts(self):
        expected = {}
        lines = ["# search results for 'zoom download'"]
        for i in range(500):
            host, path, verdict = SCENARIOS[i % len(SCENARIOS)]
            u = url(host, path) + ("&" if "?" in path else "?") + f"n={i}"
            expected[u] = verdict
            if i % 2:
                lines.append(json.dumps({"url": u, "query": "zoom download", "rank": i, "source": "ad"}))
            else:
                lines.append(u)
            if i % 50 == 0:
                lines.append(u)  # duplicates are scanned once
        lines += ["not a url at all", "{\"json\": true}", ""]
        r = crawl(self.write("urls.txt", lines), "--concurrency", "32", "--per-host", "8")
        got = results(r.stdout)
        self.assertEqual(r.returncode, 1, r.stderr[-2000:])
        self.assertEqual(len(got), 500)
        by_url = {g["target"]["input"]: g for g in got}
        self.assertEqual(set(by_url), set(expected))
        wrong = {u: (by_url[u]["verdict"], v) for u, v in expected.items() if by_url[u]["verdict"] != v}
        self.assertEqual(wrong, {})
        ad = next(g for g in got if g["target"].get("source") == "ad")
        self.assertEqual(ad["target"]["query"], "zoom download")
        self.assertIn(b"2 junk input line(s) skipped", r.stderr)

    def test_killed_crawl_resumes_with_exactly_one_result_per_url(self):
        urls = [url("photo-lens-review.com", f"/slow?n={i}") for i in range(150)]
        src = self.write("slow.txt", urls)
        db = self.path("scans.sqlite")
        cmd = [BIN, "crawl", "--input", src, "--db", db, "--concurrency", "8", "--no-cloaking-probe", *site_args()]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        done = 0
        while time.time() < deadline and done < 30:
            time.sleep(0.1)
            try:
                with sqlite3.connect(db, timeout=5) as c:
                    done = c.execute("SELECT COUNT(*) FROM results").fetchone()[0]
            except sqlite3.Error:
                pass
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.assertGreaterEqual(done, 30)
        committed = done_before_resume(db)
        self.assertLess(committed, 150)
        r = subprocess.run(cmd + ["--resume", "--format", "jsonl"], capture_output=True, timeout=600)
        self.assertEqual(len(results(r.stdout)), 150 - committed)
        self.assertEqual(r.returncode, 0, r.stderr)
        with sqlite3.connect(db) as c:
            scans = c.execute("SELECT id, finished_at FROM scans ORDER BY id").fetchall()
            first = scans[0][0]
            rows = c.execute("SELECT url, COUNT(*) FROM results WHERE scan_id=? GROUP BY url", (first,)).fetchall()
        self.assertIsNotNone(scans[0][1])
        self.assertEqual(len(rows), 150)
        self.assertTrue(all(n == 1 for _, n in rows))
        self.assertIn(b"already done", r.stderr)

    def test_second_scan_marks_new_changed_and_same(self):
        state = os.path.join(Site.start()["workdir"], "mutable.state")
        mutable = url("photo-lens-review.com", "/mutable")
        steady = url("zoom-us-download.com", "/")
        db = self.path("history.sqlite")
        src = self.write("two.txt", [mutable, steady])
        with open(state, "w") as f:
            f.write("benign")
        first = {g["target"]["input"]: g for g in results(crawl(src, "--db", db).stdout)}
        self.assertEqual({g["target"]["change"] for g in first.values()}, {"new"})
        with open(state, "w") as f:
            f.write("fake")
        later = url("zoom-update-secure.com", "/")
        src = self.write("two.txt", [mutable, steady, later])
        second = {g["target"]["input"]: g for g in results(crawl(src, "--db", db).stdout)}
        self.assertEqual(second[mutable]["target"]["change"], "changed")
        self.assertEqual(second[steady]["target"]["change"], "same")
        self.assertEqual(second[later]["target"]["change"], "new")
        listing = subprocess.run([BIN, "history", "--db", db, "--format", "jsonl"], capture_output=True, check=True)
        scans = results(listing.stdout)
        self.assertEqual([s["results"] for s in scans], [3, 2])
        diff = subprocess.run([BIN, "history", "--db", db, "--diff", str(scans[1]["scan"]), str(scans[0]["scan"]),
                               "--format", "jsonl"], capture_output=True, check=True)
        rows = {d["url"]: d for d in results(diff.stdout)}
        self.assertIn(later, rows)
        self.assertEqual(rows[later]["before"], "")
        self.assertTrue(any(f.startswith("http.redirect-to-lookalike@") for f in rows[mutable]["findings_added"]), rows)
        self.assertEqual((rows[mutable]["before"], rows[mutable]["after"]), ("unknown", "malicious"))
        self.assertNotIn(steady, rows)

    def test_shards_split_the_list_without_overlap(self):
        urls = [url("photo-lens-review.com", f"/?s={i}") for i in range(40)]
        src = self.write("shard.txt", urls)
        seen = []
        for i in range(3):
            r = crawl(src, "--shard", f"{i}/3", "--no-cloaking-probe")
            seen += [g["target"]["input"] for g in results(r.stdout)]
            self.assertEqual({g["target"]["shard"] for g in results(r.stdout)}, {f"{i}/3"})
        self.assertEqual(sorted(seen), sorted(urls))
        for bad in ("3/3", "1", "a/b", "1/0", "-1/2"):
            with self.subTest(shard=bad):
                self.assertEqual(crawl(src, "--shard", bad).returncode, 2)


class SharedDownloads(unittest.TestCase):
    """A site links one payload from page after page: a crawl fetches it once per site."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def count(self, token):
        return int(fetch_text(LOOKALIKE, f"/counted/{token}/count"))

    def run_pages(self, token, hosts, *extra):
        path = os.path.join(self.tmp.name, token + ".txt")
        with open(path, "w") as f:
            for host in hosts:
                for i in range(4):
                    f.write(url(host, f"/counted/{token}/page?n={i}") + "\n")
        run = crawl(path, "--concurrency", "8", *extra)
        self.assertIn(run.returncode, (0, 1), run.stderr.decode())
        return results(run.stdout)

    def downloads(self, rows):
        return [a for r in rows for a in r["artifacts"] if a.get("kind") == "download"]

    def test_one_fetch_per_site_and_each_page_keeps_the_answer(self):
        rows = self.run_pages("once", [LOOKALIKE])
        self.assertEqual(len(rows), 4)
        self.assertEqual(self.count("once"), 1)
        got = self.downloads(rows)
        self.assertEqual(len(got), 4)
        self.assertEqual(len({a["sha256"] for a in got}), 1)
        shared = [a for a in got if "fetched_for" in a]
        self.assertEqual(len(shared), 3)  # the other three say whose fetch they show
        pages = {r["target"]["url"] for r in rows}
        self.assertTrue(all(a["fetched_for"] in pages for a in shared))
        self.assertTrue(all(a["found_at"] and a["reasons"] for a in got))
        # Every page's report has the download's findings and hop findings, not only the first.
        verdicts = {r["verdict"] for r in rows}
        self.assertEqual(len(verdicts), 1, verdicts)
        finding_sets = {tuple(sorted(f["id"] for f in r["findings"])) for r in rows}
        self.assertEqual(len(finding_sets), 1, finding_sets)

    def test_another_site_linking_the_same_url_fetches_it_itself(self):
        rows = self.run_pages("two", [LOOKALIKE, "meeting-apps-download.com"])
        self.assertEqual(len(rows), 8)
        self.assertEqual(self.count("two"), 2)

    def test_a_shared_answer_keeps_its_own_hop_findings(self):
        # One page fetches two downloads from the lookalike host; a page of another site
        # then takes the second from the memo: it must still carry that host's certificate
        # findings, as a fetch of its own would.
        path = os.path.join(self.tmp.name, "pair.txt")
        with open(path, "w") as f:
            f.write(url("meeting-apps-download.com", "/counted/pair/pair") + "\n")
            f.write(url("meeting-apps-download.com", "/counted/pair/other-page") + "\n")
        run = crawl(path, "--concurrency", "1")
        rows = {r["target"]["url"].rsplit("/", 1)[1]: r for r in results(run.stdout)}
        shared = [a for a in self.downloads([rows["other-page"]]) if "fetched_for" in a]
        self.assertEqual(len(shared), 1)
        at_lookalike = lambda r: {f["id"] for f in r["findings"] if f["location"] == LOOKALIKE}
        self.assertTrue(any(i.startswith("tls.") for i in at_lookalike(rows["pair"])), rows["pair"]["findings"])
        self.assertEqual(at_lookalike(rows["other-page"]), at_lookalike(rows["pair"]))

    def test_fetch_every_download(self):
        rows = self.run_pages("every", [LOOKALIKE], "--fetch-every-download")
        self.assertEqual(self.count("every"), 4)
        self.assertFalse(any("fetched_for" in a for a in self.downloads(rows)))


class SharedProbes(unittest.TestCase):
    """Search results hold one landing page many times over, with another click id each
    time: a crawl probes it for cloaking once, and every URL of it keeps the finding."""

    CLOAKED = "zoommeeting-app.com"

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def probes(self, token):
        return int(fetch_text(self.CLOAKED, f"/cloaked/{token}/count"))

    def run_urls(self, token, leaf, *extra, count=6):
        path = os.path.join(self.tmp.name, token + ".txt")
        urls = [url(self.CLOAKED, f"/cloaked/{token}/{leaf}?gclid={i}") for i in range(count)]
        with open(path, "w") as f:
            f.write("\n".join(urls) + "\n")
        run = crawl(path, "--concurrency", "4", "--per-host", "2", *extra)
        self.assertEqual(run.returncode, 1, run.stderr.decode())
        rows = {r["target"]["input"]: r for r in results(run.stdout)}
        self.assertEqual(set(rows), set(urls))
        cloaking = {}
        for u, r in rows.items():
            found = [f for f in r["findings"] if f["id"] == "http.cloaking"]
            self.assertEqual(len(found), 1, (u, r["findings"]))
            self.assertIn("content", found[0]["evidence"]["differences"])
            self.assertEqual(found[0]["evidence"]["as_plain_client"]["title"], "Pancake recipes")
            cloaking[r["target"]["url"]] = found[0]
        return cloaking

    def test_one_probe_for_the_urls_of_one_page(self):
        found = self.run_urls("same", "page")
        self.assertEqual(self.probes("same"), 1)
        probed = [u for u, f in found.items() if "probed_url" not in f["evidence"]]
        self.assertEqual(len(probed), 1, found)  # the URL whose probe the others share
        for u, f in found.items():
            if u != probed[0]:
                self.assertEqual(f["evidence"]["probed_url"], probed[0])
                self.assertIn("seen probing " + probed[0], f["summary"])
                self.assertEqual(f["evidence"]["as_browser"]["final_url"], u)  # its own browser view

    def test_a_query_that_changes_the_page_is_probed_for_itself(self):
        found = self.run_urls("echo", "echo")
        self.assertEqual(self.probes("echo"), 6)
        self.assertFalse(any("probed_url" in f["evidence"] for f in found.values()))

    def test_probe_every_url(self):
        found = self.run_urls("every", "page", "--probe-every-url")
        self.assertEqual(self.probes("every"), 6)
        self.assertFalse(any("probed_url" in f["evidence"] for f in found.values()))


class HostileInput(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="impostor-crawl-")
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def test_a_million_lines_of_junk_and_duplicates_in_bounded_memory(self):
        good = [url("photo-lens-review.com", f"/?j={i}") for i in range(20)]
        src = self.path("million.txt")
        with open(src, "w") as f:
            for i in range(1_000_000):
                k = i % 10
                if k < 6:
                    f.write(f"junk line {i} \x01\n")
                elif k < 8:
                    f.write('{"url": 42}\n' if i % 3 else "{broken json\n")
                else:
                    f.write(good[(i // 10) % 20] + "\n")
        r, peak_kib = run_measured([BIN, "crawl", "--input", src, "--no-cloaking-probe", *site_args()], timeout=600)
        got = [json.loads(line) for line in r.stdout.decode().splitlines()]
        self.assertEqual(sorted(g["target"]["input"] for g in got), sorted(good))
        self.assertIn(b"800000 junk input line(s) skipped", r.stderr)
        self.assertLess(peak_kib, 512 * 1024)

    def src(self):
        p = self.path("one.txt")
        with open(p, "w") as f:
            f.write(url("photo-lens-review.com") + "\n")
        return p

    def test_corrupt_database(self):
        db = self.path("corrupt.sqlite")
        with open(db, "wb") as f:
            f.write(os.urandom(8192))
        r = crawl(self.src(), "--db", db)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"not a database", r.stderr)

    def test_database_from_a_newer_schema(self):
        db = self.path("newer.sqlite")
        with sqlite3.connect(db) as c:
            c.execute("PRAGMA user_version=99")
        r = crawl(self.src(), "--db", db)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"newer", r.stderr)

    def test_read_only_database(self):
        db = self.path("ro.sqlite")
        self.assertEqual(crawl(self.src(), "--db", db).returncode, 0)
        os.chmod(db, 0o444)
        os.chmod(self.dir.name, 0o555)
        self.addCleanup(os.chmod, self.dir.name, 0o755)

        def as_nobody():  # root writes through file modes: drop to nobody for this one
            if os.getuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
        r = crawl(self.src(), "--db", db, preexec=as_nobody)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"readonly", r.stderr.replace(b"-", b"").replace(b" ", b"").lower())

    def test_full_disk(self):
        # A file-size limit makes every write past 64 KiB fail as a full disk would.
        db = self.path("full.sqlite")
        urls = self.path("many.txt")
        with open(urls, "w") as f:
            for i in range(300):
                f.write(url("zoom-us-download.com", f"/?full={i}") + "\n")

        def small_disk():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
        r = crawl(urls, "--db", db, "--no-cloaking-probe", preexec=small_disk)
        self.assertEqual(r.returncode, 2, r.stderr[-500:])
        self.assertIn(b"crawl stopped", r.stderr)


if __name__ == "__main__":
    unittest.main()

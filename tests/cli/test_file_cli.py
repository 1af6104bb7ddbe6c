"""End-to-end tests of `impostor file` and `impostor rules check` on archives built at
test time by tools/fixtures/make-archives, with inert planted payloads."""
import json
import os
import subprocess
import tempfile
import unittest

from fixture_samples import FixtureSet, assert_clean

BIN = os.environ.get("IMPOSTOR_BIN", "impostor")


def run(*args, timeout=180):
    return subprocess.run([BIN, *args], capture_output=True, timeout=timeout)


def report(*args):
    r = run(*args, "--format", "json")
    return r.returncode, json.loads(r.stdout)


FIXTURES = FixtureSet("make-archives")


def tearDownModule():
    FIXTURES.remove()


class FileCommand(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = FIXTURES.get()
        cls.manifest = FIXTURES.manifest()

    def test_every_trojanized_sample_is_flagged_at_the_planted_member(self):
        for entry in self.manifest:
            if not entry["trojanized"]:
                continue
            with self.subTest(sample=entry["file"]):
                code, rep = report("file", os.path.join(self.dir, entry["file"]))
                self.assertEqual(code, 1, rep["findings"])
                ids = {f["id"] for f in rep["findings"]}
                if entry.get("encrypted"):
                    self.assertIn("unpack.encrypted", ids)
                    continue
                self.assertIn(rep["verdict"], ("suspicious", "malicious"))
                yara_locations = [f["location"] for f in rep["findings"] if f["id"].startswith("yara.")]
                self.assertTrue(yara_locations, ids)
                for planted in entry["planted"]:
                    leaf = planted.split("!/")[-1].split("/")[-1]
                    if entry.get("stream"):
                        continue  # one stream: the payload sits inside the only member
                    self.assertTrue(any(loc.endswith(leaf) for loc in yara_locations),
                                    f"{leaf} not among {yara_locations}")

    def test_clean_samples_are_not_flagged(self):
        for entry in self.manifest:
            if entry["trojanized"]:
                continue
            with self.subTest(sample=entry["file"]):
                code, rep = report("file", os.path.join(self.dir, entry["file"]))
                yara = [f["id"] for f in rep["findings"] if f["id"].startswith("yara.")]
                self.assertEqual(yara, [])
                if not entry.get("encrypted"):
                    assert_clean(self, code, rep)

    def test_nested_three_deep_member_tree(self):
        code, rep = report("file", os.path.join(self.dir, "trojanized/outer.zip"))
        self.assertEqual(code, 1)
        deepest = max(a["depth"] for a in rep["artifacts"])
        self.assertGreaterEqual(deepest, 4)
        for a in rep["artifacts"]:
            self.assertRegex(a["sha256"], r"^[0-9a-f]{64}$")
        hit = [f for f in rep["findings"] if f["id"] == "yara.miner_xmrig_config"]
        self.assertTrue(hit)
        self.assertIn("!/pkg.deb!/", hit[0]["location"])
        self.assertTrue(hit[0]["evidence"]["strings"])

    def test_not_a_file(self):
        with tempfile.TemporaryDirectory() as d:
            fifo = os.path.join(d, "fifo")
            os.mkfifo(fifo)
            unreadable = os.path.join(d, "secret")
            with open(unreadable, "w") as f:
                f.write("x")
            os.chmod(unreadable, 0)
            empty = os.path.join(d, "empty")
            open(empty, "w").close()
            for path, words in ((d, "a directory"), (fifo, "a FIFO"), (os.path.join(d, "missing"), "No such file")):
                with self.subTest(path=path):
                    code, rep = report("file", path)
                    self.assertEqual(code, 2)
                    self.assertEqual(rep["verdict"], "error")
                    self.assertIn(words, rep["errors"][0])
            code, rep = report("file", empty)
            self.assertEqual((code, rep["verdict"]), (0, "unknown"))
            if os.geteuid() != 0:  # root reads anything
                code, rep = report("file", unreadable)
                self.assertEqual(code, 2)

    def test_stdin(self):
        with open(os.path.join(self.dir, "trojanized/zoom.tar.gz"), "rb") as f:
            r = subprocess.run([BIN, "file", "--format", "json", "-"], stdin=f, capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(json.loads(r.stdout)["verdict"], "malicious")


class RulesCheck(unittest.TestCase):
    def test_shipped_rules_compile(self):
        r = run("rules", "check")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"rule(s)", r.stdout)

    def test_broken_rules_name_file_and_line(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "bad.yar"), "w") as f:
                f.write("rule ok { condition: true }\nrule broken {\n  condition: $nope\n}\n")
            r = run("rules", "check", "--signatures", d)
            self.assertEqual(r.returncode, 2)
            self.assertRegex(r.stderr.decode(), r"bad\.yar:\d+: error: undefined string")
            self.assertEqual(run("file", "--signatures", d, "/dev/null").returncode, 2)


if __name__ == "__main__":
    unittest.main()

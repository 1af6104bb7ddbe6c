"""End-to-end tests of `impostor file` and `impostor rules check` on archives built at
test time by tools/fixtures/make-archives, with inert planted payloads."""
import gzip
import hashlib
import io
import json
import lzma
import os
import random
import subprocess
import tempfile
import unittest

from fixture_samples import PAYLOADS, FixtureSet, assert_clean

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


class StreamedTar(unittest.TestCase):
    """A tar inside a compressed stream is read while the stream is decoded: the tar's own
    artifact still comes before its members, with the size and digests of its bytes, and
    bytes hidden after the tar's end inside the stream are still scanned."""

    @staticmethod
    def tar_bytes(names_and_data):
        buf = io.BytesIO()
        import tarfile
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
            for name, data in names_and_data:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
        return buf.getvalue()

    def scan(self, name, data, *args):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, name)
            with open(path, "wb") as f:
                f.write(data)
            return report("file", *args, path)

    def test_artifacts_digests_and_order(self):
        # 2 MiB, several decoder chunks, that do not compress past the 1000:1 bomb ratio.
        filler = random.Random(5).randbytes(2 << 20)
        tar = self.tar_bytes([("a/one.bin", filler), ("a/two.txt", b"hello\n")])
        for name, packed in (("x.tar.gz", gzip.compress(tar)), ("x.tar.xz", lzma.compress(tar))):
            with self.subTest(sample=name):
                code, rep = self.scan(name, packed, "--md5")
                paths = [a["path"] for a in rep["artifacts"]]
                inner = next(a for a in rep["artifacts"] if a["path"].endswith(name + "!/x.tar"))
                self.assertEqual(inner["size"], len(tar))
                self.assertEqual(inner["sha256"], hashlib.sha256(tar).hexdigest())
                self.assertEqual(inner["md5"], hashlib.md5(tar).hexdigest())
                self.assertEqual(inner.get("scanned"), "through its members")
                self.assertLess(paths.index(inner["path"]), paths.index(inner["path"] + "!/a/one.bin"))
                one = next(a for a in rep["artifacts"] if a["path"].endswith("!/a/one.bin"))
                self.assertEqual(one["sha256"], hashlib.sha256(filler).hexdigest())
                self.assertEqual(one["md5"], hashlib.md5(filler).hexdigest())
                # Without --md5 (and no bundled rule reads the `md5` external) none is given.
                _, plain = self.scan(name, packed)
                self.assertTrue(all("md5" not in a for a in plain["artifacts"]))
                self.assertEqual([a["sha256"] for a in plain["artifacts"]], [a["sha256"] for a in rep["artifacts"]])
                self.assertEqual(rep["target"]["members"], 4)

    def test_bytes_after_the_tar_end_are_scanned(self):
        with open(PAYLOADS[3], "rb") as f:  # the inert download cradle
            hidden = f.read()
        tar = self.tar_bytes([("readme.txt", b"nothing to see\n")])
        code, rep = self.scan("y.tar.gz", gzip.compress(tar + hidden))
        inner = next(a for a in rep["artifacts"] if a["path"].endswith("y.tar.gz!/y.tar"))
        self.assertNotIn("scanned", inner)  # not covered by its members: scanned whole
        self.assertEqual(inner["sha256"], hashlib.sha256(tar + hidden).hexdigest())
        hits = [f for f in rep["findings"] if f["id"].startswith("yara.") and f["location"].endswith("y.tar.gz!/y.tar")]
        self.assertTrue(hits, rep["findings"])
        self.assertEqual(code, 1)


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

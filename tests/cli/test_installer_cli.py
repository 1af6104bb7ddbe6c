"""End-to-end tests of `impostor file` on installers built at test time by
tools/fixtures/make-installers (MSI, NSIS, self-extracting PEs) with inert planted
payloads."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from fixture_samples import FixtureSet, assert_clean

BIN = os.environ.get("IMPOSTOR_BIN", "impostor")


def report(path, timeout=180):
    r = subprocess.run([BIN, "file", "--format", "json", path], capture_output=True, timeout=timeout)
    return r.returncode, json.loads(r.stdout), r.stderr


FIXTURES = FixtureSet("make-installers")


def tearDownModule():
    FIXTURES.remove()


class InstallerFiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = FIXTURES.get()
        cls.manifest = FIXTURES.manifest()

    def test_every_trojanized_installer_is_flagged_at_the_planted_member(self):
        for entry in self.manifest:
            if not entry["trojanized"]:
                continue
            with self.subTest(sample=entry["file"]):
                path = os.path.join(self.dir, entry["file"])
                code, rep, _ = report(path)
                self.assertEqual(code, 1, rep["findings"])
                self.assertIn(rep["verdict"], ("suspicious", "malicious"))
                locations = {f["location"] for f in rep["findings"] if f["id"].startswith("yara.")}
                for planted in entry["planted"]:
                    self.assertIn(f"{path}!/{planted}", locations)
                # The summary says which step failed (a timeout, an abnormal end, a short read).
                self.assertEqual([], [f["summary"] for f in rep["findings"] if f["id"] == "unpack.corrupt"])

    def test_clean_installers_are_not_flagged(self):
        for entry in self.manifest:
            if entry["trojanized"]:
                continue
            with self.subTest(sample=entry["file"]):
                code, rep, _ = report(os.path.join(self.dir, entry["file"]))
                assert_clean(self, code, rep)
                # Every member the manifest lists was opened.
                paths = {a["path"] for a in rep["artifacts"]}
                for m in entry["members"]:
                    self.assertIn(os.path.join(self.dir, entry["file"]) + "!/" + m, paths)

    def test_without_its_helper_an_installshield_cabinet_is_unsupported_not_corrupt(self):
        # A copy of the program outside the build tree: no helper beside it, none under
        # the prefix, and the build tree's one is not for it to take (guard runs as root).
        if os.path.exists("/usr/local/libexec/impostor/impostor-unshield"):
            self.skipTest("a helper is installed under /usr/local")
        entry = next(e for e in self.manifest if e["format"] == "installshield" and e["trojanized"])
        path = os.path.join(self.dir, entry["file"])
        tmp = tempfile.mkdtemp(prefix="impostor-nohelper-")
        try:
            copy = os.path.join(tmp, "impostor")
            shutil.copy(BIN, copy)
            for data in ("signatures", "allowlists", "data"):
                os.symlink(os.path.realpath(os.path.join(os.path.dirname(BIN), data)), os.path.join(tmp, data))
            r = subprocess.run([copy, "file", "--format", "json", path], capture_output=True, timeout=180)
            rep = json.loads(r.stdout)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        unsupported = [f for f in rep["findings"] if f["id"] == "unpack.unsupported"]
        self.assertEqual(len(unsupported), 1, rep["findings"])
        self.assertIn("impostor-unshield", unsupported[0]["evidence"]["method"])
        self.assertEqual(unsupported[0]["location"], path)
        self.assertEqual([], [f for f in rep["findings"] if f["id"] == "unpack.corrupt"])
        self.assertNotIn(path + "!/Zoom/Zoom.exe", {a["path"] for a in rep["artifacts"]})

    def test_started_with_its_standard_streams_closed(self):
        # As a daemon might start it: the report still goes whole to --output, and the
        # InstallShield helper (which gets /dev/null for its own streams) still works.
        entry = next(e for e in self.manifest if e["format"] == "installshield" and e["trojanized"])
        path = os.path.join(self.dir, entry["file"])
        out = os.path.join(tempfile.mkdtemp(prefix="impostor-closed-"), "report.json")
        try:
            def close_standard_streams():
                for fd in (0, 1, 2):
                    os.close(fd)
            r = subprocess.run([BIN, "file", "--format", "json", "--output", out, path],
                               preexec_fn=close_standard_streams, timeout=180)
            with open(out) as f:
                rep = json.load(f)
        finally:
            shutil.rmtree(os.path.dirname(out), ignore_errors=True)
        self.assertEqual(r.returncode, 1, rep["findings"])
        self.assertEqual([], [f["summary"] for f in rep["findings"] if f["id"] == "unpack.corrupt"])
        locations = {f["location"] for f in rep["findings"] if f["id"].startswith("yara.")}
        for planted in entry["planted"]:
            self.assertIn(f"{path}!/{planted}", locations)

    def test_msi_declares_its_product_and_publisher(self):
        path = os.path.join(self.dir, "trojanized/ZoomInstaller.msi")
        _, rep, _ = report(path)
        meta = [f for f in rep["findings"] if f["id"] == "unpack.metadata"]
        self.assertEqual(len(meta), 1, rep["findings"])
        self.assertEqual(meta[0]["severity"], "info")
        self.assertEqual(meta[0]["location"], path)
        self.assertEqual(meta[0]["evidence"]["Manufacturer"], "Zoom Video Communications, Inc.")
        self.assertEqual(meta[0]["evidence"]["ProductName"], "Zoom")
        self.assertEqual(meta[0]["evidence"]["ProductVersion"], "5.4.9.0")
        cab = [a for a in rep["artifacts"] if a["path"] == path + "!/product.cab"]
        self.assertEqual([a["type"] for a in cab], ["cab"])

    def test_nsis_members_carry_the_script_names(self):
        path = os.path.join(self.dir, "trojanized/ZoomSetup-lzma-bcj.exe")
        _, rep, _ = report(path)
        by_path = {a["path"]: a for a in rep["artifacts"]}
        self.assertEqual(by_path[path]["type"], "pe")
        self.assertEqual(by_path[path + "!/Zoom.exe"]["type"], "pe")
        entry = next(e for e in self.manifest if e["file"] == "trojanized/ZoomSetup-lzma-bcj.exe")
        self.assertEqual(by_path[path + "!/Zoom.exe"]["sha256"], entry["sha256"]["Zoom.exe"])
        self.assertIn(path + "!/$NSIS/header", by_path)


if __name__ == "__main__":
    unittest.main()

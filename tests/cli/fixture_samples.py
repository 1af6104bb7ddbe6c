"""The archive and installer fixtures the file tests share: built once per test module by a
tools/fixtures builder with the inert planted payloads, and what a clean sample may be
blamed for."""
import json
import os
import shutil
import subprocess
import tempfile

SRC = os.environ.get("IMPOSTOR_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
PAYLOADS = [os.path.join(SRC, "tests/fixtures/payloads", p) for p in
            ("miner/xmrig-config.json", "rat/anydesk-silent.bat", "scam/fake-alert.html", "dropper/ps-cradle.cmd")]

# Findings about the signature alone. Fixtures named after a vendor (ZoomInstaller.exe,
# zoom.pkg) are not signed by that vendor, the signature check rightly says so, and each
# of these makes an honest sample `suspicious`.
SIGNATURE_ONLY = {"sign.claims-vendor-unsigned", "sign.wrong-publisher"}


class FixtureSet:
    """`tools/fixtures/<builder> DIR [--hostile] --payload …`, made on first use. The
    hostile samples belong to test_hostile_corpus; the other tests leave them out."""

    def __init__(self, builder, hostile=False):
        self.builder = builder
        self.hostile = hostile
        self.dir = None

    def get(self):
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix=f"impostor-{self.builder}-")
            cmd = [os.path.join(SRC, "tools/fixtures", self.builder), self.dir] + (["--hostile"] if self.hostile else [])
            for p in PAYLOADS:
                cmd += ["--payload", p]
            subprocess.run(cmd, check=True, capture_output=True, timeout=600)
        return self.dir

    def manifest(self):
        with open(os.path.join(self.get(), "manifest.json")) as f:
            return json.load(f)

    def remove(self):
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


def assert_clean(test, code, rep):
    ids = {f["id"] for f in rep["findings"]}
    test.assertFalse({i for i in ids if i.startswith("yara.") or i == "unpack.corrupt"}, rep["findings"])
    strong = {f["id"] for f in rep["findings"] if f["severity"] not in ("info", "low")}
    test.assertLessEqual(strong, SIGNATURE_ONLY, rep["findings"])
    if strong:
        test.assertEqual((code, rep["verdict"]), (1, "suspicious"))
    else:
        test.assertEqual((code, rep["verdict"]), (0, "unknown"))

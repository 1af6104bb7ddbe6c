"""End-to-end tests of code signatures in `impostor file` and `impostor guard`: a tiny PE
built at test time and signed by a throwaway CA (tools/fixtures/make-signed-pe) as
"Zoom Video Communications, Inc." or as someone else, unsigned and tampered copies, and an
MSI and macOS pkgs signed the same way (tools/fixtures/make-signed-installers)."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import zipfile

BIN = os.environ.get("IMPOSTOR_BIN", "impostor")
SRC = os.environ.get("IMPOSTOR_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
MINER = os.path.join(SRC, "tests/fixtures/payloads/miner/xmrig-config.json")


def report(path, *options, timeout=180):
    r = subprocess.run([BIN, "file", "--format", "json", *options, path], capture_output=True, timeout=timeout)
    return r.returncode, json.loads(r.stdout), r.stderr


def ids(rep):
    return [f["id"] for f in rep["findings"]]


def sign_findings(rep):
    return [f for f in rep["findings"] if f["id"].startswith("sign.") or f["id"].startswith("vendor.")]


class Fixtures:
    dir = None

    @classmethod
    def get(cls):
        if cls.dir is None:
            cls.dir = tempfile.mkdtemp(prefix="impostor-signatures-")
            pe = os.path.join(cls.dir, "pe")
            subprocess.run([os.path.join(SRC, "tools/fixtures/make-signed-pe"), pe],
                           check=True, capture_output=True, timeout=600)
            subprocess.run([os.path.join(SRC, "tools/fixtures/make-signed-installers"),
                            os.path.join(cls.dir, "installers"), pe], check=True, capture_output=True, timeout=600)
        return cls.dir


def tearDownModule():
    if Fixtures.dir:
        shutil.rmtree(Fixtures.dir, ignore_errors=True)


class SignedPe(unittest.TestCase):
    """The same tiny PE as ZoomInstaller.exe (it also says "Zoom" in its version info)."""

    @classmethod
    def setUpClass(cls):
        cls.root = Fixtures.get()
        cls.pe = os.path.join(cls.root, "pe")
        cls.ca = os.path.join(cls.pe, "ca.pem")

    def as_zoom_installer(self, sample):
        d = os.path.join(self.root, "as-" + sample)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "ZoomInstaller.exe")
        shutil.copy(os.path.join(self.pe, sample), path)
        return path

    def test_vendor_signature_is_valid_only_with_the_trust_file(self):
        path = self.as_zoom_installer("zoom-signed.exe")
        code, rep, err = report(path, "--trust-file", self.ca)
        self.assertEqual(code, 0, err)
        self.assertEqual(rep["verdict"], "official", rep["findings"])
        found = sign_findings(rep)
        self.assertEqual([f["id"] for f in found], ["sign.valid-vendor"], found)
        e = found[0]["evidence"]
        self.assertEqual(e["vendor"], "zoom")
        self.assertEqual(e["signer"]["organization"], "Zoom Video Communications, Inc.")
        self.assertIn("CN=Impostor Test Root CA", e["signer"]["issuer"])
        self.assertRegex(e["signer"]["serial"], r"^[0-9A-F]+$")
        self.assertRegex(e["signer"]["sha256"], r"^[0-9a-f]{64}$")
        self.assertEqual(found[0]["location"], path)
        self.assertEqual(rep["target"]["signature"], "valid")
        top = next(a for a in rep["artifacts"] if a["path"] == path)
        self.assertEqual(top["signature"]["status"], "valid")

        # Without the test root the chain ends nowhere: signed in Zoom's name, not trusted.
        code, rep, _ = report(path)
        self.assertEqual(code, 0)
        self.assertEqual(rep["verdict"], "unknown", rep["findings"])
        self.assertEqual([f["id"] for f in sign_findings(rep)], ["sign.untrusted"])
        self.assertNotIn("sign.valid-vendor", ids(rep))

    def test_timestamped_signature_reports_its_time(self):
        path = self.as_zoom_installer("zoom-timestamped.exe")
        _, rep, _ = report(path, "--trust-file", self.ca)
        found = [f for f in rep["findings"] if f["id"] == "sign.valid-vendor"]
        self.assertEqual(len(found), 1, rep["findings"])
        self.assertEqual(found[0]["evidence"]["timestamp"]["time"], "2020-06-01T00:00:00Z")
        self.assertTrue(found[0]["evidence"]["timestamp"]["trusted"])

    def test_signed_by_someone_else_is_wrong_publisher(self):
        path = self.as_zoom_installer("other-signed.exe")
        code, rep, _ = report(path, "--trust-file", self.ca)
        self.assertEqual(code, 1)
        self.assertEqual(rep["verdict"], "suspicious")
        found = sign_findings(rep)
        self.assertEqual([f["id"] for f in found], ["sign.wrong-publisher"], found)
        self.assertEqual(found[0]["severity"], "high")
        self.assertEqual(found[0]["evidence"]["signer"]["organization"], "Someone Else Ltd")
        self.assertEqual(found[0]["evidence"]["claim"]["vendor"], "zoom")

    def test_unsigned_is_claims_vendor_unsigned(self):
        path = self.as_zoom_installer("unsigned.exe")
        code, rep, _ = report(path, "--trust-file", self.ca)
        self.assertEqual(code, 1)
        self.assertEqual(rep["verdict"], "suspicious")
        found = sign_findings(rep)
        self.assertEqual([f["id"] for f in found], ["sign.claims-vendor-unsigned"], found)
        self.assertEqual(found[0]["severity"], "medium")
        self.assertEqual(found[0]["evidence"]["claim"]["vendor"], "zoom")

    def test_byte_flip_is_invalid_and_malicious(self):
        path = self.as_zoom_installer("tampered.exe")
        code, rep, _ = report(path, "--trust-file", self.ca)
        self.assertEqual(code, 1)
        self.assertEqual(rep["verdict"], "malicious")
        found = sign_findings(rep)
        self.assertEqual([f["id"] for f in found], ["sign.invalid"], found)
        self.assertEqual(found[0]["severity"], "critical")
        self.assertEqual(found[0]["evidence"]["status"], "digest_mismatch")
        self.assertEqual(found[0]["evidence"]["signer"]["organization"], "Zoom Video Communications, Inc.")

    def test_unsigned_vendor_claim_with_a_bundled_payload_is_malicious(self):
        bundle = os.path.join(self.root, "ZoomSetup-bundle.zip")
        with zipfile.ZipFile(bundle, "w") as z:
            z.write(os.path.join(self.pe, "unsigned.exe"), "ZoomSetup/ZoomInstaller.exe")
            z.write(MINER, "ZoomSetup/config.json")
        code, rep, _ = report(bundle, "--trust-file", self.ca)
        self.assertEqual(code, 1)
        self.assertEqual(rep["verdict"], "malicious")
        unsigned = [f for f in rep["findings"] if f["id"] == "sign.claims-vendor-unsigned"]
        self.assertEqual([f["location"] for f in unsigned], [bundle + "!/ZoomSetup/ZoomInstaller.exe"])

    def test_vendor_signed_member_of_an_archive_is_reported_but_does_not_vouch_for_it(self):
        bundle = os.path.join(self.root, "zoom-signed.zip")
        with zipfile.ZipFile(bundle, "w") as z:
            z.write(os.path.join(self.pe, "zoom-signed.exe"), "ZoomInstaller.exe")
        code, rep, _ = report(bundle, "--trust-file", self.ca)
        self.assertEqual(code, 0)
        self.assertEqual(rep["verdict"], "unknown")
        found = sign_findings(rep)
        self.assertEqual([(f["id"], f["location"]) for f in found],
                         [("sign.valid-vendor", bundle + "!/ZoomInstaller.exe")])

    def test_a_trust_file_that_is_not_pem_is_an_error(self):
        bad = os.path.join(self.root, "not-a-cert.pem")
        with open(bad, "w") as f:
            f.write("not a certificate\n")
        r = subprocess.run([BIN, "file", "--trust-file", bad, os.path.join(self.pe, "unsigned.exe")],
                           capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"trust file", r.stderr)
        r = subprocess.run([BIN, "file", "--trust-file", os.path.join(self.root, "missing.pem"),
                            os.path.join(self.pe, "unsigned.exe")], capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 2)


class SignedInstallers(unittest.TestCase):
    """An MSI (wixl, signed by osslsigncode) and macOS pkgs (xar, TOC signed by a
    Developer ID-style certificate of team BJ4HAAB9B3 from the same throwaway CA)."""

    @classmethod
    def setUpClass(cls):
        cls.root = Fixtures.get()
        cls.dir = os.path.join(cls.root, "installers")
        cls.ca = os.path.join(cls.dir, "ca.pem")

    def named(self, sample, name):
        d = os.path.join(self.root, "as-" + sample)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, name)
        shutil.copy(os.path.join(self.dir, sample), path)
        return path

    def test_msi_signed_by_the_vendor_is_official(self):
        path = self.named("zoom-signed.msi", "ZoomInstaller.msi")
        code, rep, err = report(path, "--trust-file", self.ca)
        self.assertEqual(code, 0, err)
        self.assertEqual(rep["verdict"], "official", rep["findings"])
        found = sign_findings(rep)
        self.assertEqual([f["id"] for f in found], ["sign.valid-vendor"])
        self.assertEqual(found[0]["evidence"]["format"], "MSI Authenticode")
        self.assertEqual(found[0]["evidence"]["signer"]["organization"], "Zoom Video Communications, Inc.")
        props = rep["target"]["properties"][path]
        self.assertEqual(props["Manufacturer"], "Zoom Video Communications, Inc.")

    def test_msi_unsigned_wrong_publisher_and_tampered(self):
        cases = [("ZoomInstaller.msi", "sign.claims-vendor-unsigned", "suspicious"),
                 ("other-signed.msi", "sign.wrong-publisher", "suspicious"),
                 ("tampered.msi", "sign.invalid", "malicious")]
        for sample, finding, verdict in cases:
            with self.subTest(sample=sample):
                # A neutral file name: the MSI's own Manufacturer and ProductName make the claim.
                path = self.named(sample, "setup.msi")
                code, rep, _ = report(path, "--trust-file", self.ca)
                self.assertEqual(code, 1)
                self.assertEqual([f["id"] for f in sign_findings(rep)], [finding], rep["findings"])
                self.assertEqual(rep["verdict"], verdict)
                self.assertIn(sign_findings(rep)[0]["evidence"]["claim"]["source"], ("Manufacturer", "ProductName"))

    def test_pkg_signed_by_the_vendor_team_is_official(self):
        path = self.named("zoom-signed.pkg", "ZoomInstallerIT.pkg")
        code, rep, err = report(path, "--trust-file", self.ca)
        self.assertEqual(code, 0, err)
        self.assertEqual(rep["verdict"], "official", rep["findings"])
        found = sign_findings(rep)
        self.assertEqual([f["id"] for f in found], ["sign.valid-vendor"])
        self.assertEqual(found[0]["evidence"]["team_id"], "BJ4HAAB9B3")
        self.assertIn("Developer ID Installer", found[0]["evidence"]["signer"]["common_name"])

    def test_pkg_claims_by_identifier(self):
        cases = [("unsigned.pkg", "sign.claims-vendor-unsigned"), ("other-signed.pkg", "sign.wrong-publisher"),
                 ("tampered.pkg", "sign.invalid")]
        for sample, finding in cases:
            with self.subTest(sample=sample):
                path = self.named(sample, "installer.pkg")
                code, rep, _ = report(path, "--trust-file", self.ca)
                self.assertEqual(code, 1)
                found = sign_findings(rep)
                self.assertEqual([f["id"] for f in found], [finding], rep["findings"])
                self.assertEqual(found[0]["evidence"]["claim"]["source"], "identifier")


if __name__ == "__main__":
    unittest.main()

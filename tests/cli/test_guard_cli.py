"""End-to-end tests of `impostor guard`: install commands over .deb packages built at test
time (inert planted payloads), the swap-after-scan test, hostile installer arguments, and
the .deb package of impostor itself installed with dpkg."""
import glob
import os
import shutil
import subprocess
import tempfile
import unittest

BIN = os.environ.get("IMPOSTOR_BIN", "impostor")
SRC = os.environ.get("IMPOSTOR_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("IMPOSTOR_BUILD_DIR", os.path.dirname(BIN))
MINER = os.path.join(SRC, "tests/fixtures/payloads/miner/xmrig-config.json")


def make_deb(root, name, payload=None):
    pkg = os.path.join(root, name + "-pkg")
    os.makedirs(os.path.join(pkg, "DEBIAN"))
    os.makedirs(os.path.join(pkg, "opt/zoom"))
    with open(os.path.join(pkg, "DEBIAN/control"), "w") as f:
        f.write("Package: zoom\nVersion: 5.17.0\nArchitecture: amd64\nMaintainer: test <t@example.org>\n"
                "Description: test package\n")
    with open(os.path.join(pkg, "opt/zoom/README"), "w") as f:
        f.write("Zoom Workplace\n")
    if payload:
        shutil.copy(payload, os.path.join(pkg, "opt/zoom/config.json"))
    deb = os.path.join(root, name + ".deb")
    subprocess.run(["dpkg-deb", "--build", "--root-owner-group", pkg, deb], check=True, capture_output=True)
    return deb


def guard(*args, **kw):
    return subprocess.run([BIN, "guard", *args], capture_output=True, timeout=300, **kw)


class Guard(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="impostor-guard-test-")
        cls.clean = make_deb(cls.tmp, "zoom_clean_amd64")
        cls.trojan = make_deb(cls.tmp, "zoom_amd64", MINER)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def marker(self):
        m = os.path.join(self.tmp, "ran-" + self.id().rsplit(".", 1)[1])
        if os.path.exists(m):
            os.remove(m)
        return m

    def test_trojanized_deb_is_blocked_before_the_command_runs(self):
        m = self.marker()
        r = guard("--", "sh", "-c", f'touch {m}; dpkg-deb --info "$1"', "sh", self.trojan)
        self.assertEqual(r.returncode, 126, r.stderr)
        self.assertFalse(os.path.exists(m))
        err = r.stderr.decode()
        self.assertIn("BLOCKED", err)
        self.assertIn("yara.miner_xmrig_config", err)
        self.assertIn("opt/zoom/config.json", err)
        self.assertIn("decision=blocked", err)
        self.assertRegex(err, r"sha256=[0-9a-f]{64}")

    def test_clean_deb_runs_with_its_exit_code_stdin_and_stdout(self):
        m = self.marker()
        r = guard("--", "sh", "-c", f'touch {m}; dpkg-deb --field "$1" Package; cat; exit 7', "sh", self.clean,
                  input=b"from stdin\n")
        self.assertEqual(r.returncode, 7, r.stderr)
        self.assertTrue(os.path.exists(m))
        self.assertEqual(r.stdout, b"zoom\nfrom stdin\n")
        self.assertIn(b"decision=allowed", r.stderr)

    def test_replacing_the_original_after_the_scan_changes_nothing(self):
        victim = os.path.join(self.tmp, "swap.deb")
        shutil.copy(self.clean, victim)
        # The command swaps the original for the trojan first, then installs "its" argument:
        # what it gets is the checked private copy, byte for byte the clean package.
        script = f'cp {self.trojan} {victim}; sha256sum < "$1"'
        r = guard("--", "sh", "-c", script, "sh", victim)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.clean, "rb") as f:
            clean_sha = subprocess.run(["sha256sum"], stdin=f, capture_output=True).stdout
        self.assertEqual(r.stdout, clean_sha)
        with open(victim, "rb") as a, open(self.trojan, "rb") as b:
            self.assertEqual(a.read(), b.read())  # the swap did happen to the original

    def test_dry_run_reports_and_never_runs(self):
        m = self.marker()
        r = guard("--dry-run", "--", "sh", "-c", f"touch {m}", "sh", self.clean)
        self.assertEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(m))
        r = guard("--dry-run", "--", "sh", "-c", f"touch {m}", "sh", self.trojan)
        self.assertEqual(r.returncode, 126)
        self.assertIn(b"WOULD BLOCK", r.stderr)

    def test_policy_block_at_malicious_and_allowed_hash(self):
        policy = os.path.join(self.tmp, "policy.toml")
        sha = subprocess.run(["sha256sum", self.trojan], capture_output=True, text=True).stdout.split()[0]
        with open(policy, "w") as f:
            f.write(f'block_at = "malicious"\nallow_sha256 = ["{sha}"]\n')
        r = guard("--policy", policy, "--", "true", self.trojan)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(policy, "w") as f:
            f.write('block_at = "sometimes"\n')
        r = guard("--policy", policy, "--", "true", self.clean)
        self.assertEqual(r.returncode, 125)
        self.assertIn(b"policy.toml:1:", r.stderr)
        with open(policy, "w") as f:
            f.write('unknown_key = 1\n')
        self.assertEqual(guard("--policy", policy, "--", "true", self.clean).returncode, 125)

    def test_hostile_installer_arguments_fail_closed(self):
        fifo = os.path.join(self.tmp, "fifo.deb")
        if not os.path.exists(fifo):
            os.mkfifo(fifo)
        m = self.marker()
        for arg in (os.path.join(self.tmp, "missing.deb"), self.tmp, fifo):
            with self.subTest(arg=arg):
                r = guard("--file", arg, "--", "sh", "-c", f"touch {m}", "sh", arg)
                self.assertEqual(r.returncode, 126, r.stderr)
                self.assertFalse(os.path.exists(m))
        r = guard("--", "sh", "-c", "true", "sh", "/etc/hostname")
        self.assertEqual(r.returncode, 125)
        self.assertIn(b"no installer", r.stderr)

    def test_unreadable_installer_fails_closed(self):
        locked = os.path.join(self.tmp, "locked.deb")
        shutil.copy(self.clean, locked)
        os.chmod(locked, 0o000)
        cache = tempfile.mkdtemp(prefix="impostor-cache-")
        os.chmod(cache, 0o777)

        def as_nobody():  # root reads through file modes
            if os.getuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
        r = guard("--file", locked, "--", "true", locked, preexec_fn=as_nobody,
                  env={**os.environ, "XDG_CACHE_HOME": cache, "HOME": cache})
        shutil.rmtree(cache, ignore_errors=True)
        self.assertEqual(r.returncode, 126, r.stderr)
        self.assertIn(b"Permission denied", r.stderr)

    def test_command_that_does_not_exist(self):
        r = guard("--", "no-such-installer-command", self.clean)
        self.assertEqual(r.returncode, 127)
        self.assertIn(b"cannot run", r.stderr)

    def test_no_command(self):
        self.assertNotEqual(guard().returncode, 0)


class GuardSignatures(unittest.TestCase):
    """The policy "require a valid vendor signature for files that claim a vendor" over a
    tiny PE named ZoomInstaller.exe (tools/fixtures/make-signed-pe: a throwaway CA signs
    it as "Zoom Video Communications, Inc."). block_at is "malicious" so that only the
    signature rule can block these (an unsigned claim is merely suspicious)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="impostor-guard-sign-")
        pe = os.path.join(cls.tmp, "pe")
        subprocess.run([os.path.join(SRC, "tools/fixtures/make-signed-pe"), pe], check=True, capture_output=True,
                       timeout=600)
        cls.ca = os.path.join(pe, "ca.pem")
        cls.installers = {}
        for sample in ("unsigned.exe", "zoom-signed.exe"):
            d = os.path.join(cls.tmp, sample)
            os.makedirs(d)
            cls.installers[sample] = os.path.join(d, "ZoomInstaller.exe")
            shutil.copy(os.path.join(pe, sample), cls.installers[sample])
        cls.policy = os.path.join(cls.tmp, "policy.toml")
        with open(cls.policy, "w") as f:
            f.write('block_at = "malicious"\nrequire_vendor_signature = true\n')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_installer(self, sample, *options):
        marker = os.path.join(self.tmp, "ran")
        if os.path.exists(marker):
            os.remove(marker)
        r = guard("--policy", self.policy, *options, "--", "sh", "-c", f"touch {marker}", "sh",
                  self.installers[sample])
        return r, os.path.exists(marker)

    def test_unsigned_vendor_installer_is_blocked(self):
        r, ran = self.run_installer("unsigned.exe", "--trust-file", self.ca)
        self.assertEqual(r.returncode, 126, r.stderr)
        self.assertFalse(ran)
        self.assertIn(b"sign.claims-vendor-unsigned", r.stderr)

    def test_vendor_signed_installer_is_allowed_with_the_trust_file(self):
        r, ran = self.run_installer("zoom-signed.exe", "--trust-file", self.ca)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(ran)
        self.assertIn(b"verdict=official", r.stderr)
        # Without the root its signature is not a valid one: the same file is blocked.
        r, ran = self.run_installer("zoom-signed.exe")
        self.assertEqual(r.returncode, 126, r.stderr)
        self.assertFalse(ran)
        self.assertIn(b"sign.untrusted", r.stderr)

    def test_policy_without_the_signature_rule_lets_a_suspicious_claim_through(self):
        relaxed = os.path.join(self.tmp, "relaxed.toml")
        with open(relaxed, "w") as f:
            f.write('block_at = "malicious"\nrequire_vendor_signature = false\n')
        r = guard("--policy", relaxed, "--trust-file", self.ca, "--", "true", self.installers["unsigned.exe"])
        self.assertEqual(r.returncode, 0, r.stderr)


class Package(unittest.TestCase):
    def test_deb_installs_and_runs(self):
        subprocess.run(["cpack"], cwd=BUILD, check=True, capture_output=True, timeout=600)
        debs = glob.glob(os.path.join(BUILD, "impostor_*_amd64.deb"))
        self.assertEqual(len(debs), 1)
        sudo = [] if os.getuid() == 0 else ["sudo", "-n"]
        r = subprocess.run(sudo + ["dpkg", "-i", debs[0]], capture_output=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        try:
            version = subprocess.run(["/usr/bin/impostor", "--version"], capture_output=True, text=True, check=True)
            self.assertRegex(version.stdout, r"^impostor \d+\.\d+\.\d+")
            self.assertTrue(os.path.exists("/etc/impostor/policy.toml"))
            # The InstallShield helper, found by the binary relative to itself.
            helper = "/usr/libexec/impostor/impostor-unshield"
            self.assertTrue(os.access(helper, os.X_OK))
            self.assertEqual(subprocess.run([helper], capture_output=True, timeout=60).returncode, 2)
            tmp = tempfile.mkdtemp(prefix="impostor-pkg-")
            deb = make_deb(tmp, "zoom_amd64", MINER)
            r = subprocess.run(["/usr/bin/impostor", "guard", "--", "true", deb], capture_output=True, timeout=300)
            shutil.rmtree(tmp, ignore_errors=True)
            self.assertEqual(r.returncode, 126, r.stderr)
            self.assertIn(b"/etc/impostor/policy.toml", r.stderr)
        finally:
            subprocess.run(sudo + ["dpkg", "--purge", "impostor"], capture_output=True, timeout=300)


if __name__ == "__main__":
    unittest.main()

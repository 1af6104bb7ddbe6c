"""End-to-end tests of `impostor domain` and `impostor allowlist check`: the real binary,
its exit codes and its outputs. Run by ctest with IMPOSTOR_BIN set."""
import json
import os
import random
import subprocess
import tempfile
import unittest

BIN = os.environ.get("IMPOSTOR_BIN", "impostor")
SRC = os.environ.get("IMPOSTOR_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


def run(*args, stdin=None, timeout=120):
    return subprocess.run([BIN, *args], input=stdin, capture_output=True, timeout=timeout)


class DomainCommand(unittest.TestCase):
    def test_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.decode(), r"^impostor \d+\.\d+\.\d+")

    def test_official_json_contract(self):
        r = run("domain", "--format", "json", "zoom.us")
        self.assertEqual(r.returncode, 0, r.stderr)
        rep = json.loads(r.stdout)
        self.assertEqual(rep["schema"], "impostor.report/1")
        self.assertEqual(rep["verdict"], "official")
        self.assertEqual(rep["vendor"], "zoom")
        self.assertEqual(rep["target"], {**rep["target"], "kind": "domain", "input": "zoom.us"})
        self.assertEqual([f["id"] for f in rep["findings"]], ["domain.official"])
        for key in ("hops", "artifacts", "errors", "findings"):
            self.assertIsInstance(rep[key], list)

    def test_lookalike_flags_and_fail_on(self):
        r = run("domain", "zoom-download.com")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"suspicious", r.stdout)
        self.assertIn(b"domain.combosquat", r.stdout)
        self.assertEqual(run("domain", "--fail-on", "malicious", "zoom-download.com").returncode, 0)
        # options may come before the subcommand too
        self.assertEqual(run("--fail-on", "malicious", "domain", "zoom-download.com").returncode, 0)

    def test_unknown_is_clean(self):
        r = run("domain", "--format", "json", "zoominfo.com")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(json.loads(r.stdout)["verdict"], "unknown")

    def test_bad_names_give_error_reports_and_exit_2(self):
        for bad in ["", "xn--zzzz.com", "a" * 64 + ".com", "javascript:alert(1)", "zo\x01om.us"]:
            with self.subTest(bad=bad):
                r = run("domain", "--format", "json", bad)
                self.assertEqual(r.returncode, 2, r.stdout)
                rep = json.loads(r.stdout)
                self.assertEqual(rep["verdict"], "error")
                self.assertTrue(rep["errors"])

    def test_flagged_wins_over_error_in_a_batch(self):
        r = run("domain", "--format", "jsonl", "", "zoom-download.com", "zoom.us")
        self.assertEqual(r.returncode, 1)
        verdicts = [json.loads(line)["verdict"] for line in r.stdout.splitlines()]
        self.assertEqual(verdicts, ["error", "suspicious", "official"])

    def test_ten_thousand_names_on_stdin(self):
        rnd = random.Random(7)
        words = ["zoom", "anydesk", "slack", "teams", "skype", "webex", "teamviewer", "room", "shop", "news"]
        extras = ["download", "setup", "app", "", "-pro", "info", "car", "us05web"]
        tlds = ["com", "top", "us", "co.uk", "web.app", "xyz", "de"]
        names = []
        for i in range(10000):
            if i % 997 == 0:
                names.append("# a comment line")
                names.append("")
            names.append(rnd.choice(words) + rnd.choice(extras) + "." + rnd.choice(tlds))
        r = run("domain", "--format", "jsonl", "-", stdin=("\n".join(names) + "\n").encode())
        self.assertIn(r.returncode, (0, 1))
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 10000)
        verdicts = {json.loads(line)["verdict"] for line in lines}
        self.assertIn("suspicious", verdicts)
        self.assertNotIn("error", verdicts)

    def test_table_for_many_names(self):
        r = run("domain", "zoom.us", "zoom-download.com", "example.com")
        self.assertEqual(r.returncode, 1)
        out = r.stdout.decode()
        self.assertTrue(out.startswith("INPUT"))
        self.assertEqual(len(out.strip().splitlines()), 4)

    def test_output_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "out.json")
            r = run("domain", "--format", "json", "--output", path, "zoom.us")
            self.assertEqual(r.returncode, 0)
            self.assertEqual(r.stdout, b"")
            with open(path, encoding="utf-8") as f:
                self.assertEqual(json.load(f)["verdict"], "official")
        r = run("domain", "--output", "/nonexistent/dir/out.json", "zoom.us")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"cannot write", r.stderr)

    def test_usage_errors_exit_2(self):
        for args in [("domain",), ("domain", "--format", "xml", "zoom.us"), ("bogus",), (),
                     ("domain", "--fail-on", "unknown", "zoom.us"), ("domain", "--allowlists", "/nonexistent", "x.com")]:
            with self.subTest(args=args):
                self.assertEqual(run(*args).returncode, 2)

    def test_escape_sequences_never_reach_the_terminal(self):
        r = run("domain", "https://zo\x1b[31mom.us/")
        self.assertNotIn(b"\x1b", r.stdout + r.stderr)

    def test_userinfo_trick_text_report(self):
        r = run("domain", "https://zoom.us@evil.example/")
        self.assertEqual(r.returncode, 1)
        out = r.stdout.decode()
        self.assertIn("domain.userinfo-trick", out)
        self.assertIn("host: evil.example", out)


class AllowlistCheck(unittest.TestCase):
    def test_shipped_allowlists_are_clean(self):
        r = run("allowlist", "check")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"7 vendor(s) OK", r.stdout)

    def test_problems_are_reported_with_location_and_exit_2(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "acme.toml"), "w") as f:
                f.write('id = "acme"\nname = "Acme"\ncompany = "Acme"\nflavour = 1\n[brand]\ntokens = ["acme"]\n'
                        '[domains]\nofficial = ["Bad_Domain"]\n')
            with open(os.path.join(d, "beta.toml"), "w") as f:
                f.write('id = "beta"\nname = "Beta"\ncompany = "Beta"\n[brand]\ntokens = ["beta"]\n'
                        '[domains]\nofficial = ["zoom.us"]\n')
            with open(os.path.join(d, "zeta.toml"), "w") as f:
                f.write('id = "zeta"\nname = "Zeta"\ncompany = "Zeta"\n[brand]\ntokens = ["zeta"]\n'
                        '[domains]\nofficial = ["zoom.us"]\n')
            r = run("allowlist", "check", "--allowlists", d)
            self.assertEqual(r.returncode, 2)
            err = r.stderr.decode()
            self.assertIn("acme.toml:4:1: unknown key 'flavour'", err)
            self.assertIn("acme.toml:8:13: invalid domain 'Bad_Domain'", err)
            self.assertIn("zeta.toml:7:13: domain 'zoom.us' is already claimed by vendor 'beta'", err)
            # the domain command refuses to run on a broken allowlist
            self.assertEqual(run("domain", "--allowlists", d, "zoom.us").returncode, 2)


if __name__ == "__main__":
    unittest.main()

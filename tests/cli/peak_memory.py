"""Runs a command under /usr/bin/time and returns its peak RSS, measuring impostor and not
the sanitizer: under ASan (the debug-asan run) freed memory waits in a 256 MiB quarantine
that a long run fills, so the quarantine is shrunk for the measured child. A release
binary ignores ASAN_OPTIONS."""
import os
import subprocess


def sanitizer_env():
    asan = os.environ.get("ASAN_OPTIONS", "")
    return dict(os.environ, ASAN_OPTIONS=(asan + ":" if asan else "") + "quarantine_size_mb=8")


def run_measured(cmd, timeout):
    """(CompletedProcess with the child's own stderr, peak RSS in KiB)."""
    r = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, timeout=timeout,
                       env=sanitizer_env())
    lines = r.stderr.decode(errors="replace").rstrip("\n").split("\n")
    peak = int(lines[-1])
    r.stderr = "\n".join(lines[:-1]).encode()
    return r, peak

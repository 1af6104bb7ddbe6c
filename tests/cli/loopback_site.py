"""Starts tools/testsite/testsite.py once per test module and builds the --resolve,
--ca-file and --allow-private-addresses arguments that reach it on loopback."""
import json
import os
import subprocess
import tempfile

SRC = os.environ.get("IMPOSTOR_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


class Site:
    proc = None
    info = None
    workdir = None

    @classmethod
    def start(cls):
        if cls.proc is None:
            cls.workdir = tempfile.TemporaryDirectory(prefix="impostor-testsite-")
            cls.proc = subprocess.Popen(
                ["python3", os.path.join(SRC, "tools/testsite/testsite.py"), "--workdir", cls.workdir.name,
                 "--lifetime", "1200"], stdout=subprocess.PIPE, text=True)
            cls.info = json.loads(cls.proc.stdout.readline())
        return cls.info

    @classmethod
    def stop(cls):
        if cls.proc is not None:
            cls.proc.kill()
            cls.proc.wait()
            cls.proc.stdout.close()
            cls.workdir.cleanup()
            cls.proc = None


def url(host, path="/", plain=False):
    info = Site.start()
    port = info["http_port"] if plain else info["https_port"]
    return f"{'http' if plain else 'https'}://{host}:{port}{path}"


def site_args(trust=True, private=True):
    info = Site.start()
    args = []
    for host in info["hosts"]:
        for port in (info["https_port"], info["http_port"]):
            args += ["--resolve", f"{host}:{port}:127.0.0.1"]
    if trust:
        args += ["--ca-file", info["ca_file"]]
    if private:
        args.append("--allow-private-addresses")
    return args


def place(name, source):
    """Copies the file `source` into the running site's workdir as `name`: scenarios that
    serve a file a test built at test time (tools/testsite/page_scenarios.py) read it there."""
    Site.start()
    with open(source, "rb") as src, open(os.path.join(Site.workdir.name, name), "wb") as dst:
        dst.write(src.read())

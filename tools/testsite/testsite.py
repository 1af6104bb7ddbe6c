#!/usr/bin/env python3
"""Loopback test sites for `impostor url`: HTTPS with a throwaway CA, one certificate per
host chosen by SNI, and one scenario per host and path (official clone, lookalikes,
redirect chains, cloaking, bad certificates, slow and endless bodies, huge headers,
resets; the page-analysis scenarios are in page_scenarios.py). Python standard library plus
the openssl command only.

Usage: testsite.py --workdir DIR [--lifetime SECONDS]
Prints one JSON line {"https_port", "http_port", "ca_file", "hosts"} once listening, then
serves until killed or until --lifetime seconds have passed (default 900), so a test
that dies never leaves a server behind for long.
"""
import argparse
import gzip
import html
import http.server
import json
import os
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.parse

import page_scenarios

# host -> certificate plan: (SANs, start, end) with dates for `openssl ca`, or a special kind.
OFFICIAL = "zoom.us"
LOOKALIKE = "zoom-us-download.com"
CLOAKED = "zoommeeting-app.com"
EXPIRED = "zoom-update-secure.com"
WRONG_HOST = "teams-download-center.com"
SELF_SIGNED = "anydesk-free-download.net"
MULTI_BRAND = "meeting-apps-download.com"
PLAIN_HTTP = "zoom-install.info"
UNRELATED = "photo-lens-review.com"

HOSTS = [OFFICIAL, "www.zoom.us", LOOKALIKE, CLOAKED, EXPIRED, WRONG_HOST, SELF_SIGNED, MULTI_BRAND,
         PLAIN_HTTP, UNRELATED] + page_scenarios.HOSTS


def run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def utc(days_from_now):
    return time.strftime("%Y%m%d%H%M%SZ", time.gmtime(time.time() + days_from_now * 86400))


def make_pki(work):
    """A throwaway CA and the per-host certificates, made fresh for every run."""
    os.makedirs(work, exist_ok=True)
    ca_key, ca_crt = os.path.join(work, "ca.key"), os.path.join(work, "ca.crt")
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", ca_key, "-out", ca_crt, "-days", "30", "-subj", "/O=impostor test CA/CN=impostor test root",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], work)
    with open(os.path.join(work, "index.txt"), "w"):
        pass
    with open(os.path.join(work, "serial"), "w") as f:
        f.write("1000\n")
    with open(os.path.join(work, "ca.cnf"), "w") as f:
        f.write(f"""[ca]
default_ca = test
[test]
dir = {work}
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir
certificate = {ca_crt}
private_key = {ca_key}
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = copy
[anything]
commonName = supplied
organizationName = optional
""")

    def leaf(name, sans, start, end, org=None, self_signed=False):
        key, csr, crt = (os.path.join(work, f"{name}.{ext}") for ext in ("key", "csr", "crt"))
        subj = f"/CN={sans[0]}" + (f"/O={org}" if org else "")
        san = "subjectAltName=" + ",".join(f"DNS:{s}" for s in sans)
        if self_signed:
            run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", key, "-out", crt, "-days", "30", "-subj", subj, "-addext", san], work)
            return crt, key
        run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", key, "-out", csr, "-subj", subj, "-addext", san], work)
        run(["openssl", "ca", "-batch", "-config", "ca.cnf", "-in", csr, "-out", crt, "-startdate", start,
             "-enddate", end, "-notext"], work)
        return crt, key

    certs = {
        # The genuine site's certificate is old (not fresh) and names the vendor.
        OFFICIAL: leaf("official", [OFFICIAL, "www.zoom.us"], utc(-200), utc(100), "Zoom Video Communications, Inc."),
        LOOKALIKE: leaf("lookalike", [LOOKALIKE, "www." + LOOKALIKE], utc(-2), utc(88)),
        CLOAKED: leaf("cloaked", [CLOAKED], utc(-3), utc(87)),
        EXPIRED: leaf("expired", [EXPIRED], utc(-120), utc(-30)),
        WRONG_HOST: leaf("wronghost", ["unrelated-host.example"], utc(-60), utc(30)),
        SELF_SIGNED: leaf("selfsigned", [SELF_SIGNED], None, None, self_signed=True),
        MULTI_BRAND: leaf("multibrand", [MULTI_BRAND, "zoom-meetings-download.com", "teams-download-app.com",
                                         "anydesk-download-free.com"], utc(-1), utc(89)),
        PLAIN_HTTP: leaf("plainhttp", [PLAIN_HTTP], utc(-5), utc(85)),
        UNRELATED: leaf("unrelated", [UNRELATED], utc(-900), utc(100)),
    }
    for i, (host, age) in enumerate(page_scenarios.CERT_AGES.items()):
        certs[host] = leaf(f"page{i}", [host], utc(-age), utc(90))
    certs["www.zoom.us"] = certs[OFFICIAL]
    return ca_crt, certs


def page(title, body):
    return f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title></head>" \
           f"<body>{body}</body></html>"


FAKE_DOWNLOAD = page("Download Zoom Meetings for Windows",
                     "<h1>Zoom Meetings</h1><p>Download the Zoom client.</p>"
                     "<a class=btn href='/files/ZoomInstaller.exe'>Download</a>")
# 64 MiB of zeros gzipped to ~64 KiB, sent with Content-Encoding: gzip.
GZIP_BOMB = gzip.compress(b"\0" * (64 << 20), 9)
BENIGN = page("Pancake recipes", "<h1>Pancakes</h1><p>Flour, eggs, milk.</p>")


COUNTER_LOCK = threading.Lock()  # the counter files, shared by the HTTPS and HTTP servers


def read_count(counter):
    with COUNTER_LOCK:
        return int(open(counter).read()) if os.path.exists(counter) else 0


def count_one(counter):
    with COUNTER_LOCK:
        n = int(open(counter).read()) if os.path.exists(counter) else 0
        with open(counter, "w") as f:
            f.write(str(n + 1))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "testsite"
    sys_version = ""

    def log_message(self, *args):  # quiet: tests read their own output
        pass

    def host(self):
        return (self.headers.get("Host") or "").split(":")[0].lower()

    def send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, location, status=302):
        self.send(status, "", headers=[("Location", location)])

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        host, path = self.host(), urllib.parse.urlsplit(self.path).path
        port = self.server.server_address[1]
        https_port, http_port = self.server.ports
        if path == "/reset":
            # An abrupt RST instead of a response.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(600):
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            self.close_connection = True
            return
        if path == "/endless":
            # No Content-Length, chunk after chunk until the client stops reading.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"x" * 65536 + b"</p>\n"
            try:
                for _ in range(1 << 20):
                    self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True
            return
        if path == "/oversize-streamed":
            # The 6 MiB page of page_scenarios without a Content-Length: a client keeps what fits.
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            try:
                self.wfile.write(page_scenarios.stress_body("/oversize")[1])
            except OSError:
                pass
            self.close_connection = True
            return
        if path == "/bigheaders":
            self.send_response(200)
            for i in range(1024):
                self.send_header(f"X-Filler-{i}", "y" * 1024)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/slow":
            time.sleep(0.2)
            return self.send(200, BENIGN)
        if path == "/mutable":
            # What this page serves is switched by the tests between two crawls.
            state = os.path.join(self.server.workdir, "mutable.state")
            fake = os.path.exists(state) and open(state).read().strip() == "fake"
            if fake:
                return self.redirect(f"https://{LOOKALIKE}:{https_port}/")
            return self.send(200, BENIGN)
        if path == "/gzipbomb":
            return self.send(200, GZIP_BOMB, headers=[("Content-Encoding", "gzip")])
        if path == "/notfound":
            return self.send(404, page("Not found", "<p>nothing here</p>"))
        if path.startswith("/hops/"):
            left = int(path.rsplit("/", 1)[1] or 0)
            if left > 0:
                return self.redirect(f"/hops/{left - 1}")
            return self.send(200, BENIGN)
        if path.startswith("/placed/"):
            # A page a test built and put in the workdir (loopback_site.place), served as HTML.
            name = path[len("/placed/"):]
            file = os.path.join(self.server.workdir, name)
            if "/" not in name and not name.startswith(".") and os.path.isfile(file):
                with open(file, "rb") as f:
                    return self.send(200, f.read())
            return self.send(404, page("Not found", "<p>nothing placed here</p>"))
        if path == "/loop":
            return self.redirect("/loop2")
        if path == "/loop2":
            return self.redirect("/loop")
        if path == "/downgrade":
            return self.redirect(f"http://{PLAIN_HTTP}:{http_port}/")
        if path.startswith("/counted/"):
            # /counted/T/page links /counted/T/setup.exe (absolute, on the lookalike host, from
            # whichever host serves the page); each fetch of it is counted in the workdir and
            # /counted/T/count says how many there were: tests see how often a crawl fetched it.
            # /counted/T/pair links setup.exe and other.exe, /counted/T/other-page other.exe.
            token, _, leaf = path[len("/counted/"):].partition("/")
            if not token.isalnum():
                return self.send(404, page("Not found", "<p>bad token</p>"))
            counter = os.path.join(self.server.workdir, "counted-" + token)
            links = {"page": ["setup.exe"], "pair": ["setup.exe", "other.exe"], "other-page": ["other.exe"]}
            if leaf in links:
                anchors = "".join(f"<a href='https://{LOOKALIKE}:{https_port}/counted/{token}/{name}'>Download</a>"
                                  for name in links[leaf])
                return self.send(200, page("Zoom download", f"<h1>Download Zoom</h1>{anchors}"))
            if leaf == "other.exe":
                return self.send(200, b"MZ" + b"\0" * 62 + b"inert other installer", "application/octet-stream",
                                 [("Content-Disposition", "attachment; filename=other.exe")])
            if leaf == "setup.exe":
                count_one(counter)
                return self.send(200, b"MZ" + b"\0" * 62 + b"inert counted installer", "application/octet-stream",
                                 [("Content-Disposition", "attachment; filename=setup.exe")])
            if leaf == "count":
                return self.send(200, str(read_count(counter)).encode(), "text/plain")
            return self.send(404, page("Not found", "<p>nothing here</p>"))
        if path == "/files/ZoomInstaller.exe":
            return self.send(200, b"MZ" + b"\0" * 62 + b"inert test installer", "application/octet-stream",
                             [("Content-Disposition", "attachment; filename=ZoomInstaller.exe")])
        scenario = page_scenarios.respond(host, path, self.server.ports, self.server.workdir)
        if scenario is not None:
            status, body, ctype, headers = scenario
            return self.send(status, body, ctype, headers)

        if host in (OFFICIAL, "www.zoom.us"):
            if path == "/go":
                return self.redirect(f"https://{LOOKALIKE}:{https_port}/")
            if path == "/www":
                return self.redirect(f"https://www.zoom.us:{https_port}/")
            return self.send(200, page("Zoom", "<h1>Zoom</h1><a href='/client/latest/ZoomInstallerFull.exe'>Download</a>"))
        if host == CLOAKED and path.startswith("/cloaked/"):
            # /cloaked/T/page: the cloaked page below, counting the requests that get the
            # benign view (the cloaking probes) in the workdir; /cloaked/T/echo also shows
            # the browser its own query, so each query is another page; /cloaked/T/count
            # says how many probes there were: tests see how often a crawl probed.
            token, _, leaf = path[len("/cloaked/"):].partition("/")
            if not token.isalnum() or leaf not in ("page", "echo", "count"):
                return self.send(404, page("Not found", "<p>nothing here</p>"))
            counter = os.path.join(self.server.workdir, "probes-" + token)
            if leaf == "count":
                return self.send(200, str(read_count(counter)).encode(), "text/plain")
            if not ("Windows" in self.headers.get("User-Agent", "") and self.headers.get("Referer")):
                count_one(counter)
                return self.send(200, BENIGN)
            if leaf == "echo":
                query = urllib.parse.urlsplit(self.path).query
                return self.send(200, FAKE_DOWNLOAD.replace("</body>", f"<p>ref {html.escape(query)}</p></body>"))
            return self.send(200, FAKE_DOWNLOAD)
        if host == CLOAKED:
            referer = self.headers.get("Referer", "")
            agent = self.headers.get("User-Agent", "")
            if "Windows" in agent and referer:
                return self.send(200, FAKE_DOWNLOAD)
            return self.send(200, BENIGN)
        if host == PLAIN_HTTP and port == http_port:
            return self.send(200, FAKE_DOWNLOAD)
        if host == UNRELATED:
            return self.send(200, page("Camera lens reviews", "<p>We compared zoom lenses for travel.</p>"))
        return self.send(200, FAKE_DOWNLOAD)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, context, ports, workdir):
        super().__init__(address, Handler)
        self.workdir = workdir
        self.context = context
        self.ports = ports

    def handle_error(self, request, client_address):
        pass  # clients that hang up mid-response are part of the scenarios

    def finish_request(self, request, client_address):
        # The handshake runs on the request's own thread, so a slow client blocks no one.
        if self.context is not None:
            request.settimeout(30)
            try:
                request = self.context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--lifetime", type=float, default=900)
    args = parser.parse_args()
    ca_file, certs = make_pki(args.workdir)

    contexts = {}
    for host, (crt, key) in certs.items():
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        ctx.set_alpn_protocols(["http/1.1"])
        contexts[host] = ctx
    default = contexts[LOOKALIKE]

    def pick(sslobj, name, _ctx):
        sslobj.context = contexts.get((name or "").lower(), default)

    default.sni_callback = pick
    for ctx in contexts.values():
        ctx.sni_callback = pick

    ports = [0, 0]
    https = Server(("127.0.0.1", 0), default, ports, args.workdir)
    plain = Server(("127.0.0.1", 0), None, ports, args.workdir)
    ports[0], ports[1] = https.server_address[1], plain.server_address[1]
    for server in (https, plain):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"https_port": ports[0], "http_port": ports[1], "ca_file": ca_file, "hosts": HOSTS,
                      "workdir": args.workdir}),
          flush=True)
    time.sleep(args.lifetime)


if __name__ == "__main__":
    main()

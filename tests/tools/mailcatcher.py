#!/usr/bin/python3
"""mailcatcher.py - a real SMTP server on loopback for tests and `make run`.

Accepts mail over SMTP (Debian's aiosmtpd), stores every message as a file
in --dir, and answers a small JSON API over HTTP on 127.0.0.1:

  GET    /messages          [{id, from, to, subject, job_id, message_id,
                              received_at}], oldest first; optional query
                              filters ?job_id=J and ?to=ADDR
  GET    /messages/<id>     the raw message as received (message/rfc822)
  GET    /counts            {"total": N, "jobs": {job_id: count}}
  DELETE /messages          removes every stored message
  GET    /healthz           "ok"

`subject` is decoded (RFC 2047), `job_id` comes from X-Tarjotin-Job,
`from`/`to` are the SMTP envelope (MAIL FROM / RCPT TO).

Failure injection for tests:
  --reject-rcpt-regex R   RCPT TO matching R is refused with 550 5.1.1
  --fail-first N          the first N DATA commands get 451 4.3.0 (temporary)

Prints one line "mailcatcher ready smtp=P http=H dir=D" when listening;
exits 0 on SIGTERM or SIGINT.  Runs with /usr/bin/python3 (Debian's
python3-aiosmtpd); the standard library does the rest.
"""

import argparse
import email
import email.policy
import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


class Store:
    """Messages as <id>.eml plus <id>.json (envelope, time) in one directory."""

    def __init__(self, directory):
        self.dir = directory
        self.lock = threading.Lock()
        # A stored message never changes: its summary is parsed once.  (The
        # listing parsed every message on every request, which by the last
        # test file -- over a thousand messages -- took seconds a request.)
        self.summaries = {}
        os.makedirs(directory, exist_ok=True)
        ids = [int(f[:-5]) for f in os.listdir(directory)
               if f.endswith(".json") and f[:-5].isdigit()]
        self.next_id = max(ids, default=0) + 1

    def add(self, mail_from, rcpts, content):
        with self.lock:
            mid = self.next_id
            self.next_id += 1
            base = os.path.join(self.dir, "%08d" % mid)
            with open(base + ".eml.tmp", "wb") as f:
                f.write(content)
            os.replace(base + ".eml.tmp", base + ".eml")
            meta = {"from": mail_from, "to": rcpts, "received_at": time.time()}
            with open(base + ".json.tmp", "w") as f:
                json.dump(meta, f)
            os.replace(base + ".json.tmp", base + ".json")
        return mid

    def ids(self):
        with self.lock:
            return sorted(int(f[:-5]) for f in os.listdir(self.dir)
                          if f.endswith(".json") and f[:-5].isdigit())

    def raw(self, mid):
        try:
            with open(os.path.join(self.dir, "%08d.eml" % mid), "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def summary(self, mid):
        with self.lock:
            s = self.summaries.get(mid)
        if s is None:
            s = self.parse_summary(mid)
            if s is not None:
                with self.lock:
                    self.summaries[mid] = s
        return s

    def parse_summary(self, mid):
        base = os.path.join(self.dir, "%08d" % mid)
        try:
            with open(base + ".json") as f:
                meta = json.load(f)
            with open(base + ".eml", "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.default)
        except FileNotFoundError:
            return None
        def hdr(name):
            try:
                v = msg.get(name)
            except Exception:  # a malformed header must not break the listing
                v = None
            return str(v).strip() if v is not None else None
        return {
            "id": mid,
            "from": meta["from"],
            "to": meta["to"],
            "subject": hdr("Subject"),
            "job_id": hdr("X-Tarjotin-Job"),
            "message_id": hdr("Message-ID"),
            "received_at": meta["received_at"],
        }

    def clear(self):
        with self.lock:
            self.summaries.clear()
            n = 0
            for f in os.listdir(self.dir):
                if f.endswith(".eml") or f.endswith(".json"):
                    os.unlink(os.path.join(self.dir, f))
                    n += f.endswith(".json")
            return n


class Handler:
    """aiosmtpd handler: accept (or refuse, when told to) and store."""

    def __init__(self, store, reject_re, fail_first):
        self.store = store
        self.reject_re = reject_re
        self.fail_left = fail_first
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_re and self.reject_re.search(address):
            return "550 5.1.1 <%s>: recipient rejected by mailcatcher" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_left > 0:
                self.fail_left -= 1
                return "451 4.3.0 temporary failure injected by mailcatcher"
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        mid = self.store.add(envelope.mail_from, list(envelope.rcpt_tos), content)
        return "250 2.0.0 OK queued as %d" % mid


def make_http_handler(store):
    class Api(BaseHTTPRequestHandler):
        server_version = "mailcatcher/1"

        def log_message(self, fmt, *args):  # quiet: tests read stdout
            pass

        def send_json(self, code, obj):
            body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            url = urlsplit(self.path)
            q = parse_qs(url.query)
            if url.path == "/healthz":
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "3")
                self.end_headers()
                self.wfile.write(b"ok\n")
                return
            if url.path == "/messages":
                out = [s for s in (store.summary(i) for i in store.ids()) if s]
                if "job_id" in q:
                    out = [m for m in out if m["job_id"] == q["job_id"][0]]
                if "to" in q:
                    out = [m for m in out
                           if q["to"][0].lower() in (t.lower() for t in m["to"])]
                self.send_json(200, out)
                return
            m = re.fullmatch(r"/messages/(\d+)", url.path)
            if m:
                raw = store.raw(int(m.group(1)))
                if raw is None:
                    self.send_json(404, {"error": "no such message"})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "message/rfc822")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
                return
            if url.path == "/counts":
                jobs = {}
                total = 0
                for i in store.ids():
                    s = store.summary(i)
                    if not s:
                        continue
                    total += 1
                    if s["job_id"]:
                        jobs[s["job_id"]] = jobs.get(s["job_id"], 0) + 1
                self.send_json(200, {"total": total, "jobs": jobs})
                return
            self.send_json(404, {"error": "not found"})

        def do_DELETE(self):
            if urlsplit(self.path).path == "/messages":
                self.send_json(200, {"deleted": store.clear()})
                return
            self.send_json(404, {"error": "not found"})

    return Api


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smtp-port", type=int, required=True)
    ap.add_argument("--http-port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--reject-rcpt-regex", default=None)
    ap.add_argument("--fail-first", type=int, default=0)
    args = ap.parse_args()

    stopping = threading.Event()
    httpd = None

    def stop(signum, frame):
        stopping.set()
        if httpd is not None:
            # shutdown() waits for serve_forever, so it must run elsewhere
            threading.Thread(target=httpd.shutdown, daemon=True).start()

    # before anything slow, so an early SIGTERM still ends us cleanly
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    store = Store(args.dir)
    reject_re = re.compile(args.reject_rcpt_regex) if args.reject_rcpt_regex else None
    controller = Controller(Handler(store, reject_re, args.fail_first),
                            hostname=HOST, port=args.smtp_port,
                            server_hostname="mailcatcher.localhost")
    controller.start()
    httpd = ThreadingHTTPServer((HOST, args.http_port), make_http_handler(store))
    httpd.daemon_threads = True
    if stopping.is_set():
        httpd.server_close()
        controller.stop()
        return 0
    print("mailcatcher ready smtp=%d http=%d dir=%s"
          % (args.smtp_port, args.http_port, args.dir), flush=True)
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

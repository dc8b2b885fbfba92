#!/usr/bin/python3
"""sms_standin.py - a loopback stand-in for GatewayAPI's REST SMS API.

Speaks the documented protocol (docs/sms-provider.md has the details and
sources):

  POST /rest/mtsms   send SMS; JSON object or list of objects (also form
                     data / query args: message=..&recipients.0.msisdn=..)
      auth: "Authorization: Token T", HTTP Basic with T as the username,
            or token=T as a query or form argument
      200 {"ids": [..], "usage": {"countries": {..}, "currency": "EUR",
                                   "total_cost": x}}
      400 invalid arguments, 401 bad token, 422 invalid JSON, 5xx injected;
      errors as {"message": .., "incident_uuid": .., ["code": .., "variables": [..]]}
  Delivery status notifications (DLR): POST <callback_url or --dlr-url>
      JSON {"id", "msisdn", "time", "status", "userref", "error", "code",
            "country_code", "country_prefix"} and, with --dlr-secret, the
      header X-Gwapi-Signature: an HS256 JWT over the same fields.

  Incoming SMS (MO): POST <--mo-url> JSON {"id", "msisdn", "receiver", "message",
      "senttime", "webhook_label", "country_code", "country_prefix"}, signed like
      DLRs (X-Gwapi-Signature, with --dlr-secret), when a test asks for it.

Stand-in behaviour (not the real provider's, see the doc):
  - a message object whose "userref" was accepted before is not sent again:
    the original id is returned (turn off with --no-dedup);
  - DLRs follow --dlr-delay seconds after acceptance, retried
    --dlr-retries times 0.5 s apart when the receiver does not answer 2xx.

Test-only JSON API on the same port (no auth):
  GET    /_test/messages   every accepted message with its DLR state
  GET    /_test/counts     {"total", "requests", "userrefs": {ref: {"accepted", "requests"}}}
  POST   /_test/fail       {"next": N, "status": 503}  next N API calls fail
                           (with "message": M, M is the error's message text)
                           {"msisdn": 358401234567, "mode": "undeliverable"|"reject"}
                           {"reset": true}
  POST   /_test/reply      {"msisdn": 358401234567, "message": "SEIS", "id": optional}
                           posts that SMS to --mo-url now and answers
                           {"status": <the webhook's HTTP status>, "body": <its JSON>}
  DELETE /_test/messages   forget everything (messages, dedup, failures)

stdlib only, /usr/bin/python3.  Prints "sms_standin ready port=P" when
listening; exits 0 on SIGTERM or SIGINT.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HOST = "127.0.0.1"
MAX_BODY = 1 << 20
MAX_RECIPIENTS = 10000
PRICE_EUR = 0.05  # per SMS part, made up

# 3GPP TS 23.038 default alphabet and extension table (for part counting)
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = set("\f^{}\\[~]|€")

# E.164 country prefixes we name in "usage"; others are "XX"
COUNTRIES = [("358", "FI"), ("46", "SE"), ("47", "NO"), ("45", "DK"), ("372", "EE"),
             ("49", "DE"), ("44", "GB"), ("1", "US")]


def sms_parts(text, encoding):
    """Parts the text needs (characters never split), as smstext.c counts."""
    gsm = encoding != "UCS2" and all(c in GSM7_BASIC or c in GSM7_EXT for c in text)
    if gsm:
        widths = [2 if c in GSM7_EXT else 1 for c in text]
        single, per = 160, 153
    else:
        widths = [2 if ord(c) > 0xFFFF else 1 for c in text]
        single, per = 70, 67
    if sum(widths) <= single:
        return 1, ("GSM7" if gsm else "UCS2")
    parts, used = 1, 0
    for w in widths:
        if used + w > per:
            parts, used = parts + 1, 0
        used += w
    return parts, ("GSM7" if gsm else "UCS2")


def country_of(msisdn):
    s = str(msisdn)
    for prefix, code in COUNTRIES:
        if s.startswith(prefix):
            return code, int(prefix)
    return "XX", None


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt_hs256(payload, secret):
    """A compact JWS (RFC 7515) with HS256, header as GatewayAPI sends it."""
    header = b64url(json.dumps({"typ": "JWT", "alg": "HS256"},
                               separators=(",", ":")).encode())
    body = b64url(json.dumps(payload, separators=(",", ":")).encode())
    sig = hmac.new(secret.encode(), (header + "." + body).encode(), hashlib.sha256).digest()
    return header + "." + body + "." + b64url(sig)


class ApiError(Exception):
    def __init__(self, status, message, code=None, variables=None):
        super().__init__(message)
        self.status, self.message, self.code, self.variables = status, message, code, variables

    def body(self):
        out = {"incident_uuid": str(uuid.uuid4()), "message": self.message}
        if self.code:
            out["code"] = self.code
        if self.variables:
            out["variables"] = self.variables
        return out


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.timers = []
        self.reset()

    def reset(self):
        with self.lock:
            for t in getattr(self, "timers", []):
                t.cancel()
            self.timers = []
            self.next_id = 1000001
            self.next_mo_id = 5000001   # ids of incoming SMS
            self.messages = []          # accepted message objects
            self.by_userref = {}        # userref -> message id
            self.requests_by_ref = {}   # userref -> submissions seen
            self.requests = 0
            self.fail_next = 0
            self.fail_status = 500
            self.fail_message = "Injected failure (stand-in)"
            self.fail_msisdn = {}       # msisdn -> "undeliverable" | "reject"

    def persist(self, rec):
        if not self.args.dir:
            return
        os.makedirs(self.args.dir, exist_ok=True)
        with open(os.path.join(self.args.dir, "messages.jsonl"), "a") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def parse_form(params):
    """Form / query style: message=..&recipients.0.msisdn=..&userref=.."""
    msg, recips = {}, {}
    for k, v in params.items():
        m = re.fullmatch(r"recipients\.(\d+)\.msisdn", k)
        if m:
            recips[int(m.group(1))] = v[-1]
        elif k != "token":
            msg[k] = v[-1]
    if recips:
        msg["recipients"] = [{"msisdn": recips[i]} for i in sorted(recips)]
    return [msg]


def validate(msg, st):
    if not isinstance(msg, dict):
        raise ApiError(400, "Each SMS must be a JSON object")
    if "payload" in msg:
        raise ApiError(400, "Binary payload is not supported by this stand-in")
    text = msg.get("message")
    if not isinstance(text, str) or text == "":
        raise ApiError(400, "Missing required field: message")
    sender = msg.get("sender")
    if sender is not None:
        if not isinstance(sender, str) or not (
                re.fullmatch(r"\d{1,15}", sender)
                or (len(sender) <= 11 and re.fullmatch(r"[A-Za-z0-9 ._&-]+", sender))):
            raise ApiError(400, "Invalid sender: %1", variables=[str(sender)])
    for key in ("userref", "callback_url", "label"):
        if key in msg and not isinstance(msg[key], str):
            raise ApiError(400, "Invalid %s" % key)
    cls = msg.get("class", "standard")
    if cls not in ("standard", "premium", "secret"):
        raise ApiError(400, "Invalid message class: %1", variables=[str(cls)])
    enc = msg.get("encoding", "UTF8")
    if enc not in ("UTF8", "UCS2"):
        raise ApiError(400, "Invalid encoding: %1", variables=[str(enc)])
    mp = msg.get("max_parts")
    if mp is not None and (not isinstance(mp, int) or not 1 <= mp <= 255):
        raise ApiError(400, "max_parts must be between 1 and 255")
    recips = msg.get("recipients")
    if not isinstance(recips, list) or not recips:
        raise ApiError(400, "Missing required field: recipients")
    if len(recips) > MAX_RECIPIENTS:
        raise ApiError(400, "Too many recipients")
    seen = []
    for r in recips:
        n = r.get("msisdn") if isinstance(r, dict) else None
        if isinstance(n, bool) or not isinstance(n, (int, str)) \
                or not re.fullmatch(r"[1-9]\d{6,14}", str(n)):
            raise ApiError(400, "Invalid MSISDN: %1", variables=[str(n)])
        n = int(n)
        if n in seen:
            raise ApiError(400, "Duplicate MSISDN in message: %1", variables=[str(n)])
        if st.fail_msisdn.get(n) == "reject":
            raise ApiError(400, "Invalid MSISDN: %1", variables=[str(n)])
        seen.append(n)
    return seen


def make_handler(st):
    args = st.args

    class Api(BaseHTTPRequestHandler):
        server_version = "sms_standin/1"
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def send_json(self, code, obj):
            body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def read_body(self):
            n = int(self.headers.get("Content-Length") or 0)
            if n > MAX_BODY:
                raise ApiError(413, "Request body too large")
            return self.rfile.read(n) if n > 0 else b""

        def auth_ok(self, query, form):
            h = self.headers.get("Authorization", "")
            if h.startswith("Token "):
                return hmac.compare_digest(h[6:].strip(), args.token)
            if h.startswith("Basic "):
                try:
                    user = base64.b64decode(h[6:].strip(), validate=True).decode().split(":", 1)[0]
                except Exception:
                    return False
                return hmac.compare_digest(user, args.token)
            if h.startswith("OAuth "):
                return False  # not implemented here: use a token
            tok = (query.get("token") or form.get("token") or [None])[-1]
            return tok is not None and hmac.compare_digest(tok, args.token)

        # ---- the provider API ----

        def mtsms(self, url):
            query = parse_qs(url.query)
            raw = self.read_body()
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            form = parse_qs(raw.decode("utf-8", "replace")) \
                if ctype == "application/x-www-form-urlencoded" else {}
            with st.lock:
                st.requests += 1
                if st.fail_next > 0:
                    st.fail_next -= 1
                    raise ApiError(st.fail_status, st.fail_message)
            if not self.auth_ok(query, form):
                raise ApiError(401, "Invalid API key or signature")
            if ctype == "application/json":
                try:
                    doc = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    raise ApiError(422, "Invalid json request body")
                msgs = doc if isinstance(doc, list) else [doc]
                if not msgs:
                    raise ApiError(400, "No messages in request")
            elif form:
                msgs = parse_form(form)
            else:
                msgs = parse_form(query)
            classes = {m.get("class", "standard") for m in msgs if isinstance(m, dict)}
            if len(classes) > 1:
                raise ApiError(400, "All messages in a request must use the same class")
            with st.lock:
                checked = [(m, validate(m, st)) for m in msgs]
                ids, countries, cost = [], {}, 0.0
                for m, msisdns in checked:
                    ref = m.get("userref")
                    if ref is not None:
                        st.requests_by_ref[ref] = st.requests_by_ref.get(ref, 0) + 1
                    if ref is not None and not args.no_dedup and ref in st.by_userref:
                        ids.append(st.by_userref[ref])
                        continue
                    parts, enc = sms_parts(m["message"], m.get("encoding", "UTF8"))
                    if m.get("max_parts"):
                        parts = min(parts, m["max_parts"])
                    mid = st.next_id
                    st.next_id += 1
                    ids.append(mid)
                    rec = {"id": mid, "message": m["message"], "sender": m.get("sender"),
                           "userref": ref, "recipients": msisdns, "encoding": enc,
                           "parts": parts, "class": m.get("class", "standard"),
                           "label": m.get("label"), "received_at": time.time(),
                           "dlr": []}
                    st.messages.append(rec)
                    if ref is not None:
                        st.by_userref[ref] = mid
                    for n in msisdns:
                        cc, _ = country_of(n)
                        countries[cc] = countries.get(cc, 0) + parts
                        cost += PRICE_EUR * parts
                    st.persist({k: v for k, v in rec.items() if k != "dlr"})
                    target = m.get("callback_url") or args.dlr_url
                    if target:
                        for n in msisdns:
                            self.schedule_dlr(rec, n, target)
            self.send_json(200, {"ids": ids, "usage": {
                "countries": countries, "currency": "EUR", "total_cost": round(cost, 4)}})

        def schedule_dlr(self, rec, msisdn, target):
            mode = st.fail_msisdn.get(msisdn)
            cc, prefix = country_of(msisdn)
            payload = {"id": rec["id"], "msisdn": msisdn, "time": int(time.time()),
                       "status": "UNDELIVERABLE" if mode == "undeliverable" else "DELIVERED",
                       "error": "Unknown subscriber (stand-in)" if mode else None,
                       "code": "0x0" if mode else None,
                       "userref": rec["userref"], "country_code": cc,
                       "country_prefix": prefix}
            entry = {"msisdn": msisdn, "status": payload["status"], "attempts": 0,
                     "http_status": None, "delivered_at": None}
            rec["dlr"].append(entry)
            t = threading.Timer(args.dlr_delay, send_dlr, (st, target, payload, entry, 0))
            t.daemon = True
            st.timers.append(t)
            t.start()

        # ---- routing ----

        def handle_any(self, method):
            url = urlsplit(self.path)
            try:
                if url.path.startswith("/_test/"):
                    return self.test_api(method, url)
                if url.path in ("/rest/mtsms", "/rest/mtsms/"):
                    if method not in ("POST", "GET"):
                        raise ApiError(405, "Method not allowed")
                    return self.mtsms(url)
                raise ApiError(404, "Not found")
            except ApiError as e:
                self.send_json(e.status, e.body())

        def do_GET(self):
            self.handle_any("GET")

        def do_POST(self):
            self.handle_any("POST")

        def do_DELETE(self):
            self.handle_any("DELETE")

        def test_api(self, method, url):
            if url.path == "/_test/messages" and method == "GET":
                with st.lock:
                    return self.send_json(200, st.messages)
            if url.path == "/_test/messages" and method == "DELETE":
                st.reset()
                return self.send_json(200, {"ok": True})
            if url.path == "/_test/counts" and method == "GET":
                with st.lock:
                    refs = {r: {"accepted": 1 if r in st.by_userref else 0, "requests": k}
                            for r, k in st.requests_by_ref.items()}
                    if args.no_dedup:
                        for r in refs:
                            refs[r]["accepted"] = sum(1 for m in st.messages
                                                      if m["userref"] == r)
                    return self.send_json(200, {"total": len(st.messages),
                                                "requests": st.requests,
                                                "userrefs": refs})
            if url.path == "/_test/fail" and method == "POST":
                try:
                    doc = json.loads(self.read_body() or b"{}")
                    assert isinstance(doc, dict)
                except (ValueError, AssertionError):
                    raise ApiError(422, "Invalid json request body")
                with st.lock:
                    if doc.get("reset"):
                        st.fail_next, st.fail_msisdn = 0, {}
                        st.fail_message = "Injected failure (stand-in)"
                    if "next" in doc:
                        st.fail_next = int(doc["next"])
                        st.fail_status = int(doc.get("status", 500))
                        st.fail_message = str(doc.get("message", "Injected failure (stand-in)"))
                    if "msisdn" in doc:
                        mode = doc.get("mode", "undeliverable")
                        if mode not in ("undeliverable", "reject"):
                            raise ApiError(400, "mode must be undeliverable or reject")
                        st.fail_msisdn[int(str(doc["msisdn"]).lstrip("+"))] = mode
                    return self.send_json(200, {"fail_next": st.fail_next,
                                                "fail_status": st.fail_status,
                                                "fail_msisdn": {str(k): v for k, v in
                                                                st.fail_msisdn.items()}})
            if url.path == "/_test/reply" and method == "POST":
                return self.send_json(200, self.reply(self.read_body()))
            raise ApiError(404, "Not found")

        def reply(self, raw):
            try:
                doc = json.loads(raw or b"{}")
                assert isinstance(doc, dict)
            except (ValueError, AssertionError):
                raise ApiError(422, "Invalid json request body")
            if not args.mo_url:
                raise ApiError(409, "no --mo-url: incoming SMS go nowhere")
            msisdn, text, mid = doc.get("msisdn"), doc.get("message"), doc.get("id")
            if isinstance(msisdn, bool) or not re.fullmatch(r"[1-9]\d{6,14}",
                                                              str(msisdn).lstrip("+")):
                raise ApiError(400, "msisdn must be digits, e.g. 358401234567")
            if not isinstance(text, str):
                raise ApiError(400, "message must be a string")
            if mid is not None and (isinstance(mid, bool) or not isinstance(mid, int)):
                raise ApiError(400, "id must be an integer")
            with st.lock:
                if mid is None:
                    mid = st.next_mo_id
                    st.next_mo_id += 1
            msisdn = int(str(msisdn).lstrip("+"))
            cc, prefix = country_of(msisdn)
            payload = {"id": mid, "msisdn": msisdn, "receiver": args.mo_receiver,
                       "message": text, "senttime": int(time.time()),
                       "webhook_label": "tarjotin", "country_code": cc,
                       "country_prefix": prefix}
            code, body = post_webhook(st, args.mo_url, payload)
            return {"status": code, "body": body, "id": mid}

    return Api


def post_webhook(st, target, payload):
    """POSTs a signed webhook once: (HTTP status or None, its JSON body or None)."""
    headers = {"Content-Type": "application/json", "Accept": "*/*"}
    if st.args.dlr_secret:
        headers["X-Gwapi-Signature"] = jwt_hs256(payload, st.args.dlr_secret)
    req = urllib.request.Request(target, data=json.dumps(payload).encode(), headers=headers,
                                 method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            code, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        code, raw = e.code, e.read()
    except (urllib.error.URLError, OSError):
        return None, None
    try:
        return code, json.loads(raw or b"null")
    except ValueError:
        return code, None


def send_dlr(st, target, payload, entry, attempt):
    code, _ = post_webhook(st, target, payload)
    with st.lock:
        entry["attempts"] = attempt + 1
        entry["http_status"] = code
        if code is not None and 200 <= code < 300:
            entry["delivered_at"] = time.time()
            return
        if attempt + 1 > st.args.dlr_retries:
            return
        t = threading.Timer(0.5, send_dlr, (st, target, payload, entry, attempt + 1))
        t.daemon = True
        st.timers.append(t)
        t.start()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    # Secrets come from the environment, never the command line (ps shows
    # that to every user): TARJOTIN_SMS_TOKEN, TARJOTIN_SMS_DLR_SECRET.
    ap.add_argument("--token", default=os.environ.get("TARJOTIN_SMS_TOKEN"),
                    help="(default: $TARJOTIN_SMS_TOKEN)")
    ap.add_argument("--dlr-url", default=None, help="default webhook for delivery reports")
    ap.add_argument("--dlr-secret", default=os.environ.get("TARJOTIN_SMS_DLR_SECRET") or None,
                    help="JWT secret for X-Gwapi-Signature (default: $TARJOTIN_SMS_DLR_SECRET)")
    ap.add_argument("--dlr-delay", type=float, default=0.2)
    ap.add_argument("--dlr-retries", type=int, default=3)
    ap.add_argument("--mo-url", default=None,
                    help="the incoming-SMS (MO) webhook /_test/reply posts to")
    ap.add_argument("--mo-receiver", type=int, default=4512345678,
                    help="our number the incoming SMS were sent to (their 'receiver')")
    ap.add_argument("--no-dedup", action="store_true",
                    help="behave like the real API: a repeated userref is sent again")
    ap.add_argument("--dir", default=None, help="append accepted messages to DIR/messages.jsonl")
    args = ap.parse_args()
    if not args.token:
        ap.error("no token: set TARJOTIN_SMS_TOKEN (or --token)")

    stopping = threading.Event()
    httpd = None

    def stop(signum, frame):
        stopping.set()
        if httpd is not None:
            threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    st = State(args)
    httpd = ThreadingHTTPServer((HOST, args.port), make_handler(st))
    httpd.daemon_threads = True
    if not stopping.is_set():
        print("sms_standin ready port=%d" % args.port, flush=True)
        httpd.serve_forever(poll_interval=0.2)
    httpd.server_close()
    with st.lock:
        for t in st.timers:
            t.cancel()
    return 0


if __name__ == "__main__":
    sys.exit(main())

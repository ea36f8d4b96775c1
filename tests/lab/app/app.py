"""The application lab: a small shop API behind the lab's nginx, with a
login that issues a token and a session cookie, a dashboard, a write, a
health route, and broken variants chosen by the Host header's domain:

  good.test       works (the smoke plan passes)
  pwbug.test      any password logs in
  dash500.test    the dashboard fails with a stack trace
  writeslow.test  the write never answers in time
  loginloop.test  the login redirects to itself forever
  cold.test       the first request to /health takes 1.5 s
  noid.test       no request id header on any response
  lhgood.test     a landing page Lighthouse scores 80 or more everywhere
  lhbad.test      a landing page with a slow blocking script, no title,
                  no alt texts, low contrast and noindex

Every write (POST /api/notes) is logged to WRITE_LOG, one line per request,
so a test can see that a write is never retried.

usage: app.py PORT WRITE_LOG
"""
import json
import secrets
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USER = "buyer@shop.test"
PASSWORD = "correct horse battery staple"
TOKENS = set()
SESSIONS = set()
COLD_DONE = set()
LOCK = threading.Lock()
WRITE_LOG = sys.argv[2]


GOOD_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shop - mugs and more</title>
<meta name="description" content="A small shop selling mugs, delivered within two days.">
<link rel="icon" href="data:,">
<style>body{font:18px/1.5 sans-serif;color:#111;background:#fff;margin:2em}</style>
</head><body><main><h1>Shop</h1>
<p>Mugs and more, delivered within two days.</p>
<p><a href="/about">About the shop</a></p></main></body></html>
"""

BAD_PAGE = """<html><head><meta name="robots" content="noindex">
<script src="/slow.js"></script></head>
<body style="color:#ccc;background:#fff"><img src="/nope.png">
<a href="/x"></a><button></button><input type="text">
<p style="font-size:8px">Shop</p></body></html>
"""


def variant(host):
    host = (host or "").split(":")[0].lower()
    parts = host.split(".")
    return parts[-2] if len(parts) >= 2 else host


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, ctype="application/json", headers=()):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if variant(self.headers.get("Host")) != "noid":
            self.send_header("X-Request-Id", str(uuid.uuid4()))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def authed(self):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer ") and auth[7:] in TOKENS:
            return True
        for part in self.headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "session" and value in SESSIONS:
                return True
        return False

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        v = variant(self.headers.get("Host"))
        path = self.path.split("?")[0]
        if path == "/health":
            if v == "cold":
                with LOCK:
                    first = self.headers.get("Host") not in COLD_DONE
                    COLD_DONE.add(self.headers.get("Host"))
                if first:
                    time.sleep(1.5)
            return self.reply(200, '{"ok":true}\n')
        if path == "/" and v == "lhgood":
            return self.reply(200, GOOD_PAGE, "text/html; charset=utf-8")
        if path == "/" and v == "lhbad":
            return self.reply(200, BAD_PAGE, "text/html")
        if path == "/slow.js":
            time.sleep(4)
            return self.reply(200, "document.title='';\n"
                              "throw new Error('bad page');\n",
                              "application/javascript")
        if path == "/":
            return self.reply(200, "<!doctype html><title>Shop</title>"
                              "<h1>Shop</h1>\n", "text/html")
        if path == "/api/login" and v == "loginloop":
            return self.reply(302, "", "text/plain",
                              [("Location", "/api/login")])
        if path == "/api/dashboard":
            if not self.authed():
                return self.reply(401, '{"error":"log in first"}\n')
            if v == "dash500":
                return self.reply(500, "Traceback (most recent call last):\n"
                                  "  File \"dashboard.py\", line 12\n"
                                  "KeyError: 'items'\n", "text/plain")
            return self.reply(200, '{"items":[{"id":1,"name":"Mug"}]}\n')
        return self.reply(404, '{"error":"not found"}\n')

    def do_POST(self):
        v = variant(self.headers.get("Host"))
        path = self.path.split("?")[0]
        data = self.body()
        if path == "/api/login":
            if v == "loginloop":
                return self.reply(302, "", "text/plain",
                                  [("Location", "/api/login")])
            try:
                creds = json.loads(data or b"{}")
            except ValueError:
                return self.reply(400, '{"error":"not JSON"}\n')
            ok = creds.get("email") == USER and (
                v == "pwbug" or creds.get("password") == PASSWORD)
            if not ok:
                return self.reply(401, '{"error":"wrong email or password"}\n')
            token = secrets.token_hex(16)
            session = secrets.token_hex(16)
            with LOCK:
                TOKENS.add(token)
                SESSIONS.add(session)
            return self.reply(200, json.dumps({"token": token,
                                               "user": {"email": USER}}),
                              headers=[("Set-Cookie", "session=%s; Path=/; "
                                        "Secure; HttpOnly; SameSite=Lax"
                                        % session)])
        if path == "/api/notes":
            with open(WRITE_LOG, "a") as f:
                f.write("%s\n" % self.headers.get("Host"))
            if not self.authed():
                return self.reply(401, '{"error":"log in first"}\n')
            if v == "writeslow":
                time.sleep(20)
            return self.reply(201, '{"id":7}\n')
        return self.reply(404, '{"error":"not found"}\n')


server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
server.daemon_threads = True
server.serve_forever()

"""Lab upstreams for the web lab: a slow HTTP route (0.45 s), a slower
one (1.2 s), an endless body and a
port that accepts connections and never answers.

usage: upstream.py HTTP_PORT SILENT_PORT
"""
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/api/slow") or self.path.startswith("/api/drip"):
            time.sleep(0.45 if self.path.startswith("/api/slow") else 1.2)
            body = b'{"ok":true,"slow":true}\n'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self.path.startswith("/endless") or self.path == "/":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<p>" + b"endless " * 1000 + b"</p>\n"
            try:
                while True:
                    self.wfile.write(chunk)
            except OSError:
                return
        self.send_response(404)
        self.send_header("Content-Length", "10")
        self.end_headers()
        self.wfile.write(b"not found\n")

    do_POST = do_GET


def silent(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(128)
    held = []
    while True:
        c, _ = s.accept()
        held.append(c)          # accept and never answer
        if len(held) > 500:
            held.pop(0).close()


def main():
    http_port, silent_port = int(sys.argv[1]), int(sys.argv[2])
    threading.Thread(target=silent, args=(silent_port,), daemon=True).start()
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", http_port), Handler).serve_forever()


if __name__ == "__main__":
    main()

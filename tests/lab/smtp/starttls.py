#!/usr/bin/env python3
"""tests/lab/smtp/starttls.py PORT CERT KEY: a small SMTP server on
127.0.0.1:PORT that offers STARTTLS with the lab's certificate (RFC 3207:
greeting, EHLO, STARTTLS, TLS handshake, EHLO again, QUIT). It accepts no
mail: it is what a monitoring probe of port 25 talks to."""
import socket
import ssl
import sys
import threading

port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)


def lines(f):
    while True:
        line = f.readline(1024)
        if not line:
            return
        yield line.decode("ascii", "replace").strip()


def serve(conn):
    conn.settimeout(10)
    tls = False
    try:
        conn.sendall(b"220 mx.lab ESMTP launchready lab\r\n")
        f = conn.makefile("rb")
        for cmd in lines(f):
            verb = cmd.split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                ext = b"" if tls else b"250-STARTTLS\r\n"
                conn.sendall(b"250-mx.lab\r\n" + ext + b"250 8BITMIME\r\n")
            elif verb == "STARTTLS" and not tls:
                conn.sendall(b"220 2.0.0 ready to start TLS\r\n")
                conn = ctx.wrap_socket(conn, server_side=True)
                f = conn.makefile("rb")
                tls = True
                for cmd2 in lines(f):
                    verb = cmd2.split(" ")[0].upper()
                    if verb in ("EHLO", "HELO"):
                        conn.sendall(b"250-mx.lab\r\n250 8BITMIME\r\n")
                    elif verb == "QUIT":
                        conn.sendall(b"221 2.0.0 bye\r\n")
                        return
                    else:
                        conn.sendall(b"502 5.5.2 not here\r\n")
                return
            elif verb == "QUIT":
                conn.sendall(b"221 2.0.0 bye\r\n")
                return
            else:
                conn.sendall(b"502 5.5.2 not here\r\n")
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()


srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(16)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()

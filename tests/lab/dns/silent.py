# silent.py ADDR PORT [ADDR PORT...]: a DNS "server" that reads every query
# (UDP and TCP) and never answers, for the lab's silent-server cases.
import os, select, socket, sys

socks = []
args = sys.argv[1:]
for i in range(0, len(args), 2):
    addr, port = args[i], int(args[i + 1])
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    u.bind((addr, port))
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((addr, port))
    t.listen(16)
    socks += [u, t]
conns = []
sys.stdout.write("ready\n")
sys.stdout.flush()
while True:
    r, _, _ = select.select(socks + conns, [], [])
    for s in r:
        if s.type == socket.SOCK_STREAM and s in socks:
            c, _ = s.accept()
            conns.append(c)
        elif s in conns:
            if not s.recv(4096):
                conns.remove(s)
                s.close()
        else:
            s.recvfrom(65535)

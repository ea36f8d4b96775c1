#!/bin/bash
# tests/lab/tlsgrade/start.sh STATEDIR: the cipher lab of tls.ciphers and
# tls.grade. A test CA made now, nginx with one server (own port, own
# default server: the protocols and suites of a port are its default
# server's) per cipher setup, a proxy that stalls mid-handshake, and an
# NSD serving one zone per case. Writes STATEDIR/tlsgrade.env;
# tests/lab/tlsgrade/stop.sh STATEDIR stops it all.
#
# Cases (every name's A record is 127.0.0.1; www.<case> too):
#   strong.test    TLS 1.3 + 1.2, ECDHE with AES-GCM/ChaCha20 only, the
#                  server's order, OCSP stapling on, RSA 2048
#   medium.test    TLS 1.2 only; ECDHE and DHE (1024-bit group) AEAD, plain
#                  RSA key exchange with GCM and CBC; the client's order;
#                  chain sent out of order (leaf, root, intermediate)
#   weak.test      TLS 1.0 and 1.1 only, CBC suites only, RSA 1024 key,
#                  1024-bit DH group
#   insecure.test  TLS 1.2 with anonymous (ADH, AECDH) and NULL suites
#   stall.test     strong.test behind a proxy that stalls mid-handshake
#                  each connection asking for OCSP stapling (port
#                  LAB_TG_STALL_PORT; see below)
set -e
state=${1:?usage: start.sh STATEDIR}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
mkdir -p "$state"
state=$(cd "$state" && pwd)
: >"$state/tlsgrade.pids"

lab_ca "$state"
ca=$state/ca

# An intermediate CA (for medium.test's chain).
openssl req -newkey rsa:2048 -nodes -keyout "$ca/inter.key" \
    -subj "/O=launchready lab/CN=Lab Intermediate" \
    -out "$ca/inter.csr" >/dev/null 2>&1 || lab_die "cannot make the intermediate"
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$ca/inter.ext"
openssl x509 -req -in "$ca/inter.csr" -CA "$LAB_CA" -CAkey "$ca/ca.key" \
    -CAcreateserial -days 30 -extfile "$ca/inter.ext" -out "$ca/inter.pem" >/dev/null 2>&1 ||
    lab_die "cannot sign the intermediate"

# leaf NAME BITS ISSUER: a leaf for NAME and www.NAME signed by ISSUER
# (ca or inter).
leaf() {
	openssl req -newkey "rsa:$2" -nodes -keyout "$ca/$1.key" -subj "/CN=$1" \
	    -out "$ca/$1.csr" >/dev/null 2>&1 || lab_die "cannot make the key of $1"
	printf 'subjectAltName=DNS:%s,DNS:www.%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
	    "$1" "$1" >"$ca/$1.ext"
	openssl x509 -req -in "$ca/$1.csr" -CA "$ca/$3.pem" -CAkey "$ca/$3.key" \
	    -CAcreateserial -days 60 -sha256 -extfile "$ca/$1.ext" \
	    -out "$ca/$1.leaf.pem" >/dev/null 2>&1 || lab_die "cannot sign $1"
}

# strong.test: RSA 2048 from the root, with a stapled OCSP response
# ("good") the root signed, made with openssl ocsp from an index file.
leaf strong.test 2048 ca
cp "$ca/strong.test.leaf.pem" "$ca/strong.test.pem"
serial=$(openssl x509 -in "$ca/strong.test.pem" -noout -serial | sed 's/^serial=//')
expiry=$(date -u -d "60 days" +%y%m%d%H%M%SZ)
printf 'V\t%s\t\t%s\tunknown\t/CN=strong.test\n' "$expiry" "$serial" >"$ca/ocsp-index.txt"
openssl ocsp -issuer "$LAB_CA" -cert "$ca/strong.test.pem" -no_nonce \
    -reqout "$ca/ocsp-req.der" >/dev/null 2>&1 || lab_die "cannot make the OCSP request"
openssl ocsp -index "$ca/ocsp-index.txt" -rsigner "$LAB_CA" -rkey "$ca/ca.key" \
    -CA "$LAB_CA" -reqin "$ca/ocsp-req.der" -respout "$ca/strong.ocsp.der" \
    -ndays 7 >/dev/null 2>&1 || lab_die "cannot make the OCSP response"

# medium.test: from the intermediate, sent as leaf, root, intermediate.
leaf medium.test 2048 inter
cat "$ca/medium.test.leaf.pem" "$LAB_CA" "$ca/inter.pem" >"$ca/medium.test.pem"

# weak.test and insecure.test: from the root; weak's key is 1024 bits.
leaf weak.test 1024 ca
cp "$ca/weak.test.leaf.pem" "$ca/weak.test.pem"
leaf insecure.test 2048 ca
cp "$ca/insecure.test.leaf.pem" "$ca/insecure.test.pem"
openssl dhparam -out "$ca/dh1024.pem" 1024 >/dev/null 2>&1 || lab_die "cannot make DH parameters"

# Distinct free ports.
taken=" "
for var in LAB_TG_STRONG_PORT LAB_TG_MEDIUM_PORT LAB_TG_WEAK_PORT \
    LAB_TG_INSECURE_PORT LAB_TG_STALL_PORT; do
	p=$(lab_free_port)
	while [ -z "$p" ] || [ "${taken#* $p }" != "$taken" ]; do p=$(lab_free_port); done
	taken="$taken$p "
	eval "$var=$p"
done

conf=$state/tlsgrade-nginx.conf
cat >"$conf" <<CONF
server {
	listen 127.0.0.1:$LAB_TG_STRONG_PORT ssl default_server;
	server_name strong.test www.strong.test;
	ssl_certificate $ca/strong.test.pem;
	ssl_certificate_key $ca/strong.test.key;
	ssl_protocols TLSv1.2 TLSv1.3;
	ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;
	ssl_prefer_server_ciphers on;
	ssl_stapling on;
	ssl_stapling_file $ca/strong.ocsp.der;
	ssl_trusted_certificate $LAB_CA;
	location / { return 200 "strong\n"; }
}
server {
	listen 127.0.0.1:$LAB_TG_MEDIUM_PORT ssl default_server;
	server_name medium.test www.medium.test;
	ssl_certificate $ca/medium.test.pem;
	ssl_certificate_key $ca/medium.test.key;
	ssl_protocols TLSv1.2;
	ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA:@SECLEVEL=0;
	ssl_prefer_server_ciphers off;
	ssl_dhparam $ca/dh1024.pem;
	location / { return 200 "medium\n"; }
}
server {
	listen 127.0.0.1:$LAB_TG_WEAK_PORT ssl default_server;
	server_name weak.test www.weak.test;
	ssl_certificate $ca/weak.test.pem;
	ssl_certificate_key $ca/weak.test.key;
	ssl_protocols TLSv1 TLSv1.1;
	ssl_ciphers AES128-SHA:AES256-SHA:DHE-RSA-AES128-SHA:@SECLEVEL=0;
	ssl_prefer_server_ciphers on;
	ssl_dhparam $ca/dh1024.pem;
	location / { return 200 "weak\n"; }
}
server {
	listen 127.0.0.1:$LAB_TG_INSECURE_PORT ssl default_server;
	server_name insecure.test www.insecure.test;
	ssl_certificate $ca/insecure.test.pem;
	ssl_certificate_key $ca/insecure.test.key;
	ssl_protocols TLSv1.2;
	ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:ADH-AES128-GCM-SHA256:AECDH-AES128-SHA:NULL-SHA256:NULL-SHA:@SECLEVEL=0;
	ssl_prefer_server_ciphers on;
	location / { return 200 "insecure\n"; }
}
CONF
# A 1024-bit key loads only at level 0, which nginx sets after loading the
# certificate: the whole nginx runs with level 0 as OpenSSL's default.
cat >"$state/openssl.cnf" <<CNF
openssl_conf = lab_conf
[lab_conf]
ssl_conf = lab_ssl
[lab_ssl]
system_default = lab_default
[lab_default]
CipherString = DEFAULT:@SECLEVEL=0
CNF
OPENSSL_CONF=$state/openssl.cnf lab_nginx_start "$state/tlsgrade" "$conf"
echo "$(cat "$state/tlsgrade/nginx/nginx.pid")" >>"$state/tlsgrade.pids"
for p in $LAB_TG_STRONG_PORT $LAB_TG_MEDIUM_PORT $LAB_TG_WEAK_PORT $LAB_TG_INSECURE_PORT; do
	lab_wait_port "$p" || lab_die "nginx is not listening on $p"
done

# The stalling proxy (gone in 10 min): passes connections to strong.test's
# port, except those whose ClientHello asks for a stapled OCSP response
# (what tlsscan's first handshake of the newest version does, and the
# probe's never): those get the ClientHello passed, the first 40 bytes of
# the answer back, then silence. It counts stalled connections in
# STATEDIR/stall.count.
python3 - "$LAB_TG_STALL_PORT" "$LAB_TG_STRONG_PORT" "$state/stall.count" \
    >/dev/null 2>&1 <<'PY' &
import socket, struct, sys, threading, time
port, back, count = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(64); s.settimeout(1)
held, stalled, lock = [], [0], threading.Lock()
def exact(c, n):
    d = b""
    while len(d) < n:
        x = c.recv(n - len(d))
        if not x:
            raise OSError("closed")
        d += x
    return d
def asks_ocsp(hello):
    # handshake header 4, version 2, random 32, then session id, suites,
    # compression, extensions
    i = 4 + 2 + 32
    i += 1 + hello[i]
    i += 2 + struct.unpack(">H", hello[i:i + 2])[0]
    i += 1 + hello[i]
    end = i + 2 + struct.unpack(">H", hello[i:i + 2])[0]
    i += 2
    while i + 4 <= end:
        t, n = struct.unpack(">HH", hello[i:i + 4])
        if t == 5:
            return True
        i += 4 + n
    return False
def pipe(a, b, limit):
    sent = 0
    try:
        while limit is None or sent < limit:
            d = a.recv(4096 if limit is None else limit - sent)
            if not d:
                break
            b.sendall(d); sent += len(d)
    except OSError:
        pass
    if limit is None:
        for x in (a, b):
            try: x.shutdown(socket.SHUT_RDWR)
            except OSError: pass
def serve(c):
    try:
        head = exact(c, 5)
        body = exact(c, struct.unpack(">H", head[3:5])[0])
        stall = asks_ocsp(body)
        u = socket.create_connection(("127.0.0.1", back))
        held.append(u)
        u.sendall(head + body)
    except (OSError, IndexError, struct.error):
        return
    if stall:
        with lock:
            stalled[0] += 1
            with open(count, "w") as f:
                f.write("%d\n" % stalled[0])
    threading.Thread(target=pipe, args=(c, u, None), daemon=True).start()
    threading.Thread(target=pipe, args=(u, c, 40 if stall else None), daemon=True).start()
end = time.time() + 600
while time.time() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    held.append(c)
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
echo $! >>"$state/tlsgrade.pids"
lab_wait_port "$LAB_TG_STALL_PORT" || lab_die "the stalling proxy did not open"

zones=""
mkdir -p "$state/zones"
for c in strong medium weak insecure stall; do
	z=$state/zones/$c.test.zone
	cat >"$z" <<ZONE
\$ORIGIN $c.test.
\$TTL 300
@	IN SOA ns1 hostmaster 1 3600 600 86400 300
@	IN NS ns1
ns1	IN A 127.0.0.1
@	IN A 127.0.0.1
www	IN A 127.0.0.1
ZONE
	zones="$zones $c.test=$z"
done
# shellcheck disable=SC2086
lab_nsd_start "$state/tlsgradedns" $zones
echo "$(cat "$state/tlsgradedns/nsd/nsd.pid")" >>"$state/tlsgrade.pids"

cat >"$state/tlsgrade.env" <<ENV
LAB_TG_DNS_PORT=$LAB_DNS_PORT
LAB_TG_STRONG_PORT=$LAB_TG_STRONG_PORT
LAB_TG_MEDIUM_PORT=$LAB_TG_MEDIUM_PORT
LAB_TG_WEAK_PORT=$LAB_TG_WEAK_PORT
LAB_TG_INSECURE_PORT=$LAB_TG_INSECURE_PORT
LAB_TG_STALL_PORT=$LAB_TG_STALL_PORT
LAB_TG_CA=$LAB_CA
ENV

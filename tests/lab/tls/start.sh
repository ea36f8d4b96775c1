#!/bin/bash
# tests/lab/tls/start.sh STATEDIR: the TLS lab. A test CA (and an ACME-like
# intermediate), nginx with one SNI server block per case on one TLS port,
# a silent port, a closed port and an NSD serving one zone per case. Writes
# STATEDIR/tls.env; tests/lab/tls/stop.sh STATEDIR stops it all.
#
# Cases (every name's A record is 127.0.0.1; www.<case> too):
#   clean.test        chain via an intermediate, 90 days, TLS 1.2 + 1.3
#   expired.test      expired two days ago
#   expiring.test     5 days left
#   renew-late.test   15 days left
#   wrong-name.test   certificate for other.test
#   self-signed.test  self-signed
#   manual-ca.test    valid, from a CA that does not renew automatically
#   tls10.test        still accepts TLS 1.0 and 1.1 (port LAB_TLS_LEGACY_PORT)
#   legacy-only.test  TLS 1.0 and 1.1 only (port LAB_TLS_OLD_PORT)
#   silent.test       accepts and never answers (port LAB_TLS_SILENT_PORT)
#   closed.test       nothing listens (port LAB_TLS_CLOSED_PORT)
set -e
state=${1:?usage: start.sh STATEDIR}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
mkdir -p "$state"
state=$(cd "$state" && pwd)
: >"$state/tls.pids"

# The CA, and an intermediate named like an ACME CA (for tls.renewal).
lab_ca "$state"
ca=$state/ca
if [ ! -f "$ca/acme.pem" ]; then
	openssl req -newkey rsa:2048 -nodes -keyout "$ca/acme.key" \
	    -subj "/O=Let's Encrypt (launchready lab)/CN=Lab R3" \
	    -out "$ca/acme.csr" >/dev/null 2>&1 || lab_die "cannot make the intermediate"
	printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$ca/acme.ext"
	openssl x509 -req -in "$ca/acme.csr" -CA "$LAB_CA" -CAkey "$ca/ca.key" \
	    -CAcreateserial -days 30 -extfile "$ca/acme.ext" -out "$ca/acme.pem" >/dev/null 2>&1 ||
	    lab_die "cannot sign the intermediate"
fi

# clean.test: leaf from the intermediate, served with it.
openssl req -newkey rsa:2048 -nodes -keyout "$ca/clean.key" -subj "/CN=clean.test" \
    -out "$ca/clean.csr" >/dev/null 2>&1 || lab_die "cannot make the clean key"
printf 'subjectAltName=DNS:clean.test,DNS:www.clean.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$ca/clean.ext"
openssl x509 -req -in "$ca/clean.csr" -CA "$ca/acme.pem" -CAkey "$ca/acme.key" \
    -CAcreateserial -days 90 -sha256 -extfile "$ca/clean.ext" -out "$ca/clean.leaf.pem" >/dev/null 2>&1 ||
    lab_die "cannot sign the clean certificate"
cat "$ca/clean.leaf.pem" "$ca/acme.pem" >"$ca/clean.pem"

lab_cert "$state" expired "DNS:expired.test,DNS:www.expired.test" -60 -2
lab_cert "$state" expiring "DNS:expiring.test,DNS:www.expiring.test" -1 5
lab_cert "$state" renew-late "DNS:renew-late.test,DNS:www.renew-late.test" -75 15
lab_cert "$state" wrong-name "DNS:other.test,DNS:www.other.test"
lab_cert "$state" manual-ca "DNS:manual-ca.test,DNS:www.manual-ca.test"
lab_cert "$state" tls10 "DNS:tls10.test,DNS:www.tls10.test"
lab_cert "$state" legacy-only "DNS:legacy-only.test,DNS:www.legacy-only.test"
lab_cert "$state" silent "DNS:silent.test,DNS:www.silent.test"
openssl req -x509 -newkey rsa:2048 -nodes -days 90 -subj "/CN=self-signed.test" \
    -addext "subjectAltName=DNS:self-signed.test,DNS:www.self-signed.test" \
    -keyout "$ca/self-signed.key" -out "$ca/self-signed.pem" >/dev/null 2>&1 ||
    lab_die "cannot make the self-signed certificate"

# Five distinct free ports.
taken=" "
for var in LAB_TLS_PORT LAB_TLS_LEGACY_PORT LAB_TLS_OLD_PORT \
    LAB_TLS_SILENT_PORT LAB_TLS_CLOSED_PORT; do
	p=$(lab_free_port)
	while [ -z "$p" ] || [ "${taken#* $p }" != "$taken" ]; do p=$(lab_free_port); done
	taken="$taken$p "
	eval "$var=$p"
done

# nginx: one server block per case. The protocols of a listening socket
# are those of its default server, so the two legacy cases get their own.
conf=$state/tls-nginx.conf
: >"$conf"
server() { # PORT NAME CERT PROTOCOLS CIPHERS [default]
	cat >>"$conf" <<CONF
server {
	listen 127.0.0.1:$1 ssl${6:+ default_server};
	server_name $2 www.$2;
	ssl_certificate $ca/$3.pem;
	ssl_certificate_key $ca/$3.key;
	ssl_protocols $4;
	ssl_ciphers $5;
	location / { return 200 "$2\n"; }
}
CONF
}
modern="TLSv1.2 TLSv1.3"
server "$LAB_TLS_PORT" clean.test clean "$modern" HIGH:!aNULL default
for c in expired expiring renew-late wrong-name self-signed manual-ca; do
	server "$LAB_TLS_PORT" "$c.test" "$c" "$modern" HIGH:!aNULL
done
server "$LAB_TLS_LEGACY_PORT" tls10.test tls10 "TLSv1 TLSv1.1 TLSv1.2" "DEFAULT:@SECLEVEL=0" default
server "$LAB_TLS_OLD_PORT" legacy-only.test legacy-only "TLSv1 TLSv1.1" "DEFAULT:@SECLEVEL=0" default
lab_nginx_start "$state/tlsweb" "$conf"
echo "$(cat "$state/tlsweb/nginx/nginx.pid")" >>"$state/tls.pids"
lab_wait_port "$LAB_TLS_PORT" || lab_die "nginx is not listening on $LAB_TLS_PORT"

# A port that accepts connections and never says a word (gone in 10 min).
# It writes how many connections it took to STATEDIR/silent.count.
python3 - "$LAB_TLS_SILENT_PORT" "$state/silent.count" >/dev/null 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64); s.settimeout(1)
held, end = [], time.time() + 600
while time.time() < end:
    try:
        c, _ = s.accept(); held.append(c)
        with open(sys.argv[2], "w") as f:
            f.write("%d\n" % len(held))
    except socket.timeout:
        pass
PY
echo $! >>"$state/tls.pids"
lab_wait_port "$LAB_TLS_SILENT_PORT" || lab_die "the silent port did not open"

# One zone per case.
zones=""
for c in clean expired expiring renew-late wrong-name self-signed manual-ca \
    tls10 legacy-only silent closed; do
	z=$state/zones/$c.test.zone
	mkdir -p "$state/zones"
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
# The parent zone: a name under .test that no case has is NXDOMAIN, an
# authoritative "does not exist" (not a refusal, which reads as a failed
# lookup).
cat >"$state/zones/test.zone" <<ZONE
\$ORIGIN test.
\$TTL 300
@	IN SOA ns1.clean.test. hostmaster.clean.test. 1 3600 600 86400 300
@	IN NS ns1.clean.test.
ZONE
zones="$zones test=$state/zones/test.zone"
# shellcheck disable=SC2086
lab_nsd_start "$state/tlsdns" $zones
echo "$(cat "$state/tlsdns/nsd/nsd.pid")" >>"$state/tls.pids"

cat >"$state/tls.env" <<ENV
LAB_TLS_DNS_PORT=$LAB_DNS_PORT
LAB_TLS_PORT=$LAB_TLS_PORT
LAB_TLS_LEGACY_PORT=$LAB_TLS_LEGACY_PORT
LAB_TLS_OLD_PORT=$LAB_TLS_OLD_PORT
LAB_TLS_SILENT_PORT=$LAB_TLS_SILENT_PORT
LAB_TLS_CLOSED_PORT=$LAB_TLS_CLOSED_PORT
LAB_TLS_CA=$LAB_CA
ENV

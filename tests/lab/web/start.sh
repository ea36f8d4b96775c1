#!/bin/bash
# tests/lab/web/start.sh STATEDIR: the web lab. Starts NSD (its own zones,
# every name 127.0.0.1; skipped when LAB_DNS_PORT is set), nginx (HTTP and HTTPS on free loopback ports,
# certificates from the test CA) and the Python upstreams (a slow route, an
# endless body, a silent port). Writes STATEDIR/web.env and
# STATEDIR/web.pids; tests/lab/web/stop.sh STATEDIR stops everything.
set -e
state=${1:?usage: start.sh STATEDIR}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
mkdir -p "$state"
state=$(cd "$state" && pwd)
up_pid=""
started=no
# On any failure, stop what was started so far.
trap '[ $started = yes ] || { lab_stop_all; [ -z "$up_pid" ] || kill "$up_pid" 2>/dev/null; }' EXIT

# The lab's domains: the clean client, the demo client and one per case.
LAB_WEB_DOMAINS="clean.test brightcart.test plain-http.test redirect-loop.test
split-hosts.test long-chain.test vercel-leak.test no-hsts.test short-hsts.test
mixed-active.test mixed-passive.test no-headers.test insecure-cookie.test
cors-reflect.test exposed-env.test spa.test stack-trace.test leaked-key.test
public-dashboard.test no-cache-static.test no-gzip.test slow.test endless.test
silent.test v6.test v6-broken.test v6-split.test cdn-origin.test
cdn-closed.test cdn-other.test cdn-endless.test"

# The IPv6 and exposed-origin cases' own records (every other name is the
# apex and the wildcard at 127.0.0.1). An explicit name hides the wildcard,
# so each gets its A record again. 100::1 is in the discard-only prefix
# (RFC 6666): nothing there ever answers. 127.0.0.2 is the origin server
# beside the "CDN" (nginx on 127.0.0.1 sending a CF-Ray header).
lab_web_records() {
	case $1 in
	v6.test) printf '%s\n' '@ IN AAAA ::1' 'www IN A 127.0.0.1' \
	    'www IN AAAA ::1' '@ IN MX 10 mx.v6.test.' 'mx IN A 127.0.0.1' \
	    'mx IN AAAA ::1' ;;
	v6-broken.test) printf '%s\n' '@ IN AAAA 100::1' \
	    '@ IN MX 10 mx.v6-broken.test.' 'mx IN A 127.0.0.1' ;;
	v6-split.test) printf '%s\n' '@ IN AAAA ::1' ;;
	brightcart.test|cdn-origin.test|cdn-closed.test|cdn-other.test|cdn-endless.test)
		printf '%s\n' 'origin IN A 127.0.0.2' ;;
	esac
}

# DNS: one zone per domain, apex and wildcard at 127.0.0.1. When
# LAB_DNS_PORT is already set (another lab's NSD serves these names, as in
# the demo), no NSD is started and that port is written to web.env.
if [ -z "${LAB_DNS_PORT:-}" ]; then
mkdir -p "$state/zones"
zones=""
for d in $LAB_WEB_DOMAINS; do
	cat >"$state/zones/$d.zone" <<ZONE
\$ORIGIN $d.
\$TTL 300
@	IN SOA ns.$d. hostmaster.$d. 1 3600 600 86400 300
@	IN NS ns.$d.
ns	IN A 127.0.0.1
@	IN A 127.0.0.1
*	IN A 127.0.0.1
ZONE
	lab_web_records "$d" >>"$state/zones/$d.zone"
	zones="$zones $d=$state/zones/$d.zone"
done
# shellcheck disable=SC2086
lab_nsd_start "$state" $zones
fi

# One certificate for every lab name (EC P-256: fast to make).
lab_ca "$state"
ca=$state/ca
san=""
for d in $LAB_WEB_DOMAINS; do san="$san${san:+,}DNS:$d,DNS:*.$d"; done
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=launchready web lab" -keyout "$ca/web.key" -out "$ca/web.csr" \
    >/dev/null 2>&1 || lab_die "cannot make the web lab key"
printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
    "$san" >"$ca/web.ext"
openssl x509 -req -in "$ca/web.csr" -CA "$LAB_CA" -CAkey "$ca/ca.key" \
    -CAcreateserial -days 60 -sha256 -extfile "$ca/web.ext" \
    -out "$ca/web.pem" >/dev/null 2>&1 || lab_die "cannot sign the web lab certificate"

# Upstreams: slow route and endless body on one port, a silent port.
LAB_WEB_UPSTREAM_PORT=$(lab_free_port)
LAB_WEB_SILENT_PORT=$(lab_free_port)
python3 "$here/upstream.py" "$LAB_WEB_UPSTREAM_PORT" "$LAB_WEB_SILENT_PORT" \
    >"$state/upstream.log" 2>&1 &
up_pid=$!
lab_wait_port "$LAB_WEB_UPSTREAM_PORT" || lab_die "the upstream did not start"
lab_wait_port "$LAB_WEB_SILENT_PORT" || lab_die "the silent port did not start"

# Content and nginx.
LAB_WEB_HTTP_PORT=$(lab_free_port)
LAB_WEB_HTTPS_PORT=$(lab_free_port)
www=$state/www
rm -rf "$www"
cp -R "$here/www" "$www"
expires=$(date -u -d '+300 days' +%Y-%m-%dT00:00:00Z)
sed -i "s/@EXPIRES@/$expires/" "$www/clean/.well-known/security.txt"
# Live-looking secrets and dot-files are made here, never committed.
key="sk_live_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')LabOnly"
sed "s/@STRIPE@/$key/" "$www/bright/static/app.js.in" >"$www/bright/static/app.js"
sed "s/@STRIPE@/$key/" "$www/leaked/assets/bundle.js.in" >"$www/leaked/assets/bundle.js"
printf 'NODE_ENV=production\nDATABASE_HOST=db.internal\nSESSION_SECRET=lab-value\n' \
    >"$www/bright/.env"
printf 'APP_ENV=production\nDB_HOST=db.internal\n' >"$www/exposed/.env"
mkdir -p "$www/exposed/.git"
printf '[core]\n\trepositoryformatversion = 0\n\tbare = false\n' \
    >"$www/exposed/.git/config"
# IPv6: nginx listens on [::1] too when the loopback has it (the server
# blocks that listen only there are in nginx-v6.conf); without it the
# [::1] lines are dropped and LAB_WEB_IPV6=no tells the tests.
if python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	LAB_WEB_IPV6=yes
	v6conf=$state/web-nginx-v6.conf
else
	LAB_WEB_IPV6=no
	v6conf=/dev/null
fi
for f in nginx.conf nginx-v6.conf; do
	sed -e "s|@H@|$LAB_WEB_HTTP_PORT|g" -e "s|@S@|$LAB_WEB_HTTPS_PORT|g" \
	    -e "s|@W@|$www|g" -e "s|@UP@|$LAB_WEB_UPSTREAM_PORT|g" \
	    -e "s|@CERT@|$ca/web.pem|g" -e "s|@KEY@|$ca/web.key|g" \
	    -e "s|@V6@|$v6conf|g" "$here/$f" >"$state/web-$f"
done
[ $LAB_WEB_IPV6 = yes ] || sed -i '/\[::1\]/d' "$state/web-nginx.conf"
for f in "$here"/www/*.conf; do
	sed -e "s|@W@|$www|g" "$f" >"$www/$(basename "$f")"
done
lab_nginx_start "$state" "$state/web-nginx.conf"
lab_wait_port "$LAB_WEB_HTTPS_PORT" || lab_die "nginx is not answering"

cat >"$state/web.env" <<ENV
LAB_DNS_PORT=$LAB_DNS_PORT
LAB_WEB_HTTP_PORT=$LAB_WEB_HTTP_PORT
LAB_WEB_HTTPS_PORT=$LAB_WEB_HTTPS_PORT
LAB_WEB_SILENT_PORT=$LAB_WEB_SILENT_PORT
LAB_WEB_UPSTREAM_PORT=$LAB_WEB_UPSTREAM_PORT
LAB_CA=$LAB_CA
LAB_WEB_IPV6=$LAB_WEB_IPV6
ENV
echo "$LAB_PIDS $up_pid" >"$state/web.pids"
started=yes

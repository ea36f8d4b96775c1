#!/bin/bash
# tests/lab/app/start.sh STATEDIR: the application lab. Starts NSD (one zone
# per variant, every name 127.0.0.1; skipped when LAB_DNS_PORT is set),
# the shop application (app.py) and nginx in front of it (HTTPS with a
# certificate from the test CA, HTTP redirecting to HTTPS). Writes
# STATEDIR/app.env and STATEDIR/app.pids; stop.sh STATEDIR stops everything.
set -e
state=${1:?usage: start.sh STATEDIR}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
mkdir -p "$state"
state=$(cd "$state" && pwd)
app_pid=""
started=no
trap '[ $started = yes ] || { lab_stop_all; [ -z "$app_pid" ] || kill "$app_pid" 2>/dev/null; }' EXIT

LAB_APP_DOMAINS="good.test pwbug.test dash500.test writeslow.test
loginloop.test cold.test noid.test lhgood.test lhbad.test"

if [ -z "${LAB_DNS_PORT:-}" ]; then
	mkdir -p "$state/zones"
	zones=""
	for d in $LAB_APP_DOMAINS; do
		cat >"$state/zones/$d.zone" <<ZONE
\$ORIGIN $d.
\$TTL 300
@	IN SOA ns.$d. hostmaster.$d. 1 3600 600 86400 300
@	IN NS ns.$d.
ns	IN A 127.0.0.1
@	IN A 127.0.0.1
*	IN A 127.0.0.1
ZONE
		zones="$zones $d=$state/zones/$d.zone"
	done
	# shellcheck disable=SC2086
	lab_nsd_start "$state" $zones
fi

lab_ca "$state"
san=""
for d in $LAB_APP_DOMAINS; do san="$san${san:+,}DNS:$d,DNS:*.$d"; done
lab_cert "$state" app "$san"

LAB_APP_PORT=$(lab_free_port)
: >"$state/writes.log"
python3 "$here/app.py" "$LAB_APP_PORT" "$state/writes.log" \
    >"$state/app.log" 2>&1 &
app_pid=$!
lab_wait_port "$LAB_APP_PORT" || lab_die "the application did not start"

LAB_APP_HTTP_PORT=$(lab_free_port)
LAB_APP_HTTPS_PORT=$(lab_free_port)
cat >"$state/app-nginx.conf" <<CONF
server {
	listen 127.0.0.1:$LAB_APP_HTTP_PORT;
	server_name _;
	return 301 https://\$host\$request_uri;
}
server {
	listen 127.0.0.1:$LAB_APP_HTTPS_PORT ssl;
	server_name _;
	ssl_certificate $state/ca/app.pem;
	ssl_certificate_key $state/ca/app.key;
	location / {
		proxy_pass http://127.0.0.1:$LAB_APP_PORT;
		proxy_set_header Host \$host;
		proxy_read_timeout 60s;
		proxy_next_upstream off;
	}
}
CONF
lab_nginx_start "$state" "$state/app-nginx.conf"
lab_wait_port "$LAB_APP_HTTPS_PORT" || lab_die "nginx is not answering"

cat >"$state/app.env" <<ENV
LAB_DNS_PORT=$LAB_DNS_PORT
LAB_APP_HTTP_PORT=$LAB_APP_HTTP_PORT
LAB_APP_HTTPS_PORT=$LAB_APP_HTTPS_PORT
LAB_APP_WRITES=$state/writes.log
LAB_CA=$LAB_CA
ENV
echo "$LAB_PIDS $app_pid" >"$state/app.pids"
started=yes

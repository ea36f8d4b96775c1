#!/bin/bash
# bench/portfolio/run.sh [COUNT] [JOBS]: a consultant's portfolio. COUNT
# generated lab domains (default 200: NSD zones d001.test... and one nginx
# server block each, certificates from a test CA) audited three ways:
#   single     one domain's audit, median of 3 (process start to exit)
#   targets    `launchready audit --targets FILE --jobs JOBS` (one process,
#              one loop): wall time and peak RSS (/usr/bin/time)
#   xargs      the same COUNT audits as separate processes, `xargs -P JOBS`:
#              wall time and the largest peak RSS of one process
# and the target of issue 13: targets wall <= 1.5 x single x COUNT / JOBS,
# peak RSS under 100 MB. Every audit runs the network families (dns, email,
# http, edge, perf, mon, tls); there is no repository to scan.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
LR=${LAUNCHREADY:-$top/launchready}
count=${1:-200}
jobs=${2:-8}
[ -x "$LR" ] || { echo "build launchready first ($LR)" >&2; exit 2; }
PATH=$PATH:/usr/sbin
for tool in nsd nginx openssl jq /usr/bin/time; do
	command -v "$tool" >/dev/null 2>&1 || { echo "$tool is not installed" >&2; exit 2; }
done
. "$top/tests/lab/lib.sh"
state=$(mktemp -d)
trap 'lab_stop_all; rm -rf "$state"' EXIT

domains=$(seq -f 'd%03g.test' 1 "$count")
HTTP=$(lab_free_port)
HTTPS=$(lab_free_port)
lab_ca "$state" >/dev/null
san=""
for d in $domains; do san="$san${san:+,}DNS:$d,DNS:www.$d"; done
lab_cert "$state" site "$san"
mkdir -p "$state/zones"
zones=()
: >"$state/site.conf"
for d in $domains; do
	cat >"$state/zones/$d.zone" <<ZONE
\$ORIGIN $d.
\$TTL 300
@ SOA ns1.$d. hostmaster.$d. 1 3600 600 604800 300
@ NS ns1.$d.
ns1 A 127.0.0.1
@ A 127.0.0.1
www A 127.0.0.1
@ TXT "v=spf1 -all"
_dmarc TXT "v=DMARC1; p=reject"
ZONE
	zones+=("$d=$state/zones/$d.zone")
	cat >>"$state/site.conf" <<CONF
server {
	listen 127.0.0.1:$HTTPS ssl;
	server_name $d www.$d;
	ssl_certificate $state/ca/site.pem;
	ssl_certificate_key $state/ca/site.key;
	add_header Strict-Transport-Security "max-age=31536000" always;
	add_header X-Content-Type-Options nosniff always;
	location / { return 200 "<html><body>$d</body></html>\n"; }
	location = /healthz { return 200 "ok\n"; }
}
CONF
done
cat >>"$state/site.conf" <<CONF
server {
	listen 127.0.0.1:$HTTP default_server;
	return 301 https://\$host\$request_uri;
}
CONF
lab_nsd_start "$state" "${zones[@]}" >/dev/null
lab_nginx_start "$state" "$state/site.conf"
lab_wait_port "$HTTPS"

opts=(--resolver "127.0.0.1:$LAB_DNS_PORT" --port-map "80:$HTTP,443:$HTTPS"
    --cacert "$LAB_CA" --only dns,email,http,edge,perf,mon,tls)
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

"$LR" audit d001.test "${opts[@]}" --format json >/dev/null || true	# warm-up
for i in 1 2 3; do
	t0=$(now_ms)
	"$LR" audit "d00$i.test" "${opts[@]}" --format json >"$state/single.json" || true
	echo $(( $(now_ms) - t0 ))
done >"$state/single"
single=$(median <"$state/single")
checks=$(jq '.checks | length' "$state/single.json")

for d in $domains; do echo "$d --health-url https://$d/healthz"; done >"$state/targets"
t0=$(now_ms)
/usr/bin/time -f '%M' -o "$state/rss" "$LR" audit --targets "$state/targets" \
    --jobs "$jobs" "${opts[@]}" >"$state/out.jsonl" 2>"$state/table" || true
targets=$(( $(now_ms) - t0 ))
rss=$(tail -1 "$state/rss")
lines=$(wc -l <"$state/out.jsonl")
errors=$(jq -s '[.[].checks[] | select(.status == "error")] | length' "$state/out.jsonl")

export LR state
t0=$(now_ms)
echo "$domains" | xargs -P "$jobs" -I{} sh -c \
    '/usr/bin/time -f %M -o "$state/rss.{}" "$LR" audit {} --health-url https://{}/healthz "$@" --format json >"$state/x.{}.json" 2>/dev/null || true' \
    sh "${opts[@]}"
xargs_ms=$(( $(now_ms) - t0 ))
xrss=$(for d in $domains; do tail -1 "$state/rss.$d"; done | sort -n | tail -1)
xlines=$(cat "$state"/x.*.json | jq -s length)

ideal=$(( single * count / jobs ))
printf 'domains %d, jobs %d, %d checks per audit\n' "$count" "$jobs" "$checks"
printf 'single audit (median of 3)    %6d ms\n' "$single"
printf 'single x %d / %d (ideal)      %6d ms\n' "$count" "$jobs" "$ideal"
printf -- '--targets --jobs %d           %6d ms  (%.2fx ideal)  peak RSS %d MB  %d lines, %d checks in error\n' \
    "$jobs" "$targets" "$(echo "$targets / $ideal" | bc -l)" $((rss / 1024)) "$lines" "$errors"
printf 'xargs -P %d (%d processes)   %6d ms  (%.2fx ideal)  largest process RSS %d MB  %d audits\n' \
    "$jobs" "$count" "$xargs_ms" "$(echo "$xargs_ms / $ideal" | bc -l)" $((xrss / 1024)) "$xlines"
awk -v t="$targets" -v i="$ideal" -v r="$rss" 'BEGIN {
	printf "target: within 1.5x ideal: %s; peak RSS under 100 MB: %s\n",
	    (t <= 1.5 * i ? "yes" : "NO"), (r < 100 * 1024 ? "yes" : "NO") }'
tail -3 "$state/table"

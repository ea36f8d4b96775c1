#!/bin/bash
# bench/portfolio/run.sh [COUNT] [JOBS] [BINARY...]: a consultant's
# portfolio. COUNT generated lab domains (default 200: NSD zones
# d001.test... and one nginx server block each with its own certificate
# from a test CA) audited three ways by each BINARY (default: this tree's
# launchready; give two to compare builds side by side on one lab):
#   single     one domain's audit, median of 3 (process start to exit)
#   targets    `launchready audit --targets FILE --jobs JOBS` (one process,
#              one loop): wall time and peak RSS (/usr/bin/time)
#   xargs      the same COUNT audits as separate processes, `xargs -P JOBS`:
#              wall time and the largest peak RSS of one process
# with the CPU time (user + system) of each, per audit, and the target of
# issue 13: targets wall <= 1.5 x single x COUNT / JOBS, peak RSS under
# 100 MB. One loop runs on one core: the targets run cannot take less wall
# time than its CPU time, whatever JOBS is. Every audit runs the network
# families (dns, email, http, edge, perf, mon, tls); there is no repository
# to scan. BENCH_SHARED_CERT=1 serves all domains with one certificate
# naming all of them (the first version of this benchmark: every handshake
# then carries and matches COUNT x 2 names). Run it under nice -n 19 on a
# shared machine and compare the CPU figures, which load disturbs less.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
count=${1:-200}
jobs=${2:-8}
shift 2 2>/dev/null || shift $#
binaries=("$@")
[ ${#binaries[@]} -gt 0 ] || binaries=("${LAUNCHREADY:-$top/launchready}")
for LR in "${binaries[@]}"; do
	[ -x "$LR" ] || { echo "build launchready first ($LR)" >&2; exit 2; }
done
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
if [ -n "$BENCH_SHARED_CERT" ]; then
	san=""
	for d in $domains; do san="$san${san:+,}DNS:$d,DNS:www.$d"; done
	lab_cert "$state" site "$san"
	for d in $domains; do
		ln -s site.pem "$state/ca/$d.pem"
		ln -s site.key "$state/ca/$d.key"
	done
else
	for d in $domains; do lab_cert "$state" "$d" "DNS:$d,DNS:www.$d"; done
fi
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
	ssl_certificate $state/ca/$d.pem;
	ssl_certificate_key $state/ca/$d.key;
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

# /usr/bin/time -f '%e %U %S %M' files (the last line: a failing audit
# adds "Command exited with non-zero status" above it).
tl() { tail -1 "$1"; }
cpu_ms() { tl "$1" | awk '{ printf "%d\n", ($2 + $3) * 1000 }'; }
for d in $domains; do echo "$d --health-url https://$d/healthz"; done >"$state/targets"
export state
printf '# bench/portfolio/run.sh %s %s, %s, %s cores, load average %s at the start\n' \
    "$count" "$jobs" "$(date -u +%F)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$BENCH_SHARED_CERT" ]; then
	echo "# one certificate naming all $((count * 2)) hosts"
else
	echo "# one certificate per domain"
fi
n=0
for LR in "${binaries[@]}"; do
	n=$((n + 1))
	export LR
	"$LR" audit d001.test "${opts[@]}" --format json >/dev/null || true	# warm-up
	for i in 1 2 3; do
		/usr/bin/time -f '%e %U %S %M' -o "$state/single.$i" \
		    "$LR" audit "d00$i.test" --health-url "https://d00$i.test/healthz" \
		    "${opts[@]}" --format json >"$state/single.json" || true
	done
	single=$(for i in 1 2 3; do tl "$state/single.$i" | awk '{ printf "%d\n", $1 * 1000 }'; done | median)
	scpu=$(for i in 1 2 3; do cpu_ms "$state/single.$i"; done | median)
	checks=$(jq '.checks | length' "$state/single.json")

	t0=$(now_ms)
	/usr/bin/time -f '%e %U %S %M' -o "$state/rss" "$LR" audit --targets "$state/targets" \
	    --jobs "$jobs" "${opts[@]}" >"$state/out.jsonl" 2>"$state/table" || true
	targets=$(( $(now_ms) - t0 ))
	rss=$(tl "$state/rss" | awk '{ print $4 }')
	tcpu=$(cpu_ms "$state/rss")
	lines=$(wc -l <"$state/out.jsonl")
	errors=$(jq -s '[.[].checks[] | select(.status == "error")] | length' "$state/out.jsonl")

	rm -f "$state"/x.*.json "$state"/rss.*
	t0=$(now_ms)
	echo "$domains" | xargs -P "$jobs" -I{} sh -c \
	    '/usr/bin/time -f "%e %U %S %M" -o "$state/rss.{}" "$LR" audit {} --health-url https://{}/healthz "$@" --format json >"$state/x.{}.json" 2>/dev/null || true' \
	    sh "${opts[@]}"
	xargs_ms=$(( $(now_ms) - t0 ))
	xrss=$(for d in $domains; do tl "$state/rss.$d" | awk '{ print $4 }'; done | sort -n | tail -1)
	xcpu=$(for d in $domains; do cpu_ms "$state/rss.$d"; done | awk '{ s += $1 } END { print s }')
	xlines=$(cat "$state"/x.*.json | jq -s length)

	ideal=$(( single * count / jobs ))
	printf '== %d: %s\n' "$n" "$LR"
	printf 'domains %d, jobs %d, %d checks per audit\n' "$count" "$jobs" "$checks"
	printf 'single audit (median of 3)   %7d ms  cpu %4d ms\n' "$single" "$scpu"
	printf 'single x %d / %d (ideal)     %7d ms\n' "$count" "$jobs" "$ideal"
	printf -- '--targets --jobs %d          %7d ms  (%.2fx ideal)  cpu %6d ms = %3d ms per audit  peak RSS %d MB  %d lines, %d checks in error\n' \
	    "$jobs" "$targets" "$(echo "$targets / $ideal" | bc -l)" "$tcpu" $((tcpu / count)) $((rss / 1024)) "$lines" "$errors"
	printf 'xargs -P %d (%d processes)  %7d ms  (%.2fx ideal)  cpu %6d ms = %3d ms per audit  largest process RSS %d MB  %d audits\n' \
	    "$jobs" "$count" "$xargs_ms" "$(echo "$xargs_ms / $ideal" | bc -l)" "$xcpu" $((xcpu / count)) $((xrss / 1024)) "$xlines"
	awk -v t="$targets" -v i="$ideal" -v r="$rss" 'BEGIN {
		printf "target: within 1.5x ideal: %s; peak RSS under 100 MB: %s\n",
		    (t <= 1.5 * i ? "yes" : "NO"), (r < 100 * 1024 ? "yes" : "NO") }'
	tail -2 "$state/table"
done
printf '# load average %s at the end\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

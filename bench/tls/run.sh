#!/bin/bash
# bench/tls/run.sh [RUNS]: launchready's tls.* checks against testssl.sh on
# the same TLS lab (tests/lab/tls), in one run. For each lab case it
# compares the certificate verdict (chain + name + in date), the days left
# and the verdict on each protocol version, then the wall time (median of
# RUNS runs, default 3) of `launchready audit --only tls` against
# `testssl -p -S` (protocols + server defaults, which hold the certificate).
#
# Run from a built tree: bench/tls/run.sh (needs root or sudo for apt-get
# the first time). Not part of make check.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
LAUNCHREADY=${LAUNCHREADY:-$top/launchready}
export LAUNCHREADY_DATADIR=${LAUNCHREADY_DATADIR:-$top/data}
[ -x "$LAUNCHREADY" ] || { echo "build first: $LAUNCHREADY is missing" >&2; exit 1; }
if ! command -v testssl >/dev/null 2>&1; then
	apt-get install -y testssl.sh >/dev/null 2>&1 ||
	    { apt-get update >/dev/null 2>&1 && apt-get install -y testssl.sh >/dev/null 2>&1; } ||
	    { echo "cannot install testssl.sh" >&2; exit 1; }
fi

state=$(mktemp -d "${TMPDIR:-/tmp}/bench-tls.XXXXXX")
trap '"$top/tests/lab/tls/stop.sh" "$state"; rm -rf "$state"' EXIT
bash "$top/tests/lab/tls/start.sh" "$state" >"$state/start.log" 2>&1 ||
    { cat "$state/start.log"; exit 1; }
. "$state/tls.env"

cases="clean:$LAB_TLS_PORT expired:$LAB_TLS_PORT expiring:$LAB_TLS_PORT
renew-late:$LAB_TLS_PORT wrong-name:$LAB_TLS_PORT self-signed:$LAB_TLS_PORT
manual-ca:$LAB_TLS_PORT tls10:$LAB_TLS_LEGACY_PORT legacy-only:$LAB_TLS_OLD_PORT"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

agree=0 disagree=0 lr_total=0 ts_total=0
printf '%-12s %-16s %-22s %-22s %s\n' case item launchready testssl agree
for c in $cases; do
	name=${c%%:*} port=${c#*:} host=$name.test
	lr_times="" ts_times=""
	for i in $(seq "$runs"); do
		t0=$(now_ms)
		"$LAUNCHREADY" audit "$host" --resolver "127.0.0.1:$LAB_TLS_DNS_PORT" \
		    --port-map "443:$port" --cacert "$LAB_TLS_CA" --only tls \
		    --format json >"$state/$name.lr.json" 2>/dev/null
		t1=$(now_ms)
		rm -f "$state/$name.ts.json"
		testssl --quiet --warnings off --color 0 --ip 127.0.0.1 \
		    --add-ca "$LAB_TLS_CA" -p -S --jsonfile "$state/$name.ts.json" \
		    "$host:$port" >/dev/null 2>&1
		t2=$(now_ms)
		lr_times="$lr_times $((t1 - t0))"
		ts_times="$ts_times $((t2 - t1))"
	done
	lr_med=$(echo $lr_times | tr ' ' '\n' | median)
	ts_med=$(echo $ts_times | tr ' ' '\n' | median)
	lr_total=$((lr_total + lr_med)) ts_total=$((ts_total + ts_med))
	lr=$state/$name.lr.json ts=$state/$name.ts.json

	# Certificate: chain verifies, name matches, in date.
	l_cert=$(jq -r '.checks[] | select(.id == "tls.certificate") | .status' "$lr")
	# (testssl rates "expires soon" as a finding of its own: only
	# "expired" counts against the certificate here, as for tls.certificate.)
	t_cert=$(jq -r '[.[] | select(.id == "cert_chain_of_trust" or .id == "cert_trust") | .severity] +
	    [.[] | select(.id == "cert_expirationStatus") | if .finding == "expired" then "CRITICAL" else "OK" end] |
	    if all(. == "OK" or . == "INFO" or . == "LOW" or . == "MEDIUM") then "pass" else "fail" end' "$ts")
	# Days left (negative: expired).
	l_days=$(jq -r --arg h "$host" '.checks[] | select(.id == "tls.expiry") | .evidence[] |
	    select(startswith($h + ": ")) | capture("(?<d>[0-9]+) days (?<w>left|ago)") |
	    if .w == "ago" then "expired" else .d end' "$lr" | head -1)
	t_days=$(jq -r '.[] | select(.id == "cert_expirationStatus") | .finding |
	    if test("expired") then "expired"
	    elif test("\\([0-9]+\\)") then (capture("\\((?<d>[0-9]+)\\)").d)
	    else (capture("(?<d>[0-9]+)").d) end' "$ts")
	# Protocol versions.
	l_line=$(jq -r --arg h "$host" '.checks[] | select(.id == "tls.protocols") | .evidence[] | select(startswith($h + ": "))' "$lr")
	for v in "1.0:TLS1" "1.1:TLS1_1" "1.2:TLS1_2" "1.3:TLS1_3"; do
		ver=${v%%:*} id=${v#*:}
		l=$(echo "$l_line" | grep -o "TLS $ver [a-z]*" | awk '{print $3}')
		t=$(jq -r --arg id "$id" '.[] | select(.id == $id) | .finding |
		    if test("^not offered") then "refused" elif test("^offered") then "accepted" else . end' "$ts")
		eval "l_v${ver/./}=\$l t_v${ver/./}=\$t"
	done
	for item in "certificate:$l_cert:$t_cert" "days-left:$l_days:$t_days" \
	    "TLS1.0:$l_v10:$t_v10" "TLS1.1:$l_v11:$t_v11" \
	    "TLS1.2:$l_v12:$t_v12" "TLS1.3:$l_v13:$t_v13"; do
		IFS=: read -r what a b <<<"$item"
		if [ "$a" = "$b" ]; then ok=yes agree=$((agree + 1)); else ok=NO disagree=$((disagree + 1)); fi
		printf '%-12s %-16s %-22s %-22s %s\n' "$name" "$what" "$a" "$b" "$ok"
	done
	printf '%-12s %-16s %-22s %-22s\n' "$name" "time (median ms)" "$lr_med" "$ts_med"
done
echo
echo "verdicts: $agree agree, $disagree disagree"
echo "wall time, sum of per-case medians over $runs runs: launchready ${lr_total} ms" \
    "(apex and www: 2 hosts per case), testssl ${ts_total} ms (apex only)"
awk -v a="$ts_total" -v b="$lr_total" 'BEGIN { if (b > 0) printf "ratio testssl / launchready: %.1f\n", a / b }'

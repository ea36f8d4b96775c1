#!/bin/bash
# bench/web/latency.sh: perf.latency's p95 against hey's on the same lab
# route (the delayed API route of slow.test and the landing page), in one
# run. Installs hey (Debian package) when missing. Prints medians over
# RUNS rounds and the ratio launchready/hey.
#
# usage: bench/web/latency.sh [RUNS]   (from the top of a built tree)
set -e
runs=${1:-5}
top=$(cd "$(dirname "$0")/../.." && pwd)
lr=${LAUNCHREADY:-$top/launchready}
export LAUNCHREADY_DATADIR=${LAUNCHREADY_DATADIR:-$top/data}
command -v hey >/dev/null || apt-get install -y hey >/dev/null
command -v hey >/dev/null || { echo "hey is not available"; exit 1; }
state=$(mktemp -d)
trap 'bash "$top/tests/lab/web/stop.sh" "$state"; rm -rf "$state"' EXIT
env -u LAB_DNS_PORT bash "$top/tests/lab/web/start.sh" "$state"
. "$state/web.env"

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2}'; }

# launchready: 20 requests, at most 2 at once (perf.latency's own plan).
lr_p95() { # URL-label-in-evidence
	"$lr" audit slow.test --resolver "127.0.0.1:$LAB_DNS_PORT" --cacert "$LAB_CA" \
	    --port-map "80:$LAB_WEB_HTTP_PORT,443:$LAB_WEB_HTTPS_PORT" \
	    --api-url https://slow.test/api/slow --only perf.latency --format json |
	    jq -r --arg u "$1" '.checks[0].evidence[] | select(startswith($u + " ")) |
	    capture("p95 (?<p>[0-9.]+) ms").p'
}
# hey: the same 20 requests, 2 workers, on the same address and Host.
hey_p95() { # PATH
	hey -n 20 -c 2 -host slow.test "https://127.0.0.1:$LAB_WEB_HTTPS_PORT$1" |
	    awk '/ 95% in / {printf "%.1f\n", $3 * 1000}'
}

for route in /api/slow /; do
	: >"$state/lr" ; : >"$state/hey"
	for i in $(seq "$runs"); do
		lr_p95 "https://slow.test$route" >>"$state/lr"
		hey_p95 "$route" >>"$state/hey"
	done
	a=$(median <"$state/lr"); b=$(median <"$state/hey")
	printf 'route https://slow.test%s: p95 median over %s runs: launchready %s ms, hey %s ms, ratio %s\n' \
	    "$route" "$runs" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", (b > 0) ? a / b : 0}')"
done

#!/bin/bash
# bench/audit/run.sh [RUNS]: the full audit of the demo client
# (brightcart.test: DNS lab, web lab on the DNS lab's NSD, git lab), RUNS
# times (default 5). Prints, as medians over the runs:
#   wall     the audit's wall time (process start to exit)
#   slowest  the largest per-check duration_ms in the JSON
#   sum      the sum of every check's duration_ms (what one-at-a-time
#            checks inside one process would cost)
# and, once, the wall time of running every check alone (`--only ID`, one
# process per check, one after the other): the sequential baseline.
# SPEC: the full audit takes not much longer than its slowest single check.
# Run from a built tree (LAUNCHREADY overrides the binary).
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
LR=${LAUNCHREADY:-$top/launchready}
runs=${1:-5}
[ -x "$LR" ] || { echo "build launchready first ($LR)" >&2; exit 2; }
for tool in nsd nginx jq python3 openssl git; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null 2>&1 || { echo "$tool is not installed" >&2; exit 2; }
done
state=$(mktemp -d)
lab=$top/tests/lab
cleanup() {
	bash "$lab/web/stop.sh" "$state" 2>/dev/null
	bash "$lab/dns/stop.sh" "$state" 2>/dev/null
	[ ! -f "$lab/git/stop.sh" ] || sh "$lab/git/stop.sh" "$state" 2>/dev/null
	rm -rf "$state"
}
trap cleanup EXIT
env -u LAB_DNS_PORT bash "$lab/dns/start.sh" "$state" >/dev/null
. "$state/dns.env"
LAB_DNS_PORT=$LAB_DNS_PORT bash "$lab/web/start.sh" "$state" >/dev/null
. "$state/web.env"
repo=()
if [ -f "$lab/git/start.sh" ]; then
	sh "$lab/git/start.sh" "$state" >/dev/null
	. "$state/git.env"
	repo=(--repo "$LAB_REPO")
fi
args=(audit brightcart.test --subdomains app,api,admin,staging,docs
    --resolver "127.0.0.1:$LAB_DNS_PORT"
    --port-map "80:$LAB_WEB_HTTP_PORT,443:$LAB_WEB_HTTPS_PORT"
    --cacert "$LAB_CA" "${repo[@]}" --format json)

# now_ms: milliseconds since the epoch.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# median: the median of the numbers on stdin.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

"$LR" "${args[@]}" >/dev/null || true	# warm-up (page cache, NSD)
: >"$state/runs"
for i in $(seq 1 "$runs"); do
	t0=$(now_ms)
	"$LR" "${args[@]}" >"$state/out.json" || true
	t1=$(now_ms)
	printf '%s %s %s\n' $((t1 - t0)) \
	    "$(jq '[.checks[].duration_ms] | max' "$state/out.json")" \
	    "$(jq '[.checks[].duration_ms] | add' "$state/out.json")" >>"$state/runs"
	read -r w s t <<<"$(tail -1 "$state/runs")"
	echo "run $i: wall $w ms, slowest $s ms ($(jq -r '.checks | max_by(.duration_ms) | .id' "$state/out.json")), sum $t ms"
done
wall=$(cut -d' ' -f1 "$state/runs" | median)
slow=$(cut -d' ' -f2 "$state/runs" | median)
sum=$(cut -d' ' -f3 "$state/runs" | median)
slowest_id=$(jq -r '.checks | max_by(.duration_ms) | .id' "$state/out.json")

# The sequential baseline: each check alone, one process after another.
t0=$(now_ms)
for id in $(jq -r '.checks[].id' "$state/out.json"); do
	"$LR" "${args[@]}" --only "$id" >/dev/null || true
done
seq_ms=$(( $(now_ms) - t0 ))

echo
echo "full demo-client audit, median of $runs runs (44 checks):"
echo "  wall time             $wall ms"
echo "  slowest single check  $slow ms ($slowest_id in the last run)"
echo "  sum of check times    $sum ms"
echo "  wall - slowest        $((wall - slow)) ms"
awk -v w="$wall" -v s="$slow" -v t="$sum" -v q="$seq_ms" 'BEGIN {
	printf "  wall / slowest        %.2f\n", w / s
	printf "  sum / wall            %.1f (concurrency)\n", t / w
	printf "  each check alone, one after another: %d ms (%.1fx the audit)\n", q, q / w
}'

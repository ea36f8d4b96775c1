#!/bin/sh
# bench/secrets/compare.sh BASE_BIN BASE_DATADIR [WORKDIR]: this build's
# secret scanner against another build (the commit before a rule change),
# side by side on the corpus of run.sh (real source text, 100 planted
# secrets; made in WORKDIR when absent). Runs alternate between the two so
# the shared machine's noise hits both; prints each one's median wall
# time, throughput, planted recall and findings, and the throughput ratio.
#
# Environment: LAUNCHREADY (default ../../launchready from the build),
# CORPUS_MB (210), RUNS (5 per build). Needs python3 and jq.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 BASE_BIN BASE_DATADIR [WORKDIR]"; exit 2; }
base=$1 basedata=$2
lr=${LAUNCHREADY:-$top/launchready}
work=${3:-$(mktemp -d)}
mb=${CORPUS_MB:-210}
runs=${RUNS:-5}
[ -x "$lr" ] && [ -x "$base" ] || { echo "both builds must exist"; exit 1; }
mkdir -p "$work"
if [ ! -d "$work/corpus" ]; then
	python3 "$here/corpus.py" "$work/corpus" "$mb" "$work/planted.tsv"
fi
bytes=$(du -sb "$work/corpus" | cut -f1)
now() { python3 -c 'import time; print("%.3f" % time.monotonic())'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$work/base.times"
: >"$work/new.times"
i=0
while [ $i -lt "$runs" ]; do
	for which in base new; do
		if [ $which = base ]; then
			bin=$base data=$basedata
		else
			bin=$lr data=$top/data
		fi
		t0=$(now)
		LAUNCHREADY_DATADIR=$data "$bin" scan "$work/corpus" \
		    --format json >"$work/$which.json" 2>/dev/null || true
		t1=$(now)
		echo "$t1 $t0" | awk '{ print $1 - $2 }' >>"$work/$which.times"
	done
	i=$((i + 1))
done

# A planted secret is found when its file is reported within 2 lines.
recall() {
	jq -r '.findings[] | "\(.path)\t\(.line)"' "$work/$1.json" |
	    python3 -c 'import sys
planted = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
found = {}
n = 0
for l in sys.stdin:
    p, line = l.rstrip("\n").split("\t")
    found.setdefault(p, []).append(int(line)); n += 1
hit = sum(1 for k, p, line, v in planted
          if any(abs(x - int(line)) <= 2 for x in found.get(p, [])))
print(hit, len(planted), n)' "$work/planted.tsv"
}
bt=$(median <"$work/base.times")
nt=$(median <"$work/new.times")
set -- $(recall base); bh=$1 tot=$2 bn=$3
set -- $(recall new); nh=$1 nn=$3
awk -v b="$bytes" -v bt="$bt" -v nt="$nt" -v bh="$bh" -v nh="$nh" \
    -v tot="$tot" -v bn="$bn" -v nn="$nn" -v runs="$runs" 'BEGIN {
	mb = b / 1048576
	printf "corpus %.1f MB, median of %d alternating runs each\n", mb, runs
	printf "%-10s %8s %8s %10s %9s\n", "build", "wall s", "MB/s", "recall", "findings"
	printf "%-10s %8.2f %8.1f %6d/%-3d %9d\n", "base", bt, mb / bt, bh, tot, bn
	printf "%-10s %8.2f %8.1f %6d/%-3d %9d\n", "this", nt, mb / nt, nh, tot, nn
	printf "throughput this/base: %.2f\n", bt / nt
}'
echo "work directory: $work"

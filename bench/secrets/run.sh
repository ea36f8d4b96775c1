#!/bin/sh
# bench/secrets/run.sh [WORKDIR]: the secret scanner against secretlint
# (npm, @secretlint/secretlint-rule-preset-recommend) on one tree of at
# least 200 MB of real source text from this machine with 100 planted
# secrets of 10 kinds both tools know; then a history scan of a generated
# repository of 5,000 commits with 50 planted secrets; then the regex
# engine comparison behind the scanner's design.
#
# Environment: LAUNCHREADY (default ../../launchready from the build),
# CORPUS_MB (210), RUNS (3, launchready), SL_RUNS (1: secretlint takes
# many minutes per run; 0 reuses an earlier run's output in WORKDIR),
# COMMITS (5000).
# Needs python3, jq, git, node and npm (secretlint is installed into a
# temporary directory, nothing global).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
lr=${LAUNCHREADY:-$top/launchready}
work=${1:-$(mktemp -d)}
mb=${CORPUS_MB:-210}
runs=${RUNS:-3}
slruns=${SL_RUNS:-1}
commits=${COMMITS:-5000}
mkdir -p "$work"
[ -x "$lr" ] || { echo "build launchready first ($lr)"; exit 1; }
export LAUNCHREADY_DATADIR=${LAUNCHREADY_DATADIR:-$top/data}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now() { python3 -c 'import time; print("%.3f" % time.monotonic())'; }

echo "== corpus"
if [ ! -d "$work/corpus" ]; then
	python3 "$here/corpus.py" "$work/corpus" "$mb" "$work/planted.tsv"
fi
bytes=$(du -sb "$work/corpus" | cut -f1)
nfiles=$(find "$work/corpus" -type f | wc -l)
echo "corpus: $nfiles files, $bytes bytes"

echo "== secretlint"
if [ ! -x "$work/sl/node_modules/.bin/secretlint" ]; then
	mkdir -p "$work/sl"
	(cd "$work/sl" && npm init -y >/dev/null 2>&1 &&
	    npm install --no-audit --no-fund secretlint \
	    @secretlint/secretlint-rule-preset-recommend >/dev/null 2>&1)
fi
slv=$("$work/sl/node_modules/.bin/secretlint" --version)
echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' \
    >"$work/secretlintrc.json"
# SL_RUNS=0 reuses the times and output of an earlier run in WORKDIR.
[ "$slruns" -eq 0 ] && [ -s "$work/sl.times" ] && [ -s "$work/sl.json" ] ||
    : >"$work/sl.times"
i=0
while [ $i -lt "$slruns" ]; do
	# Files in batches of 2,000 on the command line: secretlint's own
	# "**/*" glob over this tree ran over 30 minutes without finishing.
	rm -rf "$work/sl.out"
	mkdir -p "$work/sl.out"
	t0=$(now)
	(cd "$work/corpus" && find . -type f | sed 's|^\./||' | sort |
	    split -l 2000 - "$work/sl.out/batch." &&
	    for b in "$work/sl.out"/batch.*; do
		xargs -d '\n' "$work/sl/node_modules/.bin/secretlint" \
		    --secretlintrc "$work/secretlintrc.json" --format json \
		    <"$b" >"$b.json" 2>/dev/null || true
	    done)
	t1=$(now)
	jq -s 'add' "$work/sl.out"/batch.*.json >"$work/sl.json"
	echo "$t1 $t0" | awk '{ print $1 - $2 }' >>"$work/sl.times"
	i=$((i + 1))
done

echo "== launchready"
: >"$work/lr.times"
i=0
while [ $i -lt "$runs" ]; do
	t0=$(now)
	"$lr" audit bench.test --repo "$work/corpus" --only secrets.worktree \
	    --format sarif --timeout 600 >"$work/lr.sarif" || true
	t1=$(now)
	echo "$t1 $t0" | awk '{ print $1 - $2 }' >>"$work/lr.times"
	i=$((i + 1))
done

# Recall: a planted secret counts as found when the tool reports its
# file within 2 lines of where it was planted.
jq -r '.runs[0].results[] | .locations[0].physicalLocation |
    "\(.artifactLocation.uri)\t\(.region.startLine)"' "$work/lr.sarif" |
    python3 -c 'import sys, urllib.parse
for l in sys.stdin:
    p, n = l.rstrip("\n").split("\t"); print(urllib.parse.unquote(p) + "\t" + n)' \
    >"$work/lr.found"
jq -r '.[] | .filePath as $f | .messages[] | "\($f)\t\(.loc.start.line)"' \
    "$work/sl.json" 2>/dev/null | sed "s|^$work/corpus/||" >"$work/sl.found" || : >"$work/sl.found"
recall() {	# recall FOUND: prints "found total findings"
	python3 - "$work/planted.tsv" "$1" <<'PY'
import sys
planted = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
found = {}
n = 0
for l in open(sys.argv[2]):
    p, line = l.rstrip("\n").split("\t")
    found.setdefault(p, []).append(int(line)); n += 1
hit = sum(1 for k, p, line, v in planted
          if any(abs(x - int(line)) <= 2 for x in found.get(p, [])))
print(hit, len(planted), n)
PY
}
set -- $(recall "$work/lr.found"); lr_hit=$1 total=$2 lr_n=$3
set -- $(recall "$work/sl.found"); sl_hit=$1 sl_n=$3
lr_t=$(median <"$work/lr.times")
sl_t=$(median <"$work/sl.times")

echo "== history ($commits commits)"
if [ ! -d "$work/hist" ]; then
	python3 "$here/history.py" "$work/hist" "$commits" "$work/hist.tsv"
fi
: >"$work/hist.times"
i=0
while [ $i -lt "$runs" ]; do
	t0=$(now)
	"$lr" audit bench.test --repo "$work/hist" --only secrets.history \
	    --format sarif --timeout 600 >"$work/hist.sarif" || true
	t1=$(now)
	echo "$t1 $t0" | awk '{ print $1 - $2 }' >>"$work/hist.times"
	i=$((i + 1))
done
t0=$(now)
git -C "$work/hist" log --all -p -U0 --no-renames >/dev/null
gitlog_t=$(echo "$(now) $t0" | awk '{ print $1 - $2 }')
hist_t=$(median <"$work/hist.times")
jq -r '.runs[0].results[].partialFingerprints["launchready/v1"]' \
    "$work/hist.sarif" | sort >"$work/hist.got"
cut -f3 "$work/hist.tsv" | while IFS= read -r v; do
	printf %s "$v" | sha256sum | cut -c1-16; done | sort >"$work/hist.want"
hist_hit=$(comm -12 "$work/hist.got" "$work/hist.want" | wc -l)
hist_total=$(wc -l <"$work/hist.want")
hist_n=$(wc -l <"$work/hist.got")

echo "== regex engines (first 3000 files)"
cc -O2 -I"$top" -I"$top/src" -o "$work/engines" "$here/engines.c" \
    "$top/liblaunchready.a" $(pkg-config --libs libpcre2-8 libconfig \
    libcrypto libcares libcurl libidn2) -lm -pthread
find "$work/corpus" -type f | sort | head -3000 |
    "$work/engines" "$LAUNCHREADY_DATADIR/secret-rules.cfg"

echo
echo "== results"
awk -v b="$bytes" -v lt="$lr_t" -v st="$sl_t" -v lh="$lr_hit" \
    -v sh="$sl_hit" -v tot="$total" -v ln="$lr_n" -v sn="$sl_n" \
    -v slv="$slv" -v runs="$runs" -v slruns="$(wc -l <"$work/sl.times")" 'BEGIN {
	mb = b / 1048576
	printf "corpus %.1f MB; launchready median of %d, secretlint %s median of %d\n", mb, runs, slv, slruns
	printf "%-12s %10s %12s %10s %10s\n", "tool", "wall s", "MB/s", "recall", "findings"
	printf "%-12s %10.2f %12.1f %6d/%-3d %10d\n", "launchready", lt, mb / lt, lh, tot, ln
	printf "%-12s %10.2f %12.2f %6d/%-3d %10d\n", "secretlint", st, mb / st, sh, tot, sn
	printf "throughput ratio: %.0fx\n", st / lt
}'
echo "history: $commits commits, median $hist_t s (git log -p alone: $gitlog_t s), recall $hist_hit/$hist_total, $hist_n findings"
echo "work directory: $work"

#!/bin/bash
# bench/tls/grade.sh [RUNS]: tls.ciphers and tls.grade against testssl.sh
# (-E each cipher per protocol, -f forward secrecy, -S server defaults) on
# the cipher lab (tests/lab/tlsgrade: strong, medium, weak, insecure), side
# by side in one run. Per configuration: the grade each tool gives, whether
# the accepted suites per protocol are the same set, forward secrecy and
# OCSP stapling as each tool sees them, and the wall times (launchready:
# median of RUNS runs, default 3, of `audit --only tls.ciphers,tls.grade`,
# apex and www; testssl: one run, apex only, as it takes minutes).
#
# testssl.sh 3.0.8 (Debian bookworm) has no rating: its grade column says
# so, and the comparison is of what it does print. Run under nice -n 19
# from a built tree; needs root or sudo for apt-get the first time. Not
# part of make check.
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
tsver=$(testssl --version 2>&1 | sed -n 's/.*testssl *\([0-9][0-9.]*\) from.*/testssl.sh \1/p' | head -1)

state=$(mktemp -d "${TMPDIR:-/tmp}/bench-tlsgrade.XXXXXX")
trap '"$top/tests/lab/tlsgrade/stop.sh" "$state"; rm -rf "$state"' EXIT
bash "$top/tests/lab/tlsgrade/start.sh" "$state" >"$state/start.log" 2>&1 ||
    { cat "$state/start.log"; exit 1; }
. "$state/tlsgrade.env"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# launchready's suites of HOST: "1.2 NAME" lines, sorted.
lr_suites() {
	jq -r '.checks[] | select(.id == "tls.ciphers") | .evidence[]' "$1" |
	    grep "^$2: TLS [0-9.]* suites" |
	    sed 's/^[^:]*: TLS \([0-9.]*\) suites ([^)]*): /\1 /' |
	    while read -r v list; do
		    echo "$list" | tr ',' '\n' | sed "s/^ *//; s/^/$v /"
	    done | sort
}
# testssl's: from the ids cipher-tls1_2_x... and the name in the finding.
ts_suites() {
	jq -r '.[] | select(.id | test("^cipher-tls")) |
	    (.id | capture("^cipher-tls(?<v>[0-9_]*)_x").v) + " " +
	    (.finding | split(" ") | map(select(length > 0)) | .[3])' "$1" |
	    sed 's/^1 /1.0 /; s/^1_1 /1.1 /; s/^1_2 /1.2 /; s/^1_3 /1.3 /' | sort
}

printf '%-9s %-14s %-11s %-13s %-9s %-9s %-10s %-13s %s\n' configuration \
    "testssl grade" "lr grade" "suites equal" "FS lr/ts" "OCSP" "testssl s" \
    "launchready ms" "ratio"
equal_all=0 total=0 lr_sum=0 ts_sum=0
for c in strong:$LAB_TG_STRONG_PORT medium:$LAB_TG_MEDIUM_PORT \
    weak:$LAB_TG_WEAK_PORT insecure:$LAB_TG_INSECURE_PORT; do
	name=${c%%:*} port=${c#*:} host=$name.test
	lr=$state/$name.lr.json ts=$state/$name.ts.json
	times=""
	for _ in $(seq "$runs"); do
		t0=$(now_ms)
		"$LAUNCHREADY" audit "$host" --resolver "127.0.0.1:$LAB_TG_DNS_PORT" \
		    --port-map "443:$port" --cacert "$LAB_TG_CA" \
		    --only tls.ciphers,tls.grade --format json >"$lr" 2>/dev/null
		times="$times $(( $(now_ms) - t0 ))"
	done
	lr_ms=$(echo $times | tr ' ' '\n' | median)
	rm -f "$ts"
	t0=$(now_ms)
	testssl --quiet --warnings off --color 0 --ip 127.0.0.1 \
	    --add-ca "$LAB_TG_CA" -E -f -S --jsonfile "$ts" "$host:$port" \
	    >"$state/$name.ts.txt" 2>&1
	ts_ms=$(( $(now_ms) - t0 ))
	lr_grade=$(jq -r --arg h "$host" '.checks[] | select(.id == "tls.grade") |
	    .evidence[] | select(startswith($h + ": grade ")) |
	    sub("^[^:]*: grade "; "")' "$lr" | head -1)
	# A rating, if this testssl prints one (3.1 and later do).
	ts_grade=$(jq -r '.[] | select(.id == "overall_grade") | .finding' "$ts" 2>/dev/null)
	[ -n "$ts_grade" ] || ts_grade="(no rating)"
	lr_suites "$lr" "$host" >"$state/$name.lr.suites"
	ts_suites "$ts" >"$state/$name.ts.suites"
	if cmp -s "$state/$name.lr.suites" "$state/$name.ts.suites" &&
	    [ -s "$state/$name.lr.suites" ]; then
		same=yes equal_all=$((equal_all + 1))
	else
		same="NO ($(wc -l <"$state/$name.lr.suites")/$(wc -l <"$state/$name.ts.suites"))"
		diff "$state/$name.lr.suites" "$state/$name.ts.suites" | sed "s/^/  $name: /" >"$state/$name.diff"
	fi
	total=$((total + 1))
	lr_fs=$(jq -r --arg h "$host" '.checks[] | select(.id == "tls.ciphers") |
	    .evidence[] | select(startswith($h + ": forward secrecy: "))' "$lr" |
	    grep -q 'forward secrecy: all' && echo all || echo part)
	ts_fs=$(jq -r '.[] | select(.id == "PFS" or .id == "FS") | .finding' "$ts" | head -1)
	case $ts_fs in offered*) ts_fs=yes ;; "not offered"*) ts_fs=no ;; esac
	lr_ocsp=$(jq -r --arg h "$host" '.checks[] | select(.id == "tls.ciphers") |
	    .evidence[] | select(startswith($h + ": OCSP stapling: "))' "$lr" |
	    sed 's/.*OCSP stapling: \([a-z]*\).*/\1/')
	ts_ocsp=$(jq -r '.[] | select(.id == "OCSP_stapling") | .finding' "$ts")
	case $ts_ocsp in offered*) ts_ocsp=yes ;; "not offered"*) ts_ocsp=no ;; esac
	lr_sum=$((lr_sum + lr_ms)) ts_sum=$((ts_sum + ts_ms))
	printf '%-9s %-14s %-11s %-13s %-9s %-9s %-10s %-13s %s\n' "$name" \
	    "$ts_grade" "$lr_grade" "$same" "$lr_fs/$ts_fs" "$lr_ocsp/$ts_ocsp" \
	    "$(awk -v m="$ts_ms" 'BEGIN { printf "%.1f", m / 1000 }')" "$lr_ms" \
	    "$(awk -v a="$ts_ms" -v b="$lr_ms" 'BEGIN { if (b > 0) printf "%.0f", a / b }')"
	[ -f "$state/$name.diff" ] && cat "$state/$name.diff"
done
echo
echo "accepted suites per protocol equal on $equal_all of $total configurations"
echo "wall time: launchready $lr_sum ms (median of $runs runs each, apex and www)," \
    "testssl $ts_sum ms (one run each, apex only; $tsver)"
awk -v a="$ts_sum" -v b="$lr_sum" 'BEGIN { if (b > 0) printf "ratio testssl / launchready: %.0f\n", a / b }'

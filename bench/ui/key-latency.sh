#!/bin/bash
# bench/ui/key-latency.sh [N]: how fast the wizard answers a key while checks
# are in flight. Starts the TLS lab, opens a session whose TLS checks hang
# on a silent port (they run until their 5 s timeout), re-runs the stage,
# then switches stages N times (default 20), timing each key from tmux
# send-keys until the new stage is on the screen (tmux overhead included).
# Prints each latency with the number of checks running, then the median.
# Run from a built tree: bench/ui/key-latency.sh
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lab/lib.sh"
n=${1:-20}
work=$(mktemp -d)
T="tmux -u -L lrbench-$$ -f /dev/null"
trap '$T kill-server 2>/dev/null; "$top/tests/lab/tls/stop.sh" "$work/lab"; rm -rf "$work"' EXIT
"$top/tests/lab/tls/start.sh" "$work/lab" >/dev/null 2>&1
. "$work/lab/tls.env"
$T new-session -d -x 80 -y 24 "env XDG_DATA_HOME=$work/data LC_ALL=C.UTF-8 $top/launchready new silent.test --resolver 127.0.0.1:$LAB_TLS_DNS_PORT --port-map 443:$LAB_TLS_SILENT_PORT --cacert $LAB_TLS_CA --timeout 5; sleep 600"
sleep 0.5
$T send-keys "Bench" F10
sleep 3
$T send-keys 2
sleep 0.3
$T send-keys R
sleep 0.2
for i in $(seq 1 "$n"); do
	if [ $((i % 2)) -eq 1 ]; then k=3; else k=2; fi
	s=$(date +%s%N)
	$T send-keys "$k"
	until $T capture-pane -p | grep -qF "▶ $k"; do :; done
	e=$(date +%s%N)
	r=$($T capture-pane -p | head -1 | grep -o '[0-9]* running' || echo "0 running")
	echo "$(( (e - s) / 1000 )) us, $r"
done | tee "$work/out"
sort -n "$work/out" | awk '{a[NR]=$1} END {print "median", a[int((NR+1)/2)], "us; max", a[NR], "us; n", NR}'

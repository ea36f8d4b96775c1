#!/bin/bash
# bench/dns/run.sh [DELAY_MS] [RUNS]: the dns+email audit of the demo client
# (brightcart.test) with DELAY_MS added to every packet on the lab's link,
# against (a) the round trips of its longest dependency chain times the
# round-trip time and (b) the same lookups issued one by one with dig.
#
# The link: a network namespace made here, whose loopback gets a netem
# delay of DELAY_MS each way (a DNS round trip costs 2 x DELAY_MS); NSD, the
# audit and dig all run inside it (root, iproute2, sch_netem). Where netem
# is not available, a delaying proxy on loopback (delay-proxy.py) holds
# every answer for 2 x DELAY_MS instead: the same added round-trip time.
# Run from a built tree (LAUNCHREADY overrides the binary).
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
LR=${LAUNCHREADY:-$top/launchready}
delay=${1:-25}
runs=${2:-7}
rtt=$((2 * delay))
ns=lrdnsbench$$
state=$(mktemp -d)
[ -x "$LR" ] || { echo "build launchready first ($LR)" >&2; exit 2; }
proxy_pid=
cleanup() {
	[ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
	if [ "$link" = netem ]; then
		ip netns exec "$ns" bash "$top/tests/lab/dns/stop.sh" "$state" 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	else
		bash "$top/tests/lab/dns/stop.sh" "$state" 2>/dev/null
	fi
	rm -rf "$state"
}
trap cleanup EXIT
link=proxy
if [ "$(id -u)" -eq 0 ] && ip netns add "$ns" 2>/dev/null; then
	if ip netns exec "$ns" ip link set lo up &&
	    ip netns exec "$ns" tc qdisc add dev lo root netem delay "${delay}ms" 2>/dev/null; then
		link=netem
	else
		ip netns del "$ns"
	fi
fi
if [ $link = netem ]; then
	in_ns() { ip netns exec "$ns" "$@"; }
	# Start the lab without the delay, then put it back.
	in_ns tc qdisc del dev lo root
	in_ns bash "$top/tests/lab/dns/start.sh" "$state" >/dev/null
	in_ns tc qdisc add dev lo root netem delay "${delay}ms"
	. "$state/dns.env"
	port=$LAB_DNS_PORT
else
	in_ns() { "$@"; }
	bash "$top/tests/lab/dns/start.sh" "$state" >/dev/null
	. "$state/dns.env"
	. "$top/tests/lab/lib.sh"
	port=$(lab_free_port)
	python3 "$top/bench/dns/delay-proxy.py" "$port" "$LAB_DNS_PORT" "$rtt" >"$state/proxy.log" 2>&1 &
	proxy_pid=$!
	for i in $(seq 50); do grep -q ready "$state/proxy.log" && break; sleep 0.1; done
fi

subs=app,api,admin,staging,docs
audit() {
	in_ns env LAUNCHREADY_DNS_TRACE="$1" "$LR" audit brightcart.test \
	    --resolver "127.0.0.1:$port" --only dns,email \
	    --subdomains "$subs" --format json --timeout 10 >"$state/out.json" || true
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now() { date +%s%N; }

# One traced run: which lookups, and when each went out.
audit "$state/trace"
nq=$(wc -l <"$state/trace")
# Depth of each query in round trips: it went out after floor(t / rtt)
# answers in sequence; the deepest gives the longest dependency chain.
depth=$(awk -v r="$rtt" '{ d = int($1 / r) + 1; if (d > m) m = d } END { print m }' "$state/trace")

for i in $(seq "$runs"); do
	t0=$(now); audit ""; t1=$(now)
	echo $(( (t1 - t0) / 1000000 ))
done >"$state/audit.ms"
audit_ms=$(median <"$state/audit.ms")

# The same lookups, one after the other, in one dig process.
awk -v p="$port" '{
	if (NF >= 4) { split(substr($4, 2), s, ":"); srv = "@" s[1] " -p " s[2] }
	else srv = "@127.0.0.1 -p " p
	print srv " +tries=1 +time=10 +norecurse " $2 " " $3
}' "$state/trace" >"$state/batch"
for i in $(seq "$runs"); do
	t0=$(now); in_ns dig -f "$state/batch" >/dev/null; t1=$(now)
	echo $(( (t1 - t0) / 1000000 ))
done >"$state/dig.ms"
dig_ms=$(median <"$state/dig.ms")

chain_ms=$((depth * rtt))
printf 'link: %s; delay %d ms each way (round trip +%d ms), %d runs, medians\n' "$link" "$delay" "$rtt" "$runs"
printf 'audit of brightcart.test (dns+email, 15 checks): %d ms, %d queries\n' "$audit_ms" "$nq"
printf 'longest dependency chain: %d round trips = %d ms\n' "$depth" "$chain_ms"
printf 'the same %d lookups one by one with dig: %d ms\n' "$nq" "$dig_ms"
awk -v a="$audit_ms" -v c="$chain_ms" -v d="$dig_ms" 'BEGIN {
	printf "ratio (a) audit / chain: %.2f\n", a / c
	printf "ratio (b) dig one by one / audit: %.1f\n", d / a
}'

#!/bin/bash
# tests/lab/tls/stop.sh STATEDIR: stops what start.sh started there.
state=${1:?usage: stop.sh STATEDIR}
[ -f "$state/tls.pids" ] || exit 0
while read -r pid; do
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
done <"$state/tls.pids"
rm -f "$state/tls.pids"
exit 0

#!/bin/bash
# tests/lab/tlsgrade/stop.sh STATEDIR: stops what start.sh started there.
state=${1:?usage: stop.sh STATEDIR}
[ -f "$state/tlsgrade.pids" ] || exit 0
while read -r pid; do
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
done <"$state/tlsgrade.pids"
rm -f "$state/tlsgrade.pids"
exit 0

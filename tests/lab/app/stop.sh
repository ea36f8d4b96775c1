#!/bin/bash
# tests/lab/app/stop.sh STATEDIR: stops what start.sh started.
state=${1:?usage: stop.sh STATEDIR}
[ -f "$state/app.pids" ] || exit 0
for p in $(cat "$state/app.pids"); do kill "$p" 2>/dev/null; done
rm -f "$state/app.pids"
exit 0

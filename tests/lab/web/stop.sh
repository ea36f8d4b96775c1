#!/bin/bash
# tests/lab/web/stop.sh STATEDIR: stops what start.sh started.
state=${1:?usage: stop.sh STATEDIR}
[ -f "$state/web.pids" ] || exit 0
for p in $(cat "$state/web.pids"); do kill "$p" 2>/dev/null; done
rm -f "$state/web.pids"
exit 0

#!/bin/bash
# tests/lab/dns/stop.sh STATEDIR: stops what start.sh started.
state=${1:?usage: stop.sh STATEDIR}
[ -f "$state/dns.env" ] || exit 0
. "$state/dns.env"
for p in $LAB_DNS_PIDS; do kill "$p" 2>/dev/null; done
rm -f "$state/dns.env"

#!/bin/bash
# tests/lab/mail/stop.sh STATEDIR: stops what start.sh started there.
state=${1:?usage: stop.sh STATEDIR}
if [ -f "$state/postfix.conf" ]; then
	postfix -c "$(cat "$state/postfix.conf")" stop >/dev/null 2>&1
	rm -f "$state/postfix.conf"
fi
[ -f "$state/mail.pids" ] || exit 0
while read -r pid; do
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
done <"$state/mail.pids"
rm -f "$state/mail.pids"
if [ -f "$state/postfix.dir" ]; then
	d=$(cat "$state/postfix.dir")
	case $d in */launchready-postfix.*) rm -rf "$d" ;; esac
	rm -f "$state/postfix.dir"
fi
exit 0

#!/bin/bash
# tests/sprint-lab.sh: runs tests/test-sprint (the sprint controller, no
# terminal) against the demo lab: the DNS lab's NSD and the web lab's
# nginx with its test CA, started here on free loopback ports and stopped
# at the end. The C test reads the ports from the environment.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lab/lib.sh"
for tool in nginx nsd openssl; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null 2>&1 || lab_skip "$tool is not installed"
done
[ -x "$top_builddir/tests/test-sprint" ] || lab_fail "tests/test-sprint is not built"
state=$(mktemp -d "${TMPDIR:-/tmp}/sprint-lab.XXXXXX")
lab=$top_srcdir/tests/lab
stop_labs() {
	bash "$lab/web/stop.sh" "$state"
	bash "$lab/dns/stop.sh" "$state"
	rm -rf "$state"
}
trap stop_labs EXIT
env -u LAB_DNS_PORT bash "$lab/dns/start.sh" "$state" || lab_fail "the DNS lab did not start"
. "$state/dns.env"
LAB_DNS_PORT=$LAB_DNS_PORT bash "$lab/web/start.sh" "$state" ||
    lab_fail "the web lab did not start"
. "$state/web.env"
export LAB_DNS_PORT LAB_WEB_HTTP_PORT LAB_WEB_HTTPS_PORT LAB_CA
"$top_builddir/tests/test-sprint"

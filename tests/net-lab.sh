#!/bin/bash
# tests/net-lab.sh: dns.ipv6 and http.ipv6 against the web lab (real NSD,
# real nginx listening on 127.0.0.1 and [::1]). The cases and their records
# are in tests/lab/web/start.sh (lab_web_records) and nginx.conf /
# nginx-v6.conf: v6.test answers the same over both families, the AAAA of
# v6-broken.test (100::1, a discard-only prefix) never answers, and over
# IPv6 v6-split.test is an old server block that redirects elsewhere.
# Every verdict is asserted on `launchready audit CASE --format json`.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lab/lib.sh"
for tool in nginx nsd python3 jq openssl; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null 2>&1 || lab_skip "$tool is not installed"
done
[ -x "$LAUNCHREADY" ] || lab_fail "LAUNCHREADY is not set to the built program"

state=$(mktemp -d "${TMPDIR:-/tmp}/net-lab.XXXXXX")
trap 'bash "$top_srcdir/tests/lab/web/stop.sh" "$state"; rm -rf "$state"' EXIT
env -u LAB_DNS_PORT bash "$top_srcdir/tests/lab/web/start.sh" "$state" >"$state/start.log" 2>&1 ||
    lab_fail "the web lab did not start: $(tail -3 "$state/start.log")"
. "$state/web.env"

failures=0
asserts=0
out=$state/out.json
timeout_s=2

# audit DOMAIN ONLY [OPTIONS...]: the audit of the checks in ONLY.
audit() {
	d=$1; only=$2; shift 2
	current=$d
	start=$(date +%s%N)
	"$LAUNCHREADY" audit "$d" --resolver "127.0.0.1:$LAB_DNS_PORT" \
	    --cacert "$LAB_CA" --timeout "$timeout_s" \
	    --port-map "80:$LAB_WEB_HTTP_PORT,443:$LAB_WEB_HTTPS_PORT" \
	    --only "$only" --format json "$@" >"$out" 2>"$state/err"
	rc=$?
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	if ! jq -e .checks "$out" >/dev/null 2>&1; then
		echo "FAIL: $current: no JSON (exit $rc): $(head -c 300 "$state/err")"
		failures=$((failures + 1))
	fi
}

. "$top_srcdir/tests/lab/verdicts.sh"

# no_evidence ID TEXT: no evidence line (nor the summary) of ID holds TEXT.
no_evidence() {
	asserts=$((asserts + 1))
	if jq -e --arg id "$1" --arg t "$2" '.checks[] | select(.id == $id) |
	    ([.summary] + .evidence) | any(contains($t))' "$out" >/dev/null; then
		echo "FAIL: $current $1: evidence holds '$2'"
		failures=$((failures + 1))
	fi
}

# ---- dns.ipv6 ----------------------------------------------------------------
# v6.test: apex, www and its MX host all have AAAA ::1.
audit v6.test dns.ipv6
expect dns.ipv6 pass
evidence dns.ipv6 "every web and mail host (3) has an AAAA record"
evidence dns.ipv6 "MX mx.v6.test: AAAA ::1"
# v6-broken.test: only the apex (100::1); www and the MX host have none.
audit v6-broken.test dns.ipv6
expect dns.ipv6 warn info
evidence dns.ipv6 "1 of 3 names have an AAAA record; IPv4 only: www.v6-broken.test, mx.v6-broken.test"
evidence dns.ipv6 "apex v6-broken.test: AAAA 100::1"
# no-headers.test: no AAAA at all, and no MX.
audit no-headers.test dns.ipv6,http.ipv6
expect dns.ipv6 warn info
evidence dns.ipv6 "no AAAA record: the site and its mail are reachable over IPv4 only"
evidence dns.ipv6 "MX of no-headers.test"
# No AAAA: nothing to test over IPv6, said so, never a pass.
expect http.ipv6 skipped
evidence http.ipv6 "no web host has an AAAA record"

# ---- http.ipv6 ----------------------------------------------------------------
if [ "$LAB_WEB_IPV6" = yes ]; then
	# Same final page over both families, www's redirect followed over
	# IPv6 too.
	audit v6.test http.ipv6
	expect http.ipv6 pass
	evidence http.ipv6 "the 2 hosts with an AAAA record answer over IPv6"
	evidence http.ipv6 "www.v6.test over IPv6 (::1): https://www.v6.test/ → 301 https://v6.test/ → 200, as over IPv4"
	# The AAAA that never answers: fail high, within the timeout.
	audit v6-broken.test http.ipv6
	expect http.ipv6 fail high
	evidence http.ipv6 "v6-broken.test has an AAAA record but does not answer over IPv6"
	evidence http.ipv6 "v6-broken.test over IPv6 (100::1): no answer"
	evidence http.ipv6 "no AAAA record (not tested over IPv6): www.v6-broken.test"
	within $(( timeout_s * 1000 + 1500 ))
	# Over IPv6 an old server block redirects to another page.
	audit v6-split.test http.ipv6
	expect http.ipv6 warn medium
	evidence http.ipv6 "v6-split.test ends at another page over IPv6 than over IPv4"
	evidence http.ipv6 "v6-split.test over IPv6 (::1): https://v6-split.test/ → 301 https://v6-split.test/old-site/ → 200"
	evidence http.ipv6 "v6-split.test over IPv4 (127.0.0.1): https://v6-split.test/ → 200"
	# The other checks of a dual-stack host still see the site.
	audit v6.test http.hsts,edge.cdn
	expect http.hsts pass
	expect edge.cdn pass
else
	echo "net-lab: the loopback has no IPv6 (::1): http.ipv6 over the lab not run"
fi

# ---- edge.origin-exposed -------------------------------------------------------
# The "CDN" is nginx on 127.0.0.1 sending CF-Ray; origin.CASE resolves to
# 127.0.0.2 (every other name of the cases to 127.0.0.1, the CDN's own).
# cdn-origin.test: the origin serves the same page to anyone.
audit cdn-origin.test edge.origin-exposed
expect edge.origin-exposed fail high
evidence edge.origin-exposed "origin.cdn-origin.test answers for cdn-origin.test with the same page"
evidence edge.origin-exposed "origin.cdn-origin.test (127.0.0.2): https://cdn-origin.test/ with Host and SNI cdn-origin.test: 200, title \"Clean\""
evidence edge.origin-exposed "CDN: Cloudflare (headers of https://cdn-origin.test/; its addresses: 127.0.0.1)"
evidence edge.origin-exposed "30 of 31 names looked up resolve to the CDN only"
# cdn-closed.test: the origin refuses every name but its own (403).
audit cdn-closed.test edge.origin-exposed
expect edge.origin-exposed pass
evidence edge.origin-exposed "1 address outside the CDN was asked for the site; it does not serve it"
evidence edge.origin-exposed "origin.cdn-closed.test (127.0.0.2): https://cdn-closed.test/: 403"
# cdn-other.test: the origin answers 200 with a default page, not the site.
audit cdn-other.test edge.origin-exposed
expect edge.origin-exposed pass
evidence edge.origin-exposed "title \"Welcome to nginx!\""
evidence edge.origin-exposed "not the site"
# No CDN in front of the landing page: nothing to walk around.
audit no-headers.test edge.origin-exposed
expect edge.origin-exposed skipped
evidence edge.origin-exposed "no CDN seen in front of https://no-headers.test/"
# The demo client: the shop behind the CDN, its origin exposed.
audit brightcart.test edge.origin-exposed --subdomains app,api
expect edge.origin-exposed fail high
evidence edge.origin-exposed "origin.brightcart.test answers for www.brightcart.test"

# ---- hostile -------------------------------------------------------------------
# The origin answers with a body that never ends: the probe stops at its
# cap, the check ends well within its time.
audit cdn-endless.test edge.origin-exposed
expect edge.origin-exposed pass
evidence edge.origin-exposed "origin.cdn-endless.test (127.0.0.2): https://cdn-endless.test/: 200"
within $(( timeout_s * 1000 + 2500 ))
# A silent resolver: no landing page, error, never a pass.
audit cdn-origin.test edge.origin-exposed --resolver "127.0.0.1:$LAB_WEB_SILENT_PORT"
expect edge.origin-exposed error
within $(( (2 * timeout_s + 5) * 1000 + 1500 ))
# 443 behind a closed port: the landing page cannot be fetched, error.
closed=$(lab_free_port)
audit cdn-origin.test edge.origin-exposed --port-map "80:$closed,443:$closed"
expect edge.origin-exposed error
# A resolver that never answers (the silent TCP port: UDP there is closed
# or dropped): both checks say error, never pass or fail, in bounded time.
audit v6.test dns.ipv6,http.ipv6 --resolver "127.0.0.1:$LAB_WEB_SILENT_PORT"
expect dns.ipv6 error
expect http.ipv6 error
no_evidence http.ipv6 "does not answer over IPv6"
within $(( (2 * timeout_s + 5) * 1000 + 1500 ))
# IPv6 behind a port that answers in plain HTTP (443 mapped to the HTTP
# port): no TLS over either family, so nothing to compare; never a pass.
audit v6.test http.ipv6 --port-map "80:$LAB_WEB_HTTP_PORT,443:$LAB_WEB_HTTP_PORT"
if [ "$LAB_WEB_IPV6" = yes ]; then
	expect http.ipv6 error
	evidence http.ipv6 "answered over neither IPv6 nor IPv4"
	no_evidence http.ipv6 "does not answer over IPv6"
fi
within $(( (2 * timeout_s + 5) * 1000 + 1500 ))

echo "net-lab: $asserts assertions, $failures failed"
[ "$failures" -eq 0 ] || exit 1

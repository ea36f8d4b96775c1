#!/bin/bash
# tests/web-lab.sh: the web engine against the web lab (real NSD, real
# nginx with certificates from a test CA, real slow/endless/silent
# upstreams). Every case runs `launchready audit CASE --format json` and
# each verdict a user would see is asserted with jq.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lab/lib.sh"
for tool in nginx nsd python3 jq openssl; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null 2>&1 || lab_skip "$tool is not installed"
done
[ -x "$LAUNCHREADY" ] || lab_fail "LAUNCHREADY is not set to the built program"

state=$(mktemp -d "${TMPDIR:-/tmp}/web-lab.XXXXXX")
trap 'bash "$top_srcdir/tests/lab/web/stop.sh" "$state"; rm -rf "$state"' EXIT
env -u LAB_DNS_PORT bash "$top_srcdir/tests/lab/web/start.sh" "$state" || lab_fail "the web lab did not start"
. "$state/web.env"

failures=0
asserts=0
out=$state/out.json

# audit DOMAIN [OPTIONS...]: runs the audit of the web families.
audit() {
	d=$1; shift
	current=$d
	start=$(date +%s%N)
	"$LAUNCHREADY" audit "$d" --resolver "127.0.0.1:$LAB_DNS_PORT" \
	    ${cacert---cacert "$LAB_CA"} --timeout 3 \
	    --port-map "80:$LAB_WEB_HTTP_PORT,443:$LAB_WEB_HTTPS_PORT" \
	    --only http,edge,perf,mon --format json "$@" >"$out" 2>"$state/err"
	rc=$?
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	if ! jq -e . "$out" >/dev/null 2>&1; then
		echo "FAIL: $current: no JSON (exit $rc): $(head -c 300 "$state/err")"
		failures=$((failures + 1))
	fi
}

. "$top_srcdir/tests/lab/verdicts.sh"

# exit_is N: the last audit's exit status.
exit_is() {
	asserts=$((asserts + 1))
	if [ "$rc" -ne "$1" ]; then
		echo "FAIL: $current: exit status $rc, want $1"
		failures=$((failures + 1))
	fi
}


# The clean client passes everything; the active check is skipped.
audit clean.test
for id in http.https-redirect http.canonical http.redirect-loop \
    http.staging-leak http.hsts http.mixed-content http.security-headers \
    http.cookies http.cors http.exposed-files http.error-leak \
    http.frontend-secrets http.security-txt http.compression edge.cdn \
    edge.cache-private edge.cache-static perf.ttfb perf.latency mon.health; do
	expect "$id" pass
done
expect http.rate-limit skipped
evidence http.rate-limit "--allow-active"
exit_is 0
evidence http.frontend-secrets "Stripe publishable key pk_l…"
evidence mon.health "https://clean.test/healthz"
evidence http.canonical "https://www.clean.test/ → 301 https://clean.test/ → 200"
audit clean.test --allow-active --only http.rate-limit
expect http.rate-limit pass
evidence http.rate-limit "throttling seen"
# Without --cacert the lab's certificates are not trusted: error, never pass.
cacert="" audit clean.test --only http.hsts
expect http.hsts error
evidence http.hsts "certificate problem"

# The demo client: a believable half-broken launch.
audit brightcart.test --subdomains app,api,admin,staging,docs
brightcart_web
key=$(grep -o 'sk_live_[0-9a-zA-Z]*' "$state/www/bright/static/app.js")
asserts=$((asserts + 1))
if [ -z "$key" ] || grep -q "$key" "$out"; then
	echo "FAIL: brightcart.test: the secret key is in the JSON output (or the lab has none)"
	failures=$((failures + 1))
fi
exit_is 1
audit brightcart.test --allow-active --only http.rate-limit
expect http.rate-limit warn high

# One domain per failure.
audit plain-http.test --only http.https-redirect
expect http.https-redirect fail critical
evidence http.https-redirect "http://plain-http.test/ → 200"
audit redirect-loop.test
expect http.redirect-loop fail critical
evidence http.redirect-loop "(loop)"
expect http.canonical fail high
within 8000
audit split-hosts.test --only http.canonical
expect http.canonical fail high
evidence http.canonical "different hosts"
audit long-chain.test --only http.canonical
expect http.canonical warn medium
evidence http.canonical "takes 4 redirects"
audit vercel-leak.test --only http.staging-leak
expect http.staging-leak fail high
evidence http.staging-leak "brightcart-git-main-lab.vercel.app"
audit no-hsts.test --only http.hsts
expect http.hsts fail high
audit short-hsts.test --only http.hsts
expect http.hsts warn medium
evidence http.hsts "max-age=300"
audit mixed-active.test --only http.mixed-content
expect http.mixed-content fail high
evidence http.mixed-content "active: https://mixed-active.test/ loads http://mixed-active.test/app.js"
audit mixed-passive.test --only http.mixed-content
expect http.mixed-content warn medium
audit no-headers.test --only http.security-headers
expect http.security-headers warn medium
evidence http.security-headers "4 security headers"
audit insecure-cookie.test --only http.cookies
expect http.cookies fail high
evidence http.cookies "sessionid"
audit cors-reflect.test --subdomains api --only http.cors
expect http.cors fail critical
evidence http.cors "Access-Control-Allow-Origin: https://evil.example; -Credentials: true"
audit exposed-env.test --only http.exposed-files
expect http.exposed-files fail critical
evidence http.exposed-files "https://exposed-env.test/.env: 200"
evidence http.exposed-files "https://exposed-env.test/.git/config: 200"
# The catch-all single-page app is no false alarm, nor a health check.
audit spa.test
expect http.exposed-files pass
evidence http.exposed-files "catch-all route; not counted"
expect mon.health fail high
evidence mon.health "catch-all route, not a health check"
expect edge.cache-private pass
audit stack-trace.test --only http.error-leak
expect http.error-leak fail high
evidence http.error-leak "Python traceback"
audit leaked-key.test --only http.frontend-secrets
expect http.frontend-secrets fail critical
audit public-dashboard.test --only edge.cache-private
expect edge.cache-private fail critical
evidence edge.cache-private "https://public-dashboard.test/dashboard"
audit no-cache-static.test --only edge.cache-static
expect edge.cache-static warn medium
audit no-gzip.test --only http.compression
expect http.compression warn medium
audit slow.test --api-url https://slow.test/api/slow --only perf.latency
expect perf.latency fail high
evidence perf.latency "https://slow.test/api/slow (API)"

# A route so slow that 20 requests do not fit: the check stops starting
# rounds, says so, and still gives a verdict before the audit's deadline.
audit slow.test --api-url https://slow.test/api/drip --only perf.latency
expect perf.latency fail high
evidence perf.latency "time budget"
within 9000

# Hostile servers: a clear result within the timeout (3 s) and bounds.
audit silent.test --port-map "80:$LAB_WEB_SILENT_PORT,443:$LAB_WEB_SILENT_PORT"
expect http.hsts error
evidence http.hsts "the server stayed silent"
expect http.https-redirect error
expect perf.ttfb error
within 6000
exit_is 4
audit endless.test
expect http.security-headers pass
evidence http.security-headers "passed the 2 MB cap"
expect http.exposed-files pass
within 6000

echo "web-lab: $asserts assertions, $failures failed"
[ "$failures" -eq 0 ] || exit 1

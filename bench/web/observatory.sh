#!/bin/bash
# bench/web/observatory.sh: header verdicts of launchready against the MDN
# HTTP Observatory (npm @mdn/mdn-http-observatory) on the same lab hosts in
# one run. Prints one line per host and item, and the disagreements.
#
# usage: bench/web/observatory.sh [OBSERVATORY_DIR]   (from a built tree)
# The package is installed with npm --ignore-scripts (its install scripts
# download the HSTS preload list and a CA bundle; lab hosts are in neither,
# so an empty preload list is written instead).
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
lr=${LAUNCHREADY:-$top/launchready}
export LAUNCHREADY_DATADIR=${LAUNCHREADY_DATADIR:-$top/data}
obs=${1:-${TMPDIR:-/tmp}/launchready-observatory}
pkg=$obs/node_modules/@mdn/mdn-http-observatory
if [ ! -d "$pkg" ]; then
	mkdir -p "$obs"
	(cd "$obs" && npm install --no-audit --no-fund --ignore-scripts \
	    @mdn/mdn-http-observatory >/dev/null)
fi
[ -f "$pkg/conf/hsts-preload.json" ] || echo '{}' >"$pkg/conf/hsts-preload.json"
state=$(mktemp -d)
trap 'bash "$top/tests/lab/web/stop.sh" "$state"; rm -rf "$state"' EXIT
env -u LAB_DNS_PORT bash "$top/tests/lab/web/start.sh" "$state"
. "$state/web.env"

hosts="clean.test brightcart.test no-hsts.test short-hsts.test no-headers.test
insecure-cookie.test plain-http.test mixed-active.test spa.test"
agree=0; disagree=0
printf '%-22s %-24s %-6s %-6s\n' host item ours obs
for h in $hosts; do
	NODE_EXTRA_CA_CERTS=$LAB_CA node "$top/bench/web/observatory.mjs" "$pkg" "$h" \
	    "$LAB_WEB_HTTP_PORT" "$LAB_WEB_HTTPS_PORT" >"$state/obs.json"
	"$lr" audit "$h" --resolver "127.0.0.1:$LAB_DNS_PORT" --cacert "$LAB_CA" \
	    --port-map "80:$LAB_WEB_HTTP_PORT,443:$LAB_WEB_HTTPS_PORT" \
	    --only http --format json >"$state/lr.json" || true
	# item, our verdict (jq on launchready's JSON), observatory test name
	while IFS='#' read -r item ours test; do
		o=$(jq -r "$ours" "$state/lr.json")
		b=$(jq -r --arg t "$test" '.tests[$t].pass | if . then "pass" else "fail" end' "$state/obs.json")
		mark=""
		if [ "$o" = "$b" ]; then agree=$((agree + 1)); else disagree=$((disagree + 1)); mark="  <-- differs"; fi
		printf '%-22s %-24s %-6s %-6s%s\n' "$h" "$item" "$o" "$b" "$mark"
	done <<'MAP'
hsts#.checks[]|select(.id=="http.hsts")|if .status=="pass" then "pass" else "fail" end#strict-transport-security
csp#.checks[]|select(.id=="http.security-headers")|if any(.evidence[]; test("no Content-Security-Policy|unsafe-inline")) then "fail" else "pass" end#content-security-policy
x-content-type-options#.checks[]|select(.id=="http.security-headers")|if any(.evidence[]; test("X-Content-Type-Options")) then "fail" else "pass" end#x-content-type-options
framing#.checks[]|select(.id=="http.security-headers")|if any(.evidence[]; test("frame-ancestors nor")) then "fail" else "pass" end#x-frame-options
referrer-policy#.checks[]|select(.id=="http.security-headers")|if any(.evidence[]; test("no Referrer-Policy")) then "fail" else "pass" end#referrer-policy
sri#.checks[]|select(.id=="http.security-headers")|if any(.evidence[]; test("without SRI")) then "fail" else "pass" end#subresource-integrity
redirection#.checks[]|select(.id=="http.https-redirect")|if .status=="pass" then "pass" else "fail" end#redirection
cookies#.checks[]|select(.id=="http.cookies")|if .status=="pass" then "pass" else "fail" end#cookies
cors#.checks[]|select(.id=="http.cors")|if .status=="pass" then "pass" else "fail" end#cross-origin-resource-sharing
MAP
done
echo "agreement: $agree, disagreement: $disagree"

# tests/lab/verdicts.sh: assertions on the JSON of `launchready audit`,
# sourced by the lab tests. The caller sets $out (the JSON file), $current
# (the case's name, for messages), $elapsed_ms for within, and counts in
# $asserts and $failures.

# expect ID STATUS [SEVERITY]: the check's verdict in the last audit.
expect() {
	asserts=$((asserts + 1))
	got=$(jq -r --arg id "$1" '.checks[] | select(.id == $id) | "\(.status) \(.severity)"' "$out")
	want="$2${3:+ $3}"
	case "$got" in
	"$want"|"$want "*) ;;
	*)
		echo "FAIL: $current $1: want $want, got '${got:-nothing}'"
		jq -c --arg id "$1" '.checks[] | select(.id == $id) | {summary, evidence}' "$out" | head -c 600; echo
		failures=$((failures + 1));;
	esac
}

# evidence ID TEXT: some evidence line (or the summary) of ID holds TEXT.
evidence() {
	asserts=$((asserts + 1))
	if ! jq -e --arg id "$1" --arg t "$2" '.checks[] | select(.id == $id) |
	    ([.summary] + .evidence) | any(contains($t))' "$out" >/dev/null; then
		echo "FAIL: $current $1: no evidence holds '$2'"
		failures=$((failures + 1))
	fi
}

# within MS: the last audit took at most MS milliseconds.
within() {
	asserts=$((asserts + 1))
	if [ "$elapsed_ms" -gt "$1" ]; then
		echo "FAIL: $current: took $elapsed_ms ms (bound $1 ms)"
		failures=$((failures + 1))
	fi
}

# brightcart_web: the demo client's web verdicts (tests/lab/web: nginx.conf,
# hdr-bright.conf, www/bright): HSTS of one day, a plain-HTTP hero image,
# no CSP, a session cookie without Secure, /.env served, a live Stripe key
# in /static/app.js, the shop (apex, www) behind a "CDN" (a CF-Ray header)
# but not the subdomains, the origin serving the shop around it at
# origin.brightcart.test (127.0.0.2), static files with no-store, a /healthz.
brightcart_web() {
	expect http.https-redirect pass
	expect http.canonical pass
	evidence http.canonical "https://brightcart.test/ → 301 https://www.brightcart.test/ → 200"
	expect http.redirect-loop pass
	expect http.staging-leak pass
	expect http.hsts warn medium
	evidence http.hsts "max-age=86400"
	expect http.mixed-content warn medium
	evidence http.mixed-content "http://cdn.brightcart.test/hero.jpg"
	expect http.security-headers warn medium
	evidence http.security-headers "no Content-Security-Policy"
	expect http.cookies fail high
	evidence http.cookies "session (session-like), missing: Secure"
	expect http.cors pass
	expect http.exposed-files fail critical
	evidence http.exposed-files "https://www.brightcart.test/.env: 200"
	expect http.frontend-secrets fail critical
	evidence http.frontend-secrets "Stripe live secret key sk_l…"
	expect http.security-txt warn info
	expect edge.cdn warn medium
	evidence edge.cdn "bypass the CDN"
	expect edge.origin-exposed fail high
	evidence edge.origin-exposed "origin.brightcart.test answers for www.brightcart.test with the same page"
	evidence edge.origin-exposed "origin.brightcart.test (127.0.0.2): https://www.brightcart.test/ with Host and SNI www.brightcart.test: 200, title \"BrightCart - shop bright\""
	expect edge.cache-static warn medium
	expect edge.cache-private pass
	expect http.error-leak pass
	expect mon.health pass
	evidence mon.health "https://www.brightcart.test/healthz"
}

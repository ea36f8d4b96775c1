#!/bin/bash
# tests/demo-lab.sh: the whole audit of the demo client as a demanding user
# runs it: the DNS lab, the web lab (on the DNS lab's NSD) and the git lab
# together, with the mail lab's Postfix as the client's mail server (no
# STARTTLS), `launchready audit brightcart.test ... --format json`, then
# hostile variations of the same audit (every server silent, slow routes
# with --timeout 1, 60 subdomains, a closed port). The expected verdicts
# come from the lab files (zones in tests/lab/dns/start.sh, nginx.conf and
# www/ of the web lab, the planted secrets of the git lab), not from the
# program's output.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lab/lib.sh"
for tool in nginx nsd python3 jq openssl git; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null 2>&1 || lab_skip "$tool is not installed"
done
command -v postfix >/dev/null 2>&1 || lab_skip "postfix is not installed"
[ "$(id -u)" -eq 0 ] || lab_skip "the demo's mail server (Postfix) needs root"
[ -x "$LAUNCHREADY" ] || lab_fail "LAUNCHREADY is not set to the built program"

state=$(mktemp -d "${TMPDIR:-/tmp}/demo-lab.XXXXXX")
lab=$top_srcdir/tests/lab
# stop_labs: stops every lab this test started and removes the state.
stop_labs() {
	bash "$lab/web/stop.sh" "$state/solo" 2>/dev/null
	bash "$lab/web/stop.sh" "$state"
	bash "$lab/dns/stop.sh" "$state"
	[ ! -f "$lab/git/stop.sh" ] || sh "$lab/git/stop.sh" "$state"
	bash "$lab/mail/stop.sh" "$state/mail"
	rm -rf "$state"
}
trap stop_labs EXIT
env -u LAB_DNS_PORT bash "$lab/dns/start.sh" "$state" || lab_fail "the DNS lab did not start"
. "$state/dns.env"
LAB_DNS_PORT=$LAB_DNS_PORT bash "$lab/web/start.sh" "$state" ||
    lab_fail "the web lab did not start"
. "$state/web.env"
LAB_MAIL_CA_FROM=$(dirname "$LAB_CA") bash "$lab/mail/start.sh" "$state/mail" \
    >"$state/mail.log" 2>&1 ||
    lab_fail "the mail lab did not start: $(tail -3 "$state/mail.log")"
. "$state/mail/mail.env"
repo=()
if [ -f "$lab/git/start.sh" ]; then
	sh "$lab/git/start.sh" "$state" >/dev/null || lab_fail "the git lab did not start"
	. "$state/git.env"
	repo=(--repo "$LAB_REPO")
fi

failures=0
asserts=0
out=$state/out.json

# check_ok COND MESSAGE: counts an assertion; prints MESSAGE when COND fails.
check_ok() {
	asserts=$((asserts + 1))
	if ! eval "$1"; then
		echo "FAIL: $current: $2"
		failures=$((failures + 1))
	fi
}

# audit NAME ARGS...: `launchready audit ARGS`, JSON to $out; sets $rc and
# $elapsed_ms.
audit() {
	current=$1; shift
	start=$(date +%s%N)
	"$LAUNCHREADY" audit "$@" >"$out" 2>"$state/err"
	rc=$?
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	check_ok 'jq -e .checks "$out" >/dev/null 2>&1' \
	    "no JSON (exit $rc): $(head -c 300 "$state/err")"
}

. "$top_srcdir/tests/lab/verdicts.sh"

# no_false_pass: no pass whose summary admits it could not look.
no_false_pass() {
	asserts=$((asserts + 1))
	bad=$(jq -r '.checks[] | select(.status == "pass") |
	    select(.summary | test("could not|not checked|nothing to check|no host|did not answer|unreachable|timed? ?out|no answer|0 checked|\\b0 of|no route|not run"; "i")) |
	    "\(.id): \(.summary)"' "$out") || bad="(jq failed)"
	if [ -n "$bad" ]; then
		echo "FAIL: $current: pass on what was not checked: $bad"
		failures=$((failures + 1))
	fi
}


# network_status STATUS: every check but the repository's and those that
# are skipped without an opt-in or an input (a sender IP, the active probe,
# a smoke plan, health or API URLs, the Lighthouse tool) has STATUS.
network_status() {
	asserts=$((asserts + 1))
	bad=$(jq -r --arg s "$1" '.checks[] |
	    select(.id | test("^secrets\\.|^app\\.api-target$") | not) |
	    select(.id | IN("email.spf-eval", "http.rate-limit", "app.smoke",
	        "mon.request-id", "perf.lighthouse") | not) |
	    select(.status != $s) | "\(.id)=\(.status)"' "$out" | tr '\n' ' ')
	if [ -n "$bad" ]; then
		echo "FAIL: $current: want every network check $1, got: $bad"
		failures=$((failures + 1))
	fi
}

ports=(--port-map "80:$LAB_WEB_HTTP_PORT,443:$LAB_WEB_HTTPS_PORT,25:$LAB_MAIL_PLAIN_PORT")
# Every check of the sprint (data/checklist.cfg names each exactly once).
ncheck=$(grep -c 'check = "' "$top_srcdir/data/checklist.cfg")
demo=(brightcart.test --subdomains app,api,admin,staging,docs
    --resolver "127.0.0.1:$LAB_DNS_PORT" "${ports[@]}" --cacert "$LAB_CA"
    "${repo[@]}")

# ---- the full audit of the demo client ------------------------------------
audit demo "${demo[@]}" --format json
check_ok '[ "$rc" -eq 1 ]' "exit status $rc, want 1 (findings at high or above)"
n=$(jq '.checks | length' "$out")
check_ok '[ "$n" -eq "$ncheck" ]' "$n checks in the JSON, want $ncheck"
all_ids=$(jq -r '.checks[].id' "$out" | sort -u | wc -l)
check_ok '[ "$all_ids" -eq "$ncheck" ]' "$all_ids distinct check ids, want $ncheck"
for id in dns.apex dns.www dns.subdomains dns.ns dns.dangling dns.ttl \
    dns.caa dns.dnssec dns.ipv6 http.ipv6 email.mx email.spf email.spf-eval email.dkim \
    email.dmarc email.mta-sts email.tls-rpt email.starttls http.https-redirect \
    http.canonical http.redirect-loop http.staging-leak http.hsts \
    http.mixed-content http.security-headers http.cookies http.cors \
    http.exposed-files http.error-leak http.frontend-secrets \
    http.security-txt edge.cdn edge.origin-exposed edge.cache-private edge.cache-static \
    http.compression perf.ttfb perf.latency http.rate-limit mon.health \
    tls.certificate tls.expiry tls.protocols tls.renewal secrets.worktree \
    secrets.history secrets.env-files secrets.inventory app.api-target \
    app.smoke perf.cold-start perf.lighthouse mon.request-id; do
	check_ok 'jq -e --arg id "$id" "any(.checks[]; .id == \$id)" "$out" >/dev/null' \
	    "check $id is missing"
done
no_false_pass
nerr=$(jq '[.checks[] | select(.status == "error")] | length' "$out")
check_ok '[ "$nerr" -eq 0 ]' "$nerr checks could not decide against a working lab: $(jq -r '.checks[] | select(.status == "error") | "\(.id): \(.summary)"' "$out" | tr '\n' ';')"

# DNS (zone brightcart.test): A records, staging CNAMEs to a herokuapp.test
# name that does not exist, docs to docshost.test which does; TTL 300.
expect dns.apex pass
expect dns.www pass
expect dns.subdomains fail high
evidence dns.subdomains "staging.brightcart.test"
expect dns.dangling fail critical
evidence dns.dangling "brightcart-staging.herokuapp.test"
expect dns.ttl pass
expect dns.ns pass
expect dns.caa pass none
# No AAAA for the apex, www or the MX hosts: IPv4 only (information), so
# http.ipv6 has nothing to test.
expect dns.ipv6 warn info
evidence dns.ipv6 "no AAAA record"
expect http.ipv6 skipped
# Email: two MX on mailhost.test, SPF with 9 lookups and ~all, DKIM s1 is
# a 1024-bit key, DMARC p=none without rua, MTA-STS announced but the web
# lab serves no policy for mta-sts.brightcart.test (nginx's default 404).
expect email.mx pass
expect email.spf pass
evidence email.spf "9 of 10"
expect email.spf-eval skipped
expect email.dkim warn medium
evidence email.dkim "1024"
expect email.dmarc warn high
evidence email.dmarc "p=none"
expect email.mta-sts warn medium
evidence email.mta-sts "404"
# The mail server (the mail lab's Postfix, both MX hosts) offers no
# STARTTLS: mail to the client crosses the internet in plain text.
expect email.starttls fail high
evidence email.starttls "mx1.mailhost.test does not offer STARTTLS"
evidence email.starttls "mx2.mailhost.test: EHLO offers: PIPELINING"
# Web: every verdict of the web lab's own test (tests/lab/verdicts.sh),
# and the two checks it runs apart there.
brightcart_web
expect http.compression pass
expect perf.ttfb pass
expect perf.latency pass
expect http.rate-limit skipped
# TLS: the web lab's certificate from the lab CA (given with --cacert),
# 60 days, TLS 1.2 and 1.3 only; a hand-run CA.
expect tls.certificate pass
evidence tls.certificate "www.brightcart.test"
expect tls.expiry pass
expect tls.protocols pass
expect tls.renewal warn medium
# Secrets (tests/lab/git/make-repo.sh): live keys in the tree and the
# history, a tracked .env with values.
if [ ${#repo[@]} -gt 0 ]; then
	expect secrets.worktree fail critical
	expect secrets.history fail critical
	expect secrets.env-files fail critical
	evidence secrets.env-files ".env"
	expect secrets.inventory pass
fi

# Wall time: the checks run at once, so the audit takes not much longer
# than its slowest single check (SPEC).
max_ms=$(jq '[.checks[].duration_ms] | max' "$out")
sum_ms=$(jq '[.checks[].duration_ms] | add' "$out")
echo "demo audit: wall $elapsed_ms ms, slowest check $max_ms ms, sum of checks $sum_ms ms"
check_ok '[ "$elapsed_ms" -lt $((max_ms + 1500)) ]' \
    "wall time $elapsed_ms ms is not close to the slowest check ($max_ms ms)"

# No secret value reaches the output, in any format.
secrets=$state/secret-values
grep -o 'sk_live_[0-9a-zA-Z]*' "$state/www/bright/static/app.js" >"$secrets"
# The value in the /.env the web lab serves (SESSION_SECRET=lab-value).
echo "SESSION_SECRET=lab-value" >>"$secrets"
[ -z "${LAB_REPO_PLANTED:-}" ] || cut -f1 "$LAB_REPO_PLANTED" >>"$secrets"
check_ok '[ "$(grep -c . "$secrets")" -ge 2 ]' "the labs planted no secret to look for"
cp "$out" "$state/demo.json"
for fmt in text md; do
	"$LAUNCHREADY" audit "${demo[@]}" --format "$fmt" >"$state/demo.$fmt" 2>"$state/err"
	frc=$?
	check_ok '[ "$frc" -eq 1 ]' "--format $fmt exited $frc, want 1"
	for id in dns.dangling email.dmarc http.exposed-files tls.certificate secrets.history; do
		check_ok 'grep -qF "$id" "$state/demo.$fmt"' "--format $fmt does not show $id"
	done
done
check_ok 'grep -q "$ncheck checks" "$state/demo.md"' "the md report does not count $ncheck checks"
"$LAUNCHREADY" audit "${demo[@]}" --format sarif >"$state/demo.sarif" 2>"$state/err"
check_ok 'jq -e ".runs[0].results | length > 0" "$state/demo.sarif" >/dev/null' \
    "--format sarif holds no results"
for f in "$state/demo.json" "$state/demo.text" "$state/demo.md" "$state/demo.sarif"; do
	while IFS= read -r v; do
		[ -n "$v" ] || continue
		check_ok '! grep -qF -- "$v" "$f"' "a planted secret (${v:0:6}…) is in $(basename "$f")"
	done <"$secrets"
done

# ---- the clean client, on the same labs ----------------------------------------
# Every check it can decide passes; tls.renewal warns because the lab CA
# is renewed by hand; no repository is given, so exit 4, never 0. Its mail
# server is the mail lab's Postfix with STARTTLS and a certificate for
# mx.clean.test from the same CA.
audit clean clean.test --dkim-selectors lr1 --resolver "127.0.0.1:$LAB_DNS_PORT" \
    --port-map "80:$LAB_WEB_HTTP_PORT,443:$LAB_WEB_HTTPS_PORT,25:$LAB_MAIL_OK_PORT" \
    --cacert "$LAB_CA" --format json
check_ok '[ "$rc" -eq 4 ]' "exit status $rc, want 4 (the secrets checks had no repository)"
asserts=$((asserts + 1))
bad=$(jq -r '.checks[] | select(.id | test("^secrets\\.") | not) |
    select(.status != "pass") |
    select(.id as $i | ["tls.renewal", "dns.ipv6", "http.ipv6",
        "email.spf-eval", "http.rate-limit",
        "dns.subdomains", "app.api-target", "app.smoke", "mon.request-id",
        "perf.lighthouse"] |
        index($i) | not) | "\(.id)=\(.status)"' "$out") ||
    bad="(jq failed)"
if [ -n "$bad" ]; then
	echo "FAIL: clean: checks that should pass: $bad"
	failures=$((failures + 1))
fi
expect tls.renewal warn medium
expect secrets.worktree error
# No AAAA records in its zone: IPv4 only is information, and there is no
# IPv6 to test.
expect dns.ipv6 warn info
expect http.ipv6 skipped

# ---- hostile: every server is silent ---------------------------------------
# The DNS lab's silent server is the only resolver and the silent web
# port is behind 80 and 443: every network check must say error, exit 4,
# within the audit's deadline (2 × timeout + 5 s).
audit silent brightcart.test --subdomains app,api,admin,staging,docs \
    --resolver "127.0.0.1:$LAB_DNS_SILENT_PORT" --timeout 1 \
    --port-map "80:$LAB_WEB_SILENT_PORT,443:$LAB_WEB_SILENT_PORT,25:$LAB_WEB_SILENT_PORT" \
    --cacert "$LAB_CA" --format json
check_ok '[ "$rc" -eq 4 ]' "exit status $rc, want 4 (nothing could decide)"
network_status error
no_false_pass
evidence dns.apex "no answer before the timeout"
within 7000
echo "silent audit: wall $elapsed_ms ms"

# ---- hostile: a closed port behind 80 and 443 --------------------------------
closed=$(lab_free_port)
audit closed brightcart.test --subdomains app,api \
    --resolver "127.0.0.1:$LAB_DNS_PORT" --port-map "80:$closed,443:$closed" \
    --cacert "$LAB_CA" --timeout 2 --only http,edge,perf,mon,tls --format json
check_ok '[ "$rc" -eq 4 ]' "exit status $rc, want 4"
no_false_pass
expect http.https-redirect warn medium
evidence http.https-redirect "port 80 refused"
expect http.hsts error
expect tls.certificate error
evidence tls.certificate "Connection refused"
within 5000

# ---- hostile: the ports swapped (TLS to plain HTTP, HTTP to TLS) ------------
audit swapped brightcart.test --subdomains app,api \
    --resolver "127.0.0.1:$LAB_DNS_PORT" \
    --port-map "80:$LAB_WEB_HTTPS_PORT,443:$LAB_WEB_HTTP_PORT" \
    --cacert "$LAB_CA" --timeout 2 --only http,edge,perf,mon,tls --format json
no_false_pass
# The HTTPS chains never answer: no verdict on loops for them.
expect http.redirect-loop error
evidence http.redirect-loop "could not be followed"
expect http.hsts error
expect tls.certificate error
evidence tls.certificate "does not speak TLS"
# A port that answers in plain HTTP says nothing about TLS versions.
expect tls.protocols error
within 5000

# ---- hostile: 60 subdomains ---------------------------------------------------
subs=$(for i in $(seq 1 57); do printf 'h%d,' "$i"; done)app,api,staging
audit huge brightcart.test --subdomains "$subs" \
    --resolver "127.0.0.1:$LAB_DNS_PORT" "${ports[@]}" --cacert "$LAB_CA" \
    --timeout 2 --format json
check_ok '[ "$rc" -eq 1 ]' "exit status $rc, want 1"
check_ok '[ "$(jq ".checks | length" "$out")" -eq "$ncheck" ]' "not $ncheck checks"
no_false_pass
expect dns.subdomains fail high
evidence dns.subdomains "58 of 60 subdomains"
# The summary names the first five and counts the rest; the evidence keeps
# every name.
check_ok '[ "$(jq -r '"'"'.checks[] | select(.id == "dns.subdomains") | .summary | length'"'"' "$out")" -lt 300 ]' \
    "dns.subdomains summary of 300 characters or more"
check_ok 'jq -e '"'"'.checks[] | select(.id == "dns.subdomains") | .summary | endswith("h5.brightcart.test and 53 more")'"'"' "$out" >/dev/null' \
    "dns.subdomains summary does not end in 'h5.brightcart.test and 53 more'"
evidence dns.subdomains "h57.brightcart.test"
evidence dns.subdomains "staging.brightcart.test"
expect dns.dangling fail critical
expect tls.certificate pass
expect http.hsts warn medium
within $(( (2 * 2 + 5) * 1000 + 1500 ))
echo "60-subdomain audit: wall $elapsed_ms ms"

# ---- hostile: slow routes with --timeout 1 ---------------------------------------
# The web lab on its own NSD serves slow.test (a slow API and a drip).
mkdir -p "$state/solo"
if env -u LAB_DNS_PORT bash "$lab/web/start.sh" "$state/solo" >/dev/null 2>&1; then
	(
		. "$state/solo/web.env"
		audit slow slow.test --resolver "127.0.0.1:$LAB_DNS_PORT" \
		    --port-map "80:$LAB_WEB_HTTP_PORT,443:$LAB_WEB_HTTPS_PORT" \
		    --cacert "$LAB_CA" --timeout 1 --api-url https://slow.test/api/slow \
		    --api-url https://slow.test/api/drip --health-url https://slow.test/api/drip \
		    --only http,edge,perf,mon,tls --format json
		check_ok '[ "$rc" -eq 1 ] || [ "$rc" -eq 4 ]' "exit status $rc, want 1 or 4"
		no_false_pass
		expect perf.latency fail high
		check_ok '! jq -e ".checks[] | select(.id == \"mon.health\") | .status == \"pass\"" "$out" >/dev/null' \
		    "mon.health passes on a route slower than 1 s"
		within $(( (2 * 1 + 5) * 1000 + 1500 ))
		echo "slow audit: wall $elapsed_ms ms"
		# 60 subdomains that all resolve (the web lab's zones have a
		# wildcard) on one nginx: 252 handshakes must not exhaust it
		# into false verdicts.
		audit many-tls brightcart.test --subdomains "$subs" \
		    --resolver "127.0.0.1:$LAB_DNS_PORT" \
		    --port-map "80:$LAB_WEB_HTTP_PORT,443:$LAB_WEB_HTTPS_PORT" \
		    --cacert "$LAB_CA" --timeout 2 --only tls --format json
		expect tls.certificate pass
		evidence tls.certificate "62 hosts serve a valid certificate"
		expect tls.protocols pass
		expect tls.expiry pass
		within $(( (2 * 2 + 5) * 1000 ))
		echo "$asserts $failures" >"$state/solo/counts"
	)
	read -r asserts failures <"$state/solo/counts" || failures=$((failures + 1))
else
	echo "FAIL: the second web lab did not start"
	failures=$((failures + 1))
fi

echo "demo-lab: $asserts assertions, $failures failed"
[ "$failures" -eq 0 ] || exit 1

#!/bin/bash
# tests/baseline-lab.sh: re-audits against a baseline, as a consultant runs
# them a week apart. A small lab (NSD serving acme.test, nginx with a test
# CA) is audited once; then the zone gains the www name it lacked (a fix)
# and nginx stops sending HSTS (a regression); the second audit runs with
# --baseline FIRST.json. Both are compared again with `launchready diff`.
# What is expected comes from the lab changes made here, not the program.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lab/lib.sh"
for tool in nginx nsd jq openssl; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null 2>&1 || lab_skip "$tool is not installed"
done
[ -x "$LAUNCHREADY" ] || lab_fail "LAUNCHREADY is not set to the built program"

state=$(mktemp -d "${TMPDIR:-/tmp}/baseline-lab.XXXXXX")
trap 'lab_stop_all; [ -n "${KEEP:-}" ] || rm -rf "$state"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# zone WITH_WWW: writes acme.test's zone, with or without www.
zone() {
	{
		printf '$ORIGIN acme.test.\n$TTL 300\n'
		printf '@ SOA ns1.acme.test. hostmaster.acme.test. %s 3600 600 604800 300\n' "$2"
		printf '@ NS ns1.acme.test.\nns1 A 127.0.0.1\n@ A 127.0.0.1\n'
		[ "$1" = yes ] && printf 'www A 127.0.0.1\n'
	} >"$state/acme.zone"
}

# site HSTS: writes nginx's server blocks, sending HSTS or not.
site() {
	hsts=""
	[ "$1" = yes ] && hsts='add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;'
	cat >"$state/site.conf" <<CONF
server {
	listen 127.0.0.1:$HTTP default_server;
	return 301 https://\$host\$request_uri;
}
server {
	listen 127.0.0.1:$HTTPS ssl default_server;
	server_name acme.test www.acme.test;
	ssl_certificate $state/ca/site.pem;
	ssl_certificate_key $state/ca/site.key;
	$hsts
	location / { return 200 "acme\n"; }
}
CONF
}

HTTP=$(lab_free_port)
HTTPS=$(lab_free_port)
lab_ca "$state"
lab_cert "$state" site "DNS:acme.test,DNS:www.acme.test"
zone no 1
lab_nsd_start "$state" acme.test="$state/acme.zone"
site yes
lab_nginx_start "$state" "$state/site.conf"
lab_wait_port "$HTTPS" || lab_fail "nginx is not answering"

# audit OUT ARGS...: the lab's audit of the two checks that change.
audit() {
	out=$1; shift
	rc=0
	"$LAUNCHREADY" audit acme.test --only dns.www,http.hsts,dns.apex \
	    --resolver "127.0.0.1:$LAB_DNS_PORT" \
	    --port-map "80:$HTTP,443:$HTTPS" --cacert "$LAB_CA" --timeout 5 \
	    "$@" >"$out" 2>"$state/err" || rc=$?
}

status_of() { jq -r --arg id "$2" '.checks[] | select(.id == $id) | .status' "$1"; }

audit "$state/first.json" --format json
[ "$(status_of "$state/first.json" dns.www)" = fail ] ||
    fail "first audit: dns.www is $(status_of "$state/first.json" dns.www), want fail (no www in the zone)"
[ "$(status_of "$state/first.json" http.hsts)" = pass ] ||
    fail "first audit: http.hsts is $(status_of "$state/first.json" http.hsts), want pass"
[ "$rc" -eq 1 ] || fail "first audit exited $rc, want 1 (dns.www fails high)"

# The week between: www is added, HSTS is lost in a config change.
kill "$(cat "$state/nsd/nsd.pid")"
sleep 0.3
zone yes 2
lab_nsd_start "$state" acme.test="$state/acme.zone"
site no
kill -HUP "$(cat "$state/nginx/nginx.pid")"
sleep 0.5

audit "$state/second.json" --format json --baseline "$state/first.json"
[ "$(status_of "$state/second.json" dns.www)" = pass ] ||
    fail "second audit: dns.www is $(status_of "$state/second.json" dns.www), want pass"
[ "$(status_of "$state/second.json" http.hsts)" = fail ] ||
    fail "second audit: http.hsts is $(status_of "$state/second.json" http.hsts), want fail"
change() { jq -r --arg id "$2" '.checks[] | select(.id == $id) | .change' "$1"; }
[ "$(change "$state/second.json" dns.www)" = fixed ] ||
    fail "dns.www marked $(change "$state/second.json" dns.www), want fixed"
[ "$(change "$state/second.json" http.hsts)" = regressed ] ||
    fail "http.hsts marked $(change "$state/second.json" http.hsts), want regressed"
[ "$(change "$state/second.json" dns.apex)" = unchanged ] ||
    fail "dns.apex marked $(change "$state/second.json" dns.apex), want unchanged"
jq -e '.baseline.regressed == 1 and .baseline.fixed == 1 and
    .baseline.unchanged == 1 and .baseline.new == 0' "$state/second.json" >/dev/null ||
    fail "JSON comparison counts: $(jq -c '.baseline | del(.checks)' "$state/second.json")"
ok "JSON marks the fix and the regression"

# Text: each check marked, and the closing line.
audit "$state/second.txt" --baseline "$state/first.json"
grep -q 'dns\.www .*\[fixed\]$' "$state/second.txt" || fail "text does not mark dns.www [fixed]"
grep -q 'http\.hsts .*\[regressed\]$' "$state/second.txt" || fail "text does not mark http.hsts [regressed]"
[ "$(tail -n 1 "$state/second.txt")" = "since the baseline: 1 regressed, 1 fixed" ] ||
    fail "text ends with \"$(tail -n 1 "$state/second.txt")\""
[ "$rc" -eq 1 ] || fail "re-audit with a high regression exited $rc, want 1"
ok "text ends with the count of regressions and fixes"

# --fail-on-new: the regression (high) fails; at critical nothing new does.
audit "$state/x.txt" --baseline "$state/first.json" --fail-on-new
[ "$rc" -eq 1 ] || fail "--fail-on-new with a high regression exited $rc, want 1"
audit "$state/x.txt" --baseline "$state/first.json" --fail-on-new --fail-on critical
[ "$rc" -eq 0 ] || fail "--fail-on-new --fail-on critical exited $rc, want 0"
# Against itself nothing is new: a known failure does not fail the job.
audit "$state/third.json" --format json --baseline "$state/second.json" --fail-on-new
[ "$rc" -eq 0 ] || fail "re-audit against itself with --fail-on-new exited $rc, want 0 (only known problems)"
[ "$(change "$state/third.json" http.hsts)" = unchanged ] || fail "http.hsts against itself is not unchanged"
ok "--fail-on-new fails on new problems only"

# diff prints the same comparison.
rc=0
"$LAUNCHREADY" diff "$state/first.json" "$state/second.json" >"$state/diff.txt" 2>&1 || rc=$?
[ "$(tail -n 1 "$state/diff.txt")" = "since the baseline: 1 regressed, 1 fixed" ] ||
    fail "diff ends with \"$(tail -n 1 "$state/diff.txt")\""
grep -q '^  regressed  http\.hsts .*pass -> fail high' "$state/diff.txt" || fail "diff lacks the HSTS regression: $(cat "$state/diff.txt")"
grep -q '^  fixed      dns\.www .*fail high -> pass' "$state/diff.txt" || fail "diff lacks the www fix"
[ "$rc" -eq 1 ] || fail "diff with a high regression exited $rc, want 1"
"$LAUNCHREADY" diff "$state/first.json" "$state/second.json" --format json >"$state/diff.json" || true
jq -e '.baseline.checks | map(select(.change == "regressed")) | .[0].id == "http.hsts"' \
    "$state/diff.json" >/dev/null || fail "diff --format json lacks the regression"
ok "diff prints the same comparison"

# Bad baselines: a clear error, nothing audited.
echo '{"tool": "launchready", "domain": "acme.test", "checks": [' >"$state/cut.json"
audit "$state/x.txt" --baseline "$state/cut.json"
[ "$rc" -eq 2 ] && grep -q "cut.json: not JSON: line 2" "$state/err" ||
    fail "a cut baseline: exit $rc, $(cat "$state/err")"
sed 's/"acme.test"/"other.test"/' "$state/first.json" >"$state/other.json"
audit "$state/x.txt" --baseline "$state/other.json"
[ "$rc" -eq 2 ] && grep -q "is an audit of other.test, not of acme.test" "$state/err" ||
    fail "another domain's baseline: exit $rc, $(cat "$state/err")"
audit "$state/x.txt" --fail-on-new
[ "$rc" -eq 2 ] && grep -q -- "--fail-on-new needs --baseline" "$state/err" ||
    fail "--fail-on-new alone: exit $rc"
rc=0; "$LAUNCHREADY" diff "$state/first.json" >/dev/null 2>"$state/err" || rc=$?
[ "$rc" -eq 2 ] || fail "diff with one file exited $rc, want 2"
ok "bad baselines are refused with a clear message"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "baseline-lab: all passed"

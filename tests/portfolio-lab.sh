#!/bin/bash
# tests/portfolio-lab.sh: `launchready audit --targets FILE` on the web lab
# (NSD, nginx with a test CA): several clients at once on one loop, JSON
# Lines of the same shape as `audit --format json`, the closing table,
# --shard K/N splitting the file with no overlap, and bad target lines
# refused before anything runs. Expected verdicts come from the lab's
# nginx.conf (clean.test sends HSTS, no-hsts.test does not).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lab/lib.sh"
for tool in nginx nsd jq openssl python3; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null 2>&1 || lab_skip "$tool is not installed"
done
[ -x "$LAUNCHREADY" ] || lab_fail "LAUNCHREADY is not set to the built program"

state=$(mktemp -d "${TMPDIR:-/tmp}/portfolio-lab.XXXXXX")
lab=$top_srcdir/tests/lab
trap 'bash "$lab/web/stop.sh" "$state"; [ -n "${KEEP:-}" ] || rm -rf "$state"' EXIT
env -u LAB_DNS_PORT bash "$lab/web/start.sh" "$state" >/dev/null || lab_fail "the web lab did not start"
. "$state/web.env"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

net=(--resolver "127.0.0.1:$LAB_DNS_PORT"
    --port-map "80:$LAB_WEB_HTTP_PORT,443:$LAB_WEB_HTTPS_PORT"
    --cacert "$LAB_CA" --timeout 5 --only dns.apex,dns.www,http.hsts,tls.certificate)

cat >"$state/targets" <<'EOF2'
# The consultant's clients, one per line, options as on the command line.
clean.test
no-hsts.test

short-hsts.test --subdomains app
"split-hosts.test"
mixed-passive.test --timeout 4
no-headers.test
EOF2

rc=0
"$LAUNCHREADY" audit --targets "$state/targets" --jobs 3 "${net[@]}" \
    >"$state/out.jsonl" 2>"$state/err" || rc=$?
[ "$rc" -eq 1 ] || fail "exit $rc, want 1 (no-hsts.test fails http.hsts, high)"
n=$(wc -l <"$state/out.jsonl")
[ "$n" -eq 6 ] || fail "$n JSON lines, want 6"
jq -e -s 'length == 6 and all(.[]; .tool == "launchready" and (.checks | length) == 4)' \
    "$state/out.jsonl" >/dev/null || fail "the lines are not 6 audits of 4 checks"
[ "$(jq -r .domain "$state/out.jsonl" | sort | tr '\n' ' ')" = \
    "clean.test mixed-passive.test no-headers.test no-hsts.test short-hsts.test split-hosts.test " ] ||
    fail "domains: $(jq -r .domain "$state/out.jsonl" | tr '\n' ' ')"
hsts() { jq -r --arg d "$1" 'select(.domain == $d) | .checks[] | select(.id == "http.hsts") | .status' "$state/out.jsonl"; }
[ "$(hsts clean.test)" = pass ] || fail "clean.test http.hsts is $(hsts clean.test)"
[ "$(hsts no-hsts.test)" = fail ] || fail "no-hsts.test http.hsts is $(hsts no-hsts.test)"
ok "six audits as JSON Lines"

# The same shape as a single audit's --format json (times aside).
"$LAUNCHREADY" audit clean.test "${net[@]}" --format json >"$state/single.json" || true
norm='del(.started, .finished) | .checks |= map(del(.duration_ms))'
jq -S "$norm" "$state/single.json" >"$state/a"
jq -S "select(.domain == \"clean.test\") | $norm" "$state/out.jsonl" >"$state/b"
cmp -s "$state/a" "$state/b" || fail "clean.test's line differs from its single audit: $(diff "$state/a" "$state/b" | head -10)"
ok "a line is the single audit's JSON"

# The closing table: one row per domain.
grep -q '^DOMAIN  *VERDICT  *CRITICAL  *HIGH  *SLOWEST CHECK$' "$state/err" || fail "no table header: $(cat "$state/err")"
grep -q '^no-hsts\.test  *not-ready  *[0-9]  *[1-9] ' "$state/err" || fail "no-hsts.test row: $(grep no-hsts "$state/err")"
grep -q '^clean\.test  *ready  *0  *0  *[a-z.-]* ([0-9]* ms)$' "$state/err" || fail "clean.test row: $(grep '^clean' "$state/err")"
ok "closing table"

# --shard K/N: every N-th target; the shards cover the file once.
for k in 1 2 3; do
	"$LAUNCHREADY" audit --targets "$state/targets" --shard "$k/3" "${net[@]}" \
	    >"$state/shard$k" 2>/dev/null || true
done
[ "$(cat "$state"/shard? | jq -r .domain | sort | tr '\n' ' ')" = \
    "clean.test mixed-passive.test no-headers.test no-hsts.test short-hsts.test split-hosts.test " ] ||
    fail "the shards do not cover the targets once: $(cat "$state"/shard? | jq -r .domain | tr '\n' ' ')"
[ "$(jq -r .domain "$state/shard1" | tr '\n' ' ')" = "clean.test split-hosts.test " ] ||
    fail "shard 1/3: $(jq -r .domain "$state/shard1" | tr '\n' ' ')"
ok "--shard splits the portfolio"

# -o FILE: the lines written atomically.
"$LAUNCHREADY" audit --targets "$state/targets" --shard 2/3 -o "$state/o.jsonl" "${net[@]}" \
    >/dev/null 2>&1 || true
cmp -s <(jq -r .domain "$state/o.jsonl") <(jq -r .domain "$state/shard2") || fail "-o FILE differs"

# Bad input: refused with the line, nothing audited.
usage() {
	msg=$1; shift
	rc=0
	"$LAUNCHREADY" audit "$@" >"$state/u.out" 2>"$state/u.err" || rc=$?
	if [ "$rc" -ne 2 ] || ! grep -qF -- "$msg" "$state/u.err" || [ -s "$state/u.out" ]; then
		fail "$*: exit $rc, $(cat "$state/u.err")"
	fi
}
printf 'clean.test\nbad..test\n' >"$state/bad1"
usage "bad1:2: " --targets "$state/bad1"
printf 'clean.test --timeout 0\n' >"$state/bad2"
usage "bad2:1: --timeout 0" --targets "$state/bad2"
printf "clean.test --login-url 'https://x\n" >"$state/bad3"
usage "bad3:1: a quote is not closed" --targets "$state/bad3"
usage "--shard 4/3" --targets "$state/targets" --shard 4/3
usage "--shard x" --targets "$state/targets" --shard x
usage "--jobs 0" --targets "$state/targets" --jobs 0
usage "DOMAIN or --targets" clean.test --targets "$state/targets"
usage "--targets /nonexistent" --targets /nonexistent
ok "bad targets are refused"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "portfolio-lab: all passed"

#!/bin/sh
# audit-cli.sh: `launchready audit` as a user (or a CI job) sees it: usage
# errors, the JSON shape of SPEC.md, --only selection and exit statuses.
# Every network check is pointed at a closed port on loopback, so whatever
# engines this build has, none can decide: each must say error, never pass.

set -u
: "${LAUNCHREADY:?run through make check}"
: "${top_srcdir:?run through make check}"
. "$top_srcdir/tests/lab/lib.sh"

command -v jq >/dev/null 2>&1 || { echo "SKIP: jq is not installed"; exit 77; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# run ARGS...: runs launchready, leaving $TMP/out, $TMP/err and $rc.
run() {
	rc=0
	"$LAUNCHREADY" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
}

# usage MESSAGE ARGS...: expects exit 2, MESSAGE on stderr, nothing on stdout.
usage() {
	msg=$1; shift
	run "$@"
	if [ "$rc" -ne 2 ]; then
		fail "launchready $* exited $rc, not 2"
	elif ! grep -qF -- "$msg" "$TMP/err"; then
		fail "launchready $*: stderr lacks '$msg': $(cat "$TMP/err")"
	elif [ -s "$TMP/out" ]; then
		fail "launchready $*: printed to stdout on a usage error"
	else
		ok "usage error: $*"
	fi
}

DEAD=$(lab_free_port)
NET="--resolver 127.0.0.1:$DEAD --timeout 1"

# ---- usage errors -------------------------------------------------------
usage "the domain is empty" audit ""
usage "empty label" audit "acme..test"
usage "longer than 63" audit \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test"
usage "is a URL" audit "https://acme.test/login"
usage "looks like an IP address" audit 192.0.2.10
usage "looks like an IP address" audit ::1
usage "character '!'" audit "acme!.test"
usage "no dot" audit localhost
usage "audit needs a DOMAIN" audit
usage '--only: "dnz" is not a check id' audit acme.test --only dnz $NET
usage '--only: "7" is not a check id' audit acme.test --only 7 $NET
usage '--only: "dns.apexx"' audit acme.test --only dns,dns.apexx $NET
usage "--only needs check ids" audit acme.test --only ""
usage "--format xml: give text, json, md" audit acme.test --format xml
usage "audit --format: give text, json, md or sarif" audit acme.test \
    --format html
usage "--fail-on low: give critical, high or medium" audit acme.test \
    --fail-on low
usage "--timeout 0" audit acme.test --timeout 0
usage "--resolver \"nameserver\"" audit acme.test --resolver nameserver
usage "unknown option --frobnicate" audit acme.test --frobnicate

# ---- the ids the catalogue lists ----------------------------------------
# CHECKS.md's tables, and the README's tables of the checks that issues
# added since (CHECKS.md lists those outside its tables until they land).
if [ -f "${SHARED_DIR:-../shared}/CHECKS.md" ]; then
	cat "${SHARED_DIR:-../shared}/CHECKS.md" "$top_srcdir/README.md" |
	    grep -o '^| `[a-z0-9-]*\.[a-z0-9-]*`' |
	    sed 's/^| `//; s/`$//' | sort -u >"$TMP/ids"
else
	echo "note: CHECKS.md absent; using the check ids of data/checklist.cfg"
	sed -n 's/.*check = "\([^"]*\)".*/\1/p' \
	    "$top_srcdir/data/checklist.cfg" | sort >"$TMP/ids"
fi
nids=$(wc -l <"$TMP/ids")
[ "$nids" -ge 40 ] || fail "only $nids check ids found in the catalogue"

# ---- the full audit as JSON ---------------------------------------------
start=$(date +%s)
run audit acme.test --format json $NET
took=$(( $(date +%s) - start ))
# Nothing can be decided through a closed resolver: exit 4, never 0.
[ "$rc" -eq 4 ] || fail "full audit exited $rc, not 4 (undecided)"
[ "$took" -le 20 ] || fail "full audit took $took s with --timeout 1"
if ! jq -e . "$TMP/out" >/dev/null 2>&1; then
	fail "--format json is not JSON: $(head -c 300 "$TMP/out")"
else
	jq -e '
	    .tool == "launchready" and
	    (.version | type == "string" and length > 0) and
	    .domain == "acme.test" and
	    (.started | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")) and
	    (.finished | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")) and
	    .finished >= .started and
	    (.checks | type == "array") and
	    all(.checks[];
		(.id | type == "string") and
		(.stage | type == "number" and . >= 1 and . <= 6) and
		(.status | IN("pass", "warn", "fail", "error", "skipped")) and
		(.severity | IN("none", "info", "medium", "high", "critical")) and
		(.title | type == "string" and length > 0 and . != "") and
		(.summary | type == "string" and length > 0) and
		(.evidence | type == "array" and all(.[]; type == "string")) and
		(.fix | type == "string") and
		(.duration_ms | type == "number" and . >= 0))
	    ' "$TMP/out" >/dev/null ||
	    fail "JSON does not have the shape of SPEC.md"
	jq -r '.checks[].id' "$TMP/out" | sort >"$TMP/got"
	if ! cmp -s "$TMP/ids" "$TMP/got"; then
		fail "JSON checks differ from the catalogue: $(diff "$TMP/ids" "$TMP/got" | tr '\n' ' ')"
	fi
	[ "$(jq '.checks | length' "$TMP/out")" -eq "$nids" ] ||
	    fail "JSON lists checks more than once"
	# No network check can pass through a dead resolver.
	passed=$(jq -r '.checks[] | select(.status == "pass") |
	    select(.id | startswith("secrets.") | not) | .id' "$TMP/out")
	[ -z "$passed" ] || fail "passed with no DNS server: $passed"
	errors=$(jq '[.checks[] | select(.status == "error")] | length' \
	    "$TMP/out")
	[ "$errors" -gt 0 ] || fail "no check reported error"
	ok "full audit: $nids checks in JSON, exit 4, ${took}s"
fi

# ---- a check that cannot decide: dns.apex through a closed port ---------
run audit acme.test --only dns.apex --format json $NET
[ "$rc" -eq 4 ] || fail "dns.apex through a closed port exited $rc, not 4"
jq -e '(.checks | length) == 1 and .checks[0].id == "dns.apex" and
    .checks[0].status == "error" and .checks[0].stage == 1 and
    (.checks[0].summary | length > 0)' "$TMP/out" >/dev/null ||
    fail "dns.apex is not a lone error: $(cat "$TMP/out")"
[ "$rc" -eq 4 ] && ok "dns.apex undecided: status error, exit 4"

# The same with --fail-on critical: errors still keep CI from passing.
run audit acme.test --only dns.apex --fail-on critical $NET
[ "$rc" -eq 4 ] || fail "--fail-on critical with an error exited $rc"

# ---- --only by stage, family and id --------------------------------------
awk '/number = [0-9]+;/ { stage = $3 + 0 }
    /check = "/ { if (stage == 1) { sub(/.*check = "/, ""); sub(/".*/, "");
    print } }' "$top_srcdir/data/checklist.cfg" | sort >"$TMP/stage1"
[ -s "$TMP/stage1" ] || fail "no stage-1 checks found in checklist.cfg"
run audit acme.test --only 1 --format json $NET
jq -r '.checks[].id' "$TMP/out" | sort >"$TMP/got"
if cmp -s "$TMP/stage1" "$TMP/got" &&
    jq -e 'all(.checks[]; .stage == 1)' "$TMP/out" >/dev/null; then
	ok "--only 1: exactly the $(wc -l <"$TMP/stage1") stage-1 checks"
else
	fail "--only 1 selected: $(tr '\n' ' ' <"$TMP/got")"
fi

run audit acme.test --only "dns, tls.expiry" --format json $NET
grep -E '^dns\.|^tls\.expiry$' "$TMP/ids" >"$TMP/want"
jq -r '.checks[].id' "$TMP/out" | sort >"$TMP/got"
cmp -s "$TMP/want" "$TMP/got" && ok "--only dns,tls.expiry" ||
    fail "--only dns,tls.expiry selected: $(tr '\n' ' ' <"$TMP/got")"

# ---- text, Markdown and an internationalised name ----------------------
run audit acme.test --only dns.apex $NET
grep -q "audit of acme.test" "$TMP/out" &&
    grep -q "dns.apex" "$TMP/out" &&
    grep -q "1 check: 0 pass, 0 warn, 0 fail, 1 could not decide" \
    "$TMP/out" &&
    tail -1 "$TMP/out" | grep -qx "Not decided yet: 1 check could not run or has not run." &&
    ok "text output ends with the verdict" || fail "text output: $(cat "$TMP/out")"

run audit acme.test --only dns.apex --format md $NET
grep -q "^# Audit of acme.test" "$TMP/out" &&
    grep -q '| error |' "$TMP/out" && ok "Markdown output" ||
    fail "Markdown output: $(cat "$TMP/out")"

run audit "Bücher.Example." --only dns.apex --format json $NET
jq -e '.domain == "xn--bcher-kva.example" and
    .domain_unicode == "bücher.example"' "$TMP/out" >/dev/null &&
    ok "IDN shown in both forms" || fail "IDN: $(head -c 300 "$TMP/out")"
run audit "bücher.example" --only dns.apex $NET
grep -q "bücher.example (xn--bcher-kva.example)" "$TMP/out" ||
    fail "text output lacks both forms of the IDN"

# ---- a damaged checklist: the audit cannot run (exit 3), with file:line --
mkdir "$TMP/data"
printf 'version = 1;\nstages = (\n  { number = 1; hours = [0, 4] name = ; }\n);\n' \
    >"$TMP/data/checklist.cfg"
rc=0
LAUNCHREADY_DATADIR="$TMP/data" "$LAUNCHREADY" audit acme.test $NET \
    >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 3 ] && grep -q "checklist.cfg:3:" "$TMP/err" &&
    ok "damaged checklist: exit 3 with file:line" ||
    fail "damaged checklist: exit $rc, $(cat "$TMP/err")"

# ---- -o FILE: the results go to the file, stdout stays empty -------------
run audit acme.test $NET --only dns.apex --format json -o "$TMP/audit.json"
[ "$rc" -eq 4 ] && [ ! -s "$TMP/out" ] &&
    jq -e '.checks[0].id == "dns.apex"' "$TMP/audit.json" >/dev/null &&
    grep -q "wrote $TMP/audit.json" "$TMP/err" &&
    ok "-o writes the JSON to the file" ||
    fail "-o: exit $rc, stdout $(wc -c <"$TMP/out") bytes, $(cat "$TMP/err")"
run audit acme.test $NET --only dns.apex -o "$TMP/no/such/dir/out.txt"
[ "$rc" -eq 3 ] && grep -q "no/such/dir" "$TMP/err" &&
    ok "-o into a missing directory: exit 3 naming the path" ||
    fail "-o missing dir: exit $rc, $(cat "$TMP/err")"

# ---- help and version -----------------------------------------------------
run --help
[ "$rc" -eq 0 ] || fail "--help exited $rc"
for o in --resolver --port-map --cacert --subdomains --dkim-selectors \
    --repo --timeout --session-dir --no-color --login-url --health-url \
    --api-url --email --sender-ip --allow-active --format --only --fail-on; do
	grep -q -- "$o" "$TMP/out" || fail "--help does not mention $o"
done
run --version
[ "$rc" -eq 0 ] && grep -q '^launchready [0-9]' "$TMP/out" ||
    fail "--version: $rc $(cat "$TMP/out")"

if [ "$failures" -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "all audit command-line checks passed"

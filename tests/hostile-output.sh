#!/bin/bash
# hostile-output.sh: what a hostile site and repository put in front of the
# reader of `audit --format text` and `--format md`. A real NSD serves SPF,
# DMARC, DKIM and CAA records carrying ESC sequences, raw C1 bytes and
# <script>; a real git repository holds secrets in files whose names carry
# a newline, a code fence, ESC and a C1 byte. JSON shows the payloads
# arrived; text and Markdown must show every one escaped (no raw control
# byte, valid UTF-8) and keep their structure: one text line per piece of
# the results, and the Markdown rendered by cmark-gfm has exactly the headings,
# fences and table rows the results call for, and no live HTML.
set -u
: "${LAUNCHREADY:?run through make check}" "${top_srcdir:?run through make check}"
. "$top_srcdir/tests/lab/lib.sh"
for tool in nsd git jq python3 cmark-gfm; do
	command -v $tool >/dev/null || lab_skip "$tool is not installed"
done

state=$(mktemp -d)
trap 'lab_stop_all; [ -n "${KEEP:-}" ] || rm -rf "$state"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# Zone file escapes are decimal: \027 ESC, \007 BEL, \133 0x85, \155 0x9b.
cat >"$state/hostile.zone" <<'ZONE'
$ORIGIN hostile.test.
$TTL 300
@	SOA ns.hostile.test. admin.hostile.test. 1 3600 600 86400 300
@	NS ns
ns	A 127.0.0.1
@	A 127.0.0.1
www	A 127.0.0.1
@	MX 10 mx
mx	A 127.0.0.1
@	TXT "v=spf1 ip4:127.0.0.1 \027[2J\027]0;owned\007 \133\155 -all"
_dmarc	TXT "v=DMARC1; p=none; rua=mailto:\027[31mx@hostile.test\010\010"
sel._domainkey	TXT "v=DKIM1; k=rsa; p=<script>alert(1)</script>"
@	CAA 0 issue "\027[31mca.example"
@	CAA 0 issue "<script>alert(1)</script>"
ZONE
lab_nsd_start "$state" "hostile.test=$state/hostile.zone"

repo=$state/repo
git init -q "$repo"
nl='
'
esc=$(printf '\033')
c1=$(printf '\302\205')
key=AKIAQX7RZ2LMN4PT9VWY
printf 'aws_key = "%s"\n' "$key" >"$repo/evil${nl}\`\`\`${nl}# Injected ${esc}[31mheading${c1}.txt"
printf 'AWS_ACCESS_KEY_ID=%s\n' "$key" >"$repo/.env"
(cd "$repo" && git add -A && git -c user.name=t -c user.email=t@t.test \
    commit -qm "hostile ${esc}[2J names")

audit() {
	"$LAUNCHREADY" audit hostile.test --resolver "127.0.0.1:$LAB_DNS_PORT" \
	    --timeout 3 --only dns,email,secrets --dkim-selectors sel \
	    --repo "$repo" "$@"
}
LC_ALL=C audit --format json >"$state/out.json" 2>"$state/err.json"
LC_ALL=C audit --format text >"$state/out.txt" 2>"$state/err.txt"
LC_ALL=C audit --format md >"$state/out.md" 2>"$state/err.md"
jq -e . "$state/out.json" >/dev/null || fail "JSON does not parse: $(cat "$state/err.json")"

# The payloads reached the program (else this test could not fail).
for want in '\u001b[31mca.example' '<script>alert(1)</script>' \
    'evil\n```\n# Injected \u001b[31mheading'; do
	grep -qF -- "$want" "$state/out.json" && ok "JSON carries $want" ||
	    fail "JSON lacks $want (the hostile lab did not reach the audit)"
done

# No raw control byte, no C1 control, only valid UTF-8.
for f in out.txt out.md; do
	python3 - "$state/$f" <<'PY' && ok "$f: no raw control byte" || fail "$f: raw control bytes"
import re, sys
data = open(sys.argv[1], 'rb').read()
try:
    text = data.decode('utf-8')
except UnicodeDecodeError as e:
    print('invalid UTF-8:', e); sys.exit(1)
bad = re.findall('[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]', text)
if bad:
    print('raw:', [hex(ord(c)) for c in bad][:10]); sys.exit(1)
PY
done
grep -qF '\x1b[31mca.example' "$state/out.txt" &&
    grep -qF 'evil\n```\n# Injected \x1b[31mheading\u0085.txt:1' "$state/out.txt" &&
    ok "text shows the escapes" || fail "text does not show the escaped CAA value and file name"

# Text: exactly the lines the results call for (a header and a blank,
# per check its line, summary, evidence and fix, then a blank, the
# counts and the verdict), so no value started a line of its own.
want=$(jq '[.checks[] | 1 + (if .summary != "" then 1 else 0 end) +
    (.evidence | length) + (if .fix != "" then 1 else 0 end)] | add + 5' \
    "$state/out.json")
got=$(wc -l <"$state/out.txt")
[ "$got" -eq "$want" ] && ok "text: $got lines, as the results call for" ||
    fail "text: $got lines, the results call for $want"
checks=$(jq '.checks | length' "$state/out.json")
got=$(grep -cE '^[-.~+!x?*] (pass|warn|fail|error|skipped) ' "$state/out.txt")
[ "$got" -eq "$checks" ] && ok "text: one status line per check" ||
    fail "text: $got status lines for $checks checks"

# Markdown, rendered by cmark-gfm (GitHub's tables) with raw HTML let
# through (--unsafe), so
# injected HTML would show: one h1, an h2 per finding or check with
# evidence, a pre per check with evidence, a table row per check.
cmark-gfm --unsafe -e table -e strikethrough "$state/out.md" >"$state/out.html" ||
    fail "cmark-gfm failed"
sections=$(jq '[.checks[] | select(.status == "warn" or .status == "fail" or
    (.evidence | length) > 0)] | length' "$state/out.json")
pres=$(jq '[.checks[] | select((.evidence | map(select(startswith("(") and
    endswith("not kept)") | not)) | length) > 0)] | length' "$state/out.json")
count() { grep -o "$1" "$state/out.html" | wc -l; }
[ "$(count '<h1>')" -eq 1 ] && ok "md: one h1" || fail "md: $(count '<h1>') h1"
[ "$(count '<h2>')" -eq "$sections" ] && ok "md: $sections sections" ||
    fail "md: $(count '<h2>') h2 for $sections sections"
[ "$(count '<h[3-6]>')" -eq 0 ] || fail "md: injected lower headings"
[ "$(count '<pre>')" -eq "$pres" ] && ok "md: $pres evidence blocks" ||
    fail "md: $(count '<pre>') pre for $pres checks with evidence"
[ "$(count '<tr>')" -eq $((checks + 1)) ] && ok "md: one table row per check" ||
    fail "md: $(count '<tr>') rows for $checks checks"
grep -qi '<script' "$state/out.html" && fail "md: live <script> in the rendering" ||
    ok "md: no live HTML"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$state/out.html" &&
    ok "md: the record's <script> shown as text" ||
    fail "md: the DKIM record's <script> is not shown as text"

if [ "$failures" -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "all hostile-output checks passed"

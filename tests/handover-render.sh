#!/bin/sh
# handover-render.sh: the handover of the golden session read by real
# renderers. The Markdown through cmark-gfm (GitHub's CommonMark) has the
# same lists, list items and tables as the HTML launchready writes, shows
# no escape a reader would see (-\> or \#); the HTML's tags nest and
# close; the JSON carries the decision, the alert owners, the secret
# inventory and the appendices with the five runbooks.
set -u
: "${LAUNCHREADY:?}" "${top_srcdir:?}"
command -v cmark-gfm >/dev/null || { echo "cmark-gfm missing (quickstart installs it)"; exit 77; }
command -v jq >/dev/null || { echo "jq missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }

dir=$tmp/sessions
mkdir -p "$dir"
cp "$top_srcdir/tests/data/session-brightcart.cfg" "$dir/brightcart.test.cfg"
# The frozen checklist of the golden files.
mkdir -p "$tmp/data"
cp "$top_srcdir/tests/data/checklist-golden.cfg" "$tmp/data/checklist.cfg"
LAUNCHREADY_DATADIR=$tmp/data SOURCE_DATE_EPOCH=1795507200
export LAUNCHREADY_DATADIR SOURCE_DATE_EPOCH
for f in md html json; do
	"$LAUNCHREADY" report brightcart.test --session-dir "$dir" \
	    --format $f -o "$tmp/h.$f" 2>"$tmp/err.$f" ||
	    { bad "report --format $f: $(cat "$tmp/err.$f")"; }
done
cmark-gfm -e table "$tmp/h.md" >"$tmp/md.html"

count() { grep -o "$1" "$2" | wc -l; }
for tag in '<li>' '<ul>' '<ol' '<table>' '<h2>' '<h3>'; do
	m=$(count "$tag" "$tmp/md.html")
	h=$(count "$tag" "$tmp/h.html")
	if [ "$m" -eq "$h" ] && [ "$m" -gt 0 ]; then
		ok "$tag: $m in the rendered Markdown and in the HTML"
	else
		bad "$tag: $m in the rendered Markdown, $h in the HTML"
	fi
done
if grep -n -e '-\\>' -e '\\#' "$tmp/h.md" >"$tmp/esc"; then
	bad "escapes a reader sees: $(head -3 "$tmp/esc")"
else
	ok "no -\\> or \\# in the Markdown"
fi
# The rendered Markdown has no literal markup left over.
if sed '/<pre>/,/<\/pre>/d' "$tmp/md.html" | grep -n '\*\*' >"$tmp/stars"; then
	bad "unrendered ** in the Markdown: $(head -2 "$tmp/stars")"
else
	ok "every ** of the Markdown renders as emphasis"
fi

python3 - "$tmp/h.html" <<'PY' && ok "the HTML's tags nest and close" || bad "the HTML's tags do not nest"
import sys
from html.parser import HTMLParser
void = {"meta", "br", "hr", "img", "link", "input"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.err = None
    def handle_starttag(self, t, a):
        if t not in void: self.stack.append(t)
    def handle_endtag(self, t):
        if not self.stack or self.stack[-1] != t:
            self.err = self.err or "</%s> closes <%s>" % (t, self.stack[-1] if self.stack else "nothing")
        else: self.stack.pop()
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
if p.err or p.stack:
    print(p.err or "unclosed: %s" % p.stack); sys.exit(1)
PY

j=$tmp/h.json
check_jq() {
	if jq -e "$1" "$j" >/dev/null 2>&1; then ok "JSON: $1"; else bad "JSON: $1"; fi
}
check_jq '.decision.kind == "ship-conditions" and .decision.who == "Maya Lindqvist (CEO)" and .decision.tool_verdict == "not-ready"'
check_jq '.alert_owners.site_down == "Sam Okafor" and .alert_owners.failed_deploy == null'
check_jq '.rollback_minutes == 9'
check_jq '[.secret_inventory[].fingerprint] == ["3f9a2c1d00000000", "91b0e7aa00000000", "5d0c33e200000000"]'
check_jq '.secret_inventory[1].status == "rotated" and .secret_inventory[1].rotated == "2026-11-23T15:00:00Z"'
check_jq '[.appendices.runbooks[].id] == ["certificate", "failed-deploy", "dns", "leaked-secret", "email-spam"]'
check_jq '.appendices.certificates | length == 4'
check_jq '.appendices.redirects[0] | startswith("http://brightcart.test/ goes permanently (301)")'
check_jq '.appendices.dns_map | map(select(.type == "MX")) | length >= 1'
check_jq '(.summary.blockers | length) == (.findings | map(select(.severity == "critical" or .severity == "high")) | length)'

echo "# $fails failed"
[ "$fails" -eq 0 ]

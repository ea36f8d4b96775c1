#!/bin/sh
# handover-print.sh: the handover of the golden session (a sprint filled
# in as a consultant would) printed to PDF by headless Chromium: Part 1
# is exactly page 1 (the decision, Do now, the access list, rollback,
# alert owners, open risks) and page 2 begins the appendices.
set -u
: "${LAUNCHREADY:?}" "${top_srcdir:?}"
chrome=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chrome" ] || { echo "chromium missing (quickstart installs it)"; exit 77; }
command -v pdftotext >/dev/null || { echo "pdftotext missing (poppler-utils)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }

mkdir -p "$tmp/data" "$tmp/sessions" "$tmp/home"
cp "$top_srcdir/tests/data/checklist-golden.cfg" "$tmp/data/checklist.cfg"
cp "$top_srcdir/tests/data/session-brightcart.cfg" "$tmp/sessions/brightcart.test.cfg"
LAUNCHREADY_DATADIR=$tmp/data SOURCE_DATE_EPOCH=1795507200
export LAUNCHREADY_DATADIR SOURCE_DATE_EPOCH
"$LAUNCHREADY" report brightcart.test --session-dir "$tmp/sessions" \
    --format html -o "$tmp/h.html" 2>"$tmp/err" ||
    { echo "report: $(cat "$tmp/err")"; exit 1; }

# print_pdf HTML PDF: headless Chromium, bounded in time.
print_pdf() {
	HOME=$tmp/home timeout 120 "$chrome" --headless --no-sandbox \
	    --disable-gpu --no-pdf-header-footer --user-data-dir="$tmp/profile" \
	    --print-to-pdf="$2" "file://$1" >"$tmp/chrome.log" 2>&1
	[ -s "$2" ]
}
print_pdf "$tmp/h.html" "$tmp/h.pdf" || { echo "chromium printed nothing:"; tail -5 "$tmp/chrome.log"; exit 1; }
pdftotext -f 1 -l 1 -layout "$tmp/h.pdf" "$tmp/p1.txt"
pdftotext -f 2 -l 2 -layout "$tmp/h.pdf" "$tmp/p2.txt"
pages=$(pdfinfo "$tmp/h.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
echo "# $pages pages"

on_page1() {
	if tr -s ' \n' ' ' <"$tmp/p1.txt" | grep -qF -- "$1"; then
		ok "page 1 holds: $1"
	else
		bad "page 1 lacks: $1"
	fi
}
on_page1 "Handover: Brightcart — brightcart.test"
on_page1 "Launch decision"
on_page1 "Ship with conditions: the Stripe key is rotated"
on_page1 "The tool's verdict: Not ready to launch"
on_page1 "Do now"
on_page1 "Backup restore tested"
on_page1 "Access list"
on_page1 "1Password vault \"Brightcart Ops\""
on_page1 "Deploy steps"
on_page1 "Rollback"
on_page1 "Rehearsed rollback: 9 minutes"
on_page1 "Alert owners"
on_page1 "What changed during the sprint"
on_page1 "Open risks"
on_page1 "No staging copy of the Postgres data <yet>."
on_page1 "One canonical address for the site (medium)"
if grep -q "Appendices\|DNS map" "$tmp/p1.txt"; then
	bad "page 1 runs into the appendices"
else
	ok "page 1 holds Part 1 only"
fi
if head -5 "$tmp/p2.txt" | grep -q "Part 2 — Appendices"; then
	ok "page 2 begins the appendices"
else
	bad "page 2 begins with: $(head -3 "$tmp/p2.txt" | tr -s ' \n' ' ')"
fi
echo "# $fails failed"
[ "$fails" -eq 0 ]

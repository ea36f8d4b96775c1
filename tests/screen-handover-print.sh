#!/bin/bash
# tests/screen-handover-print.sh: the done-means of the handover. The demo
# sprint is filled in through the wizard (decision, access list, deploy
# and rollback steps with the rehearsed time, alert owners, two secret
# inventory rows marked rotated), a credential typed into free-text fields
# is refused each time, and the exported HTML printed to PDF by headless
# Chromium has Part 1 exactly on page 1 and the appendices from page 2.
# The inventory keeps one row per fingerprint, and its owners and
# statuses survive quit, resume and a re-scan.
. "$top_srcdir/tests/screen-lib.sh"

for area in dns web git; do
	[ -x "$top_srcdir/tests/lab/$area/start.sh" ] ||
	    { echo "no $area lab in this tree"; exit 77; }
done
command -v nginx >/dev/null 2>&1 && command -v nsd >/dev/null 2>&1 ||
    { echo "nginx or nsd is missing"; exit 77; }
chrome=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chrome" ] || { echo "chromium missing (quickstart installs it)"; exit 77; }
command -v pdftotext >/dev/null || { echo "pdftotext missing"; exit 77; }

# A credential-shaped value, made here so that no source file holds one.
KEY="sk_live_$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr 'abcdef' 'QRSTUV' | cut -c1-28)"
DEMO=$XDG_DATA_HOME/launchready/demo-sessions
CFG=$DEMO/brightcart.test.cfg

demo_start() {
	$T kill-server >/dev/null 2>&1
	SCREEN_N=$((SCREEN_N + 1))
	T="tmux -u -L lrtest-$$-demo$SCREEN_N -f /dev/null"
	mkdir -p "$SCREEN_WORK/tmp"
	$T new-session -d -x 80 -y 24 "env TMPDIR='$SCREEN_WORK/tmp' XDG_DATA_HOME='$XDG_DATA_HOME' LC_ALL=C.UTF-8 LANGUAGE= LAUNCHREADY='$LAUNCHREADY' '$top_srcdir/tests/lab/demo' $*; echo EXIT=\$?; sleep 600"
}

# The screen's lines joined with one blank, as a message wrapped over
# several lines reads.
joined_has() {
	screen_text | sed 's/ *$//' | tr '\n' ' ' | grep -qF -- "$1"
}

# refused: the credential just typed is refused, the message says so in
# full (wrapped at 80 columns, not cut) and says nothing was saved.
refused() {
	eventually "refused: $1" joined_has \
	    "Not saved: Stripe live secret key sk_l"
	check "the refusal says why" joined_has \
	    "is refused: store where it lives, not the key"
	refute "saved."
}

demo_start --fresh
expect "Brightcart · brightcart.test · Hour 0 of 48" 90
keys A
expect_gone "running" 90
keys H
expect "Handover · Brightcart · brightcart.test"

# The access list: the credential is refused where it would be kept.
keys a
expect "Account"
type_text "Hosting"; keys Enter
type_text "Render"; keys Enter
type_text "Sam Okafor"; keys Enter
# At 80x24 the long label goes above the field, whole, not cut mid-word.
expect "Where the credentials live (never the credentials):"
type_text "Render dashboard, key $KEY"; keys Enter
refused "where the credentials live"
# The entry keeps what was typed before the refusal; Enter edits it.
keys Enter Enter Enter Enter
type_text "1Password vault Ops, item Render"; keys Enter
expect "Access entry saved."
keys a
type_text "Domain registrar"; keys Enter
type_text "Gandi"; keys Enter
type_text "Maya Lindqvist"; keys Enter
type_text "1Password vault Ops, item Gandi"; keys Enter
expect "Access entry saved."

# A second wizard on the open session is refused; at 80x24 the lock
# message is wrapped, whole, naming the holder.
$T new-session -d -s second -x 80 -y 24 "env XDG_DATA_HOME='$XDG_DATA_HOME' LC_ALL=C.UTF-8 LANGUAGE= '$LAUNCHREADY' resume brightcart.test --session-dir '$DEMO'; echo EXIT=\$?; sleep 600"
second_joined() {
	$T capture-pane -p -t second | sed 's/ *$//' | tr '\n' ' ' |
	    grep -qE "$1"
}
eventually "a second wizard is refused, the holder named in full" \
    second_joined 'session brightcart\.test is open in another launchready \(pid [0-9]+, user [^ ]+ on host [^ ]+, since [0-9TZ:-]+\)'
$T kill-session -t second

# Deploy and rollback steps in the text editor; a key in them is refused.
keys j j
expect_line 24 "edit"
keys Enter
expect "┌─ Deploy steps"
type_text "1. Merge to main: Render deploys"; keys Enter
type_text "2. Check /healthz answers 200"
keys C-s
expect "Deploy steps saved."
keys j Enter
expect "┌─ Rollback notes"
type_text "1. Render, Deploys, Rollback on the previous deploy"; keys Enter
type_text "2. token=$KEY"
keys C-s
refused "rollback notes"
check "the editor stays open on the refused text" joined_has "│ 2. token=sk_live_"
keys Escape
expect "Discard" 3 && keys y
keys Enter
expect "┌─ Rollback notes"
type_text "1. Render, Deploys, Rollback on the previous deploy"; keys Enter
type_text "2. Check /healthz answers 200"
keys C-s
expect "Rollback notes saved."

# The rehearsed rollback time, the decision, the alert owners.
keys m
expect "rehearsed"
type_text "9"; keys Enter
expect "9 min"
keys d
expect "ship"
keys c
type_text "rotate the two exposed keys before launch"; keys Enter
type_text "Maya Lindqvist (CEO)"; keys Enter
expect "ship with conditions"
keys w
for who in "Sam Okafor" "Sam Okafor" "Sam Okafor" "Maya Lindqvist" "Sam Okafor"; do
	type_text "$who"; keys Enter
done
expect "alert owners 5/5"

# Two secret rows rotated, with owners; a key as an owner is refused.
keys i
expect "Secret inventory · Brightcart"
keys o
type_text "$KEY"; keys Enter
refused "a secret's owner"
keys o
type_text "Sam Okafor"; keys Enter
keys r
expect "Marked rotated today."
keys j o
type_text "Maya Lindqvist"; keys Enter
keys r
expect "Marked rotated today."
keys Escape
expect "Handover · Brightcart"
# The summary names the manual items still open, not only their count.
keys S
expect "Launch-risk summary · Brightcart"
# paged_to TEXT: Page Down on the summary until TEXT shows (5 pages).
paged_to() {
	for _ in 1 2 3 4 5; do
		screen_text | grep -qF -- "$1" && return 0
		keys NPage; sleep 0.5
	done
	screen_text | grep -qF -- "$1"
}
check "the summary heads the open manual items" paged_to "manual items to confirm (Space marks one done"
check "the summary names them with stage and owner" paged_to "· Production environment identified (stage 1) · no owner yet"
keys H
expect "Handover · Brightcart"
keys e
expect "Handover written: Markdown, HTML and JSON." 20
keys q
expect "EXIT=0" 30

HTML=$DEMO/brightcart.test-handover.html
check "the HTML export is mode 0600" [ "$(stat -c %a "$HTML")" = 600 ]
rows() { grep -c 'fingerprint = ' "$CFG"; }
rotated() { grep -c 'status = "rotated"' "$CFG"; }
fps=$(jq -r '.secret_inventory[].fingerprint' "$DEMO/brightcart.test-handover.json" | sort -u | wc -l)
check "one inventory row per distinct fingerprint ($fps)" [ "$fps" -eq "$(rows)" ] 
check "two rows rotated in the session" [ "$(rotated)" -eq 2 ]

# Printed: Part 1 is page 1, the appendices begin on page 2.
HOME=$SCREEN_WORK timeout 120 "$chrome" --headless --no-sandbox --disable-gpu \
    --no-pdf-header-footer --user-data-dir="$SCREEN_WORK/profile" \
    --print-to-pdf="$SCREEN_WORK/handover.pdf" "file://$HTML" >/dev/null 2>&1
pdftotext -f 1 -l 1 -layout "$SCREEN_WORK/handover.pdf" "$SCREEN_WORK/p1.txt"
pdftotext -f 2 -l 2 -layout "$SCREEN_WORK/handover.pdf" "$SCREEN_WORK/p2.txt"
p1() { tr -s ' \n' ' ' <"$SCREEN_WORK/p1.txt" | grep -qF -- "$1"; }
check "page 1: the decision" p1 "Ship with conditions: rotate the two exposed keys before launch. Decided by Maya Lindqvist (CEO)"
check "page 1: Do now" p1 "Do now"
check "page 1: the access list" p1 "1Password vault Ops, item Gandi"
check "page 1: the rollback and its rehearsed time" p1 "Rehearsed rollback: 9 minutes"
check "page 1: the rollback steps" p1 "Rollback on the previous deploy"
check "page 1: the alert owners" p1 "Alert owners"
check "page 1: open risks" p1 "Open risks"
check "page 1 holds no appendix" sh -c "! grep -q 'Appendices' '$SCREEN_WORK/p1.txt'"
check "page 2 begins the appendices" sh -c "head -5 '$SCREEN_WORK/p2.txt' | grep -q 'Part 2 — Appendices'"
[ -n "${HANDOVER_KEEP:-}" ] && cp "$SCREEN_WORK/handover.pdf" "$SCREEN_WORK/p1.txt" "$HANDOVER_KEEP/"

# The credential reached nothing: session, backup, exports.
leak=$(grep -rlF -- "${KEY#sk_live_}" "$DEMO" 2>/dev/null | tr '\n' ' ')
check "the typed credential is in no file written ($leak)" [ -z "$leak" ]

# Resume and re-scan: owners and statuses stay, no row is added twice.
n=$(rows)
demo_start
expect "Brightcart · brightcart.test" 90
keys 3
expect "▶ 3" 5
# The header keeps the clock's stage and names the one on screen.
expect_line 1 "Hour 0 of 48 (stage 1) · on screen: stage 3"
keys A
expect_gone "running" 90
keys q
expect "EXIT=0" 30
check "a re-scan adds no row ($n)" [ "$(rows)" -eq "$n" ]
check "the two rows are still rotated" [ "$(rotated)" -eq 2 ]
check "their owners stay" sh -c "grep -q 'owner = \"Maya Lindqvist\"' '$CFG'"
screen_done

#!/bin/bash
# tests/screen-basics.sh: the wizard without a lab: no terminal, the start
# screen, the form refusing a bad domain, help, delete with confirmation,
# sizes, colour and NO_COLOR, ASCII glyphs, German, Ctrl-C.
. "$top_srcdir/tests/screen-lib.sh"

# No terminal on standard input: a clear message and exit 2.
out=$("$LAUNCHREADY" </dev/null 2>&1); st=$?
check "no terminal: exit status 2 (got $st)" [ "$st" -eq 2 ]
check "no terminal: the message says so" grep -q "needs a terminal" <<<"$out"

# The start screen with no session.
screen_start 80 24
expect "No saved session yet."
expect_line 1 "launchready · 48-hour launch-readiness sprint"
expect_line 24 "n new"
expect_line 24 "? help"
expect_line 24 "q quit"
keys q
expect "EXIT=0"

# The form refuses an invalid domain and creates nothing.
screen_start 80 24 new
expect "New sprint"
type_text "Brightcart Ltd"
keys Tab
type_text "bad..domain"
keys Tab
expect "✘ Domain"
keys F10
expect "Some answers need a look"
check "no session file was written" [ ! -e "$SESSIONS/bad..domain.cfg" ]
# Fixing the domain with the line editor: Home, Delete, typing.
keys Home Delete Delete Delete Delete Delete
type_text "brightcart"
keys End
type_text ".test"
expect "brightcartdomain.test"
keys C-u
type_text "brightcart.test"
keys F10
expect "Brightcart Ltd · brightcart.test · Hour 0 of 48"
expect "Audit and triage"
check "the session file exists, mode 0600" \
    [ "$(stat -c %a "$SESSIONS/brightcart.test.cfg" 2>/dev/null)" = 600 ]

# Help comes from the key table, and goes back where it came from.
keys '?'
expect "Re-run the selected check"
expect "Mark a manual item done / not done"
expect "Sprint board"
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do keys PageDown; done
expect "✘  fail"
expect "⚠  error"
keys Escape
expect "Brightcart Ltd · brightcart.test"
keys q
expect "EXIT=0"

# The start screen lists it; delete asks first.
screen_start 80 24
expect "Brightcart Ltd"
expect "brightcart.test"
keys d
expect "Delete the session brightcart.test for good? (y/n)"
keys n
expect "Nothing deleted."
check "still there after no" [ -e "$SESSIONS/brightcart.test.cfg" ]
keys d y
expect "Deleted brightcart.test."
expect "No saved session yet."
check "gone after yes" [ ! -e "$SESSIONS/brightcart.test.cfg" ]

# 80x24, a large terminal, a resize, and a terminal too small.
screen_start 200 60 new shop.test
expect "New sprint"
type_text "Shop"
keys F10
expect "Shop · shop.test · Hour 0 of 48"
# The full title fits at 200 columns (cut at 80).
expect "No secret keys in the website's code"
expect_line 60 "q quit"
$T resize-window -x 80 -y 24
# Redrawn for the new size: the footer on line 24, the header on line 1.
expect_line 24 "q quit"
expect_line 1 " Shop · shop.test · Hour 0 of 48"
refute "No secret keys in the website's code"
$T resize-window -x 60 -y 20
expect "The terminal is too small"
$T resize-window -x 100 -y 30
expect "Shop · shop.test"
# A save that fails (the sessions directory gone, a file in its place)
# is shown, and the change stays on the screen; the next save works again.
keys 1
select_item "A person confirms this one"
mv "$SESSIONS" "$SESSIONS.away"
: >"$SESSIONS"
keys Space
expect "NOT SAVED"
expect "☑ done"
rm -f "$SESSIONS"
mv -T "$SESSIONS.away" "$SESSIONS"
# (The owner prompt covers the status line, so "NOT SAVED" is looked for
# only once the file shows the owner, that is after the save.)
keys o
expect "Owner:"
type_text "Ana"
keys Enter
eventually "the owner typed after the failure is saved" \
    grep -q 'owner = "Ana";' "$SESSIONS/shop.test.cfg"
check "the change made while saving failed is saved now" \
    grep -q 'status = "done";' "$SESSIONS/shop.test.cfg"
expect_gone "NOT SAVED"
keys C-c
expect "EXIT=130"

# SIGTERM: a clean exit through the loop, the terminal restored.
screen_start 80 24
expect "Shop"
pane=$($T display -p -t 0 '#{pane_pid}')
kill -TERM "$(pgrep -P "$pane" -f launchready | head -1)"
expect "EXIT=143"

# Hostile text in a session (escape sequences, control bytes, invalid
# UTF-8, a 3,000-byte word) is shown as inert text, wrapped, never obeyed.
python3 - "$SESSIONS/shop.test.cfg" "$SESSIONS/evil.test.cfg" <<'PY'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
evil = "\\x1b[2J\\x1b]0;pwned\\x07 ctrl \\x01\\x02 bad utf8 \\xff\\xfe end " + "long" * 800
pos = 0
for _ in range(2):
    i = s.index('summary = "', pos); j = s.index('";', i)
    s = s[:i] + 'summary = "' + evil + '";' + s[j + 2:]
    pos = i + 20
open(sys.argv[2], "w", encoding="utf-8").write(s.replace('client = "Shop"', 'client = "Evil"'))
PY
screen_start 80 24 resume evil.test
expect "Evil · shop.test · Hour 0 of 48"
# (Resuming opens the item last selected; the first one holds the text.)
keys 1 k k k k k k k k k k
expect "]0;pwned"
expect "bad utf8 �� end"
expect_line 1 " Evil · shop.test · Hour 0 of 48"
expect_line 24 "q quit"
keys q
expect "EXIT=0"
rm -f "$SESSIONS/evil.test.cfg" "$SESSIONS/evil.test.cfg.bak"

# A damaged session file is listed with its error and never opened.
printf 'version = 1;\nform : { client = "Broken" \n' >"$SESSIONS/broken.test.cfg"
screen_start 80 24
expect "broken.test"
expect "damaged: it cannot be opened"
expect "broken.test.cfg:"
expect "The file is left as it is"
keys Enter
expect "broken.test.cfg:"
expect "Saved sessions"
check "the damaged file is left as it was" \
    grep -q 'client = "Broken"' "$SESSIONS/broken.test.cfg"
keys q
rm -f "$SESSIONS/broken.test.cfg"

# Colour, NO_COLOR and --no-color (capture with escape sequences).
screen_start 80 24
expect "Shop"
check "colour by default" sh -c "$T capture-pane -p -e | grep -q '\[44m\|\[4;44m\|;44m'"
keys q
SCREEN_ENV="NO_COLOR=1"
screen_start 80 24
expect "Shop"
check "NO_COLOR: no colour" sh -c "! $T capture-pane -p -e | grep -q '\[3[0-7]m\|\[4[0-7]m\|;3[0-7]m\|;4[0-7]m'"
keys q
SCREEN_ENV=""
screen_start 80 24 --no-color
expect "Shop"
check "--no-color: no colour" sh -c "! $T capture-pane -p -e | grep -q '\[3[0-7]m\|\[4[0-7]m\|;3[0-7]m\|;4[0-7]m'"
keys q

# A locale that is not UTF-8: ASCII glyphs and lines.
SCREEN_LC=C
screen_start 80 24 resume shop.test
expect "Shop - shop.test" 5 || expect "Shop"
expect "> 1  0-4h"
refute "▶"
refute "✘"
keys q
SCREEN_LC=C.UTF-8

# German: LANGUAGE=de with the catalogue of this tree.
if command -v msgfmt >/dev/null 2>&1; then
	mkdir -p "$SCREEN_WORK/locale/de/LC_MESSAGES"
	msgfmt -o "$SCREEN_WORK/locale/de/LC_MESSAGES/launchready.mo" \
	    "$top_srcdir/po/de.po"
	SCREEN_LANGUAGE=de
	SCREEN_ENV="LAUNCHREADY_LOCALEDIR=$SCREEN_WORK/locale"
	screen_start 80 24
	expect "Gespeicherte Sitzungen"
	expect_line 24 "n neu"
	keys Enter
	expect "Stunde 0 von 48"
	keys '?'
	expect "Die ausgewählte Prüfung erneut ausführen"
	keys Escape q
	expect "EXIT=0"
	SCREEN_LANGUAGE=""
	SCREEN_ENV=""
fi

screen_done

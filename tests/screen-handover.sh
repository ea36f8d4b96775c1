#!/bin/bash
# tests/screen-handover.sh: the handover's multi-line text editor: typing
# steps over several lines, editing one with the cursor keys, splitting
# and joining lines, saving to the session, resuming, the export keeping
# the lines apart, Esc asking before it discards, scrolling, the bounds,
# the help, a resize, ASCII mode and NO_COLOR.
. "$top_srcdir/tests/screen-lib.sh"

CFG=$SESSIONS/shop.test.cfg
MD=$SESSIONS/shop.test-handover.md

# The session file holds STRING (fixed text, as written in the file).
cfg_has() {
	grep -qF -- "$1" "$CFG"
}

# The Markdown export has LINE as a line of its own.
md_line() {
	grep -qxF -- "$1" "$MD"
}

screen_start 80 24 new shop.test
expect "New sprint"
type_text "Shop"
keys F10
expect "Shop · shop.test · Hour 0 of 48"
keys H
expect "Handover · Shop · shop.test"
# Rows: "+ add an entry", then Deploy steps.
keys j Enter
expect "┌─ Deploy steps"
expect_line 24 "^S save"
expect_line 24 "Esc cancel"
expect_line 24 "Enter new line"
expect "Line 1 of 1"

# Three steps, Enter between them.
type_text "1. Build the release"
keys Enter
type_text "2. Deploy"
keys Enter
type_text "3. Check /healthz"
expect "Line 3 of 3"
expect_line 4 "│ 1. Build the release"
expect_line 5 "│ 2. Deploy"
expect_line 6 "│ 3. Check /healthz"

# The middle one edited with the cursor keys: Up keeps the column as far
# as the shorter line allows (its end), Left moves within it.
keys Up
expect "Line 2 of 3"
keys Left Left Left Left Left Left
type_text "Carefully d"
keys Delete
expect_line 5 "│ 2. Carefully deploy"
keys End
type_text " to production"
expect_line 5 "│ 2. Carefully deploy to production"

# Enter splits the line at the cursor; Backspace at the start of a line
# joins it to the one above.
keys Down Home Right Right Right Right Right Right Right Right Right
keys Enter
expect "Line 4 of 4"
expect_line 6 "│ 3. Check"
expect_line 7 "│ /healthz"
keys BSpace
expect "Line 3 of 3"
expect_line 6 "│ 3. Check /healthz"
# Delete at the end of a line joins the next one; Enter puts it back.
keys Up End Delete
expect "Line 2 of 2"
expect_line 5 "│ 2. Carefully deploy to production3. Check /healthz"
keys Enter
expect "Line 3 of 3"
expect_line 6 "│ 3. Check /healthz"

# The help lists the editor's keys and comes back to the text.
keys F1
expect "Handover text editor"
expect "Split the line at the cursor"
keys Escape
expect "Line 3 of 3"
expect_line 5 "│ 2. Carefully deploy to production"

# Ctrl-S saves: the lines joined with "\n" in the session file.
keys C-s
expect "Deploy steps saved."
eventually "the session holds the three steps joined with \\n" cfg_has \
    'deploy_steps = "1. Build the release\n2. Carefully deploy to production\n3. Check /healthz";'
expect "Deploy steps    1. Build the release"
expect "                2. Carefully deploy to production"
expect "                3. Check /healthz"
keys q
expect "EXIT=0"

# Resumed: the handover shows the lines; the export keeps them apart.
screen_start 80 24 resume shop.test
expect "Shop · shop.test"
keys H
expect "Handover · Shop · shop.test"
expect "Deploy steps    1. Build the release"
expect "                2. Carefully deploy to production"
expect "                3. Check /healthz"
keys e
expect "Handover written: Markdown, HTML and JSON."
eventually "the Markdown export has step 1 on a line of its own" \
    md_line "1. Build the release"
check "the Markdown export has step 2 on a line of its own" \
    md_line "2. Carefully deploy to production"
check "the Markdown export has step 3 on a line of its own" \
    md_line "3. Check /healthz"
check "the HTML export lists the steps, as the Markdown does" \
    grep -qxF "<li>Build the release</li>" "$SESSIONS/shop.test-handover.html"
check "the JSON export keeps the \\n" sh -c \
    "jq -r .deploy_steps '$SESSIONS/shop.test-handover.json' | sed -n 2p | grep -qx '2. Carefully deploy to production'"

# Esc with a change asks first; no keeps editing, yes discards.
keys j Enter
expect "┌─ Deploy steps"
# The cursor opens at the end of the last line.
type_text " twice"
expect_line 6 "│ 3. Check /healthz twice"
keys Escape
expect "Discard changes? (y/n)"
keys n
expect_gone "Discard changes?"
expect_line 6 "│ 3. Check /healthz twice"
keys Escape
expect "Discard changes? (y/n)"
keys y
expect "Changes discarded."
expect "Handover · Shop · shop.test"
check "the discarded change is not saved" sh -c "! grep -q 'healthz twice' '$CFG'"
# Esc without a change goes straight back.
keys Enter
expect "┌─ Deploy steps"
keys Escape
expect "Handover · Shop · shop.test"
refute "Discard changes?"

# Many lines scroll; PageUp/PageDown move a page; F10 saves too; the
# handover then shows the first lines and how many more there are.
keys j Enter
expect "┌─ Rollback notes"
for i in $(seq 1 29); do
	type_text "rollback step $i"
	keys Enter
done
type_text "rollback step 30"
expect "Line 30 of 30"
expect "│ rollback step 30"
refute "rollback step 1 "
refute "rollback step 2 "
keys PageUp PageUp
expect "│ rollback step 1 "
refute "rollback step 30"
keys PageDown PageDown
expect "│ rollback step 30"
# A resize keeps the line with the cursor in view.
$T resize-window -x 100 -y 30
expect "│ rollback step 30"
expect_line 30 "^S save"
$T resize-window -x 80 -y 24
expect "│ rollback step 30"
expect_line 24 "^S save"
keys F10
expect "Rollback notes saved."
expect "Rollback notes  rollback step 1"
expect "… 28 more lines"
eventually "the session holds the 30 rollback lines" \
    cfg_has 'rollback step 29\nrollback step 30";'

# Bounds: a line holds at most 500 bytes.
keys k Enter
expect "┌─ Deploy steps"
keys Enter
type_text "$(printf 'x%.0s' $(seq 1 520))"
expect "A line holds at most 500 bytes"
keys Escape y
expect "Changes discarded."
keys q
expect "EXIT=0"

# ASCII mode (not a UTF-8 locale) and NO_COLOR: the frame in ASCII, the
# lines shown, no colour.
SCREEN_LC=C
SCREEN_ENV="NO_COLOR=1"
screen_start 80 24 resume shop.test
expect "Shop - shop.test"
keys H
expect "Deploy steps    1. Build the release"
expect "Rollback notes  rollback step 1"
expect "... 28 more lines"
keys j Enter
expect "+- Deploy steps"
expect_line 5 "| 2. Carefully deploy to production"
check "NO_COLOR: no colour in the editor" sh -c "! $T capture-pane -p -e | grep -q '\[3[0-7]m\|\[4[0-7]m\|;3[0-7]m\|;4[0-7]m'"
keys Up Home
type_text "Then: "
keys C-s
expect "Deploy steps saved."
eventually "the ASCII edit is saved" cfg_has \
    '\nThen: 2. Carefully deploy to production\n'
keys q
expect "EXIT=0"

# Ctrl-C with the editor open and a change typed: the wizard closes
# cleanly and the change is saved, like every other change.
SCREEN_LC=C.UTF-8
SCREEN_ENV=""
screen_start 80 24 resume shop.test
expect "Shop · shop.test"
keys H
expect "Handover · Shop · shop.test"
keys j j Enter
expect "┌─ Rollback notes"
keys Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Home
type_text "Before anything: "
expect "Before anything: "
keys C-c
expect "EXIT=130"
eventually "the text typed before Ctrl-C is saved" cfg_has \
    'rollback = "Before anything: rollback step 1'

screen_done

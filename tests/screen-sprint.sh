#!/bin/bash
# tests/screen-sprint.sh: the sprint board against the lab: checks run on
# entering a stage, pass/fail glyphs, marking, notes, quit and resume,
# a fix in the lab then a re-run shown as fixed, keys answered while checks
# run, the summary, the handover and its export.
. "$top_srcdir/tests/screen-lib.sh"

[ -x "$top_srcdir/tests/lab/tls/start.sh" ] ||
    { echo "no TLS lab in this tree"; exit 77; }
command -v nginx >/dev/null 2>&1 && command -v nsd >/dev/null 2>&1 ||
    { echo "nginx or nsd is missing"; exit 77; }
LAB=$SCREEN_WORK/lab
"$top_srcdir/tests/lab/tls/start.sh" "$LAB" >"$SCREEN_WORK/lab.log" 2>&1 ||
    { cat "$SCREEN_WORK/lab.log"; exit 99; }
. "$LAB/tls.env"
LABOPT="--resolver 127.0.0.1:$LAB_TLS_DNS_PORT --port-map 443:$LAB_TLS_PORT --cacert $LAB_TLS_CA --timeout 3"
CFG=$SESSIONS/wrong-name.test.cfg

# A new session through the form; stage 1 runs at once.
# shellcheck disable=SC2086
screen_start 80 24 new wrong-name.test $LABOPT
expect "New sprint"
type_text "Wrong Name Inc"
keys F10
expect "Wrong Name Inc · wrong-name.test · Hour 0 of 48 · Audit and triage"
expect_gone "running"
# Every automated item of stage 1 has a verdict glyph, none is pending.
rows=$(screen_text | sed -n '10,23p' | cut -c1-36 | grep -v manual | grep -v '^ *│' | grep -v '^ *$')
check "stage 1: every automated row has a verdict glyph" \
    sh -c "! printf '%s\n' \"\$1\" | grep -v '^ [✔▲✘⚠⊘] '" _ "$rows"
# What an item without an engine says, honestly.
if screen_text | sed -n 10,14p | grep -q "not implemented in this build"; then
	expect "This check could not decide"
fi

# Stage 2 against the TLS lab: the wrong name fails (tls.certificate, and
# tls.grade gives the guide's M), TLS versions pass.
keys 2
expect "▶ 2  4-12h  Edge setup"
expect "✘ Valid HTTPS certificate"
expect "✔ Modern TLS versions only"
expect "✘2 "

# Marking a manual item done, an owner and a note (UTF-8, line editor).
keys 1
expect "▶ 1  0-4h"
select_item "A person confirms this one"
keys Space
expect "☑ done"
keys o
expect "Owner:"
type_text "Ana"
keys Enter
keys n
expect "Note:"
type_text "Zugang geprüft, Konto prod-eu"
keys Left Left Left Left Left Left Left Left Left Left Left Left Left Left BSpace
type_text "/"
keys Enter
eventually "the note is saved with the edit" grep -q 'note = "Zugang geprüft/ Konto prod-eu";' "$CFG"
check "the owner is saved" grep -q 'owner = "Ana";' "$CFG"
check "the item is saved as done" grep -q 'status = "done";' "$CFG"
keys PageDown PageDown PageDown
expect "Note: Zugang geprüft/ Konto prod-eu"

# Stage 2 and an item in it selected, quit, resume: the exact state
# comes back, the selected item too.
keys 2
expect "▶ 2"
select_item "check tls.protocols"
keys q
expect "EXIT=0"
check "the selected item is saved" \
    grep -q 'selected_item = "tls.protocols";' "$CFG"
# shellcheck disable=SC2086
screen_start 80 24 resume wrong-name.test $LABOPT
# (Resuming at all shows the lock was released on quit.)
expect "▶ 2  4-12h  Edge setup"
expect "✘ Valid HTTPS certificate"
check "resumed on the item it was left on" \
    sh -c "$T capture-pane -p | sed -n 10,14p | grep -q 'check tls.protocols'"
keys 1
expect "☑ Production environment"

# While it is open, a second wizard on the same session is refused,
# naming the holder.
$T new-session -d -s second -x 80 -y 24 "env XDG_DATA_HOME='$XDG_DATA_HOME' LC_ALL=C.UTF-8 '$LAUNCHREADY' resume wrong-name.test; echo EXIT=\$?; sleep 600"
eventually "a second wizard is refused with the lock holder" \
    sh -c "$T capture-pane -p -t second | grep -q 'is open in another'"
$T kill-session -t second

# The lab fixes the certificate; a re-run shows the item as fixed.
lab_ca "$LAB" >/dev/null
lab_cert "$LAB" wrong-name "DNS:wrong-name.test,DNS:www.wrong-name.test"
kill -HUP "$(cat "$LAB/tlsweb/nginx/nginx.pid")"
# nginx reloads in the background: wait until it serves the new name.
served() {
	openssl s_client -connect "127.0.0.1:$LAB_TLS_PORT" \
	    -servername wrong-name.test </dev/null 2>/dev/null |
	    openssl x509 -noout -subject 2>/dev/null | grep -q 'CN = "\?wrong-name'
}
eventually "the lab now serves a certificate for wrong-name.test" served
keys 2
select_item "check tls.certificate"
keys r
expect "pass · fixed during the sprint"
expect "✔ Valid HTTPS certificate on fixed"
expect "1 fixed"
check "the first result (fail) is kept in the file" \
    sh -c "grep -A3 'first' '$CFG' | grep -q 'status = \"fail\"'"

# The summary screen.
keys S
expect "Launch-risk summary · Wrong Name Inc · wrong-name.test"
expect "Findings by severity"
expect "Top blockers"
expect "fixed during the sprint"

# The handover: an access entry, deploy steps, final QA, export.
keys H
expect "Handover · Wrong Name Inc"
expect "✔ Valid HTTPS certificate"
keys a
expect "Account (e.g. DNS registrar):"
type_text "DNS registrar"; keys Enter
type_text "Gandi"; keys Enter
type_text "Ana"; keys Enter
type_text "1Password, vault Ops"; keys Enter
expect "Access entry saved."
expect "DNS registrar"
keys j j Enter
expect "┌─ Deploy steps"
type_text "git push production, then check /healthz"
keys C-s
expect "Deploy steps saved."
expect "git push production, then check /healthz"
keys f
expect "Final QA pass finished." 20
expect "Final QA pass: just now"
keys e
expect "Handover written: Markdown, HTML and JSON."
expect "wrong-name.test-handover.md"
check "Markdown handover written" [ -s "$SESSIONS/wrong-name.test-handover.md" ]
check "HTML handover written" [ -s "$SESSIONS/wrong-name.test-handover.html" ]
check "JSON handover is valid JSON" sh -c "jq -e . '$SESSIONS/wrong-name.test-handover.json' >/dev/null"
check "the handover names the domain and the access entry" \
    sh -c "grep -q wrong-name.test '$SESSIONS/wrong-name.test-handover.md' && grep -q 'DNS registrar' '$SESSIONS/wrong-name.test-handover.md'"
check "the handover has the deploy steps" \
    grep -q "git push production" "$SESSIONS/wrong-name.test-handover.md"
keys q
expect "EXIT=0"

# Keys answered while checks run: a silent server holds the TLS checks
# until their timeout (10 s: keys and screen captures take seconds on a
# loaded machine); the screen moves on meanwhile.
# shellcheck disable=SC2086
screen_start 80 24 new silent.test --resolver "127.0.0.1:$LAB_TLS_DNS_PORT" \
    --port-map "443:$LAB_TLS_SILENT_PORT" --cacert "$LAB_TLS_CA" --timeout 10
expect "New sprint"
type_text "Silent Ltd"
keys F10
expect "Silent Ltd · silent.test"
keys 2
expect "running" 3
# Every check at once: those of the silent server stay in flight until
# their timeout, so the header's count is read while they wait.
keys A
most=0
for _ in $(seq 1 15); do
	n=$(screen_text | sed -n 1p | sed -n 's/.* \([0-9][0-9]*\) running.*/\1/p')
	[ "${n:-0}" -gt "$most" ] && most=$n
	sleep 0.1
done
check "many checks in flight at once ($most)" [ "$most" -ge 10 ]
keys '?'
expect "Re-run the selected check" 1
keys Escape
expect "running" 1
keys j j j j j
expect "check tls.certificate" 1
expect "running" 1
expect_gone "running" 20
expect "⚠ Valid HTTPS certificate"
keys q
expect "EXIT=0"

screen_done

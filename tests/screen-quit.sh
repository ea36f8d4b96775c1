#!/bin/bash
# tests/screen-quit.sh: resuming and quitting. `resume NAME` takes every
# option given on the command line over the saved ones (a --timeout of 10
# over a saved 5, --sender-ip, --allow-active); the form saves the sender
# IP and the login-probe opt-in; q on a full disk says the change is not
# saved and asks (try again / quit anyway) instead of losing it; q, Ctrl-C
# and SIGTERM quit, with the terminal restored, while a secrets worker is
# stuck on a FIFO in the repository.
#
# The full disk is a small tmpfs: the test re-runs itself in a private
# mount namespace when it can (root, unshare), else that part is skipped.
if [ -z "${SCREEN_QUIT_NS:-}" ] && command -v unshare >/dev/null 2>&1 &&
    unshare -m --propagation private true 2>/dev/null; then
	SCREEN_QUIT_NS=1 exec unshare -m --propagation private \
	    env SCREEN_QUIT_NS=1 bash "$0" "$@"
fi
. "$top_srcdir/tests/screen-lib.sh"

# A resolver port where nothing answers: the network checks end quickly.
closed=$(lab_free_port)
NET="--resolver 127.0.0.1:$closed --timeout 1"
CFG=$SESSIONS/over.test.cfg

# ---- resume: the command line wins over the saved options ----------------
# shellcheck disable=SC2086
screen_start 80 24 new over.test --resolver "127.0.0.1:$closed" --timeout 5
expect "New sprint"
type_text "Over Ltd"
keys F10
expect "Over Ltd · over.test · Hour 0 of 48"
keys q
expect "EXIT=0"
check "the new session saved timeout 5" grep -q 'timeout = 5;' "$CFG"
check "no sender IP saved yet" sh -c "! grep -q sender_ip '$CFG'"
check "no login probe opt-in yet" grep -q 'allow_active = false;' "$CFG"

screen_start 80 24 resume over.test --timeout 10 --sender-ip 192.0.2.9 \
    --allow-active
expect "Over Ltd · over.test"
keys q
expect "EXIT=0"
check "resume --timeout 10 wins over the saved 5" grep -q 'timeout = 10;' "$CFG"
check "resume --sender-ip is saved" grep -q 'sender_ip = "192.0.2.9";' "$CFG"
check "resume --allow-active is saved" grep -q 'allow_active = true;' "$CFG"
check "the saved resolver stands" grep -q "127.0.0.1:$closed" "$CFG"

# Resumed without options, the saved ones stand (10 stays 10).
screen_start 80 24 resume over.test
expect "Over Ltd · over.test"
keys q
expect "EXIT=0"
check "a plain resume keeps the saved timeout" grep -q 'timeout = 10;' "$CFG"

# ---- the form: sender IP and the login-probe opt-in, with its warning -----
# shellcheck disable=SC2086
screen_start 80 24 new form.test $NET
expect "New sprint"
type_text "Form Ltd"
keys Tab Tab Tab Tab Tab
expect "> Sender IP"
type_text "not-an-ip"
keys Tab
expect "✘ Sender IP"
expect "is not an IPv4 or IPv6 address"
keys BTab C-u
type_text "2001:db8::25"
keys Tab Tab Tab
expect "> Login probe"
expect "< no >"
refute "junk credentials"
keys Space
expect "< yes, probe the login >"
expect "sends up to 30 login attempts with junk credentials"
keys F10
expect "Form Ltd · form.test · Hour 0 of 48"
keys q
expect "EXIT=0"
check "the form's sender IP is saved" \
    grep -q 'sender_ip = "2001:db8::25";' "$SESSIONS/form.test.cfg"
check "the form's login-probe opt-in is saved" \
    grep -q 'allow_active = true;' "$SESSIONS/form.test.cfg"

# ---- a worker stuck on a FIFO does not keep the wizard from quitting ------
REPO=$SCREEN_WORK/repo
git init -q "$REPO"
echo "hello" >"$REPO/README"
git -C "$REPO" add README
git -C "$REPO" -c user.name=t -c user.email=t@example.test commit -qm one
mkfifo "$REPO/.launchreadyignore"

# stuck_start HOW: a new session on the repository, stage 3 (the secrets
# checks) entered, an owner given; then quits by HOW (a key or a signal).
stuck_start() {
	# shellcheck disable=SC2086
	screen_start 80 24 new stuck.test --repo "$REPO" $NET
	expect "New sprint"
	type_text "Stuck Ltd"
	keys F10
	expect "Stuck Ltd · stuck.test"
	keys 3
	expect "▶ 3"
	expect "running"
	keys o
	expect "Owner:"
	type_text "Bea"
	keys Enter
	sleep 1
}
stuck_start
keys q
expect "EXIT=0" 10
check "the terminal is restored (no alternate screen)" \
    [ "$($T display -p '#{alternate_on}')" = 0 ]
check "the owner was saved before quitting" \
    grep -q 'owner = "Bea";' "$SESSIONS/stuck.test.cfg"
rm -f "$SESSIONS/stuck.test.cfg" "$SESSIONS/stuck.test.cfg.bak"

stuck_start
keys C-c
expect "EXIT=130" 10
check "Ctrl-C: the terminal is restored" \
    [ "$($T display -p '#{alternate_on}')" = 0 ]
rm -f "$SESSIONS/stuck.test.cfg" "$SESSIONS/stuck.test.cfg.bak"

stuck_start
pid=$(pgrep -P "$($T display -p '#{pane_pid}')" -x launchready)
check "the wizard's process is found" [ -n "$pid" ]
[ -z "$pid" ] || kill -TERM "$pid"
expect "EXIT=143" 10
check "SIGTERM: the terminal is restored" \
    [ "$($T display -p '#{alternate_on}')" = 0 ]
# Nothing is left reading the FIFO: open it for writing without blocking
# forever, so no stuck worker survives the test.
timeout 1 sh -c "echo > '$REPO/.launchreadyignore'" 2>/dev/null

# ---- a full disk: q says so and asks, nothing is lost without a word ------
if [ -z "${SCREEN_QUIT_NS:-}" ]; then
	echo "# SKIP full disk: no private mount namespace here"
	screen_done
fi
FULL=$SCREEN_WORK/full
mkdir -p "$FULL"
mount -t tmpfs -o size=256k,mode=0700 tmpfs "$FULL" ||
    { echo "# SKIP full disk: tmpfs cannot be mounted"; screen_done; }
# shellcheck disable=SC2086
screen_start 80 24 new full.test --session-dir "$FULL" $NET
expect "New sprint"
type_text "Full Ltd"
keys F10
expect "Full Ltd · full.test"
expect_gone "running" 20
check "the session is saved on the tmpfs" [ -s "$FULL/full.test.cfg" ]
dd if=/dev/zero of="$FULL/fill" bs=4k 2>/dev/null
keys o
expect "Owner:"
type_text "Cleo"
keys Enter
expect "NOT SAVED"
keys q
expect "Changes not saved! r: try again, q: quit anyway"
check "q did not quit with the change unsaved" \
    sh -c "! $T capture-pane -p | grep -q EXIT="
keys r
expect "r: try again, q: quit anyway"
check "still full: still asking" sh -c "! $T capture-pane -p | grep -q EXIT="
keys Escape
expect_gone "r: try again"
expect "NOT SAVED"
check "Esc stays" sh -c "! $T capture-pane -p | grep -q EXIT="
# Space freed, then q: saved, and the wizard quits.
rm -f "$FULL/fill"
keys q
expect "EXIT=0"
check "the owner typed on the full disk is saved" \
    grep -q 'owner = "Cleo";' "$FULL/full.test.cfg"

# Full again: q, then q again quits anyway, saying what was lost.
# shellcheck disable=SC2086
screen_start 80 24 resume full.test --session-dir "$FULL"
expect "Full Ltd · full.test"
dd if=/dev/zero of="$FULL/fill" bs=4k 2>/dev/null
keys n
expect "Note:"
type_text "lost note"
keys Enter
expect "NOT SAVED"
keys q
expect "r: try again, q: quit anyway"
keys q
expect "EXIT=0"
expect "the changes since the last save are lost"
check "the file holds the last good save" \
    sh -c "grep -q 'owner = \"Cleo\";' '$FULL/full.test.cfg' && ! grep -q 'lost note' '$FULL/full.test.cfg'"
rm -f "$FULL/fill"
$T kill-server >/dev/null 2>&1
umount "$FULL" 2>/dev/null

screen_done

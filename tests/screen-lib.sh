# tests/screen-lib.sh: helpers of the screen tests (sourced, not run).
#
# Each test runs the wizard inside its own tmux server (own socket, no
# config file, fixed size) with a temporary XDG_DATA_HOME, types keys with
# send-keys and reads the screen with capture-pane -p. Needs no terminal.

set -u
: "${LAUNCHREADY:?run through make check}"
: "${top_srcdir:?run through make check}"
command -v tmux >/dev/null 2>&1 || { echo "tmux is not installed"; exit 77; }

SCREEN_WORK=$(mktemp -d "${TMPDIR:-/tmp}/lr-screen.XXXXXX")
export XDG_DATA_HOME=$SCREEN_WORK/data
SESSIONS=$XDG_DATA_HOME/launchready/sessions
T="tmux -u -L lrtest-$$ -f /dev/null"
SCREEN_FAILS=0
SCREEN_N=0
SCREEN_CHECKS=0
# Extra environment for the wizard (NAME=VALUE words), set by a test.
SCREEN_ENV=""

screen_cleanup() {
	$T kill-server >/dev/null 2>&1
	for area in dns web tls git secrets; do
		[ -x "$top_srcdir/tests/lab/$area/stop.sh" ] &&
		    "$top_srcdir/tests/lab/$area/stop.sh" "$SCREEN_WORK/lab" \
		    >/dev/null 2>&1
	done
	lab_stop_all >/dev/null 2>&1
	rm -rf "$SCREEN_WORK"
}
. "$top_srcdir/tests/lab/lib.sh"
trap screen_cleanup EXIT

# screen_start W H ARGS...: runs launchready ARGS in a fresh W x H terminal.
# The pane stays after the program exits, showing "EXIT=status".
screen_start() {
	w=$1; h=$2; shift 2
	# A new server (and socket) each time: a server being killed may
	# still hold the old socket for a moment.
	$T kill-server >/dev/null 2>&1
	SCREEN_N=$((SCREEN_N + 1))
	T="tmux -u -L lrtest-$$-$SCREEN_N -f /dev/null"
	cmd="env XDG_DATA_HOME='$XDG_DATA_HOME' LAUNCHREADY_DATADIR='${LAUNCHREADY_DATADIR:-}'"
	cmd="$cmd LC_ALL='${SCREEN_LC:-C.UTF-8}' LANGUAGE='${SCREEN_LANGUAGE:-}'"
	cmd="$cmd TERM=screen-256color $SCREEN_ENV '$LAUNCHREADY'"
	for a in "$@"; do
		cmd="$cmd '$a'"
	done
	$T new-session -d -x "$w" -y "$h" "$cmd; echo EXIT=\$?; sleep 600"
}

# The screen as text.
screen_text() {
	$T capture-pane -p
}

keys() {
	$T send-keys "$@"
}

# Literal text (no key names).
type_text() {
	$T send-keys -l "$1"
}

ok() {
	SCREEN_CHECKS=$((SCREEN_CHECKS + 1))
	echo "ok $SCREEN_CHECKS - $1"
}

not_ok() {
	SCREEN_CHECKS=$((SCREEN_CHECKS + 1))
	SCREEN_FAILS=$((SCREEN_FAILS + 1))
	echo "not ok $SCREEN_CHECKS - $1"
	echo "---- screen:"
	screen_text | sed 's/^/| /'
	echo "----"
}

# expect TEXT [SECONDS]: waits until TEXT is on the screen.
expect() {
	limit=$(( ${2:-10} * 10 )); i=0
	# After a failure, later waits are short: the log stays readable.
	[ "$SCREEN_FAILS" -gt 0 ] && limit=10
	while [ $i -lt "$limit" ]; do
		if screen_text | grep -qF -- "$1"; then
			ok "screen shows: $1"
			return 0
		fi
		sleep 0.1; i=$((i + 1))
	done
	not_ok "screen shows: $1"
	return 1
}

# expect_line N TEXT [SECONDS]: waits until line N (1-based) shows TEXT.
expect_line() {
	limit=$(( ${3:-10} * 10 )); i=0
	[ "$SCREEN_FAILS" -gt 0 ] && limit=10
	while [ $i -lt "$limit" ]; do
		if screen_text | sed -n "$1p" | grep -qF -- "$2"; then
			ok "line $1 shows: $2"
			return 0
		fi
		sleep 0.1; i=$((i + 1))
	done
	not_ok "line $1 shows: $2"
	return 1
}

# refute TEXT: TEXT is not on the screen now.
refute() {
	if screen_text | grep -qF -- "$1"; then
		not_ok "screen does not show: $1"
	else
		ok "screen does not show: $1"
	fi
}

# eventually DESCRIPTION COMMAND...: retries COMMAND for up to 10 s.
eventually() {
	d=$1; shift
	i=0
	while [ $i -lt 100 ]; do
		if "$@"; then ok "$d"; return 0; fi
		[ "$SCREEN_FAILS" -gt 0 ] && break
		sleep 0.1; i=$((i + 1))
	done
	not_ok "$d"
	return 1
}

# check COND-DESCRIPTION COMMAND...: a plain assertion.
check() {
	d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# Moves down the board's item list until the detail pane shows TEXT.
select_item() {
	n=0
	while [ $n -lt 40 ]; do
		if screen_text | sed -n '10,14p' | grep -qF -- "$1"; then
			ok "selected the item showing: $1"
			return 0
		fi
		# Wait for the detail pane to follow before looking again.
		before=$(screen_text | sed -n 10p)
		keys j
		w=0
		while [ $w -lt 30 ] && [ "$(screen_text | sed -n 10p)" = "$before" ]; do
			sleep 0.1; w=$((w + 1))
		done
		n=$((n + 1))
	done
	not_ok "selected the item showing: $1"
	return 1
}

screen_done() {
	echo "1..$SCREEN_CHECKS"
	[ "$SCREEN_FAILS" -eq 0 ] || { echo "$SCREEN_FAILS failed"; exit 1; }
	exit 0
}

# expect_gone TEXT [SECONDS]: waits until TEXT has left the screen.
expect_gone() {
	limit=$(( ${2:-10} * 10 )); i=0
	[ "$SCREEN_FAILS" -gt 0 ] && limit=10
	while [ $i -lt "$limit" ]; do
		if ! screen_text | grep -qF -- "$1"; then
			ok "screen no longer shows: $1"
			return 0
		fi
		sleep 0.1; i=$((i + 1))
	done
	not_ok "screen no longer shows: $1"
	return 1
}

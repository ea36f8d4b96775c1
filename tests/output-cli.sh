#!/bin/sh
# output-cli.sh: where `report -o` and `audit -o` write. Nothing but a
# regular file of this user is ever replaced: "-" is standard output, a
# FIFO or a character device is written into (a full device is an error,
# exit 3), a symbolic link or another user's file is refused and left as
# it is.

set -u
: "${LAUNCHREADY:?run through make check}" "${top_srcdir:?run through make check}"
. "$top_srcdir/tests/lab/lib.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

mkdir -p "$TMP/data"
cp "$top_srcdir/tests/data/checklist-golden.cfg" "$TMP/data/checklist.cfg"
XDG_DATA_HOME=$TMP/xdg
SOURCE_DATE_EPOCH=1795507200
export XDG_DATA_HOME SOURCE_DATE_EPOCH
dir=$XDG_DATA_HOME/launchready/sessions
mkdir -p "$dir"
cp "$top_srcdir/tests/data/session-brightcart.cfg" "$dir/brightcart.test.cfg"
report() { LAUNCHREADY_DATADIR=$TMP/data "$LAUNCHREADY" report brightcart.test "$@"; }
report >"$TMP/expected.md" || fail "report to standard output exited $?"
[ -s "$TMP/expected.md" ] || fail "report wrote nothing"

# -o -: standard output, no file named "-".
(cd "$TMP" && report -o - >"$TMP/dash.md" 2>"$TMP/err")
rc=$?
[ $rc -eq 0 ] && cmp -s "$TMP/dash.md" "$TMP/expected.md" && [ ! -e "$TMP/-" ] &&
    ! grep -q wrote "$TMP/err" &&
    ok "-o - writes to standard output" || fail "-o -: exit $rc, $(cat "$TMP/err")"

# A FIFO is written into and stays a FIFO.
mkfifo "$TMP/fifo"
timeout 20 cat "$TMP/fifo" >"$TMP/fifo.out" &
reader=$!
report -o "$TMP/fifo" 2>"$TMP/err"
rc=$?
wait $reader
[ $rc -eq 0 ] && [ -p "$TMP/fifo" ] && cmp -s "$TMP/fifo.out" "$TMP/expected.md" &&
    ok "-o FIFO writes into it" ||
    fail "-o FIFO: exit $rc, FIFO kept: $([ -p "$TMP/fifo" ] && echo yes || echo no), $(cat "$TMP/err")"

# A link to /proc/self/fd/1 (what /dev/stdout is) into a pipe: written
# through. Made here, so a broken build cannot replace the machine's.
ln -s /proc/self/fd/1 "$TMP/stdout"
report -o "$TMP/stdout" 2>"$TMP/err" | cat >"$TMP/stdout.md"
[ -L "$TMP/stdout" ] && cmp -s "$TMP/stdout.md" "$TMP/expected.md" &&
    ok "-o a link to /proc/self/fd/1 writes into the pipe, the link stays" ||
    fail "-o link to stdout: $(cat "$TMP/err"); $(ls -l "$TMP/stdout")"

# A character device that is full: an error (exit 3), the device stays.
# As root, a node of /dev/full made here, so a broken build cannot harm
# the machine's; otherwise /dev/full itself.
full=/dev/full
if [ "$(id -u)" -eq 0 ] && mknod "$TMP/full" c 1 7 2>/dev/null; then
	full=$TMP/full
fi
for cmd in report audit; do
	if [ $cmd = report ]; then
		report -o "$full" >"$TMP/out" 2>"$TMP/err"
	else
		port=$(lab_free_port)
		LAUNCHREADY_DATADIR=$TMP/data "$LAUNCHREADY" audit acme.test \
		    --resolver 127.0.0.1:$port --timeout 1 --only dns.apex \
		    -o "$full" >"$TMP/out" 2>"$TMP/err"
	fi
	rc=$?
	[ $rc -eq 3 ] && [ -c "$full" ] && grep -q "No space left" "$TMP/err" &&
	    grep -qF "$full" "$TMP/err" && ! grep -q wrote "$TMP/err" &&
	    ok "$cmd -o a full device: exit 3, still a character device" ||
	    fail "$cmd -o $full: exit $rc, $(ls -l "$full"), $(cat "$TMP/err")"
done
if [ "$(id -u)" -eq 0 ] && mknod "$TMP/null" c 1 3 2>/dev/null; then
	report -o "$TMP/null" 2>"$TMP/err"
	rc=$?
	[ $rc -eq 0 ] && [ -c "$TMP/null" ] &&
	    ok "-o a device node writes into it" ||
	    fail "-o null device: exit $rc, $(ls -l "$TMP/null")"
fi

# A symbolic link to a file is refused; link and target stay as they were.
echo "target" >"$TMP/target.md"
ln -s target.md "$TMP/link.md"
report -o "$TMP/link.md" 2>"$TMP/err"
rc=$?
[ $rc -eq 3 ] && [ -L "$TMP/link.md" ] && [ "$(cat "$TMP/target.md")" = target ] &&
    grep -q "symbolic link" "$TMP/err" &&
    ok "-o a symbolic link: refused, exit 3" ||
    fail "-o link: exit $rc, $(ls -l "$TMP/link.md"), $(cat "$TMP/err")"
ln -s nowhere.md "$TMP/dangling.md"
report -o "$TMP/dangling.md" 2>"$TMP/err"
rc=$?
[ $rc -eq 3 ] && [ -L "$TMP/dangling.md" ] && [ ! -e "$TMP/nowhere.md" ] &&
    ok "-o a dangling link: refused, nothing created" ||
    fail "-o dangling link: exit $rc, $(cat "$TMP/err")"

# A directory is refused.
mkdir "$TMP/adir"
report -o "$TMP/adir" 2>"$TMP/err"
rc=$?
[ $rc -eq 3 ] && [ -d "$TMP/adir" ] && grep -q "not a regular file" "$TMP/err" &&
    ok "-o a directory: refused" || fail "-o directory: exit $rc, $(cat "$TMP/err")"

# Another user's file is refused (only root can make one here).
if [ "$(id -u)" -eq 0 ]; then
	echo "theirs" >"$TMP/theirs.md"
	chown 65534 "$TMP/theirs.md"
	report -o "$TMP/theirs.md" 2>"$TMP/err"
	rc=$?
	[ $rc -eq 3 ] && [ "$(cat "$TMP/theirs.md")" = theirs ] &&
	    [ "$(stat -c %u "$TMP/theirs.md")" -eq 65534 ] &&
	    grep -q "another user" "$TMP/err" &&
	    ok "-o another user's file: refused, left as it is" ||
	    fail "-o another user's file: exit $rc, $(cat "$TMP/err")"
fi

# Our own regular file is replaced (0600, atomically).
echo "old" >"$TMP/ours.md"
report -o "$TMP/ours.md" 2>"$TMP/err"
rc=$?
[ $rc -eq 0 ] && cmp -s "$TMP/ours.md" "$TMP/expected.md" &&
    [ "$(stat -c %a "$TMP/ours.md")" = 600 ] &&
    ok "-o our own file: replaced, mode 0600" ||
    fail "-o own file: exit $rc, $(stat -c %a "$TMP/ours.md"), $(cat "$TMP/err")"
ls "$TMP" | grep -q '\.tmp\.' && fail "a temporary file was left behind"

if [ "$failures" -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "all output checks passed"

#!/bin/sh
# report-cli.sh: `launchready list` and `launchready report` from the
# command line, with sessions in a temporary XDG_DATA_HOME.

set -u
: "${LAUNCHREADY:?}" "${top_srcdir:?}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# A frozen checklist, so progress totals do not move with data/.
mkdir -p "$tmp/data"
cp "$top_srcdir/tests/data/checklist-golden.cfg" "$tmp/data/checklist.cfg"
LAUNCHREADY_DATADIR=$tmp/data
XDG_DATA_HOME=$tmp/xdg
SOURCE_DATE_EPOCH=1795507200
export LAUNCHREADY_DATADIR XDG_DATA_HOME SOURCE_DATE_EPOCH
dir=$XDG_DATA_HOME/launchready/sessions

# No sessions yet: a friendly line, exit 0.
out=$("$LAUNCHREADY" list) || fail "list with no sessions exited $?"
case $out in
"No saved sessions in $dir yet."*) ;;
*) fail "list with no sessions said: $out" ;;
esac

mkdir -p "$dir"
cp "$top_srcdir/tests/data/session-brightcart.cfg" "$dir/brightcart.test.cfg"
printf 'version = 1;\nform = {\n  client = "Cut short"\n' >"$dir/broken.cfg"
cp "$dir/broken.cfg" "$tmp/broken.orig"

# One line per session; the damaged one with its path and line.
out=$("$LAUNCHREADY" list) || fail "list exited $?"
echo "$out"
echo "$out" | head -1 | grep -q '^NAME  *CLIENT  *DOMAIN  *PROGRESS  *HOUR  *LAST SAVED$' ||
	fail "list header"
echo "$out" | grep -q '^brightcart.test  *Brightcart  *brightcart.test  *25/62  *13  *2026-11-23 22:10 UTC$' ||
	fail "list line of brightcart.test"
echo "$out" | grep -q "^broken  *damaged: $dir/broken.cfg:[0-9][0-9]*: " ||
	fail "list line of the damaged session"
[ "$(echo "$out" | wc -l)" -eq 3 ] || fail "list: not 3 lines"

# report NAME --format json: valid JSON with the session's data.
"$LAUNCHREADY" report brightcart.test --format json >"$tmp/r.json" ||
	fail "report json exited $?"
jq -e '.tool == "launchready" and .report == "handover" and
    .sprint.client == "Brightcart" and .summary.verdict == "not-ready" and
    (.stages | length) == 6 and (.changed | length) == 6 and
    .summary.blockers[0] == "secrets.worktree"' "$tmp/r.json" >/dev/null ||
	fail "report json content"

# Markdown by default, to standard output.
"$LAUNCHREADY" report brightcart.test >"$tmp/r.md" || fail "report md exited $?"
sed "s/launchready [^<]*<\/footer>/launchready VERSION<\/footer>/" \
	"$tmp/r.md" | cmp -s - "$top_srcdir/tests/golden/handover.md" ||
	fail "report md differs from the golden file"

# -o FILE: written atomically, the path said on standard error.
"$LAUNCHREADY" report "$dir/brightcart.test.cfg" --format html \
	-o "$tmp/out.html" 2>"$tmp/err" || fail "report -o exited $?"
grep -q "^launchready: wrote $tmp/out.html\$" "$tmp/err" || fail "report -o message: $(cat "$tmp/err")"
sed "s/launchready [^<]*<\/footer>/launchready VERSION<\/footer>/" \
	"$tmp/out.html" | cmp -s - "$top_srcdir/tests/golden/handover.html" ||
	fail "report -o html differs from the golden file"
ls "$tmp" | grep -q '\.tmp\.' && fail "report -o left a temporary file"

# -o into a missing directory: exit 3, the path named.
"$LAUNCHREADY" report brightcart.test -o "$tmp/nodir/out.md" 2>"$tmp/err"
st=$?
[ $st -eq 3 ] || fail "report -o into a missing directory exited $st"
grep -q "$tmp/nodir/out.md" "$tmp/err" || fail "report -o error: $(cat "$tmp/err")"

# An unknown name: exit 2 with the hint.
"$LAUNCHREADY" report nosuch 2>"$tmp/err"
st=$?
[ $st -eq 2 ] || fail "report of an unknown name exited $st"
grep -q 'no session named "nosuch" in .*see `launchready list`' "$tmp/err" ||
	fail "report of an unknown name said: $(cat "$tmp/err")"

# A damaged session: exit 3 with path:line, the file left as it is.
"$LAUNCHREADY" report broken 2>"$tmp/err"
st=$?
[ $st -eq 3 ] || fail "report of a damaged session exited $st"
grep -q "^launchready: $dir/broken.cfg:[0-9][0-9]*: " "$tmp/err" ||
	fail "report of a damaged session said: $(cat "$tmp/err")"
cmp -s "$dir/broken.cfg" "$tmp/broken.orig" || fail "the damaged file changed"

# Usage errors.
"$LAUNCHREADY" report 2>/dev/null
[ $? -eq 2 ] || fail "report without NAME"
"$LAUNCHREADY" report brightcart.test --format sarif 2>/dev/null
[ $? -eq 2 ] || fail "report --format sarif"

# --session-dir wins over XDG_DATA_HOME.
mkdir -p "$tmp/other"
out=$("$LAUNCHREADY" list --session-dir "$tmp/other")
case $out in
"No saved sessions in $tmp/other yet."*) ;;
*) fail "list --session-dir said: $out" ;;
esac

# The name as `list` shows the file (NAME.cfg) with --session-dir, from
# another directory: `report` finds it as `resume` does.
mkdir -p "$tmp/elsewhere"
(cd "$tmp/elsewhere" && "$LAUNCHREADY" report brightcart.test.cfg \
    --session-dir "$dir" >"$tmp/by-cfg.md" 2>"$tmp/err") ||
	fail "report NAME.cfg --session-dir: $(cat "$tmp/err")"
cmp -s "$tmp/by-cfg.md" "$tmp/r.md" || fail "report NAME.cfg gave another report"
(cd "$tmp/elsewhere" && "$LAUNCHREADY" report brightcart.test \
    --session-dir "$dir" >/dev/null 2>"$tmp/err") ||
	fail "report NAME --session-dir: $(cat "$tmp/err")"

[ $fails -eq 0 ] || exit 1
echo "report-cli: all passed"

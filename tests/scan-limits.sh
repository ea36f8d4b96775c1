#!/bin/sh
# scan-limits.sh: what the secrets scanner does with hostile or odd trees:
# a .launchreadyignore that is a FIFO or a link (to /dev/zero, to a file
# outside), FIFOs and links in the tree, a tree deeper than the walk goes,
# a git object that is a FIFO (the deadline ends the check), file names
# with spaces and quotes in the history, a bare repository, a repository of
# another owner, git missing, a large committed file.
set -u
: "${LAUNCHREADY:?}" "${top_srcdir:?}"
command -v git >/dev/null || { echo "git missing"; exit 77; }
command -v jq >/dev/null || { echo "jq missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.test
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.test
key='sk_live_4eC39HqLyjWDarjtT1zdp7dcQ9mZr2Lx'

# audit NAME DIR [ARGS]: the secrets checks as JSON into $tmp/NAME.json;
# the seconds it took into $tmp/NAME.secs.
audit() {
	n=$1; d=$2; shift 2
	t0=$(date +%s)
	"$LAUNCHREADY" audit limits.test --repo "$d" --only secrets \
	    --format json "$@" >"$tmp/$n.json" 2>"$tmp/$n.err"
	echo $? >"$tmp/$n.rc"
	echo $(($(date +%s) - t0)) >"$tmp/$n.secs"
}
# st NAME ID: the status of check ID; sum NAME ID: its summary and evidence.
st() { jq -r --arg id "$2" '.checks[] | select(.id == $id) | .status' \
    "$tmp/$1.json"; }
sum() { jq -r --arg id "$2" '.checks[] | select(.id == $id) |
    (.summary, .evidence[])' "$tmp/$1.json"; }

# ---- .launchreadyignore and special files (item 3) ------------------------
for kind in fifo zero outside; do
	d=$tmp/ign-$kind
	git init -q "$d"
	printf 'const k = "%s";\n' "$key" >"$d/app.js"
	git -C "$d" add app.js && git -C "$d" commit -qm one
	fp=$(printf %s "$key" | sha256sum | cut -c1-16)
	printf '%s allowed here\n' "$fp" >"$tmp/outside-ignore"
	case $kind in
	fifo) mkfifo "$d/.launchreadyignore" ;;
	zero) ln -s /dev/zero "$d/.launchreadyignore" ;;
	outside) ln -s "$tmp/outside-ignore" "$d/.launchreadyignore" ;;
	esac
	mkfifo "$d/pipe.js"
	ln -s /dev/zero "$d/zero.js"
	audit "ign-$kind" "$d" --timeout 2
	check ".launchreadyignore as $kind: audit ends in time" \
	    "[ \$(cat $tmp/ign-$kind.secs) -le 9 ]"
	check ".launchreadyignore as $kind: reported, not read" \
	    "sum ign-$kind secrets.worktree | grep -q '.launchreadyignore was not read'"
	check ".launchreadyignore as $kind: the secret stays live" \
	    "[ \"\$(st ign-$kind secrets.worktree)\" = fail ]"
	check "link to /dev/zero in the tree ($kind): counted, not read" \
	    "sum ign-$kind secrets.worktree | grep -q '[1-9] symbolic links'"
done
# The same in a plain directory (git lists no FIFO; a walk meets one).
d=$tmp/plain-fifo
mkdir "$d"
printf 'const k = "%s";\n' "$key" >"$d/app.js"
mkfifo "$d/.launchreadyignore" "$d/pipe.js"
ln -s /dev/zero "$d/zero.js"
audit plain-fifo "$d" --timeout 2
check "plain directory: FIFOs counted, not read, in time" \
    "sum plain-fifo secrets.worktree | grep -q '1 symbolic links, 2 FIFOs or devices' && [ \$(cat $tmp/plain-fifo.secs) -le 9 ]"
check "link to a file outside: named a symbolic link" \
    "sum ign-outside secrets.worktree | grep -q 'not read (a symbolic link)'"

# ---- a git object that is a FIFO: the deadline ends the check ------------
d=$tmp/fifo-object
git init -q "$d"
printf 'x\n' >"$d/a.txt"
git -C "$d" add a.txt && git -C "$d" commit -qm one
blob=$(git -C "$d" rev-parse HEAD:a.txt)
o="$d/.git/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-)"
rm -f "$o" && mkfifo "$o"
audit fifo-object "$d" --timeout 1
check "object as FIFO: the audit ends within 2 x timeout + 5 s (+2)" \
    "[ \$(cat $tmp/fifo-object.secs) -le 9 ]"
check "object as FIFO: secrets.history is not a pass" \
    "[ \"\$(st fifo-object secrets.history)\" = error ]"

# ---- a tree deeper than the walk (item 6) ---------------------------------
d=$tmp/deep
p=$d
i=0
while [ $i -lt 300 ]; do p=$p/d; i=$((i + 1)); done
mkdir -p "$p"
printf 'const k = "%s";\n' "$key" >"$p/app.js"
printf 'nothing\n' >"$d/top.txt"
audit deep "$d"
check "secret 300 directories deep: not a pass" \
    "[ \"\$(st deep secrets.worktree)\" = warn ]"
check "secret 300 directories deep: says what it skipped" \
    "sum deep secrets.worktree | grep -q 'not scanned: 1 directory deeper than 64 levels'"
if [ "$(id -u)" -ne 0 ]; then
	d=$tmp/denied
	mkdir -p "$d/closed"
	printf 'x\n' >"$d/open.txt"
	chmod 000 "$d/closed"
	audit denied "$d"
	chmod 755 "$d/closed"
	check "unreadable directory: not a pass, reported" \
	    "[ \"\$(st denied secrets.worktree)\" = warn ] && sum denied secrets.worktree | grep -q 'could not be read'"
else
	echo "# running as root: permission-denied case not testable here"
fi

# ---- file names with spaces and quotes in the history (item 9) -----------
d=$tmp/names
git init -q "$d"
printf 'k = "%s"\n' "$key" >"$d/my file.py"
printf '\nk = "%s"\n' "$key" | sed 's/sk_live_4/sk_live_5/' >"$d/q\"uote.py"
printf '\n\nk = "%s"\n' "$key" | sed 's/sk_live_4/sk_live_6/' >"$d/tab	name.py"
git -C "$d" add . && git -C "$d" commit -qm names
audit names "$d"
check "history: a name with a space has no trailing tab" \
    "sum names secrets.history | grep -q ' my file.py:1 '"
check "history: a name with a quote is unquoted" \
    "sum names secrets.history | grep -q ' q\"uote.py:2 '"
check "history: a name with a tab is unquoted" \
    "sum names secrets.history | grep -q ' tab	name.py:3 '"

# ---- a bare repository (item 10) ------------------------------------------
git clone -q --bare "$tmp/names" "$tmp/bare.git"
audit bare "$tmp/bare.git"
check "bare: the worktree check says bare, does not walk the internals" \
    "[ \"\$(st bare secrets.worktree)\" = error ] && sum bare secrets.worktree | grep -q 'bare repository'"
check "bare: the history is scanned" \
    "[ \"\$(st bare secrets.history)\" = fail ]"

# ---- a repository of another owner (git would refuse it) -----------------
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	cp -r "$tmp/names" "$tmp/owned"
	chown -R nobody "$tmp/owned"
	check "control: git refuses the other owner's repository" \
	    "! git -C '$tmp/owned' rev-parse 2>/dev/null"
	audit owned "$tmp/owned"
	check "other owner: scanned as a git repository (history found)" \
	    "[ \"\$(st owned secrets.history)\" = fail ]"
else
	echo "# not root: the other-owner case needs chown"
fi

# ---- git missing -----------------------------------------------------------
mkdir "$tmp/nogit"
for t in env sh; do ln -s "$(command -v $t)" "$tmp/nogit/$t"; done
PATH=$tmp/nogit "$LAUNCHREADY" audit limits.test --repo "$tmp/names" \
    --only secrets --format json >"$tmp/nogit.json" 2>/dev/null
check "git missing: history says git is not installed" \
    "sum nogit secrets.history | grep -q 'git is not installed'"
check "git missing: the worktree is not walked as plain files" \
    "[ \"\$(st nogit secrets.worktree)\" = error ]"

# ---- a large committed file: skipped by git's diff, not loaded (item 7) --
d=$tmp/large
git init -q "$d"
{ printf 'k = "%s"\n' "$key"; head -c 20000000 /dev/zero | tr '\0' 'a'; } \
    >"$d/big.txt"
git -C "$d" add big.txt && git -C "$d" commit -qm big
audit large "$d"
check "large blob in history: counted as skipped, not scanned" \
    "sum large secrets.history | grep -q 'skipped 1 binary'"
check "large file in the worktree: counted" \
    "sum large secrets.worktree | grep -q '1 over 8 MB'"

# ---- the inventory's cap is said, not silent -----------------------------
d=$tmp/vars
mkdir "$d"
i=0
while [ $i -lt 600 ]; do echo "VAR_$i=" ; i=$((i + 1)); done >"$d/.env.example"
audit vars "$d"
check "inventory over 500 names: says only the first 500 are listed" \
    "sum vars secrets.inventory | head -1 | grep -q '^500 environment variables.*only the first 500'"

if [ "$fails" -ne 0 ]; then
	echo "$fails failed"
	exit 1
fi
exit 0

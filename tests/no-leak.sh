#!/bin/sh
# no-leak.sh: plants secrets in a real repository, runs the whole audit
# with --repo in every output format, records the secrets checks in a
# saved session and writes its handover report in every format, then
# greps every file written, and stdout and stderr, for each planted value
# (and for the value without its first 4 characters, and for characters
# 5 to 16 of it): none may appear.
set -u
: "${LAUNCHREADY:?}" "${top_srcdir:?}" "${top_builddir:?}"
command -v git >/dev/null || { echo "git missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out
sessions=$tmp/sessions
mkdir -p "$out" "$sessions"
export HOME=$tmp/home XDG_DATA_HOME=$tmp/xdg
mkdir -p "$HOME" "$XDG_DATA_HOME"

sh "$top_srcdir/tests/lab/git/make-repo.sh" "$tmp/repo" "$tmp/planted.tsv" ||
    { echo "make-repo.sh failed"; exit 1; }
# The planted values and the manifest live outside $out.
cut -f1 "$tmp/planted.tsv" >"$tmp/values"
[ "$(wc -l <"$tmp/values")" -ge 10 ] || { echo "too few planted"; exit 1; }

# A resolver that answers nothing: the DNS and web checks end quickly.
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 9)
runs=0
for fmt in text json md sarif; do
	"$LAUNCHREADY" audit brightcart.test --repo "$tmp/repo" \
	    --resolver "127.0.0.1:$port" --timeout 1 --session-dir "$sessions" \
	    --format $fmt >"$out/audit.$fmt" 2>"$out/audit.$fmt.err"
	rc=$?
	[ $rc -eq 1 ] || { echo "audit --format $fmt: exit $rc, want 1"; \
	    cat "$out/audit.$fmt.err"; exit 1; }
	runs=$((runs + 1))
done
grep -q 'sk_l…' "$out/audit.text" || { echo "no redacted preview in text"; exit 1; }

# launchready scan in every format and scope.
for fmt in text json sarif; do
	for scope in "" --history; do
		"$LAUNCHREADY" scan "$tmp/repo" $scope --format $fmt \
		    >"$out/scan$scope.$fmt" 2>"$out/scan$scope.$fmt.err"
		rc=$?
		[ $rc -eq 1 ] || { echo "scan $scope --format $fmt: exit $rc," \
		    "want 1"; cat "$out/scan$scope.$fmt.err"; exit 1; }
		runs=$((runs + 1))
	done
done
# The pre-commit hook refusing a commit that adds every planted value.
"$LAUNCHREADY" hook install --repo "$tmp/repo" >"$out/hook-install.out" 2>&1 ||
    { echo "hook install failed"; cat "$out/hook-install.out"; exit 1; }
mkdir -p "$tmp/repo/leak"
n=0
while IFS= read -r v; do
	n=$((n + 1))
	printf 'SECRET_%s = "%s"\n' "$n" "$v" >"$tmp/repo/leak/v$n.py"
done <"$tmp/values"
cp "$tmp/values" "$tmp/repo/leak/all.txt"
git -C "$tmp/repo" add leak >/dev/null 2>&1
if git -C "$tmp/repo" -c user.name=t -c user.email=t@example.invalid \
    commit -qm leak >"$out/hook-commit.out" 2>&1; then
	echo "the hook let a commit adding secrets through"; exit 1
fi
grep -q 'commit is blocked' "$out/hook-commit.out" ||
    { echo "no blocking message from the hook"; cat "$out/hook-commit.out"; exit 1; }
"$LAUNCHREADY" scan --staged "$tmp/repo" --format json >"$out/scan-staged.json" \
    2>&1
runs=$((runs + 2))

# The free-text guard, as a person meets it: the session is opened in the
# wizard (in tmux, 80x24) and a planted value is typed into every kind of
# free-text field: an item's owner, note and skip reason, an access entry,
# the deploy steps in the text editor, the decision's conditions, an alert
# owner, a secret inventory row's owner and allow reason. Each is refused
# on screen; then the wizard exports its handover, and the session, its
# .bak, the wizard's exports and every report and export written after
# are grepped with the rest below.
wizard_free_text() {
	command -v tmux >/dev/null ||
	    { echo "tmux missing (quickstart installs it)"; exit 77; }
	# Self-describing values (a prefix names the kind), which the rules
	# know without a file name around them.
	grep -E '^(sk_live_|ghp_|npm_|whsec_|xoxb-|SG\.|glpat-|sk-ant-)' \
	    "$tmp/values" >"$tmp/typed"
	[ "$(wc -l <"$tmp/typed")" -ge 9 ] ||
	    { echo "too few self-describing planted values"; return 1; }
	T="tmux -u -L noleak-$$ -f /dev/null"
	$T new-session -d -x 80 -y 24 "env HOME='$HOME' XDG_DATA_HOME='$XDG_DATA_HOME' LC_ALL=C.UTF-8 LANGUAGE= TERM=screen-256color '$LAUNCHREADY' resume '$1' --session-dir '$sessions' --resolver 127.0.0.1:$port --timeout 1; echo EXIT=\$?; sleep 600"
	typed=0 refused=0 failed=0
	# Joined screen lines: a message wrapped at 80 columns reads whole.
	joined() { $T capture-pane -p | sed 's/ *$//' | tr '\n' ' '; }
	# waitfor TEXT: up to 20 s for TEXT on the screen.
	waitfor() {
		i=0
		while [ $i -lt 200 ]; do
			joined | grep -qF -- "$1" && return 0
			sleep 0.1; i=$((i + 1))
		done
		echo "wizard: no \"$1\" on the screen:"; $T capture-pane -p
		failed=$((failed + 1))
		return 1
	}
	# secret FIELD [editor]: types the next planted value where the open
	# prompt or editor is, saves it and wants its refusal on the screen,
	# told by its preview (an error message stays until the next one:
	# consecutive values have different first characters).
	secret() {
		typed=$((typed + 1))
		v=$(sed -n "${typed}p" "$tmp/typed")
		$T send-keys -l "$v"
		if [ "${2:-}" = editor ]; then $T send-keys C-s; else $T send-keys Enter; fi
		if waitfor "${v%"${v#????}"}… is refused: store where it lives, not the key"; then
			refused=$((refused + 1))
			echo "# refused in the wizard: $1"
		fi
	}
	waitfor "brightcart.test · Hour 0 of 48" || return 1
	$T send-keys o; waitfor "Owner:" && secret "an item's owner"
	$T send-keys n; waitfor "Note:" && secret "an item's note"
	$T send-keys s; waitfor "Why skip it:" && secret "a skip reason"
	$T send-keys n; waitfor "Note:"
	$T send-keys -l "keys live in the Ops vault"; $T send-keys Enter
	$T send-keys H; waitfor "Handover · Brightcart"
	$T send-keys a; waitfor "Account (" && secret "an access entry"
	$T send-keys j Enter; waitfor "┌─ Deploy steps" &&
	    secret "the deploy steps (editor)" editor
	$T send-keys Escape; waitfor "Discard changes?" && $T send-keys y
	$T send-keys d; waitfor "ship"
	$T send-keys c; waitfor "The conditions:" && secret "the decision"
	$T send-keys w; waitfor "Who owns the" && secret "an alert owner"
	$T send-keys i; waitfor "Secret inventory · Brightcart"
	$T send-keys o; waitfor "Who rotates this secret" &&
	    secret "a secret's owner"
	$T send-keys a; waitfor "Why it may stay" &&
	    secret "a secret's allow reason"
	$T send-keys Escape; waitfor "Handover · Brightcart"
	$T send-keys e; waitfor "Handover written: Markdown, HTML and JSON."
	$T send-keys q; waitfor "EXIT=0"
	$T kill-server >/dev/null 2>&1
	echo "# wizard: $typed values typed into free text, $refused refused"
	[ "$failed" -eq 0 ] && [ "$refused" -eq 9 ] && [ "$typed" -eq 9 ] ||
	    { echo "the wizard did not refuse every typed credential"; return 1; }
	[ -s "$sessions/$1.cfg.bak" ] ||
	    { echo "no $1.cfg.bak to check"; ls "$sessions"; return 1; }
	for f in md html json; do
		[ -s "$sessions/$1-handover.$f" ] ||
		    { echo "the wizard wrote no $1-handover.$f"; return 1; }
	done
	# The typed note is kept; the typed credentials are not (below).
	grep -q 'keys live in the Ops vault' "$sessions/$1.cfg" ||
	    { echo "the safe note was not saved"; return 1; }
	"$LAUNCHREADY" export monitoring "$1" --session-dir "$sessions" \
	    -o "$out/monitoring" >"$out/export-monitoring.out" 2>&1 ||
	    { echo "export monitoring failed"; cat "$out/export-monitoring.out"; return 1; }
	"$LAUNCHREADY" export ci "$1" --github --session-dir "$sessions" \
	    -o "$out/ci.yml" >"$out/export-ci.out" 2>&1 ||
	    { echo "export ci failed"; cat "$out/export-ci.out"; return 1; }
	runs=$((runs + 2))
	return 0
}

# Session and handover report, when this build has them.
if "$top_builddir/tests/test-noleak-session" "$sessions" "$tmp/repo" "$out" \
    >"$out/session.name" 2>"$out/session.err"; then
	name=$(cat "$out/session.name")
	wizard_free_text "$name" || exit 1
	for fmt in md html json; do
		"$LAUNCHREADY" report "$name" --session-dir "$sessions" \
		    --format $fmt -o "$out/cli-report.$fmt" \
		    >"$out/report.$fmt.out" 2>&1 || true
	done
	"$LAUNCHREADY" list --session-dir "$sessions" >"$out/list.out" 2>&1 || true
	grep -q 'stripe-secret-live' "$out/report.md" ||
	    { echo "the report does not carry the findings"; exit 1; }
	for fmt in md html json; do
		[ -s "$out/cli-report.$fmt" ] ||
		    { echo "report --format $fmt wrote nothing"; exit 1; }
	done
	echo "# session saved and reported: $(ls "$sessions" | tr '\n' ' ')"
else
	echo "# session store not in this build: $(head -1 "$out/session.err")"
fi

# Grep everything written: outputs, sessions, the home directory.
leaks=0
files=$(find "$out" "$sessions" "$HOME" "$XDG_DATA_HOME" -type f | wc -l)
while IFS= read -r v; do
	[ -n "$v" ] || continue
	tail=${v#????}
	mid=$(printf %s "$v" | cut -c5-16)	# any 12 characters past the preview
	for needle in "$v" "$tail" "$mid"; do
		if grep -rlF -- "$needle" "$out" "$sessions" "$HOME" \
		    "$XDG_DATA_HOME" >"$tmp/hits" 2>/dev/null; then
			echo "LEAK of a planted value (${#needle} chars) in: $(cat "$tmp/hits")"
			leaks=$((leaks + 1))
		fi
	done
done <"$tmp/values"
echo "# $runs audit runs, $files files written, $(wc -l <"$tmp/values") planted values, $leaks leaks"
[ $leaks -eq 0 ]

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

# Session and handover report, when this build has them.
if "$top_builddir/tests/test-noleak-session" "$sessions" "$tmp/repo" "$out" \
    >"$out/session.name" 2>"$out/session.err"; then
	name=$(cat "$out/session.name")
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

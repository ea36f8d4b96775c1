#!/bin/sh
# git-safety.sh: scanning a hostile repository runs none of its commands.
# Each repository below carries one vector (a configuration setting that
# names a command, directly, through [include] or [includeIf], or a
# .gitattributes driver, a hook, a lazy fetch); each command touches a
# marker file. Controls show the vectors are live (plain git runs them);
# then the audit (--only secrets: all four checks, the wizard's engine) and
# the engine driven directly (tests/test-gitscan-run) and `launchready
# scan` (worktree, --staged, --history, --range) scan every repository,
# and no marker may appear.
set -u
: "${LAUNCHREADY:?}" "${top_srcdir:?}"
command -v git >/dev/null || { echo "git missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A private TMPDIR: the scanner's private git directories of this test
# alone, not those of tests running beside it, are checked for leftovers.
TMPDIR=$tmp/tmpdir
mkdir "$TMPDIR"
export TMPDIR
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
engine=${top_builddir:-.}/tests/test-gitscan-run

m=$tmp/markers
mkdir -p "$m"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.test
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.test

# A command that records it ran: $m/NAME.
tool() {
	printf '#!/bin/sh\ntouch "%s/%s"\nexit 0\n' \
	    "$m" "$1" >"$tmp/bin-$1"
	chmod +x "$tmp/bin-$1"
	echo "$tmp/bin-$1"
}
# A gpg stand-in that signs (for building the signed commit only).
cat >"$tmp/fakegpg" <<'EOF'
#!/bin/sh
cat >/dev/null
echo "[GNUPG:] SIG_CREATED D 1 8 00 0 X" >&2
printf -- '-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n'
EOF
chmod +x "$tmp/fakegpg"

# base DIR: a repository with a secret in two commits, a .js file.
base() {
	git init -q -b main "$1"
	printf 'const k = "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ9mZr2Lx";\n' \
	    >"$1/app.js"
	printf 'API_KEY=\n' >"$1/.env.example"
	git -C "$1" add . && git -C "$1" commit -qm one
	printf 'x\n' >>"$1/app.js"
	git -C "$1" -c gpg.program="$tmp/fakegpg" commit -qa -S -m two
}
# vec NAME KEY VALUE...: a repository with git config KEY VALUE set.
vec() {
	name=$1; shift
	base "$tmp/r-$name"
	while [ $# -ge 2 ]; do
		git -C "$tmp/r-$name" config "$1" "$2"
		shift 2
	done
	echo "$name" >>"$tmp/list"
}
: >"$tmp/list"

vec fsmonitor core.fsmonitor "$(tool fsmonitor)"
base "$tmp/r-include"
printf '[core]\n\tfsmonitor = %s\n[log]\n\tshowSignature = true\n[gpg]\n\tprogram = %s\n' \
    "$(tool include)" "$(tool include-gpg)" >"$tmp/r-include/.git/extra"
git -C "$tmp/r-include" config include.path extra
echo include >>"$tmp/list"
base "$tmp/r-includeif"
printf '[core]\n\tfsmonitor = %s\n' "$(tool includeif)" \
    >"$tmp/r-includeif/.git/extra"
git -C "$tmp/r-includeif" config "includeIf.gitdir:$tmp/.path" extra
echo includeif >>"$tmp/list"
base "$tmp/r-onbranch"
printf '[core]\n\tfsmonitor = %s\n' "$(tool onbranch)" \
    >"$tmp/r-onbranch/.git/extra"
git -C "$tmp/r-onbranch" config "includeIf.onbranch:main.path" extra
echo onbranch >>"$tmp/list"
vec gpg log.showSignature true gpg.program "$(tool gpg)"
vec gpgssh log.showSignature true gpg.format ssh \
    gpg.ssh.program "$(tool gpgssh)" \
    gpg.ssh.allowedSignersFile /dev/null
vec gpgx509 log.showSignature true gpg.format x509 \
    gpg.x509.program "$(tool gpgx509)"
vec pager core.pager "$(tool pager)" pager.log "$(tool pagerlog)" \
    pager.ls-files "$(tool pagerls)"
vec external diff.external "$(tool external)"
vec textconv diff.lr.textconv "$(tool textconv)" \
    diff.lr.command "$(tool diffcmd)"
printf '*.js diff=lr\n' >"$tmp/r-textconv/.gitattributes"
git -C "$tmp/r-textconv" add .gitattributes
git -C "$tmp/r-textconv" commit -qm attrs
vec filter filter.lr.clean "$(tool clean)" filter.lr.smudge \
    "$(tool smudge)" filter.lr.process "$(tool process)"
printf '*.js filter=lr\n' >"$tmp/r-filter/.gitattributes"
printf 'x\n' >>"$tmp/r-filter/app.js"
vec ssh core.sshCommand "$(tool ssh)" core.askPass "$(tool askpass)" \
    core.alternateRefsCommand "$(tool altrefs)" \
    credential.helper "!$(tool credential)" core.editor "$(tool editor)" \
    sequence.editor "$(tool seqeditor)" core.gitProxy "$(tool proxy)" \
    uploadpack.packObjectsHook "$(tool packhook)" \
    remote.origin.url "ext::$(tool extremote)" protocol.ext.allow always
vec hooks core.hooksPath "$tmp/r-hooks/.git/hooks"
for h in fsmonitor-watchman post-index-change reference-transaction \
    post-checkout pre-commit post-rewrite pre-auto-gc; do
	cp "$(tool "hook-$h")" "$tmp/r-hooks/.git/hooks/$h"
done
# A partial clone whose missing blob git would fetch lazily (a command).
vec lazy remote.origin.url "ext::$(tool lazy)" protocol.ext.allow always \
    remote.origin.promisor true extensions.partialClone origin \
    core.repositoryformatversion 1
blob=$(git -C "$tmp/r-lazy" rev-parse HEAD:app.js)
rm -f "$tmp/r-lazy/.git/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-)"
# The same configuration reached through a .git file (a worktree link).
mkdir "$tmp/r-gitfile"
base "$tmp/gitfile-store"
mv "$tmp/gitfile-store/.git" "$tmp/gitfile.git"
mv "$tmp/gitfile-store/app.js" "$tmp/gitfile-store/.env.example" "$tmp/r-gitfile/"
printf 'gitdir: %s\n' "$tmp/gitfile.git" >"$tmp/r-gitfile/.git"
git -C "$tmp/r-gitfile" config core.worktree "$tmp/r-gitfile"
git -C "$tmp/r-gitfile" config core.fsmonitor "$(tool gitfile)"
echo gitfile >>"$tmp/list"

# Controls: plain git runs the vectors (so the markers can appear).
git -C "$tmp/r-fsmonitor" ls-files >/dev/null 2>&1
git -C "$tmp/r-include" ls-files >/dev/null 2>&1
git -C "$tmp/r-includeif" ls-files >/dev/null 2>&1
git -C "$tmp/r-onbranch" ls-files >/dev/null 2>&1
git -C "$tmp/r-gitfile" ls-files >/dev/null 2>&1
git -C "$tmp/r-gpg" log -1 >/dev/null 2>&1
git -C "$tmp/r-textconv" log -p >/dev/null 2>&1
git -C "$tmp/r-external" log -p --ext-diff >/dev/null 2>&1
timeout 10 git -C "$tmp/r-filter" add app.js >/dev/null 2>&1 </dev/null
git -C "$tmp/r-lazy" log -p >/dev/null 2>&1
for v in fsmonitor include includeif onbranch gitfile gpg textconv \
    external process lazy; do
	check "control: plain git runs the $v vector" "[ -e '$m/$v' ]"
done
git -C "$tmp/r-filter" reset -q 2>/dev/null
rm -f "$m"/*

# The scans: audit (every secrets check) and the engine itself.
while read -r name; do
	r=$tmp/r-$name
	"$LAUNCHREADY" audit vectors.test --repo "$r" --only secrets \
	    --format json >"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	check "$name: audit ran (exit $rc)" '[ $rc -le 1 ]'
	"$engine" "$r" >"$tmp/$name.engine" 2>&1
	check "$name: engine ran" '[ $? -eq 0 ]'
	# launchready scan, every scope (the pre-commit hook's is --staged).
	for scope in "" --staged --history "--range HEAD~1..HEAD"; do
		# shellcheck disable=SC2086
		"$LAUNCHREADY" scan "$r" $scope >/dev/null 2>&1
		rc=$?
		# 2 would be a usage error: the scan did not run at all.
		check "$name: scan ${scope:-(worktree)} ran (exit $rc)" \
		    '[ $rc -ne 2 ] && [ $rc -lt 100 ]'
	done
	left=$(ls "$m")
	check "$name: no command of the repository ran${left:+ (ran: $left)}" \
	    '[ -z "$left" ]'
	rm -f "$m"/*
done <"$tmp/list"

# The scans still see the repository: the secret is found in both.
check "the secret is found in the worktree through the defences" \
    "grep -q 'secrets.worktree fail' $tmp/fsmonitor.engine"
check "the secret is found in the history through the defences" \
    "grep -q 'secrets.history fail' $tmp/gpg.engine"
check "a .git file's repository is scanned as git" \
    "grep -q 'secrets.history fail' $tmp/gitfile.engine"
check "a missing object is an error, not a fetch nor a pass" \
    "grep -q 'secrets.history error' $tmp/lazy.engine"
check "no shim directory is left behind" \
    "! ls '${TMPDIR:-/tmp}' | grep -q 'launchready-git.*' || [ -z \"\$(find '${TMPDIR:-/tmp}' -maxdepth 1 -name 'launchready-git.*' -newer '$tmp/list')\" ]"

# git hands a hook the index being committed (a temporary one for
# "commit -a"): the safe environment keeps the caller's GIT_INDEX_FILE.
git init -q "$tmp/hook"
printf 'hi\n' >"$tmp/hook/a.txt"
git -C "$tmp/hook" add a.txt && git -C "$tmp/hook" commit -qm one
(cd "$tmp/hook" && "$LAUNCHREADY" hook install >/dev/null 2>&1)
printf 'k = "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ9mZr2Lx"\n' >>"$tmp/hook/a.txt"
PATH=$(dirname "$LAUNCHREADY"):$PATH git -C "$tmp/hook" commit -qam two \
    >/dev/null 2>&1
check "pre-commit hook refuses a secret added with commit -a" '[ $? -ne 0 ]'

if [ "$fails" -ne 0 ]; then
	echo "$fails failed"
	exit 1
fi
exit 0

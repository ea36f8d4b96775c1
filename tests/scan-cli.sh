#!/bin/sh
# scan-cli.sh: `launchready scan` and `launchready hook` on real git
# repositories made here: private keys made at test time (ssh-keygen
# ed25519/ecdsa/rsa, puttygen, openssl pkcs12) found with their kind; the
# scopes (worktree, --staged, --range, --history), formats and exit
# codes; the pre-commit hook refusing a commit with a planted key, the
# same commit passing once its fingerprint is allowed, an existing hook
# left alone, uninstall removing only its own.
set -u
: "${LAUNCHREADY:?}"
for t in git jq ssh-keygen openssl puttygen; do
	command -v $t >/dev/null || { echo "$t missing (./quickstart installs it)"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
lr() { "$LAUNCHREADY" "$@"; }
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid \
    GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp/home
mkdir -p "$HOME"

# ---- keys made now, found with their kind --------------------------------
keys=$tmp/keys
mkdir -p "$keys"
ssh-keygen -q -t ed25519 -N '' -C '' -f "$keys/id_ed25519"
ssh-keygen -q -t ecdsa -b 256 -N '' -C '' -f "$keys/id_ecdsa"
ssh-keygen -q -t rsa -b 3072 -N '' -C '' -f "$keys/id_rsa"
ssh-keygen -q -t ed25519 -N 'a long passphrase 42' -C '' -f "$keys/id_locked"
puttygen -q -t ed25519 -o "$keys/deploy.ppk" --new-passphrase /dev/null \
    2>/dev/null || puttygen -t ed25519 -o "$keys/deploy.ppk" \
    --new-passphrase /dev/null >/dev/null 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/k.pem" \
    -out "$tmp/c.pem" -subj /CN=scan-cli -days 1 >/dev/null 2>&1
openssl pkcs12 -export -inkey "$tmp/k.pem" -in "$tmp/c.pem" \
    -out "$keys/store.p12" -passout pass: 2>/dev/null
openssl pkcs12 -export -inkey "$tmp/k.pem" -in "$tmp/c.pem" \
    -out "$keys/gcp.pfx" -passout pass:notasecret 2>/dev/null
openssl pkcs12 -export -inkey "$tmp/k.pem" -in "$tmp/c.pem" \
    -out "$keys/locked.p12" -passout 'pass:Vq8#long-own-password' 2>/dev/null
rm -f "$keys"/*.pub
lr scan "$keys" --format json >"$tmp/keys.json" 2>"$tmp/keys.err"
rc=$?
check "scan of the keys exits 1" '[ $rc -eq 1 ]'
kind() { jq -r --arg p "$1" '.findings[] | select(.path == $p) | .title' \
    "$tmp/keys.json"; }
check "OpenSSH ed25519 key found with its kind" \
    '[ "$(kind id_ed25519)" = "OpenSSH private key (ed25519)" ]'
check "OpenSSH ecdsa key found with its kind" \
    '[ "$(kind id_ecdsa)" = "OpenSSH private key (ecdsa P-256)" ]'
check "OpenSSH rsa key found with its kind and size" \
    '[ "$(kind id_rsa)" = "OpenSSH private key (rsa 3072)" ]'
check "passphrase-protected OpenSSH key says so" \
    '[ "$(kind id_locked)" = "OpenSSH private key (ed25519, passphrase-protected)" ]'
check "PuTTY key found with its kind" \
    '[ "$(kind deploy.ppk)" = "PuTTY private key (ssh-ed25519)" ]'
check "PKCS#12 store without a password found by its structure" \
    'kind store.p12 | grep -q "^PKCS#12 key store (RSA 2048, no password)$"'
check "PKCS#12 store with a shipped default password found" \
    'kind gcp.pfx | grep -q "default password"'
check "PKCS#12 store under its own password not reported" \
    '[ -z "$(kind locked.p12)" ]'
check "text output names the key kind" \
    'lr scan "$keys" | grep -q "id_ed25519:[0-9]*: critical private-key: OpenSSH private key (ed25519)"'

# ---- identifiers and raw keys: found, and never printed -------------------
ids=$tmp/ids
mkdir -p "$ids"
acct=$(od -An -N12 -tu1 /dev/urandom | awk '{ for (i = 1; i <= NF; i++) printf "%d", $i % 10 }')
tenant=$(cat /proc/sys/kernel/random/uuid)
hexkey=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
printf 'aws_account_id = "%s"\n' "$acct" >"$ids/aws.tf"
printf 'AZURE_TENANT_ID=%s\n' "$tenant" >"$ids/azure.env"
printf 'const wallet = new Wallet("0x%s");\n' "$hexkey" >"$ids/deploy.js"
for fmt in text json sarif; do
	lr scan "$ids" --format $fmt >"$tmp/ids.$fmt" 2>&1
done
for r in aws-account-id azure-ad-identifier hex-private-key; do
	check "$r found" 'jq -e --arg r $r ".findings[] | select(.rule == \$r)" "$tmp/ids.json" >/dev/null'
done
check "no raw account ID, tenant ID or key in text, json or sarif" \
    '! grep -qF -e "$acct" -e "$tenant" -e "$hexkey" "$tmp/ids.text" "$tmp/ids.json" "$tmp/ids.sarif"'

# ---- exit codes and formats ----------------------------------------------
mkdir -p "$tmp/clean"
echo 'print("hello")' >"$tmp/clean/app.py"
lr scan "$tmp/clean" >"$tmp/clean.out" 2>&1
check "a clean directory exits 0" '[ $? -eq 0 ]'
check "and says nothing was found" 'grep -q "No secrets found" "$tmp/clean.out"'
lr scan --format yaml "$tmp/clean" >/dev/null 2>&1
check "a bad --format exits 2" '[ $? -eq 2 ]'
lr scan --range main "$tmp/clean" >/dev/null 2>&1
check "a range without .. exits 2" '[ $? -eq 2 ]'
lr scan --range=--output=x..HEAD "$tmp/clean" >/dev/null 2>&1
check "a range that is an option exits 2" '[ $? -eq 2 ]'
lr scan --staged --history "$tmp/clean" >/dev/null 2>&1
check "two scopes exit 2" '[ $? -eq 2 ]'
lr scan --staged "$tmp/clean" >"$tmp/nogit.out" 2>&1
check "--staged outside git exits 3" '[ $? -eq 3 ]'
lr scan "$tmp/nowhere" >/dev/null 2>&1
check "a missing directory exits 3" '[ $? -eq 3 ]'
check "sarif parses and carries the results" \
    '[ "$(lr scan "$keys" --format sarif | jq ".runs[0].results | length")" -ge 6 ]'

# ---- a repository, the hook, a range --------------------------------------
repo=$tmp/repo
git init -q -b main "$repo"
echo '# app' >"$repo/README.md"
git -C "$repo" add README.md && git -C "$repo" commit -qm init
lr hook install --repo "$repo" >"$tmp/install.out" 2>&1
check "hook install exits 0" '[ $? -eq 0 ]'
check "the hook is executable" '[ -x "$repo/.git/hooks/pre-commit" ]'
mkdir -p "$repo/deploy"
cp "$keys/id_ed25519" "$repo/deploy/id_ed25519"
git -C "$repo" add deploy
git -C "$repo" commit -qm "deploy key" >"$tmp/commit1.out" 2>&1
check "a commit with a planted key is refused" '[ $? -ne 0 ]'
check "nothing was committed" '[ "$(git -C "$repo" rev-list --count HEAD)" -eq 1 ]'
fp=$(lr scan --staged "$repo" --format json | jq -r '.findings[0].fingerprint')
check "the refusal names file and line" \
    'grep -q "deploy/id_ed25519:2:" "$tmp/commit1.out"'
check "the refusal names the kind" \
    'grep -q "OpenSSH private key (ed25519)" "$tmp/commit1.out"'
check "the refusal names the fingerprint" 'grep -q "fp:$fp" "$tmp/commit1.out"'
check "the refusal says how to allow a false alarm" \
    'grep -q ".launchreadyignore" "$tmp/commit1.out"'
echo "$fp test fixture key, never used" >"$repo/.launchreadyignore"
git -C "$repo" add .launchreadyignore
git -C "$repo" commit -qm "deploy key (test fixture)" >"$tmp/commit2.out" 2>&1
check "the same commit passes once allowed by fingerprint" '[ $? -eq 0 ]'
check "the allowed key is listed as allowed" \
    'grep -q "allowed (test fixture key, never used)" "$tmp/commit2.out"'

git -C "$repo" checkout -q -b feature
printf 'import os\nDB_PASSWORD = "%s"\n' "Qm7$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')x" \
    >"$repo/settings.py"
git -C "$repo" add settings.py
git -C "$repo" commit -q --no-verify -m "settings"
echo 'print(1)' >>"$repo/settings.py"
git -C "$repo" commit -q --no-verify -am "more"
lr scan "$repo" --range main..feature --format json >"$tmp/range.json"
rc=$?
check "a range scan of a branch adding a secret exits 1" '[ $rc -eq 1 ]'
check "and names the file, line and commit" \
    'jq -e ".findings[] | select(.path == \"settings.py\" and .line == 2 and (.commit | length) == 40)" "$tmp/range.json" >/dev/null'
check "the range's scope is range" '[ "$(jq -r .scope "$tmp/range.json")" = range ]'
lr scan "$repo" --range main..main >/dev/null 2>&1
check "an empty range exits 0" '[ $? -eq 0 ]'
lr scan "$repo" --history --format json >"$tmp/history.json"
check "history finds the branch secret too" \
    'jq -e ".findings[] | select(.path == \"settings.py\")" "$tmp/history.json" >/dev/null'

# ---- hook install/uninstall keep other hooks -------------------------------
lr hook uninstall --repo "$repo" >/dev/null 2>&1
check "uninstall removes its own hook" '[ ! -e "$repo/.git/hooks/pre-commit" ]'
printf '#!/bin/sh\necho theirs\n' >"$repo/.git/hooks/pre-commit"
lr hook install --repo "$repo" >"$tmp/install2.out" 2>&1
check "install refuses to overwrite another hook" '[ $? -eq 1 ]'
check "and leaves it as it was" 'grep -q theirs "$repo/.git/hooks/pre-commit"'
lr hook uninstall --repo "$repo" >/dev/null 2>&1
check "uninstall leaves another hook alone" 'grep -q theirs "$repo/.git/hooks/pre-commit"'
lr hook install --repo "$repo" --force >/dev/null 2>&1
check "install --force replaces it" \
    '[ $? -eq 0 ] && grep -q "scan --staged" "$repo/.git/hooks/pre-commit"'
lr hook install --repo "$tmp/clean" >/dev/null 2>&1
check "install outside git exits 3" '[ $? -eq 3 ]'
lr hook frobnicate >/dev/null 2>&1
check "an unknown hook action exits 2" '[ $? -eq 2 ]'

echo "# $fails failed"
[ $fails -eq 0 ]

#!/bin/sh
# secrets-lab.sh: the secrets checks against real git repositories built
# here (tests/lab/git/make-repo.sh): a secret added then deleted, in a
# tracked .env, untracked, in a binary, on a branch not checked out, in a
# minified line, allow-listed two ways; placeholder, documentation, UUID,
# hash and lock-file traps. Prints precision and recall on the corpus.
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

sh "$top_srcdir/tests/lab/git/make-repo.sh" "$tmp/repo" "$tmp/planted.tsv" ||
    { echo "make-repo.sh failed"; exit 1; }
repo=$tmp/repo

"$LAUNCHREADY" audit brightcart.test --repo "$repo" --only secrets \
    --format json >"$tmp/out.json" 2>"$tmp/err"
rc=$?
check "audit exits 1 (findings)" '[ $rc -eq 1 ]'
check "json parses" 'jq -e . "$tmp/out.json" >/dev/null'

# The evidence of a check as "KIND PATH" lines (KIND: live, info, allowed).
found() {
	jq -r --arg id "$1" '.checks[] | select(.id == $id) | .evidence[]' \
	    "$tmp/out.json" | awk '
	/^allowed \(/ { sub(/^allowed \([^)]*\): /, ""); split($2, a, ":");
	    print "allowed", a[1]; next }
	/^info \(publishable\)/ { split($4, a, ":"); print "info", a[1]; next }
	/^(critical|high|medium|info) / { split($3, a, ":");
	    print "live", a[1] }'
}
found secrets.worktree >"$tmp/wt.found"
found secrets.history >"$tmp/hist.found"

# Precision and recall of live findings against the manifest (by path).
score() {	# score NAME FOUND COLUMN
	awk -F '\t' -v col="$3" '$col == "live" { print $2 }' \
	    "$tmp/planted.tsv" | sort >"$tmp/$1.want"
	awk '$1 == "live" { print $2 }' "$2" | sort >"$tmp/$1.got"
	tp=$(comm -12 "$tmp/$1.got" "$tmp/$1.want" | wc -l)
	fp=$(comm -23 "$tmp/$1.got" "$tmp/$1.want" | wc -l)
	fn=$(comm -13 "$tmp/$1.got" "$tmp/$1.want" | wc -l)
	prec=$(awk -v a=$tp -v b=$fp 'BEGIN { printf "%.3f", (a+b) ? a/(a+b) : 1 }')
	rec=$(awk -v a=$tp -v b=$fn 'BEGIN { printf "%.3f", (a+b) ? a/(a+b) : 1 }')
	echo "# $1: tp=$tp fp=$fp fn=$fn precision=$prec recall=$rec"
	comm -23 "$tmp/$1.got" "$tmp/$1.want" | sed 's/^/#   false positive: /'
	comm -13 "$tmp/$1.got" "$tmp/$1.want" | sed 's/^/#   missed: /'
	check "$1: precision 1.0 and recall 1.0" '[ $fp -eq 0 ] && [ $fn -eq 0 ]'
}
score worktree "$tmp/wt.found" 3
score history "$tmp/hist.found" 4

# Allowed findings are listed as allowed, not hidden.
for p in tests/fixtures/anthropic.py config/dev.rb; do
	check "worktree lists $p as allowed" "grep -qx 'allowed $p' $tmp/wt.found"
	check "history lists $p as allowed" "grep -qx 'allowed $p' $tmp/hist.found"
done
check "publishable key listed as info" "grep -qx 'info src/ids.js' $tmp/wt.found"

ev() { jq -r --arg id "$1" '.checks[] | select(.id == $id) |
    (.summary, .evidence[])' "$tmp/out.json"; }
check "binary file skipped and counted" \
    "ev secrets.worktree | grep -q 'skipped 1 binary'"
check "symlink out of the repo not followed" \
    "ev secrets.worktree | grep -q '1 symbolic links'"
check "ignored file not scanned" "! grep -q logs/debug.log $tmp/wt.found"
check "deleted secret: history only, first commit and date" \
    "ev secrets.history | grep -q 'stripe-secret-live src/config.js:1 sk_l… fp:[0-9a-f]\{16\} first in commit [0-9a-f]\{12\} (2026-10-01)'"
check "branch not checked out is scanned" \
    "ev secrets.history | grep -q 'openai-project-key scripts/deploy.sh:2'"
check "minified line: line 1" "grep -q 'sendgrid' $tmp/out.json && ev secrets.worktree | grep -q 'public/app.min.js:1 SG'"
s1=$(awk -F '\t' '$2 == "src/config.js" { print $1 }' "$tmp/planted.tsv")
fp1=$(printf %s "$s1" | sha256sum | cut -c1-16)
check "fingerprint is the truncated SHA-256 of the value" \
    "ev secrets.history | grep -q 'fp:$fp1'"
check "history counts commits of every ref" \
    "ev secrets.history | head -1 | grep -q 'history of 9 commits'"
check "a secret written by a merge's conflict resolution: first in the merge" \
    "ev secrets.history | grep -q 'stripe-webhook-secret src/webhook.js:2 whse… fp:[0-9a-f]\{16\} first in commit [0-9a-f]\{12\} (2026-10-08)'"

# env-files and inventory.
check "env-files fails on the tracked .env" \
    "jq -e '.checks[] | select(.id == \"secrets.env-files\") | .status == \"fail\" and .severity == \"critical\"' $tmp/out.json >/dev/null"
check "env-files names it" "ev secrets.env-files | grep -q 'tracked with values: .env (2 values)'"
check "env-files: .env.example is fine" "ev secrets.env-files | grep -q 'template, fine: .env.example'"
check "env-files: .gitignore does not cover .env" "ev secrets.env-files | grep -q 'does not cover'"
check "inventory lists names and environments" \
    "ev secrets.inventory | grep -qx 'STRIPE_SECRET_KEY: example, code' && ev secrets.inventory | grep -qx 'GITHUB_TOKEN: default' && ev secrets.inventory | grep -qx 'REDIS_HOST: code'"

# Fixing the repository turns env-files to pass, worktree to fewer.
(cd "$repo" && git rm -q --cached .env && printf '.env\n' >>.gitignore &&
    git add .gitignore && git -c user.name=t -c user.email=t@t.test commit -qm fix)
"$LAUNCHREADY" audit brightcart.test --repo "$repo" --only secrets.env-files \
    --format json >"$tmp/fixed.json"
check "env-files passes once .env is untracked and ignored" \
    "jq -e '.checks[0].status == \"pass\"' $tmp/fixed.json >/dev/null"

# SARIF 2.1.0.
"$LAUNCHREADY" audit brightcart.test --repo "$repo" --only secrets \
    --format sarif >"$tmp/out.sarif"
check "sarif: version 2.1.0" "jq -e '.version == \"2.1.0\" and (.runs[0].tool.driver.name == \"launchready\")' $tmp/out.sarif >/dev/null"
check "sarif: a result per finding with location and fingerprint" \
    "jq -e '[.runs[0].results[] | select(.locations[0].physicalLocation.region.startLine >= 1 and (.partialFingerprints[\"launchready/v1\"] | length) == 16)] | length >= 14' $tmp/out.sarif >/dev/null"
check "sarif: allowed findings carry a suppression" \
    "jq -e '[.runs[0].results[] | select(.suppressions)] | length == 4' $tmp/out.sarif >/dev/null"
check "sarif: every ruleIndex points at its rule" \
    "jq -e '.runs[0] as \$r | all(\$r.results[]; \$r.tool.driver.rules[.ruleIndex].id == .ruleId)' $tmp/out.sarif >/dev/null"

# Without --repo: an error, never a pass.
"$LAUNCHREADY" audit brightcart.test --only secrets --format json \
    >"$tmp/norepo.json" 2>/dev/null
check "no --repo: error with the reason" \
    "jq -e '[.checks[] | select(.status == \"error\" and .summary == \"no repository given (--repo DIR)\")] | length == 4' $tmp/norepo.json >/dev/null"

# A plain directory: the tree is walked, history cannot be decided.
mkdir -p "$tmp/plain/sub"
printf 'TOKEN = "gh%s_%s"\n' p "$(LC_ALL=C tr -dc A-Za-z0-9 </dev/urandom | head -c 36)" >"$tmp/plain/sub/a.txt"
"$LAUNCHREADY" audit brightcart.test --repo "$tmp/plain" --only secrets \
    --format json >"$tmp/plain.json"
check "plain directory: worktree finds the key" \
    "jq -e '.checks[] | select(.id == \"secrets.worktree\") | .status == \"fail\"' $tmp/plain.json >/dev/null"
check "plain directory: history is an error, not a pass" \
    "jq -e '.checks[] | select(.id == \"secrets.history\") | .status == \"error\"' $tmp/plain.json >/dev/null"

[ $fails -eq 0 ] || { echo "$fails failed"; cat "$tmp/err"; exit 1; }
exit 0

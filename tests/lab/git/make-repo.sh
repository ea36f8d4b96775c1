#!/bin/sh
# make-repo.sh DIR [MANIFEST]: builds brightcart's sample repository in DIR
# (a small shop: Node front end, Python settings, deploy scripts) with
# secrets planted in every place a scanner must look, and false-positive
# traps it must stay quiet on. Every planted value is random, built here
# from pieces, and written (never into the repository) to MANIFEST as
#   VALUE<TAB>PATH<TAB>WORKTREE<TAB>HISTORY
# where WORKTREE and HISTORY are "live", "allowed" or "none" (what the
# secrets.worktree and secrets.history checks must report).
set -eu
dir=$1
manifest=${2:-/dev/null}
[ -e "$dir" ] && { echo "make-repo.sh: $dir exists" >&2; exit 2; }

rnd() {	# rnd SET N
	LC_ALL=C tr -dc "$1" </dev/urandom 2>/dev/null | head -c "$2"
}
alnum() { rnd 'A-Za-z0-9' "$1"; }
hex() { rnd 'a-f0-9' "$1"; }
upper() { rnd 'A-Z0-9' "$1"; }
b64() { rnd 'A-Za-z0-9+/' "$1"; }
plant() {	# plant VALUE PATH WORKTREE HISTORY
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$manifest"
}

mkdir -p "$dir"
outside=$dir.outside
mkdir -p "$outside"
: >"$manifest" 2>/dev/null || true
cd "$dir"
git init -q -b main . 2>/dev/null || { git init -q . && git checkout -q -b main; }
git config user.name "Brightcart Dev"
git config user.email "dev@brightcart.test"
git config commit.gpgsign false
n=0
commit() {	# commit MESSAGE: a commit with a steadily later date
	n=$((n + 1))
	GIT_AUTHOR_DATE="2026-10-$(printf %02d $n)T10:00:00Z" \
	GIT_COMMITTER_DATE="2026-10-$(printf %02d $n)T10:00:00Z" \
	    git commit -q -m "$1"
}

# The values (prefixes split so no whole key sits in this file).
s1="sk_""live_$(alnum 32)"			# Stripe, deleted later
s2="gh""p_$(alnum 36)"				# GitHub, tracked .env
s3="xox""b-$(rnd 0-9 12)-$(rnd 0-9 13)-$(alnum 24)"	# Slack, untracked
s4="AK""IA$(upper 16)"				# AWS, in a binary
s5="sk-""proj-$(rnd 'A-Za-z0-9_-' 74)T3BlbkFJ$(rnd 'A-Za-z0-9_-' 74)"		# OpenAI, other branch
s6="SG"".$(rnd 'A-Za-z0-9_-' 22).$(rnd 'A-Za-z0-9_-' 43)"	# SendGrid, minified
s7="sk-""ant-api03-$(rnd 'A-Za-z0-9_-' 90)AA"	# Anthropic, allow-listed
s8="glp""at-$(alnum 20)"			# GitLab, inline allow
s9="$(alnum 20)"				# database password
s10="$(b64 64)"					# PEM body line
s11="$(alnum 40)"				# generic SECRET_KEY
s12="AK""IA$(upper 16)"				# AWS, ignored file
s13="sk_""live_$(alnum 32)"			# Stripe, behind a symlink
s14="key""-$(hex 32)"				# Mailgun, YAML
s15="$(printf 'deploy:%s' "$(alnum 24)" | base64 | tr -d '\n=')"	# registry
s16="np""m_$(alnum 36)"				# npm, .npmrc
s17="whs""ec_$(alnum 40)"			# Stripe webhook, evil merge

# 1: the skeleton, with false-positive traps.
doc_key="sk_""live_xxxxxxxxxxxxxxxxxxxxxxxx"
pk="pk_""live_$(alnum 40)"
cat >README.md <<DOC
# Brightcart

A small shop. Configure it with environment variables (see .env.example).

Example AWS credentials from the AWS documentation (not real):
    aws_access_key_id = AKIAIOSFODNN7EXAMPLE
    aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

Set your Stripe key: \`STRIPE_SECRET_KEY=$doc_key\`
and your token: \`api_key = "YOUR_API_KEY_HERE"\`, \`password: \${DB_PASSWORD}\`.
DOC
cat >.env.example <<'DOC'
# Copy to .env and fill in.
STRIPE_SECRET_KEY=
STRIPE_PUBLISHABLE_KEY=pk_test_your_key_here
DATABASE_URL=postgres://user:password@localhost:5432/brightcart
SENDGRID_API_KEY=changeme
SESSION_SECRET=
DOC
cat >package.json <<'DOC'
{ "name": "brightcart", "version": "1.4.2", "private": true,
  "dependencies": { "express": "^4.19.2", "stripe": "^14.0.0" } }
DOC
{
	echo '{ "name": "brightcart", "lockfileVersion": 3, "packages": {'
	for p in express stripe body-parser cookie qs debug ms; do
		echo "  \"node_modules/$p\": { \"version\": \"1.0.0\", \"resolved\": \"https://registry.example/$p/-/$p-1.0.0.tgz\","
		echo "    \"integrity\": \"sha512-$(b64 86)==\", \"token\": \"$(alnum 30)1\" },"
	done
	echo '  "": {} } }'
} >package-lock.json
mkdir -p src app config scripts public assets tests/fixtures docs
cat >src/ids.js <<DOC
// Identifiers and hashes: none is a secret.
const orderTokenId = "$(hex 8)-$(hex 4)-4$(hex 3)-a$(hex 3)-$(hex 12)";
const session_token_uuid = '$(hex 8)-$(hex 4)-$(hex 4)-$(hex 4)-$(hex 12)';
const commitSha = "$(hex 40)";
const checksum_token = "$(hex 64)";
const pk = "$pk"; // publishable: listed as info
DOC
cat >src/names.js <<DOC
// Names and references, not values.
const apiKeyName = "STRIPE_API_KEY_V2";
const tokenHeader = 'X-Auth-Token-2';
headers['Authorization'] = 'Bearer ' + session.accessToken2;
const passwordField = document.getElementById('password2-input');
const secretPath = "/v1/secrets/app/config2";
DOC
cat >go.sum <<DOC
github.com/stripe/stripe-go/v76 v76.0.0 h1:$(b64 43)=
github.com/stripe/stripe-go/v76 v76.0.0/go.mod h1:$(b64 43)=
DOC
cat >yarn.lock <<DOC
express@^4.19.2:
  version "4.19.2"
  resolved "https://registry.example/express/-/express-4.19.2.tgz#$(hex 40)"
  integrity sha512-$(b64 86)==
DOC
cat >docs/api.md <<'DOC'
# API

Send `Authorization: Bearer <token>`; your key looks like
`sk_live_...` (never commit it). Example request:

    curl -H "X-Api-Key: $API_KEY" https://api.brightcart.test/v1/orders
    export STRIPE_SECRET_KEY=sk_live_YOUR_KEY
    password: "<your password>"
DOC
cat >src/server.js <<'DOC'
const express = require('express');
const stripe = require('stripe')(process.env.STRIPE_SECRET_KEY);
const port = process.env.PORT || 3000;
const db = process.env["DATABASE_URL"];
const mail = process.env.SENDGRID_API_KEY;
express().listen(port);
DOC
cat >src/config.js <<DOC
module.exports = { stripeKey: '$s1', currency: 'usd' };
DOC
plant "$s1" src/config.js none live
cat >.gitignore <<'DOC'
node_modules/
logs/
DOC
git add -A
commit "Skeleton: server, config, docs"

# 2: the key moves to the environment (it stays in history).
cat >src/config.js <<'DOC'
module.exports = { stripeKey: process.env.STRIPE_SECRET_KEY, currency: 'usd' };
DOC
git add -A
commit "Read the Stripe key from the environment"

# 3: a tracked .env, settings, a deploy key, a binary, a minified bundle.
cat >.env <<DOC
GITHUB_TOKEN=$s2
DATABASE_URL=postgres://brightcart:$s9@db.internal:5432/brightcart
DOC
plant "$s2" .env live live
plant "$s9" .env live live
cat >app/settings.py <<DOC
import os
DEBUG = os.environ.get("DEBUG") == "1"
SECRET_KEY = "$s11"
REDIS_HOST = os.getenv("REDIS_HOST", "localhost")
DOC
plant "$s11" app/settings.py live live
mkdir -p config/deploy
cat >config/secrets.yml <<DOC
production:
  mailgun_api_key: $s14
  region: eu
DOC
plant "$s14" config/secrets.yml live live
printf '{ "auths": { "ghcr.io": { "auth": "%s" } } }\n' "$s15" >config/deploy/docker-config.json
plant "$s15" config/deploy/docker-config.json live live
printf '//registry.example/:_authToken=%s\n' "$s16" >.npmrc
plant "$s16" .npmrc live live
{
	echo "-----BEGIN RSA PRIVATE KEY-----"
	echo "$s10"
	for i in 1 2 3 4 5 6; do b64 64; echo; done
	echo "$(b64 40)=="
	echo "-----END RSA PRIVATE KEY-----"
} >config/deploy_key.pem
plant "$s10" config/deploy_key.pem live live
{ printf 'PNG\000\001\002\003'; head -c 2000 /dev/urandom | tr -d '\n'; printf '\000key=%s\000' "$s4"; } >assets/logo.bin
plant "$s4" assets/logo.bin none none
{
	i=0
	while [ $i -lt 6000 ]; do
		printf 'function f%d(a,b){return a.token+b.id+%d};' $i $i
		i=$((i + 1))
	done
	printf 'var mailKey="%s";' "$s6"
	printf 'var x=1;'
} >public/app.min.js
plant "$s6" public/app.min.js live live
git add -A
commit "Settings, deploy key, assets, bundle"

# 4: test fixtures: allowed by fingerprint and inline.
cat >tests/fixtures/anthropic.py <<DOC
FIXTURE_KEY = "$s7"
DOC
fp7=$(printf %s "$s7" | sha256sum | cut -c1-16)
cat >.launchreadyignore <<DOC
# Allowed findings: fingerprint, then why.
$fp7 revoked test fixture, kept for the parser tests
DOC
plant "$s7" tests/fixtures/anthropic.py allowed allowed
cat >config/dev.rb <<DOC
GITLAB_TOKEN = "$s8" # launchready:allow sandbox token, no scopes
DOC
plant "$s8" config/dev.rb allowed allowed
git add -A
commit "Test fixtures"

# 5: a merge whose conflict resolution writes a secret that is in neither
# parent (an "evil merge"): only the merge's own diff shows it.
cat >src/webhook.js <<DOC
const retries = 1;
module.exports = { retries };
DOC
git add -A
commit "Webhook handler"
git checkout -q -b hotfix/retries
sed -i 's/retries = 1/retries = 3/' src/webhook.js
git add -A
commit "More webhook retries"
git checkout -q main
sed -i 's/retries = 1/retries = 5/' src/webhook.js
git add -A
commit "Webhook retries for the launch"
git merge -q hotfix/retries >/dev/null 2>&1 || true
cat >src/webhook.js <<DOC
const retries = 3;
const signingSecret = "$s17";
module.exports = { retries, signingSecret };
DOC
plant "$s17" src/webhook.js live live
git add -A
commit "Merge hotfix/retries"

# 6: a branch that is never checked out.
git checkout -q -b feature/deploy
cat >scripts/deploy.sh <<DOC
#!/bin/sh
export OPENAI_API_KEY=$s5
./bin/deploy --prod
DOC
plant "$s5" scripts/deploy.sh none live
git add -A
commit "Deploy script (WIP)"
git checkout -q main

# Not committed: an untracked note, an ignored log, a link out.
mkdir -p notes logs
printf 'slack bot for alerts: %s\n' "$s3" >notes/slack.txt
plant "$s3" notes/slack.txt live none
printf 'aws %s\n' "$s12" >logs/debug.log
plant "$s12" logs/debug.log none none
printf 'const k = "%s";\n' "$s13" >"$outside/stripe.js"
ln -s "$outside/stripe.js" src/vendor-stripe.js
plant "$s13" src/vendor-stripe.js none none
exit 0

#!/bin/bash
# tests/app-lab.sh: the application checks against the application lab
# (real NSD, real nginx with a test CA, a real small shop application with
# broken variants): the smoke plan step by step, the first-request delay,
# request ids, and the production API target of a real repository.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lab/lib.sh"
for tool in nginx nsd python3 jq openssl git; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null 2>&1 || lab_skip "$tool is not installed"
done
[ -x "$LAUNCHREADY" ] || lab_fail "LAUNCHREADY is not set to the built program"

state=$(mktemp -d "${TMPDIR:-/tmp}/app-lab.XXXXXX")
trap 'bash "$top_srcdir/tests/lab/app/stop.sh" "$state"; rm -rf "$state"' EXIT
env -u LAB_DNS_PORT bash "$top_srcdir/tests/lab/app/start.sh" "$state" ||
    lab_fail "the application lab did not start"
. "$state/app.env"

failures=0
asserts=0
out=$state/out.json
export SMOKE_USER=buyer@shop.test
export SMOKE_PASSWORD="correct horse battery staple"

# plan DOMAIN: the lab's smoke plan for one variant.
plan() {
	sed "s/DOMAIN/$1/g" "$top_srcdir/tests/lab/app/smoke.cfg" >"$state/$1.cfg"
	echo "$state/$1.cfg"
}

# audit DOMAIN [OPTIONS...]: the application checks of one variant.
audit() {
	d=$1; shift
	current=$d
	start=$(date +%s%N)
	"$LAUNCHREADY" audit "$d" --resolver "127.0.0.1:$LAB_DNS_PORT" \
	    --cacert "$LAB_CA" --timeout 3 \
	    --port-map "80:$LAB_APP_HTTP_PORT,443:$LAB_APP_HTTPS_PORT" \
	    --format json "$@" >"$out" 2>"$state/err"
	rc=$?
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	cat "$out" "$state/err" >>"$state/all-output"
	if ! jq -e . "$out" >/dev/null 2>&1; then
		echo "FAIL: $current: no JSON (exit $rc): $(head -c 300 "$state/err")"
		failures=$((failures + 1))
	fi
}
. "$top_srcdir/tests/lab/verdicts.sh"

# no_evidence ID TEXT: no evidence line or summary of ID holds TEXT.
no_evidence() {
	asserts=$((asserts + 1))
	if jq -e --arg id "$1" --arg t "$2" '.checks[] | select(.id == $id) |
	    ([.summary] + .evidence) | any(contains($t))' "$out" >/dev/null; then
		echo "FAIL: $current $1: evidence holds '$2'"
		failures=$((failures + 1))
	fi
}

writes() { grep -c "^api\.$1$" "$LAB_APP_WRITES"; }

# The good application: every step passes, each named with its status.
audit good.test --only app.smoke --smoke "$(plan good.test)"
expect app.smoke pass none
evidence app.smoke "all 5 steps of the smoke plan passed"
evidence app.smoke "1. App opens: GET https://app.good.test/ → 200"
evidence app.smoke "2. A wrong password is refused: POST https://api.good.test/api/login → 401"
evidence app.smoke "3. Log in: POST https://api.good.test/api/login → 200"
evidence app.smoke "4. Dashboard: GET https://api.good.test/api/dashboard → 200"
evidence app.smoke "5. One write: POST https://api.good.test/api/notes → 201"
[ "$(writes good.test)" -eq 1 ] || { echo "FAIL: good.test: $(writes good.test) writes, want 1"; failures=$((failures + 1)); }

# A wrong password is accepted: the plan stops at step 2.
audit pwbug.test --only app.smoke --smoke "$(plan pwbug.test)"
expect app.smoke fail critical
evidence app.smoke "step 2 of 5, \"A wrong password is refused\", failed: status 200, expected 401"
evidence app.smoke "(3 later steps not run"
no_evidence app.smoke "3. Log in"

# The dashboard fails: step 4, with the first bytes of the body.
audit dash500.test --only app.smoke --smoke "$(plan dash500.test)"
expect app.smoke fail critical
evidence app.smoke "step 4 of 5, \"Dashboard\", failed: status 500, expected 200"
evidence app.smoke "body: Traceback (most recent call last):\\n"

# The write never answers: step 5 fails within the bounds, sent once.
audit writeslow.test --only app.smoke --smoke "$(plan writeslow.test)"
expect app.smoke fail critical
evidence app.smoke "step 5 of 5, \"One write\", failed: no response"
within 9000
[ "$(writes writeslow.test)" -eq 1 ] || { echo "FAIL: writeslow.test: $(writes writeslow.test) writes, want exactly 1 (never retried)"; failures=$((failures + 1)); }

# The login redirects to itself: stopped after 10 redirects.
audit loginloop.test --only app.smoke --smoke "$(plan loginloop.test)"
expect app.smoke fail critical
evidence app.smoke "step 2 of 5, \"A wrong password is refused\", failed: more than 10 redirects"

# A secret the plan needs is not set: error naming it, nothing run.
SMOKE_PASSWORD= audit good.test --only app.smoke --smoke "$(plan good.test)"
env -u SMOKE_PASSWORD "$LAUNCHREADY" audit good.test --resolver "127.0.0.1:$LAB_DNS_PORT" \
    --cacert "$LAB_CA" --timeout 3 --only app.smoke --smoke "$(plan good.test)" \
    --port-map "80:$LAB_APP_HTTP_PORT,443:$LAB_APP_HTTPS_PORT" --format json >"$out" 2>&1
current="good.test without SMOKE_PASSWORD"
expect app.smoke error
evidence app.smoke "the environment variable SMOKE_PASSWORD that the smoke plan needs is not set"

# No plan: skipped with the reason.
audit good.test --only app.smoke
expect app.smoke skipped
evidence app.smoke "no smoke plan given"

# A plan with a mistake is refused before anything runs: FILE:LINE, exit 2.
printf 'smoke = {\n  steps = (\n    { name = "x"; url = "https://a.test/"; expcet = 200; }\n  );\n};\n' >"$state/bad.cfg"
"$LAUNCHREADY" audit good.test --smoke "$state/bad.cfg" >"$state/bad.out" 2>&1
brc=$?
asserts=$((asserts + 1))
if [ "$brc" -ne 2 ] || ! grep -q "bad.cfg:3: unknown setting \"expcet\"" "$state/bad.out"; then
	echo "FAIL: bad plan: exit $brc, output: $(head -c 300 "$state/bad.out")"
	failures=$((failures + 1))
fi

# First request against the warm median: the cold variant warns.
audit cold.test --only perf.cold-start --health-url https://api.cold.test/health
expect perf.cold-start warn medium
evidence perf.cold-start "first request to https://api.cold.test/health:"
evidence perf.cold-start "next 5 requests: median"
audit good.test --only perf.cold-start --health-url https://api.good.test/health
expect perf.cold-start pass none

# Request ids: present on the good application, absent on noid.
audit good.test --only mon.request-id --health-url https://api.good.test/health \
    --api-url https://api.good.test/api/dashboard
expect mon.request-id pass none
evidence mon.request-id "https://api.good.test/health: 200 with X-Request-Id"
audit noid.test --only mon.request-id --health-url https://api.noid.test/health
expect mon.request-id warn info
evidence mon.request-id "200 with no request id header"

# The production API target in a real repository.
repo=$state/repo
mkdir -p "$repo/android/app"
git -C "$repo" init -q
printf 'API_URL=http://localhost:3000/api\nSENTRY_DSN=https://key@o1.ingest.sentry.io/1\n' >"$repo/.env.production"
cat >"$repo/eas.json" <<'JSON'
{ "build": {
    "development": { "env": { "API_URL": "http://10.0.2.2:3000" } },
    "production": { "env": { "API_URL": "https://shop-staging.vercel.app/api" } } } }
JSON
cat >"$repo/android/app/build.gradle" <<'GRADLE'
android {
    buildTypes {
        debug {
            buildConfigField "String", "API", "\"http://10.0.2.2:3000\""
        }
        release {
            buildConfigField "String", "API", "\"https://api.good.test\""
        }
    }
}
GRADLE
audit good.test --only app.api-target --repo "$repo"
expect app.api-target fail high
evidence app.api-target ".env.production:1: http://localhost:3000/api (localhost or a private address)"
evidence app.api-target "eas.json: build.production.env.API_URL = https://shop-staging.vercel.app/api (a staging or preview host)"
no_evidence app.api-target "10.0.2.2"
no_evidence app.api-target "sentry.io"
printf 'API_URL=https://api.good.test/v1\n' >"$repo/.env.production"
rm "$repo/eas.json"
ln -s /etc/passwd "$repo/app.json"
audit good.test --only app.api-target --repo "$repo"
expect app.api-target pass none
evidence app.api-target "app.json: not read: a symbolic link (not followed)"

# No value of a secret variable or a captured token in any output.
asserts=$((asserts + 1))
if grep -q -e "correct horse" -e "buyer@shop.test" "$state/all-output"; then
	echo "FAIL: a smoke secret appears in the output:"
	grep -o -e ".\{40\}correct horse.\{20\}" -e ".\{40\}buyer@shop.test.\{20\}" "$state/all-output" | head -3
	failures=$((failures + 1))
fi

echo "$asserts assertions, $failures failed"
[ "$failures" -eq 0 ]

#!/bin/bash
# tests/lighthouse-lab.sh: perf.lighthouse for real — the lighthouse tool
# from npm (pinned, installed here on first use) with Debian's Chromium —
# on two landing pages of the application lab: one every category scores
# 80 or more, one whose scores are low. Skips, saying why, only where
# Chromium is missing or npm cannot install the tool.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lab/lib.sh"
for tool in nginx nsd python3 jq openssl; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null 2>&1 || lab_skip "$tool is not installed"
done
[ -x "$LAUNCHREADY" ] || lab_fail "LAUNCHREADY is not set to the built program"
command -v chromium >/dev/null 2>&1 ||
    lab_skip "chromium is not installed (./quickstart installs Debian's chromium)"
command -v npm >/dev/null 2>&1 || lab_skip "npm is not installed"

# The tool, pinned, in the build tree (installed once, kept for reruns).
LH_VERSION=12.2.3
lhdir=$top_builddir/tests/.lighthouse
if [ ! -x "$lhdir/node_modules/.bin/lighthouse" ]; then
	mkdir -p "$lhdir"
	echo "installing lighthouse@$LH_VERSION with npm (once)..."
	if ! timeout 900 npm install --prefix "$lhdir" --no-audit --no-fund \
	    --loglevel=error -E "lighthouse@$LH_VERSION" >"$lhdir/npm.log" 2>&1; then
		tail -5 "$lhdir/npm.log"
		lab_skip "npm could not install lighthouse@$LH_VERSION (registry unreachable?)"
	fi
fi
export LAUNCHREADY_LIGHTHOUSE=$lhdir/node_modules/.bin/lighthouse

state=$(mktemp -d "${TMPDIR:-/tmp}/lighthouse-lab.XXXXXX")
trap 'bash "$top_srcdir/tests/lab/app/stop.sh" "$state"; rm -rf "$state"' EXIT
env -u LAB_DNS_PORT bash "$top_srcdir/tests/lab/app/start.sh" "$state" ||
    lab_fail "the application lab did not start"
. "$state/app.env"

failures=0
asserts=0
out=$state/out.json
audit() {
	d=$1; shift
	current=$d
	start=$(date +%s%N)
	"$LAUNCHREADY" audit "$d" --resolver "127.0.0.1:$LAB_DNS_PORT" \
	    --cacert "$LAB_CA" --timeout 30 \
	    --port-map "80:$LAB_APP_HTTP_PORT,443:$LAB_APP_HTTPS_PORT" \
	    --only perf.lighthouse --format json "$@" >"$out" 2>"$state/err"
	rc=$?
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	echo "$d: perf.lighthouse in $elapsed_ms ms: $(jq -c '.checks[0] | [.status, .summary, .evidence]' "$out")"
}
. "$top_srcdir/tests/lab/verdicts.sh"

# score ID CATEGORY: the category's score from the evidence line.
score() {
	jq -r '.checks[0].evidence[0]' "$out" | sed -n "s/.*$1 \([0-9?]*\).*/\1/p"
}

audit lhgood.test
expect perf.lighthouse pass none
for c in performance accessibility "best practices" SEO; do
	s=$(score "$c")
	asserts=$((asserts + 1))
	if [ -z "$s" ] || [ "$s" = "?" ] || [ "$s" -lt 80 ]; then
		echo "FAIL: lhgood.test: $c scores '${s}', want 80 or more"
		failures=$((failures + 1))
	fi
done
evidence perf.lighthouse "https://lhgood.test/:"
evidence perf.lighthouse "largest contentful paint:"

audit lhbad.test
asserts=$((asserts + 1))
st=$(jq -r '.checks[0].status' "$out")
case "$st" in warn|fail) ;; *)
	echo "FAIL: lhbad.test: status $st, want warn or fail"
	failures=$((failures + 1));;
esac
for c in accessibility SEO; do
	s=$(score "$c")
	asserts=$((asserts + 1))
	if [ -z "$s" ] || [ "$s" = "?" ] || [ "$s" -ge 80 ]; then
		echo "FAIL: lhbad.test: $c scores '${s}', want under 80"
		failures=$((failures + 1))
	fi
done

# Not installed: skipped with the install hint, never an error or a pass.
LAUNCHREADY_LIGHTHOUSE=/nonexistent/lighthouse audit lhgood.test
expect perf.lighthouse skipped
evidence perf.lighthouse "npm install -g lighthouse@12.2.3"

echo "$asserts assertions, $failures failed"
[ "$failures" -eq 0 ]

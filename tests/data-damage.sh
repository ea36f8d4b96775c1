#!/bin/bash
# tests/data-damage.sh: every file in data/, damaged in turn in a copy of
# the data directory (a syntax error; a setting of the wrong type), under
# the audit of the demo client on the labs (DNS, web, git). The checks that
# read the damaged file must report error naming FILE:LINE - never a pass
# or a fail - and every other check must keep its verdict of the undamaged
# run. A damaged checklist.cfg stops the audit (exit 3) with FILE:LINE.
#
# Which checks read which file is written here, from the code's intent,
# not read from the program: a file in data/ this table does not know
# fails the test.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lab/lib.sh"
for tool in nginx nsd python3 jq openssl git; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null 2>&1 || lab_skip "$tool is not installed"
done
[ -x "$LAUNCHREADY" ] || lab_fail "LAUNCHREADY is not set to the built program"

state=$(mktemp -d "${TMPDIR:-/tmp}/data-damage.XXXXXX")
lab=$top_srcdir/tests/lab
stop_labs() {
	bash "$lab/web/stop.sh" "$state"
	bash "$lab/dns/stop.sh" "$state"
	[ ! -f "$lab/git/stop.sh" ] || sh "$lab/git/stop.sh" "$state"
	rm -rf "$state"
}
trap stop_labs EXIT
env -u LAB_DNS_PORT bash "$lab/dns/start.sh" "$state" || lab_fail "the DNS lab did not start"
. "$state/dns.env"
LAB_DNS_PORT=$LAB_DNS_PORT bash "$lab/web/start.sh" "$state" ||
    lab_fail "the web lab did not start"
. "$state/web.env"
sh "$lab/git/start.sh" "$state" >/dev/null || lab_fail "the git lab did not start"
. "$state/git.env"

# The checks that read each data file for the demo client: its email
# checks apply; it is audited with a repository; without --allow-active
# http.rate-limit stays skipped before it reads web.cfg; it has no CAA
# record, so dns.caa passes without matching an issuer to CAA domains
# (dns-providers.cfg's authorities).
declare -A readers=(
	[web.cfg]="http.staging-leak http.mixed-content http.cookies http.exposed-files http.error-leak edge.cdn edge.origin-exposed edge.cache-private mon.health mon.request-id app.api-target"
	[tls.cfg]="tls.renewal"
	[secret-rules.cfg]="secrets.worktree secrets.history secrets.env-files secrets.inventory http.frontend-secrets http.error-leak"
	[dns-providers.cfg]="dns.ns dns.dangling"
	[dkim-selectors.cfg]="email.dkim"
	[origin-names.cfg]="edge.origin-exposed"
	[app.cfg]="mon.request-id app.api-target"
	[checklist.cfg]="(the audit)"
)
# A setting of the wrong type in each file: perl substitutions on the whole
# file (the first match only). In web.cfg it is staging_hosts, the one list
# every reader of the file uses (the app checks read only that one).
declare -A retype=(
	[web.cfg]='s/staging_hosts\s*=\s*\[[^\]]*\];/staging_hosts = 42;/s'
	[tls.cfg]='s/name\s*=\s*"[^"]*";/name = 7;/'
	[secret-rules.cfg]='s/\bid\s*=\s*"[^"]*";/id = 7;/'
	[dns-providers.cfg]='s/suffix\s*=\s*"[^"]*";/suffix = 7;/'
	[dkim-selectors.cfg]='s/selectors\s*=\s*\[[^\]]*\];/selectors = "default";/s'
	[origin-names.cfg]='s/names\s*=\s*\[[^\]]*\];/names = 42;/s'
	[app.cfg]='s/request_id_headers\s*=\s*\[[^\]]*\];/request_id_headers = 42;/s'
	[checklist.cfg]='s/\bseverity\s*=\s*"[^"]*";/severity = 7;/'
)

failures=0
asserts=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

demo=(brightcart.test --subdomains app,api,admin,staging,docs
    --resolver "127.0.0.1:$LAB_DNS_PORT"
    --port-map "80:$LAB_WEB_HTTP_PORT,443:$LAB_WEB_HTTPS_PORT"
    --cacert "$LAB_CA" --repo "$LAB_REPO" --format json)

# audit DATADIR OUT: the demo audit with LAUNCHREADY_DATADIR=DATADIR; sets rc.
audit() {
	LAUNCHREADY_DATADIR=$1 "$LAUNCHREADY" audit "${demo[@]}" >"$2" 2>"$2.err"
	rc=$?
}

# verdicts FILE: "id status severity" per check, sorted.
verdicts() {
	jq -r '.checks[] | "\(.id) \(.status) \(.severity)"' "$1" | sort
}

# ---- the undamaged run ----------------------------------------------------
audit "$top_srcdir/data" "$state/base.json"
asserts=$((asserts + 1))
nchecks=$(jq '.checks | length' "$state/base.json" 2>/dev/null)
[ "${nchecks:-0}" -ge 44 ] ||
    lab_fail "the undamaged audit gave no JSON of every check (exit $rc): $(head -c 300 "$state/base.json.err")"
verdicts "$state/base.json" >"$state/base.v"
asserts=$((asserts + 1))
# The mail checks talk to the MX hosts on port 25, which this test does
# not start (the mail lab does): they read no data file and may say error.
base_errors=$(awk '$2 == "error" && $1 != "email.starttls" && $1 != "email.dane"' "$state/base.v")
[ -z "$base_errors" ] || fail "the undamaged run has errors: $base_errors"

# same_verdict ID WANT GOT: the checks that time responses (perf.*, and
# mon.health's 1 s bound) measure this loaded machine: between two runs
# their verdict may move, never to or from error; every other check must
# match exactly.
same_verdict() {
	[ "$2" = "$3" ] && return 0
	case $1 in
	perf.*|mon.health)
		case "$2 $3" in
		*error*) return 1;;
		*) return 0;;
		esac;;
	esac
	return 1
}

# damage FILE KIND: copies data/ with FILE damaged (KIND syntax or type)
# into $state/d and prints the line number to expect (syntax), or nothing.
damage() {
	rm -rf "$state/d"
	cp -r "$top_srcdir/data" "$state/d"
	case $2 in
	syntax)
		# A line libconfig cannot parse, as line 4.
		sed -i '4i\damaged = ;' "$state/d/$1"
		echo 4;;
	type)
		perl -0pi -e "${retype[$1]}" "$state/d/$1"
		cmp -s "$top_srcdir/data/$1" "$state/d/$1" &&
		    fail "$1: the wrong-type edit changed nothing";;
	esac
}

known=0
for path in "$top_srcdir"/data/*; do
	file=$(basename "$path")
	asserts=$((asserts + 1))
	if [ -z "${readers[$file]:-}" ] || [ -z "${retype[$file]:-}" ]; then
		fail "data/$file is not in this test's table of readers"
		continue
	fi
	known=$((known + 1))
	for kind in syntax type; do
		current="$file ($kind)"
		line=$(damage "$file" "$kind")
		out=$state/$file.$kind.json
		audit "$state/d" "$out"
		# The file name with a line number; the exact line for syntax.
		if [ -n "$line" ]; then
			want="$file:$line:"
		else
			want="$file:[0-9]+:"
		fi
		if [ "$file" = checklist.cfg ]; then
			asserts=$((asserts + 2))
			[ "$rc" -eq 3 ] || fail "$current: exit $rc, want 3"
			grep -Eq "$want" "$out.err" ||
			    fail "$current: the message does not name $want: $(head -c 300 "$out.err")"
			continue
		fi
		asserts=$((asserts + 1))
		if ! jq -e --argjson n "$nchecks" '.checks | length == $n' "$out" >/dev/null 2>&1; then
			fail "$current: no JSON of $nchecks checks (exit $rc): $(head -c 300 "$out.err")"
			continue
		fi
		verdicts "$out" >"$state/got.v"
		while read -r id status severity; do
			asserts=$((asserts + 1))
			got=$(awk -v id="$id" '$1 == id { print $2 " " $3 }' "$state/got.v")
			if [[ " ${readers[$file]} " == *" $id "* ]]; then
				summary=$(jq -r --arg id "$id" '.checks[] | select(.id == $id) | .summary' "$out")
				[ "${got%% *}" = error ] ||
				    fail "$current: $id reads $file but reports '$got', want error"
				asserts=$((asserts + 1))
				grep -Eq "$want" <<<"$summary" ||
				    fail "$current: $id does not name $want: $summary"
			elif ! same_verdict "$id" "$status $severity" "$got"; then
				fail "$current: $id does not read $file but changed from '$status $severity' to '$got'"
			fi
		done <"$state/base.v"
	done
done
asserts=$((asserts + 1))
[ "$known" -ge 7 ] || fail "only $known data files were damaged"

echo "$asserts assertions, $failures failed"
[ "$failures" -eq 0 ]

#!/bin/sh
# cli-errors.sh: messages and exit codes for wrong command lines (issue 15
# item 10): each says what is wrong with the word the user typed, exit 2.
set -u
: "${LAUNCHREADY:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
# expect MESSAGE ARGS...: exit status 2 and MESSAGE on standard error.
expect() {
	want=$1; shift
	"$LAUNCHREADY" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ $rc -eq 2 ] && grep -qF -- "$want" "$tmp/err"; then
		ok "$* -> $want"
	else
		bad "$* -> want exit 2 and '$want', got $rc: $(cat "$tmp/err")"
	fi
}
export XDG_DATA_HOME=$tmp/data
expect "unknown option -a" audit -a.test
expect "unknown option --bogus" audit x.test --bogus
expect "give text, json, md or sarif" audit x.test --format xml
expect "give md, html or json" report x --format xml
expect "a directory; give a PEM file" audit x.test --cacert "$tmp"
expect "not a regular file; give a PEM file" audit x.test --cacert /dev/zero
expect "--cacert $tmp/none: no such file" audit x.test --cacert "$tmp/none"
printf 'x\n' >"$tmp/file"
expect "--repo $tmp/file: not a directory" audit x.test --repo "$tmp/file"
expect "--repo $tmp/none: no such directory" audit x.test --repo "$tmp/none"
if [ "$(id -u)" -ne 0 ]; then
	printf 'x\n' >"$tmp/secret.pem"
	chmod 000 "$tmp/secret.pem"
	expect "cannot be read" audit x.test --cacert "$tmp/secret.pem"
else
	echo "# running as root: an unreadable --cacert cannot be made"
fi
if [ "$fails" -ne 0 ]; then
	echo "$fails failed"
	exit 1
fi
exit 0

#!/bin/sh
# tests/tls-lab.sh: the tls.* checks against the TLS lab (tests/lab/tls):
# real NSD, real nginx, certificates from a test CA made now. Each case is
# its own domain; every verdict and the evidence a user acts on is asserted.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
LAUNCHREADY=${LAUNCHREADY:-$top_builddir/launchready}
export LAUNCHREADY_DATADIR=${LAUNCHREADY_DATADIR:-$top_srcdir/data}
. "$top_srcdir/tests/lab/lib.sh"

for tool in nginx nsd jq openssl python3; do
	command -v "$tool" >/dev/null 2>&1 || lab_skip "$tool is not installed"
done

state=$(mktemp -d "${TMPDIR:-/tmp}/tls-lab.XXXXXX")
trap '"$top_srcdir/tests/lab/tls/stop.sh" "$state"; rm -rf "$state"' EXIT
bash "$top_srcdir/tests/lab/tls/start.sh" "$state" >"$state/start.log" 2>&1 ||
    lab_fail "the TLS lab did not start: $(tail -5 "$state/start.log")"
. "$state/tls.env"

failures=0
checked=0

# audit NAME DOMAIN PORT [ARGS...]: runs the tls checks into NAME.json;
# sets rc and secs.
audit() {
	name=$1 domain=$2 port=$3
	shift 3
	t0=$(date +%s%N)
	"$LAUNCHREADY" audit "$domain" --resolver "127.0.0.1:$LAB_TLS_DNS_PORT" \
	    --port-map "443:$port" --only tls --format json --timeout 2 "$@" \
	    >"$state/$name.json" 2>"$state/$name.err"
	rc=$?
	t1=$(date +%s%N)
	secs=$(( (t1 - t0) / 1000000 ))
	jq -e . "$state/$name.json" >/dev/null 2>&1 ||
	    lab_fail "$name: no JSON (exit $rc): $(cat "$state/$name.err")"
}

bad() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect NAME ID STATUS SEVERITY
expect() {
	checked=$((checked + 1))
	got=$(jq -r --arg id "$2" '.checks[] | select(.id == $id) |
	    "\(.status) \(.severity)"' "$state/$1.json")
	[ "$got" = "$3 $4" ] ||
	    bad "$1: $2 is '$got', expected '$3 $4': $(jq -r --arg id "$2" \
	    '.checks[] | select(.id == $id) | .summary' "$state/$1.json")"
}

# shows NAME ID REGEX: the summary or an evidence line matches.
shows() {
	checked=$((checked + 1))
	jq -r --arg id "$2" '.checks[] | select(.id == $id) |
	    .summary, .evidence[]' "$state/$1.json" | grep -Eq -- "$3" ||
	    bad "$1: $2 does not show /$3/: $(jq -c --arg id "$2" \
	    '.checks[] | select(.id == $id) | [.summary, .evidence]' \
	    "$state/$1.json")"
}

# exits NAME CODE
exits() {
	checked=$((checked + 1))
	[ "$rc" = "$2" ] || bad "$1: exit status $rc, expected $2"
}

ca="--cacert $LAB_TLS_CA"

# clean.test: everything passes; the evidence is all there.
audit clean clean.test "$LAB_TLS_PORT" $ca
exits clean 0
for id in tls.certificate tls.expiry tls.protocols tls.renewal; do
	expect clean "$id" pass none
done
shows clean tls.certificate '^clean\.test: chain verification: ok$'
shows clean tls.certificate '^www\.clean\.test: name matches a SAN: yes$'
shows clean tls.certificate '^clean\.test: subject: CN=clean\.test$'
shows clean tls.certificate '^clean\.test: SANs: DNS:clean\.test, DNS:www\.clean\.test$'
shows clean tls.certificate "^clean\\.test: issuer: CN=Lab R3,O=Let's Encrypt \\(launchready lab\\)$"
shows clean tls.certificate '^clean\.test: valid from .* to .* \((89|90) days left\)$'
shows clean tls.certificate '^clean\.test: key: RSA 2048 bits$'
shows clean tls.certificate '^clean\.test: signature algorithm: sha256WithRSAEncryption$'
shows clean tls.certificate '^clean\.test: TLSv1\.3, .*; 2 certificate\(s\) sent$'
shows clean tls.expiry '^clean\.test: expires on .*: (89|90) days left'
shows clean tls.protocols '^clean\.test: TLS 1\.0 refused .*, TLS 1\.1 refused .*, TLS 1\.2 accepted, TLS 1\.3 accepted$'
shows clean tls.renewal "^clean\\.test: issuer Let's Encrypt \\(launchready lab\\) \\(Let's Encrypt\\): renewal automatic \\(ACME\\)$"

# The same without --cacert: the system store does not know the lab CA.
audit nocacert clean.test "$LAB_TLS_PORT"
expect nocacert tls.certificate fail critical
shows nocacert tls.certificate 'unable to get local issuer certificate'

# A damaged --cacert is an error, never a pass.
echo "not a certificate" >"$state/junk.pem"
audit junkca clean.test "$LAB_TLS_PORT" --cacert "$state/junk.pem"
expect junkca tls.certificate error none
shows junkca tls.certificate 'cacert .*junk\.pem: cannot load'

# A listed subdomain that does not resolve is reported, not passed over.
audit clean-sub clean.test "$LAB_TLS_PORT" $ca --subdomains nope
expect clean-sub tls.certificate pass none
shows clean-sub tls.certificate '^nope\.clean\.test: not checked: .*NXDOMAIN'

audit expired expired.test "$LAB_TLS_PORT" $ca
exits expired 1
expect expired tls.certificate fail critical
shows expired tls.certificate 'expired\.test: the certificate is not valid: certificate has expired'
expect expired tls.expiry fail critical
shows expired tls.expiry '^expired\.test: expired on .* \(2 days ago\)'
expect expired tls.protocols pass none

audit expiring expiring.test "$LAB_TLS_PORT" $ca
expect expiring tls.certificate pass none
expect expiring tls.expiry fail critical
shows expiring tls.expiry 'expiring\.test: the certificate expires in 4 days'

audit renew-late renew-late.test "$LAB_TLS_PORT" $ca
expect renew-late tls.certificate pass none
expect renew-late tls.expiry warn high
shows renew-late tls.expiry 'expires in 14 days \(automatic renewal is failing\)'

audit wrong-name wrong-name.test "$LAB_TLS_PORT" $ca
expect wrong-name tls.certificate fail critical
shows wrong-name tls.certificate 'hostname mismatch'
shows wrong-name tls.certificate '^wrong-name\.test: name matches a SAN: no$'
shows wrong-name tls.certificate '^wrong-name\.test: SANs: DNS:other\.test, DNS:www\.other\.test$'
expect wrong-name tls.expiry pass none

audit self-signed self-signed.test "$LAB_TLS_PORT" $ca
expect self-signed tls.certificate fail critical
shows self-signed tls.certificate 'self-signed certificate'
expect self-signed tls.renewal warn medium
shows self-signed tls.renewal '\(self-signed\): renewal manual'

audit manual-ca manual-ca.test "$LAB_TLS_PORT" $ca
expect manual-ca tls.certificate pass none
expect manual-ca tls.renewal warn medium
shows manual-ca tls.renewal '^manual-ca\.test: issuer launchready lab: renewal manual: the handover must say who renews it'

audit tls10 tls10.test "$LAB_TLS_LEGACY_PORT" $ca
expect tls10 tls.protocols warn medium
shows tls10 tls.protocols '^tls10\.test: TLS 1\.0 accepted, TLS 1\.1 accepted, TLS 1\.2 accepted, TLS 1\.3 refused'
shows tls10 tls.protocols 'tls10\.test still accepts TLS 1\.0 and 1\.1'
expect tls10 tls.certificate pass none

audit legacy-only legacy-only.test "$LAB_TLS_OLD_PORT" $ca
expect legacy-only tls.protocols fail critical
shows legacy-only tls.protocols 'accepts neither TLS 1\.2 nor TLS 1\.3'
shows legacy-only tls.protocols '^legacy-only\.test: TLS 1\.0 accepted, TLS 1\.1 accepted, TLS 1\.2 refused .*, TLS 1\.3 refused'
expect legacy-only tls.certificate pass none

# A port that accepts and never answers: error with the reason, in about
# --timeout (2 s), with one set of handshakes shared by the four checks.
i=0
while [ ! -s "$state/silent.count" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
before=$(cat "$state/silent.count" 2>/dev/null || echo 0)
audit silent silent.test "$LAB_TLS_SILENT_PORT" $ca
exits silent 4
for id in tls.certificate tls.expiry tls.protocols tls.renewal; do
	expect silent "$id" error none
	shows silent "$id" "silent\\.test: port $LAB_TLS_SILENT_PORT accepted the connection but gave no TLS answer within 2 s"
done
checked=$((checked + 1))
[ "$secs" -lt 5000 ] || bad "silent: the audit took $secs ms (timeout 2 s)"
sleep 0.3
after=$(cat "$state/silent.count")
checked=$((checked + 1))
[ $((after - before)) -eq 8 ] ||
    bad "silent: $((after - before)) connections for 2 hosts, expected 8 (4 versions, shared by the 4 checks)"

audit closed closed.test "$LAB_TLS_CLOSED_PORT" $ca
for id in tls.certificate tls.expiry tls.protocols tls.renewal; do
	expect closed "$id" error none
done
shows closed tls.certificate "closed\\.test: could not be checked on port $LAB_TLS_CLOSED_PORT: port $LAB_TLS_CLOSED_PORT: Connection refused"

audit nxdomain no-such-name.test "$LAB_TLS_PORT" $ca
expect nxdomain tls.certificate error none
shows nxdomain tls.certificate 'no host resolves'
shows nxdomain tls.certificate '^www\.no-such-name\.test: not checked: '

# tls_peek_issuer(), what dns.caa calls, sharing the probe with the checks.
peek="$top_builddir/tests/test-tls-peek"
out=$("$peek" clean.test "127.0.0.1:$LAB_TLS_DNS_PORT" "443:$LAB_TLS_PORT" "$LAB_TLS_CA" 2)
checked=$((checked + 1))
echo "$out" | grep -qx "issuer: Let's Encrypt (launchready lab)" || bad "peek: $out"
checked=$((checked + 1))
[ "$(echo "$out" | grep -c '^check tls\.[a-z]* pass$')" -eq 4 ] || bad "peek checks: $out"
out=$("$peek" silent.test "127.0.0.1:$LAB_TLS_DNS_PORT" "443:$LAB_TLS_SILENT_PORT" "$LAB_TLS_CA" 1)
checked=$((checked + 1))
echo "$out" | grep -q '^error: port .* gave no TLS answer within 1 s$' || bad "peek silent: $out"

# Freeing the audit with handshakes in flight: no crash, nothing left.
out=$("$peek" silent.test "127.0.0.1:$LAB_TLS_DNS_PORT" "443:$LAB_TLS_SILENT_PORT" "$LAB_TLS_CA" 5 cancel)
checked=$((checked + 1))
[ "$out" = "cancelled with 4 checks running" ] || bad "peek cancel: $out"

echo "tls-lab: $checked assertions, $failures failed"
[ "$failures" -eq 0 ]

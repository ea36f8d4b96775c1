#!/bin/sh
# tests/mail-lab.sh: the mail-server checks (email.starttls) against the
# mail lab (tests/lab/mail): a real Postfix with and without STARTTLS and
# with a certificate for another name, and hostile listeners (silent, a
# 1 MB greeting, a greeting without end, plain text for a handshake).
# Every verdict and the evidence a user acts on is asserted.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
LAUNCHREADY=${LAUNCHREADY:-$top_builddir/launchready}
export LAUNCHREADY_DATADIR=${LAUNCHREADY_DATADIR:-$top_srcdir/data}
. "$top_srcdir/tests/lab/lib.sh"

for tool in postfix nsd unbound ldns-signzone ldns-keygen jq openssl python3; do
	command -v "$tool" >/dev/null 2>&1 || lab_skip "$tool is not installed"
done
[ "$(id -u)" -eq 0 ] || lab_skip "the lab's Postfix needs root"

state=$(mktemp -d "${TMPDIR:-/tmp}/mail-lab.XXXXXX")
trap '"$top_srcdir/tests/lab/mail/stop.sh" "$state"; rm -rf "$state"' EXIT
bash "$top_srcdir/tests/lab/mail/start.sh" "$state" >"$state/start.log" 2>&1 ||
    lab_fail "the mail lab did not start: $(tail -5 "$state/start.log")"
. "$state/mail.env"

failures=0
checked=0

# audit NAME DOMAIN PORT [ARGS...]: runs the mail checks into NAME.json
# (through NSD, or Unbound when $resolver says so); sets rc and ms.
resolver=$LAB_MAIL_DNS_PORT
audit() {
	name=$1 domain=$2 port=$3
	shift 3
	t0=$(date +%s%N)
	"$LAUNCHREADY" audit "$domain" --resolver "127.0.0.1:$resolver" \
	    --port-map "25:$port" --only email.starttls,email.dane \
	    --format json --timeout 2 "$@" >"$state/$name.json" 2>"$state/$name.err"
	rc=$?
	t1=$(date +%s%N)
	ms=$(( (t1 - t0) / 1000000 ))
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

# fixes NAME ID REGEX: the fix text matches.
fixes() {
	checked=$((checked + 1))
	jq -r --arg id "$2" '.checks[] | select(.id == $id) | .fix' \
	    "$state/$1.json" | grep -Eq -- "$3" ||
	    bad "$1: $2's fix does not say /$3/"
}

exits() {
	checked=$((checked + 1))
	[ "$rc" = "$2" ] || bad "$1: exit status $rc, expected $2"
}

# within NAME MS: the audit ended in under MS milliseconds.
within() {
	checked=$((checked + 1))
	[ "$ms" -lt "$2" ] || bad "$1: the audit took $ms ms, bound $2 ms"
}

ca="--cacert $LAB_MAIL_CA"

# The hostile listeners count connections (the lab's own probe included).
for k in silent flood talk badtls; do
	eval "before_$k=$(cat "$state/$k.count" 2>/dev/null || echo 0)"
done

# A clean Postfix: STARTTLS, TLS 1.3, a certificate for the MX host.
audit ok mail-ok.test "$LAB_MAIL_OK_PORT" $ca
exits ok 0
expect ok email.starttls pass none
shows ok email.starttls '^MX 10 mx\.mail-ok\.test$'
shows ok email.starttls "^mx\\.mail-ok\\.test: connected to 127\\.0\\.0\\.1 port $LAB_MAIL_OK_PORT$"
shows ok email.starttls '^mx\.mail-ok\.test: greeting: 220 mx\.mail-ok\.test ESMTP launchready lab$'
shows ok email.starttls '^mx\.mail-ok\.test: EHLO offers: .*STARTTLS'
shows ok email.starttls '^mx\.mail-ok\.test: TLSv1\.3, TLS_[A-Z0-9_]+; 2 certificate\(s\) sent$'
shows ok email.starttls '^mx\.mail-ok\.test: SANs: DNS:mx\.mail-ok\.test, DNS:mx\.clean\.test, DNS:\*\.dane\.test$'
# No TLSA records: DANE is not in use, said as information.
expect ok email.dane pass none
shows ok email.dane '^_25\._tcp\.mx\.mail-ok\.test: no TLSA records'
shows ok email.starttls '^mx\.mail-ok\.test: valid until .* \((89|90) days left\)$'
shows ok email.starttls '^mx\.mail-ok\.test: certificate verification: ok$'

# The same server without --cacert: the lab CA is unknown, so the chain
# does not verify: a warning, not a failure (senders still deliver).
audit noca mail-ok.test "$LAB_MAIL_OK_PORT"
expect noca email.starttls warn medium
shows noca email.starttls 'certificate does not verify: self-signed certificate in certificate chain'
fixes noca email.starttls 'public CA'

# Postfix with a certificate for other.test.
audit wrong wrongname.test "$LAB_MAIL_WRONG_PORT" $ca
exits wrong 0
expect wrong email.starttls warn medium
shows wrong email.starttls '^mx\.wrongname\.test offers STARTTLS but its certificate does not verify: the certificate is not for mx\.wrongname\.test$'
shows wrong email.starttls '^mx\.wrongname\.test: SANs: DNS:other\.test$'

# Postfix without STARTTLS.
audit plain plain.test "$LAB_MAIL_PLAIN_PORT" $ca
exits plain 1
expect plain email.starttls fail high
shows plain email.starttls '^mx\.plain\.test does not offer STARTTLS: mail to it crosses the internet in plain text$'
shows plain email.starttls '^mx\.plain\.test: EHLO offers: PIPELINING'
fixes plain email.starttls 'smtpd_tls_security_level'

# STARTTLS offered, then plain text where the handshake should be.
audit badtls badtls.test "$LAB_MAIL_BADTLS_PORT" $ca
expect badtls email.starttls fail high
shows badtls email.starttls '^mx\.badtls\.test: STARTTLS fails, .*: the handshake failed: '

# Hostile and dead servers: errors with the reason, each within the bound
# (--timeout 2: greeting 2 s), with one connection each.
audit silent silent-mx.test "$LAB_MAIL_SILENT_PORT" $ca
exits silent 4
expect silent email.starttls error none
shows silent email.starttls "port $LAB_MAIL_SILENT_PORT accepted the connection but sent no greeting within 2 s"
within silent 4500

audit flood flood.test "$LAB_MAIL_FLOOD_PORT" $ca
expect flood email.starttls error none
shows flood email.starttls 'the server sent a line of more than 1000 bytes; stopped reading'
within flood 2000

audit talk talk.test "$LAB_MAIL_TALK_PORT" $ca
expect talk email.starttls error none
shows talk email.starttls 'the server sent more than 100 lines in one reply; stopped reading'
within talk 2000

sleep 0.3
for k in silent flood talk badtls; do
	checked=$((checked + 1))
	eval "before=\$before_$k"
	after=$(cat "$state/$k.count" 2>/dev/null || echo 0)
	[ $((after - before)) -eq 1 ] ||
	    bad "$k: $((after - before)) connections, expected 1"
done

audit closed closed-mx.test "$LAB_MAIL_CLOSED_PORT" $ca
expect closed email.starttls error none
shows closed email.starttls "^mx\\.closed-mx\\.test could not be checked: port $LAB_MAIL_CLOSED_PORT: Connection refused$"

# Not applicable: no MX, a null MX, or no email at all.
audit nomx nomx.test "$LAB_MAIL_OK_PORT" $ca
expect nomx email.starttls skipped none
shows nomx email.starttls 'no MX record'
audit nullmx nullmx.test "$LAB_MAIL_OK_PORT" $ca
expect nullmx email.starttls skipped none
shows nullmx email.starttls 'null MX'
audit noemail mail-ok.test "$LAB_MAIL_OK_PORT" $ca --email no
expect noemail email.starttls skipped none

# ---- email.dane, through a validating Unbound in front of NSD ----------
resolver=$LAB_MAIL_RESOLVER_PORT
# Signed zone, TLSA 3 1 1 of the server's public key.
audit dane-ok ok.dane.test "$LAB_MAIL_OK_PORT" $ca
expect dane-ok email.dane pass none
shows dane-ok email.dane '^_25\._tcp\.mx-ok\.dane\.test: DNSSEC: validated \(the resolver set the AD bit\)$'
shows dane-ok email.dane '^_25\._tcp\.mx-ok\.dane\.test TLSA 3 1 1 [0-9a-f]{32}\.\.\. \(DANE-EE\): matches the leaf.s public key$'
expect dane-ok email.starttls pass none
# TLSA 2 0 1 of the CA the server sends along.
audit dane-ta ta.dane.test "$LAB_MAIL_OK_PORT" $ca
expect dane-ta email.dane pass none
shows dane-ta email.dane '\(DANE-TA\): matches a CA certificate the server sends$'
# A record for another key: DANE senders would not deliver.
audit dane-bad bad.dane.test "$LAB_MAIL_OK_PORT" $ca
exits dane-bad 1
expect dane-bad email.dane fail high
shows dane-bad email.dane '^the TLSA records of mx-bad\.dane\.test do not match the certificate it presents'
shows dane-bad email.dane '\(DANE-EE\): does not match the leaf.s public key$'
fixes dane-bad email.dane 'sha256sum'
# TLSA published, but the server offers no STARTTLS.
audit dane-plain ok.dane.test "$LAB_MAIL_PLAIN_PORT" $ca
expect dane-plain email.dane fail high
shows dane-plain email.dane 'publishes TLSA records but offers no working STARTTLS'
expect dane-plain email.starttls fail high
# No TLSA in a signed zone.
audit dane-none none.dane.test "$LAB_MAIL_OK_PORT" $ca
expect dane-none email.dane pass none
shows dane-none email.dane 'DANE is not used'
# The same records in an unsigned zone: a warning, matching or not.
audit insecure ok.insecure-dane.test "$LAB_MAIL_OK_PORT" $ca
expect insecure email.dane warn medium
shows insecure email.dane 'DNSSEC: not validated \(the resolver did not set the AD bit\)$'
shows insecure email.dane 'has TLSA records without DNSSEC'
audit insecure-bad bad.insecure-dane.test "$LAB_MAIL_OK_PORT" $ca
expect insecure-bad email.dane warn medium
# A signed TLSA record changed after signing: the resolver refuses it.
audit bogus ok.bogus-dane.test "$LAB_MAIL_OK_PORT" $ca
expect bogus email.dane error none
shows bogus email.dane 'SERVFAIL'
# Straight at NSD (it does not validate): the same signed records come
# without the AD bit, so they count as unsigned.
resolver=$LAB_MAIL_DNS_PORT
audit nsd-ad ok.dane.test "$LAB_MAIL_OK_PORT" $ca
expect nsd-ad email.dane warn medium

# The two checks share one conversation per MX host.
before=$(cat "$state/badtls.count")
audit shared badtls.test "$LAB_MAIL_BADTLS_PORT" $ca
expect shared email.starttls fail high
expect shared email.dane pass none
checked=$((checked + 1))
[ $(( $(cat "$state/badtls.count") - before )) -eq 1 ] ||
    bad "shared: $(( $(cat "$state/badtls.count") - before )) connections for two checks, expected 1"

# A name that does not exist: the MX lookup says so; nothing to talk to.
audit nxdomain no-such-domain.test "$LAB_MAIL_OK_PORT" $ca
expect nxdomain email.starttls error none

echo "mail-lab: $checked assertions, $failures failed"
[ "$failures" -eq 0 ]

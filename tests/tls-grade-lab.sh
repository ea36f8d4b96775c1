#!/bin/sh
# tests/tls-grade-lab.sh: tls.ciphers and tls.grade against the cipher lab
# (tests/lab/tlsgrade): real NSD, real nginx with weak, medium, strong and
# insecure suite setups, certificates from a test CA made now, and a proxy
# that stalls mid-handshake. Asserts the suites accepted per version, their
# order, forward secrecy, weak classes, stapling, the chain, the grade, its
# score and every cap with its reason, and that the stall ends in time.
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

state=$(mktemp -d "${TMPDIR:-/tmp}/tls-grade-lab.XXXXXX")
trap '"$top_srcdir/tests/lab/tlsgrade/stop.sh" "$state"; rm -rf "$state"' EXIT
bash "$top_srcdir/tests/lab/tlsgrade/start.sh" "$state" >"$state/start.log" 2>&1 ||
    lab_fail "the cipher lab did not start: $(tail -5 "$state/start.log")"
. "$state/tlsgrade.env"

failures=0
checked=0

# audit NAME PORT: tls.ciphers and tls.grade of NAME.test into NAME.json;
# sets rc and ms.
audit() {
	t0=$(date +%s%N)
	"$LAUNCHREADY" audit "$1.test" --resolver "127.0.0.1:$LAB_TG_DNS_PORT" \
	    --port-map "443:$2" --cacert "$LAB_TG_CA" --only tls.ciphers,tls.grade \
	    --format json --timeout 2 >"$state/$1.json" 2>"$state/$1.err"
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	jq -e . "$state/$1.json" >/dev/null 2>&1 ||
	    lab_fail "$1: no JSON (exit $rc): $(cat "$state/$1.err")"
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

# lacks NAME ID REGEX: no evidence line matches.
lacks() {
	checked=$((checked + 1))
	! jq -r --arg id "$2" '.checks[] | select(.id == $id) |
	    .summary, .evidence[]' "$state/$1.json" | grep -Eq -- "$3" ||
	    bad "$1: $2 shows /$3/"
}

# suites NAME VERSION "A, B, C": the suites listed for the apex at that
# version, in the order found.
suites() {
	checked=$((checked + 1))
	got=$(jq -r '.checks[] | select(.id == "tls.ciphers") | .evidence[]' \
	    "$state/$1.json" | grep "^$1\\.test: TLS $2 suites" |
	    sed 's/^[^:]*: TLS [0-9.]* suites ([^)]*): //' | paste -sd, - |
	    sed 's/,\([^ ]\)/, \1/g')
	[ "$got" = "$3" ] || bad "$1: TLS $2 suites are '$got', expected '$3'"
}

# strong.test: TLS 1.3 + 1.2, ECDHE AEAD only, the server's order.
audit strong "$LAB_TG_STRONG_PORT"
expect strong tls.ciphers pass none
expect strong tls.grade pass none
suites strong 1.3 "TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_GCM_SHA256"
suites strong 1.2 "ECDHE-RSA-AES256-GCM-SHA384, ECDHE-RSA-AES128-GCM-SHA256, ECDHE-RSA-CHACHA20-POLY1305"
shows strong tls.ciphers '^strong\.test: TLS 1\.2 suites \(the server.s order\): '
shows strong tls.ciphers '^strong\.test: TLS 1\.1: not accepted$'
shows strong tls.ciphers '^strong\.test: TLS 1\.0: not accepted$'
shows strong tls.ciphers '^strong\.test: TLS 1\.3 key exchange ECDHE X25519: 3 suite\(s\)$'
shows strong tls.ciphers '^strong\.test: forward secrecy: all 6 suite\(s\)$'
shows strong tls.ciphers '^strong\.test: OCSP stapling: yes \(successful, good\)$'
shows strong tls.ciphers '^strong\.test: key RSA 2048 bits, signature sha256WithRSAEncryption$'
shows strong tls.ciphers '^strong\.test: chain: 1 certificate\(s\), in order, complete$'
# The fewest handshakes: per version one per suite, one refused, one for
# the order (3 + 1 + 1, twice).
shows strong tls.ciphers '^strong\.test: 10 handshakes in [0-9]+ ms$'
shows strong tls.ciphers 'not testable here: this OpenSSL cannot offer RC4, 3DES, export suites'
lacks strong tls.ciphers 'weak:'
shows strong tls.grade '^strong\.test: grade A$'
shows strong tls.grade '^strong\.test: score 93 \(protocol 100, key exchange 90, cipher strength 90\): A$'
shows strong tls.grade '^strong\.test: no cap applies$'
shows strong tls.grade '^www\.strong\.test: grade A$'
shows strong tls.ciphers '^www\.strong\.test: the same server as strong\.test \(address, port and certificate\): one scan for both$'
shows strong tls.grade '^grade A on every host \(2\)$'

# medium.test: TLS 1.2 only, plain RSA key exchange beside (EC)DHE, a
# 1024-bit DH group, the client's order, the chain out of order.
audit medium "$LAB_TG_MEDIUM_PORT"
expect medium tls.ciphers warn medium
shows medium tls.ciphers '^medium\.test accepts 3 suite\(s\) without forward secrecy$'
suites medium 1.2 "ECDHE-RSA-AES128-GCM-SHA256, DHE-RSA-AES128-GCM-SHA256, AES128-GCM-SHA256, AES256-SHA256, AES128-SHA"
shows medium tls.ciphers '^medium\.test: TLS 1\.2 suites \(the client.s order: the server has no preference\)'
shows medium tls.ciphers '^medium\.test: TLS 1\.3: not accepted$'
shows medium tls.ciphers '^medium\.test: TLS 1\.2 key exchange DHE 1024 bits: 1 suite\(s\)$'
shows medium tls.ciphers '^medium\.test: TLS 1\.2 key exchange RSA: 3 suite\(s\)$'
shows medium tls.ciphers '^medium\.test: forward secrecy: not with AES128-GCM-SHA256, AES256-SHA256, AES128-SHA$'
shows medium tls.ciphers '^medium\.test: smallest DH group: 1024 bits$'
shows medium tls.ciphers '^medium\.test: OCSP stapling: no$'
shows medium tls.ciphers '^medium\.test: chain: 3 certificate\(s\), out of order, complete, the root is sent too$'
shows medium tls.ciphers '^medium\.test: chain #2 .*CN=Lab Intermediate, issued by '
expect medium tls.grade warn medium
shows medium tls.grade '^medium\.test: grade B; capped at B: DH parameters of 1024 bits \(under 2048\)$'
shows medium tls.grade '^medium\.test: score 90 \(protocol 100, key exchange 80, cipher strength 90\): A$'
shows medium tls.grade '^medium\.test: capped at B: DH parameters of 1024 bits \(under 2048\)$'

# weak.test: TLS 1.0/1.1 only, CBC only, RSA 1024, DH 1024.
audit weak "$LAB_TG_WEAK_PORT"
expect weak tls.ciphers warn medium
suites weak 1.1 "AES128-SHA, AES256-SHA, DHE-RSA-AES128-SHA"
suites weak 1.0 "AES128-SHA, AES256-SHA, DHE-RSA-AES128-SHA"
shows weak tls.ciphers '^weak\.test: TLS 1\.2: not accepted$'
shows weak tls.ciphers '^weak\.test: weak: TLS 1\.0 with CBC suites only \(BEAST\)$'
shows weak tls.ciphers '^weak\.test: key RSA 1024 bits, signature sha256WithRSAEncryption$'
expect weak tls.grade fail high
shows weak tls.grade '^weak\.test: grade C; capped at C: TLS 1\.2 not accepted$'
shows weak tls.grade '^weak\.test: score 87 \(protocol 92, key exchange 80, cipher strength 90\): A$'
for cap in 'C: TLS 1\.2 not accepted' 'B: TLS 1\.0 accepted' \
    'B: certificate key of 1024 bits \(under 2048\)' \
    'B: DH parameters of 1024 bits \(under 2048\)' \
    'B: no AEAD suite \(GCM, CCM, ChaCha20-Poly1305\)'; do
	shows weak tls.grade "^weak\\.test: capped at $cap\$"
done

# insecure.test: anonymous and NULL suites.
audit insecure "$LAB_TG_INSECURE_PORT"
expect insecure tls.ciphers fail high
suites insecure 1.2 "ECDHE-RSA-AES128-GCM-SHA256, AECDH-AES128-SHA, NULL-SHA256, NULL-SHA"
shows insecure tls.ciphers '^insecure\.test: weak: NULL: NULL-SHA256, NULL-SHA$'
shows insecure tls.ciphers '^insecure\.test: weak: anonymous: AECDH-AES128-SHA$'
expect insecure tls.grade fail high
shows insecure tls.grade '^insecure\.test: grade F$'
shows insecure tls.grade '^insecure\.test: score 0 \(protocol 100, key exchange 0, cipher strength 40\): F$'
shows insecure tls.grade '^insecure\.test: capped at F: anonymous suites accepted'
shows insecure tls.grade '^insecure\.test: capped at F: NULL suites accepted \(no encryption\)$'

# Without --cacert the lab CA is unknown: the guide's T, with the grade
# the server would have otherwise.
t0=$(date +%s%N)
"$LAUNCHREADY" audit strong.test --resolver "127.0.0.1:$LAB_TG_DNS_PORT" \
    --port-map "443:$LAB_TG_STRONG_PORT" --only tls.grade --format json \
    --timeout 2 >"$state/untrusted.json" 2>/dev/null
expect untrusted tls.grade fail high
shows untrusted tls.grade '^strong\.test: grade T$'
shows untrusted tls.grade '^strong\.test: grade if the certificate were trusted: A$'
shows untrusted tls.grade '^strong\.test: capped at T: the certificate is not trusted \(unable to get local issuer certificate'

# stall.test: the proxy stalls every handshake that asks for stapling
# (tlsscan's first TLS 1.3 one) after 40 bytes of the server's answer. TLS
# 1.2 is still enumerated; the checks say error with the reason, within
# about twice --timeout (2 s).
audit stall "$LAB_TG_STALL_PORT"
expect stall tls.ciphers error none
expect stall tls.grade error none
shows stall tls.ciphers "^stall\\.test: TLS 1\\.3: not enumerated: port $LAB_TG_STALL_PORT accepted the connection but gave no TLS answer within 2 s"
suites stall 1.2 "ECDHE-RSA-AES256-GCM-SHA384, ECDHE-RSA-AES128-GCM-SHA256, ECDHE-RSA-CHACHA20-POLY1305"
shows stall tls.grade '^stall\.test: not rated: TLS 1\.3 not enumerated: '
checked=$((checked + 1))
[ "$ms" -lt 6000 ] || bad "stall: the audit took $ms ms (timeout 2 s)"
checked=$((checked + 1))
[ "$(cat "$state/stall.count" 2>/dev/null || echo 0)" -eq 1 ] ||
    bad "stall: the proxy stalled $(cat "$state/stall.count" 2>/dev/null) connections, expected one (apex and www share the scan)"

# Freeing the audit with the scan's stalled handshake in flight.
peek="$top_builddir/tests/test-tls-peek"
out=$("$peek" stall.test "127.0.0.1:$LAB_TG_DNS_PORT" "443:$LAB_TG_STALL_PORT" "$LAB_TG_CA" 3 deep cancel)
checked=$((checked + 1))
[ "$(echo "$out" | tail -1)" = "cancelled with 2 checks running" ] ||
    bad "deep cancel: $out"
out=$("$peek" strong.test "127.0.0.1:$LAB_TG_DNS_PORT" "443:$LAB_TG_STRONG_PORT" "$LAB_TG_CA" 2 deep)
checked=$((checked + 1))
[ "$(echo "$out" | grep -c '^check tls\.[a-z]* pass$')" -eq 5 ] || bad "deep checks: $out"

echo "tls-grade-lab: $checked assertions, $failures failed"
[ "$failures" -eq 0 ]

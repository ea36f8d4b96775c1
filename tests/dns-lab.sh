#!/bin/bash
# dns-lab.sh: every dns.* and email.* verdict against the lab's real DNS
# server (NSD on loopback, zones in tests/lab/dns/start.sh), through
# `launchready audit CASE --resolver 127.0.0.1:PORT --only dns,email`.
. "$top_srcdir/tests/lab/lib.sh"
command -v nsd >/dev/null || lab_skip "nsd is not installed"
command -v jq >/dev/null || lab_skip "jq is not installed"
command -v python3 >/dev/null || lab_skip "python3 is not installed"

state=$(mktemp -d)
trap 'bash "$top_srcdir/tests/lab/dns/stop.sh" "$state"; lab_stop_all; rm -rf "$state"' EXIT
bash "$top_srcdir/tests/lab/dns/start.sh" "$state" || lab_fail "the DNS lab did not start"
. "$state/dns.env"

# HTTPS for the cross-checks with other engines: the certificate's issuer
# (dns.caa, through tls_peek_issuer) and the MTA-STS policy (web_fetch).
lab_ca "$state"
lab_cert "$state" site "DNS:brightcart.test,DNS:mta-sts.brightcart.test,DNS:caa-forbid.test"
https_port=$(lab_free_port)
mkdir -p "$state/www/.well-known"
printf 'version: STSv1\nmode: enforce\nmx: mx1.mailhost.test\nmx: mx2.mailhost.test\nmax_age: 86400\n' \
    >"$state/www/.well-known/mta-sts.txt"
lab_cert "$state" gap "DNS:mta-sts.mtasts-gap.test"
mkdir -p "$state/gap/.well-known"
printf 'version: STSv1\nmode: enforce\nmx: mx1.mailhost.test\nmax_age: 86400\n' \
    >"$state/gap/.well-known/mta-sts.txt"
cat >"$state/site.conf" <<CONF
server {
	listen 127.0.0.1:$https_port ssl default_server;
	server_name _;
	ssl_certificate $state/ca/site.pem;
	ssl_certificate_key $state/ca/site.key;
	root $state/www;
}
server {
	listen 127.0.0.1:$https_port ssl;
	server_name mta-sts.mtasts-gap.test;
	ssl_certificate $state/ca/gap.pem;
	ssl_certificate_key $state/ca/gap.key;
	root $state/gap;
}
CONF
lab_nginx_start "$state" "$state/site.conf"
https=(--port-map "443:$https_port" --cacert "$LAB_CA")

failures=0
checks=0
bad() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# audit DOMAIN [OPTIONS...]: runs the audit into $state/DOMAIN.json.
audit() {
	d=$1; shift
	"$LAUNCHREADY" audit "$d" --resolver "127.0.0.1:$LAB_DNS_PORT" \
	    --only dns,email --format json --timeout 3 "$@" >"$state/$d.json"
	rc=$?
	[ $rc -le 1 ] || [ $rc -eq 4 ] || bad "$d: audit exited $rc"
	jq -e . "$state/$d.json" >/dev/null || bad "$d: output is not JSON"
}

# verdict DOMAIN ID STATUS [SEVERITY]
verdict() {
	checks=$((checks + 1))
	got=$(jq -r --arg id "$2" '.checks[] | select(.id == $id) | "\(.status) \(.severity)"' "$state/$1.json")
	want="$3${4:+ $4}"
	case "$got" in
	"$want"|"$want "*) ;;
	*) bad "$1 $2: got '$got', want '$want' ($(jq -r --arg id "$2" '.checks[] | select(.id == $id) | .summary' "$state/$1.json"))" ;;
	esac
}

# evidence DOMAIN ID TEXT: some evidence line contains TEXT.
evidence() {
	checks=$((checks + 1))
	jq -e --arg id "$2" --arg s "$3" '.checks[] | select(.id == $id) | .evidence | any(contains($s))' \
	    "$state/$1.json" >/dev/null || bad "$1 $2: no evidence line with '$3': $(jq -c --arg id "$2" '.checks[] | select(.id == $id) | .evidence' "$state/$1.json")"
}

# summary DOMAIN ID TEXT: the summary contains TEXT.
summary() {
	checks=$((checks + 1))
	jq -e --arg id "$2" --arg s "$3" '.checks[] | select(.id == $id) | .summary | contains($s)' \
	    "$state/$1.json" >/dev/null || bad "$1 $2: summary lacks '$3': $(jq -r --arg id "$2" '.checks[] | select(.id == $id) | .summary' "$state/$1.json")"
}

# The clean client: every decided check passes.
audit clean.test --subdomains app,api --dkim-selectors lr1 --email yes
for id in dns.apex dns.www dns.subdomains dns.ns dns.dangling dns.ttl email.mx email.spf email.dkim email.dmarc; do
	verdict clean.test $id pass none
done
verdict clean.test dns.caa pass none
verdict clean.test dns.dnssec pass none
verdict clean.test email.tls-rpt pass none
verdict clean.test email.mta-sts pass none
verdict clean.test email.spf-eval skipped none
evidence clean.test dns.apex "apex A 127.0.0.1 (TTL 300)"
evidence clean.test dns.ns "ns1.lab-dns.test (127.0.0.1) answers: SOA serial 2026112401"
evidence clean.test dns.ns "DNS provider: launchready lab DNS"
evidence clean.test email.dkim "selector lr1: RSA 2048 bits"
evidence clean.test email.dmarc "outside report address authorised by clean.test._report._dmarc.dmarc-vendor.test"
summary clean.test email.spf "2 of 10 DNS lookups, ends in -all"

# SPF evaluation for a given sender.
audit clean.test --sender-ip 192.0.2.9
verdict clean.test email.spf-eval pass none
evidence clean.test email.spf-eval "_spf.mailer.test: ip4:192.0.2.0/24 matched"
audit clean.test --sender-ip 203.0.113.50
verdict clean.test email.spf-eval fail high
summary clean.test email.spf-eval "= fail"

# The demo client: the believable half-broken launch.
audit brightcart.test --subdomains app,api,admin,staging,docs "${https[@]}"
verdict brightcart.test dns.apex pass none
verdict brightcart.test dns.www pass none
verdict brightcart.test dns.subdomains fail high
summary brightcart.test dns.subdomains "staging.brightcart.test"
verdict brightcart.test dns.dangling fail critical
evidence brightcart.test dns.dangling "staging.brightcart.test CNAME brightcart-staging.herokuapp.test (TTL 300)"
evidence brightcart.test dns.dangling "which does not exist (NXDOMAIN)"
evidence brightcart.test dns.dangling "docs.brightcart.test: ends at brightcart.docshost.test, which resolves"
verdict brightcart.test dns.ttl pass none
verdict brightcart.test email.mx pass none
verdict brightcart.test email.spf pass none
evidence brightcart.test email.spf "DNS-querying terms in the whole tree: 9 of 10"
evidence brightcart.test email.spf "include:_ext.mailer.test → _ext.mailer.test"
verdict brightcart.test email.dkim warn medium
evidence brightcart.test email.dkim "selector s1: RSA 1024 bits"
verdict brightcart.test email.dmarc warn high
evidence brightcart.test email.dmarc "no rua= address"
evidence brightcart.test email.mta-sts '_mta-sts.brightcart.test TXT "v=STSv1; id=20261101T000000"'
# Without a web engine the policy cannot be fetched: error, saying so; with
# one, the lab serves an enforce policy.
if jq -e '.checks[] | select(.id == "email.mta-sts") | .summary | contains("could not be fetched")' "$state/brightcart.test.json" >/dev/null; then
	verdict brightcart.test email.mta-sts error none
else
	verdict brightcart.test email.mta-sts pass none
	evidence brightcart.test email.mta-sts "policy: version=STSv1 mode=enforce"
	summary brightcart.test email.mta-sts "every MX host listed"
	audit mtasts-gap.test "${https[@]}"
	verdict mtasts-gap.test email.mta-sts warn medium
	summary mtasts-gap.test email.mta-sts "does not list the MX host mx2.mailhost.test"
fi

# DNS failures.
audit dangling.test
verdict dangling.test dns.dangling fail critical
evidence dangling.test dns.dangling "www.dangling.test: ends at gone-app.herokuapp.test, which does not exist (NXDOMAIN)"
verdict dangling.test dns.www fail high
audit dangling-nodata.test
verdict dangling-nodata.test dns.dangling fail critical
evidence dangling-nodata.test dns.dangling "www.dangling-nodata.test: ends at target.dangling-nodata.test, which exists but has no address"
verdict dangling-nodata.test dns.www fail high
audit cname-loop.test
verdict cname-loop.test dns.www fail high
summary cname-loop.test dns.www "loops"
verdict cname-loop.test dns.dangling fail critical
evidence cname-loop.test dns.dangling "loop2.cname-loop.test CNAME www.cname-loop.test (TTL 300)"
audit cname-long.test --subdomains ten
verdict cname-long.test dns.www fail high
summary cname-long.test dns.www "longer than 10 hops"
evidence cname-long.test dns.subdomains "ten.cname-long.test"
# The web and TLS engines' lookups (resolver_addresses) say a loop, or a
# chain over 10 hops, is one: the chain of 10 hops is followed.
for d in cname-loop.test cname-long.test; do
	"$LAUNCHREADY" audit "$d" --subdomains ten --resolver "127.0.0.1:$LAB_DNS_PORT" \
	    --only tls.certificate,http.canonical --format json --timeout 2 \
	    --port-map "443:$(lab_free_port),80:$(lab_free_port)" >"$state/$d.json"
	evidence "$d" tls.certificate "www.$d: could not be checked on port"
	evidence "$d" tls.certificate "could not look up the name: the CNAME chain loops or is longer than 10 hops"
	evidence "$d" http.canonical "could not look up www.$d: the CNAME chain loops or is longer than 10 hops"
done
checks=$((checks + 1))
jq -e '.checks[] | select(.id == "tls.certificate") | .evidence | any(contains("ten.cname-long.test: not checked")) | not' \
    "$state/cname-long.test.json" >/dev/null || bad "cname-long.test: the 10-hop chain was not followed"
# No address records: dns.apex fails, dns.ttl has nothing to judge (skipped,
# never a pass).
audit noaddr.test
verdict noaddr.test dns.apex fail critical
verdict noaddr.test dns.ttl skipped none
summary noaddr.test dns.ttl "no address records to judge"
audit ttl-long.test
verdict ttl-long.test dns.ttl warn medium
evidence ttl-long.test dns.ttl "172800 s is 2.0 days"
audit dnssec.test
verdict dnssec.test dns.dnssec pass none
summary dnssec.test dns.dnssec "the zone is signed"
evidence dnssec.test dns.dnssec "DS key tag 2371 algorithm 13 digest type 2"
audit dnskey-only.test
verdict dnskey-only.test dns.dnssec pass none
summary dnskey-only.test dns.dnssec "no DS at the parent"
audit lame.test
verdict lame.test dns.ns warn medium
evidence lame.test dns.ns "ns2.lame.test (127.0.0.3) does not answer for lame.test: no answer before the timeout"
audit serial-skew.test
verdict serial-skew.test dns.ns warn medium
summary serial-skew.test dns.ns "disagree on the SOA serial"
evidence serial-skew.test dns.ns "ns2.serial-skew.test (127.0.0.4) answers: SOA serial 2026110100"
audit caa-forbid.test "${https[@]}"
evidence caa-forbid.test dns.caa 'CAA 0 issue "otherca.example"'
# Without a TLS engine the issuer is unknown: error, saying why; with one,
# the lab CA is not otherca.example: fail.
if jq -e '.checks[] | select(.id == "dns.caa") | .summary | contains("could not be read")' "$state/caa-forbid.test.json" >/dev/null; then
	verdict caa-forbid.test dns.caa error none
	summary caa-forbid.test dns.caa "the cross-check was not done"
else
	verdict caa-forbid.test dns.caa fail high
	evidence caa-forbid.test dns.caa "certificate issuer: launchready lab"
fi
# CAA is looked for up the tree (RFC 8659): the parent's set applies.
audit www.caa-forbid.test
evidence www.caa-forbid.test dns.caa 'caa-forbid.test CAA 0 issue "otherca.example"'
audit noemail.test
for id in email.mx email.spf email.dkim email.dmarc email.mta-sts email.tls-rpt; do
	verdict noemail.test $id skipped none
	summary noemail.test $id "not applicable"
done
# Skipped is neither a finding nor an error: the exit status stays 0.
checks=$((checks + 1))
"$LAUNCHREADY" audit noemail.test --resolver "127.0.0.1:$LAB_DNS_PORT" \
    --only email --fail-on medium --timeout 3 >"$state/noemail.txt"
rc=$?
[ $rc -eq 0 ] || bad "noemail.test --only email --fail-on medium: exit $rc, want 0"
audit noemail.test --sender-ip 192.0.2.1
verdict noemail.test email.spf-eval warn medium
summary noemail.test email.spf-eval "= none"
audit noemail.test --email no
verdict noemail.test email.spf skipped none
summary noemail.test email.spf "not applicable"
verdict noemail.test dns.subdomains skipped none
audit noemail.test --email yes
verdict noemail.test email.spf fail critical
verdict noemail.test email.dmarc fail critical

# SPF failures.
audit spf-two.test
verdict spf-two.test email.spf fail critical
summary spf-two.test email.spf "2 SPF records"
audit spf-plus-all.test
verdict spf-plus-all.test email.spf fail critical
summary spf-plus-all.test email.spf "+all"
audit spf-neutral.test
verdict spf-neutral.test email.spf warn medium
summary spf-neutral.test email.spf "?all"
audit spf-bare-all.test
verdict spf-bare-all.test email.spf fail critical
summary spf-bare-all.test email.spf "+all"
audit spf-redirect-all.test
verdict spf-redirect-all.test email.spf fail critical
summary spf-redirect-all.test email.spf "+all"
# TLS-RPT is info either way (CHECKS.md), a record without rua= too.
audit tlsrpt-norua.test
verdict tlsrpt-norua.test email.tls-rpt pass none
summary tlsrpt-norua.test email.tls-rpt "without rua="
audit spf-void.test
verdict spf-void.test email.spf fail critical
evidence spf-void.test email.spf "void lookups: 3 of 2:"
evidence spf-void.test email.spf "spf-void.test: mx:nx3.spf-void.test"
audit spf-eleven.test
verdict spf-eleven.test email.spf fail critical
evidence spf-eleven.test email.spf "DNS-querying terms in the whole tree: 11 of 10"
evidence spf-eleven.test email.spf "include:d._spf.spf-eleven.test → d._spf.spf-eleven.test"
audit spf-eleven.test --sender-ip 10.9.9.9
verdict spf-eleven.test email.spf-eval fail high
summary spf-eleven.test email.spf-eval "permerror"

audit spf-loop.test
verdict spf-loop.test email.spf fail critical
summary spf-loop.test email.spf "loops"
audit spf-twice.test
verdict spf-twice.test email.spf pass none
evidence spf-twice.test email.spf "DNS-querying terms in the whole tree: 4 of 10"

# DMARC failures.
audit dmarc-missing.test
verdict dmarc-missing.test email.dmarc fail critical
audit dmarc-none.test
verdict dmarc-none.test email.dmarc warn high
evidence dmarc-none.test email.dmarc "tags: p=none"
audit dmarc-badtag.test
verdict dmarc-badtag.test email.dmarc fail critical
summary dmarc-badtag.test email.dmarc "p=strict"
audit dmarc-outside.test
verdict dmarc-outside.test email.dmarc warn medium
evidence dmarc-outside.test email.dmarc "no v=DMARC1 TXT at dmarc-outside.test._report._dmarc.dmarc-vendor.test"

# The organisational domain comes from the Public Suffix List: under the
# lab's two-label suffix psl-suffix.test it is shop.psl-suffix.test (whose
# record applies); by the system list, which knows no suffix under .test,
# it would be psl-suffix.test, which has none.
LAUNCHREADY_PSL_FILE=$LAB_DNS_PSL_FILE audit mail.shop.psl-suffix.test --email yes
verdict mail.shop.psl-suffix.test email.dmarc pass none
evidence mail.shop.psl-suffix.test email.dmarc "no record at _dmarc.mail.shop.psl-suffix.test: the organisational domain's applies"
evidence mail.shop.psl-suffix.test email.dmarc '_dmarc.shop.psl-suffix.test TXT "v=DMARC1; p=reject'
# The outside rua is authorised for the domain the policy came from.
evidence mail.shop.psl-suffix.test email.dmarc "outside report address authorised by shop.psl-suffix.test._report._dmarc.dmarc-vendor.test"
LAUNCHREADY_PSL_FILE= audit mail.shop.psl-suffix.test --email yes
verdict mail.shop.psl-suffix.test email.dmarc fail critical
summary mail.shop.psl-suffix.test email.dmarc "no DMARC record at _dmarc.psl-suffix.test"

audit dmarc-outside-refused.test
verdict dmarc-outside-refused.test email.dmarc error none
evidence dmarc-outside-refused.test email.dmarc "could not look up dmarc-outside-refused.test._report._dmarc.reports.example: the server refused the query (REFUSED)"

# DKIM keys made at start time.
audit dkim-1024.test --dkim-selectors lr1
verdict dkim-1024.test email.dkim warn medium
evidence dkim-1024.test email.dkim "selector lr1: RSA 1024 bits"
audit dkim-2048.test --dkim-selectors lr1
verdict dkim-2048.test email.dkim pass none
evidence dkim-2048.test email.dkim "selector lr1: RSA 2048 bits"
audit dkim-revoked.test --dkim-selectors lr1
verdict dkim-revoked.test email.dkim pass none
evidence dkim-revoked.test email.dkim "selector lr1: revoked (empty p=)"
audit spf-two.test
verdict spf-two.test email.dkim fail high

# MX.
audit mx-cname.test
verdict mx-cname.test email.mx warn medium
evidence mx-cname.test email.mx "mail.mx-cname.test CNAME mx.mailhost.test"
audit mx-dead.test
verdict mx-dead.test email.mx fail high
audit mx-null.test
verdict mx-null.test email.mx pass none
summary mx-null.test email.mx "receives no mail"

# Hostile servers: a 4 KB TXT (TCP), and a server that never answers.
# The apex TXT answer (4 KB) comes truncated over UDP: the SPF record is
# only found if the resolver retried over TCP.
audit bigtxt.test
verdict bigtxt.test email.spf pass none
summary bigtxt.test email.spf "one valid SPF record"
start=$(date +%s)
"$LAUNCHREADY" audit silent.test --resolver "127.0.0.1:$LAB_DNS_SILENT_PORT" \
    --only dns,email --format json --timeout 2 >"$state/silent.test.json"
rc=$?
took=$(( $(date +%s) - start ))
[ $rc -eq 4 ] || bad "silent.test: exit $rc, want 4 (undecided)"
[ $took -le 4 ] || bad "silent.test: took $took s with --timeout 2"
for id in dns.apex dns.www dns.ns dns.dangling dns.ttl dns.caa dns.dnssec email.mx email.spf email.dmarc; do
	verdict silent.test $id error none
done
summary silent.test dns.apex "no answer before the timeout"

# Checks cancelled at moments through their stages (against this lab's NSD)
# leave nothing allocated behind.
checks=$((checks + 1))
LAB_DNS_PORT=$LAB_DNS_PORT "$top_builddir/tests/test-dns-cancel" >"$state/cancel.log" 2>&1 ||
    bad "cancelled checks: $(grep -E 'ERROR|bytes left' "$state/cancel.log" | head -3)"

echo "dns-lab: $checks assertions, $failures failed"
[ $failures -eq 0 ]

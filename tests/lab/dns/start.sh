#!/bin/bash
# tests/lab/dns/start.sh STATEDIR: builds the lab's zones (DKIM keys and the
# 4 KB TXT record are made now), serves them with NSD on a free loopback
# port, starts a server that never answers, and writes STATEDIR/dns.env:
#   LAB_DNS_PORT         NSD (authoritative for every lab zone)
#   LAB_DNS_SILENT_PORT  a server on 127.0.0.1 that reads and never answers
#   LAB_DNS_PIDS         what stop.sh stops
#   LAB_DNS_PSL_FILE     the lab's Public Suffix List (LAUNCHREADY_PSL_FILE)
# The same silent server listens on 127.0.0.3:LAB_DNS_PORT, the address of
# ns2.lame.test, so that name server of lame.test never answers.
set -e
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
state=${1:?usage: start.sh STATEDIR}
mkdir -p "$state/dns/zones"
z="$state/dns/zones"
serial=2026112401
zones=""

# zone NAME [TTL]: writes the zone's header, then its body from stdin.
zone() {
	name=$1; ttl=${2:-300}
	{
		printf '$ORIGIN %s.\n$TTL %s\n' "$name" "$ttl"
		printf '@ SOA ns1.lab-dns.test. hostmaster.%s. %s 3600 600 604800 300\n' "$name" "$serial"
		printf '@ NS ns1.lab-dns.test.\n@ NS ns2.lab-dns.test.\n'
		cat
	} >"$z/$name.zone"
	zones="$zones $name=$z/$name.zone"
}

# txt STRING: the string as one or more quoted 200-byte character-strings.
txt() {
	printf '%s' "$1" | fold -w 200 | sed 's/.*/"&"/' | tr '\n' ' '
}

# dkimkey BITS: a fresh RSA public key, base64 DER on one line.
dkimkey() {
	openssl genrsa "$1" 2>/dev/null | openssl rsa -pubout -outform DER 2>/dev/null | base64 -w0
}
k1024=$(dkimkey 1024)
k2048=$(dkimkey 2048)
k2048b=$(dkimkey 2048)
[ -n "$k1024" ] && [ -n "$k2048" ] || lab_die "openssl could not make DKIM keys"

# The parent: every case is delegated to the lab's name servers.
{
	printf '$ORIGIN test.\n$TTL 300\n'
	printf '@ SOA ns1.lab-dns.test. hostmaster.test. %s 3600 600 604800 300\n' "$serial"
	printf '@ NS ns1.lab-dns.test.\n'
} >"$z/test.zone"

zone lab-dns.test <<EOF
ns1 A 127.0.0.1
ns2 A 127.0.0.1
EOF

# Third parties the clients use: mail hosts, senders, report receivers.
zone mailhost.test <<EOF
mx1 A 127.0.0.1
mx2 A 127.0.0.1
mx A 127.0.0.1
_spf TXT "v=spf1 a:mx1.mailhost.test a:mx2.mailhost.test include:_spf2.mailhost.test ~all"
_spf2 TXT "v=spf1 ip4:192.0.2.0/24 -all"
EOF
zone mailer.test <<EOF
out A 127.0.0.1
_spf TXT "v=spf1 ip4:192.0.2.0/24 -all"
sendgrid TXT "v=spf1 ip4:198.51.100.0/24 include:_ext.mailer.test ~all"
_ext TXT "v=spf1 a:out.mailer.test ~all"
EOF
zone crm.test <<EOF
@ MX 10 mx1.mailhost.test.
_spf TXT "v=spf1 mx:crm.test ~all"
EOF
zone dmarc-vendor.test <<EOF
clean.test._report._dmarc TXT "v=DMARC1"
shop.psl-suffix.test._report._dmarc TXT "v=DMARC1"
EOF
zone herokuapp.test <<EOF
live-app A 127.0.0.1
EOF
zone docshost.test <<EOF
brightcart A 127.0.0.1
EOF

# The clean client: passes everything.
zone clean.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
app A 127.0.0.1
api A 127.0.0.1
@ MX 10 mx.clean.test.
mx A 127.0.0.1
@ TXT "v=spf1 mx include:_spf.mailer.test -all"
@ TXT "google-site-verification=lab-clean-0123456789"
_dmarc TXT "v=DMARC1; p=reject; sp=reject; adkim=s; rua=mailto:dmarc@clean.test,mailto:agg@dmarc-vendor.test"
lr1._domainkey TXT $(txt "v=DKIM1; k=rsa; p=$k2048")
_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tlsrpt@clean.test"
EOF

# The demo client: a believable half-broken launch.
zone brightcart.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
app A 127.0.0.1
api A 127.0.0.1
admin A 127.0.0.1
mta-sts A 127.0.0.1
origin A 127.0.0.2
docs CNAME brightcart.docshost.test.
staging CNAME brightcart-staging.herokuapp.test.
@ MX 10 mx1.mailhost.test.
@ MX 20 mx2.mailhost.test.
@ TXT "v=spf1 include:_spf.mailhost.test include:sendgrid.mailer.test include:_spf.crm.test ~all"
@ TXT "stripe-verification=lab-brightcart"
_dmarc TXT "v=DMARC1; p=none"
s1._domainkey TXT $(txt "v=DKIM1; k=rsa; p=$k1024")
_mta-sts TXT "v=STSv1; id=20261101T000000"
EOF

# One domain per failure.
zone dangling.test <<EOF
@ A 127.0.0.1
www CNAME gone-app.herokuapp.test.
EOF
zone dangling-nodata.test <<EOF
@ A 127.0.0.1
www CNAME target.dangling-nodata.test.
target TXT "a name with no address"
EOF
zone cname-loop.test <<EOF
@ A 127.0.0.1
www CNAME loop1.cname-loop.test.
loop1 CNAME loop2.cname-loop.test.
loop2 CNAME www.cname-loop.test.
EOF
# www: a chain of 11 CNAMEs that ends at an address (one hop too many);
# ten: 10 hops, the most that is followed.
zone cname-long.test <<EOF
@ A 127.0.0.1
www CNAME h1.cname-long.test.
ten CNAME h2.cname-long.test.
$(for i in 1 2 3 4 5 6 7 8 9 10; do echo "h$i CNAME h$((i + 1)).cname-long.test."; done)
h11 A 127.0.0.1
EOF
zone ttl-long.test <<EOF
@ 172800 A 127.0.0.1
www 172800 A 127.0.0.1
EOF
zone caa-forbid.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
@ CAA 0 issue "otherca.example"
@ CAA 0 iodef "mailto:security@caa-forbid.test"
EOF
zone lame.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
EOF
# lame.test's own NS set: one server that answers, one that never does.
sed -i 's/^@ NS ns2.lab-dns.test./@ NS ns2.lame.test./' "$z/lame.test.zone"
printf 'ns2 A 127.0.0.3\n' >>"$z/lame.test.zone"
zone serial-skew.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
EOF
# serial-skew.test's second server (its own NSD on 127.0.0.4, started
# below) serves an older copy of the zone.
sed -i 's/^@ NS ns2.lab-dns.test./@ NS ns2.serial-skew.test./' "$z/serial-skew.test.zone"
printf 'ns2 A 127.0.0.4\n' >>"$z/serial-skew.test.zone"
mkdir -p "$state/dns/skew"
sed "s/ $serial / 2026110100 /" "$z/serial-skew.test.zone" >"$state/dns/skew/serial-skew.test.zone"
zone silent.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
EOF
# DNSSEC: a DNSKEY at the apex and a DS in the parent (the check looks at
# their presence; nothing here validates signatures).
zone dnssec.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
@ DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
EOF
zone dnskey-only.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
@ DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
EOF
zone noemail.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
EOF
# A registered name with no address records at all.
zone noaddr.test <<EOF
ns A 127.0.0.1
EOF

# Email: one case per failure.
mailbase='@ A 127.0.0.1
www A 127.0.0.1
@ MX 10 mx1.mailhost.test.'
zone spf-two.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test -all"
@ TXT "v=spf1 include:_spf.mailer.test ~all"
EOF
zone spf-plus-all.test <<EOF
$mailbase
@ TXT "v=spf1 +all"
EOF
zone spf-neutral.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test ?all"
EOF
# "all" with no qualifier is +all; so is a +all reached through redirect=.
zone spf-bare-all.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test all"
EOF
zone spf-redirect-all.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test redirect=_spf.spf-redirect-all.test"
_spf TXT "v=spf1 ip4:192.0.2.0/24 +all"
EOF
zone tlsrpt-norua.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test -all"
_smtp._tls TXT "v=TLSRPTv1;"
EOF
zone spf-void.test <<EOF
$mailbase
@ TXT "v=spf1 a:nx1.spf-void.test a:nx2.spf-void.test mx:nx3.spf-void.test include:_spf.mailhost.test -all"
EOF
# 11 lookups: 2 here, 3 in a, 3 in b (one nested), 2 in c, 1 in d.
zone spf-eleven.test <<EOF
$mailbase
@ TXT "v=spf1 include:a._spf.spf-eleven.test include:b._spf.spf-eleven.test -all"
a._spf TXT "v=spf1 include:c._spf.spf-eleven.test a:mx1.mailhost.test mx:crm.test ~all"
b._spf TXT "v=spf1 include:d._spf.spf-eleven.test a:mx2.mailhost.test exists:mx.mailhost.test ~all"
c._spf TXT "v=spf1 a:mx1.mailhost.test a:mx2.mailhost.test ~all"
d._spf TXT "v=spf1 a:mx.mailhost.test ~all"
EOF
# An include that comes back to the top, and one included twice (fine).
zone spf-loop.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.spf-loop.test -all"
_spf TXT "v=spf1 include:_spf.mailhost.test include:spf-loop.test ~all"
EOF
zone spf-twice.test <<EOF
$mailbase
@ TXT "v=spf1 include:a._spf.spf-twice.test include:b._spf.spf-twice.test -all"
a._spf TXT "v=spf1 include:_spf2.mailhost.test ~all"
b._spf TXT "v=spf1 include:_spf2.mailhost.test ~all"
EOF
zone dmarc-missing.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test -all"
EOF
zone dmarc-none.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test -all"
_dmarc TXT "v=DMARC1; p=none; rua=mailto:dmarc@dmarc-none.test"
EOF
zone dmarc-badtag.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test -all"
_dmarc TXT "v=DMARC1; p=strict; rua=mailto:dmarc@dmarc-badtag.test"
EOF
zone dmarc-outside.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test -all"
_dmarc TXT "v=DMARC1; p=reject; rua=mailto:agg@dmarc-vendor.test"
EOF
# DMARC under a two-label public suffix (listed in public-suffixes.dat):
# mail.shop.psl-suffix.test has no record of its own; the organisational
# domain is shop.psl-suffix.test, not psl-suffix.test.
zone psl-suffix.test <<EOF
EOF
zone shop.psl-suffix.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test -all"
_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@shop.psl-suffix.test,mailto:agg@dmarc-vendor.test"
mail A 127.0.0.1
mail MX 10 mx1.mailhost.test.
mail TXT "v=spf1 include:_spf.mailhost.test -all"
EOF
# The outside report receiver is outside the lab: the server refuses the
# authorisation lookup, so nothing can be said about it.
zone dmarc-outside-refused.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test -all"
_dmarc TXT "v=DMARC1; p=reject; rua=mailto:agg@reports.example"
EOF
zone dkim-1024.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test -all"
lr1._domainkey TXT $(txt "v=DKIM1; k=rsa; p=$k1024")
EOF
zone dkim-2048.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test -all"
lr1._domainkey TXT $(txt "v=DKIM1; k=rsa; p=$k2048b")
EOF
zone dkim-revoked.test <<EOF
$mailbase
@ TXT "v=spf1 include:_spf.mailhost.test -all"
lr1._domainkey TXT "v=DKIM1; k=rsa; p="
EOF
zone mx-cname.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
@ MX 10 mail.mx-cname.test.
mail CNAME mx.mailhost.test.
@ TXT "v=spf1 mx -all"
EOF
zone mx-dead.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
@ MX 10 mail.mx-dead.test.
@ TXT "v=spf1 -all"
EOF
zone mx-null.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
@ MX 0 .
@ TXT "v=spf1 -all"
EOF
# MTA-STS whose policy (served by the test's nginx) misses an MX host.
zone mtasts-gap.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
mta-sts A 127.0.0.1
@ MX 10 mx1.mailhost.test.
@ MX 20 mx2.mailhost.test.
@ TXT "v=spf1 include:_spf.mailhost.test -all"
_mta-sts TXT "v=STSv1; id=2026112401"
EOF
# A 4 KB TXT record at the apex: the TXT answer only fits over TCP.
big=$(head -c 3072 /dev/urandom | base64 -w0 | tr '+/' 'xy' | head -c 4096)
zone bigtxt.test <<EOF
@ A 127.0.0.1
www A 127.0.0.1
@ MX 10 mx1.mailhost.test.
@ TXT "v=spf1 include:_spf.mailhost.test -all"
@ TXT $(txt "site-verification=$big")
EOF

# Delegations in the parent for every zone.
for zz in $zones; do
	n=${zz%%=*}
	printf '%s. NS ns1.lab-dns.test.\n' "$n" >>"$z/test.zone"
done
printf 'ns1.lab-dns.test. A 127.0.0.1\n' >>"$z/test.zone"
printf 'dnssec.test. DS 2371 13 2 C988EC423E3880EB8DD8A46FE06CA230EE23F35B578D64BEEB1F2A8B31FE9D4E\n' >>"$z/test.zone"

lab_nsd_start "$state/dns" "test=$z/test.zone" $zones
# The second, stale server of serial-skew.test, on the same port as NSD.
cat >"$state/dns/skew/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.4@$LAB_DNS_PORT
	port: $LAB_DNS_PORT
	username: ""
	chroot: ""
	zonesdir: ""
	database: ""
	zonelistfile: "$state/dns/skew/zone.list"
	pidfile: "$state/dns/skew/nsd.pid"
	xfrdfile: "$state/dns/skew/xfrd.state"
	xfrdir: "$state/dns/skew"
	logfile: "$state/dns/skew/nsd.log"
	server-count: 1
	hide-version: yes
remote-control:
	control-enable: no
zone:
	name: "serial-skew.test"
	zonefile: "$state/dns/skew/serial-skew.test.zone"
EOF
nsd -c "$state/dns/skew/nsd.conf" -P "$state/dns/skew/nsd.pid" ||
    lab_die "the second nsd did not start: $(cat "$state/dns/skew/nsd.log" 2>/dev/null)"
i=0
while [ ! -s "$state/dns/skew/nsd.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
LAB_PIDS="$LAB_PIDS $(cat "$state/dns/skew/nsd.pid")"
silent_port=$(lab_free_port)
python3 "$here/silent.py" 127.0.0.1 "$silent_port" 127.0.0.3 "$LAB_DNS_PORT" \
    >"$state/dns/silent.log" 2>&1 &
silent_pid=$!
i=0
until grep -q ready "$state/dns/silent.log" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 50 ] || lab_die "the silent DNS server did not start: $(cat "$state/dns/silent.log")"
	sleep 0.1
done
cat >"$state/dns.env" <<EOF
LAB_DNS_PORT=$LAB_DNS_PORT
LAB_DNS_SILENT_PORT=$silent_port
LAB_DNS_PSL_FILE=$here/public-suffixes.dat
LAB_DNS_PIDS="$LAB_PIDS $silent_pid"
EOF

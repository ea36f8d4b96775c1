#!/bin/bash
# tests/lab/mail/start.sh STATEDIR: the mail lab. A real Postfix (run in the
# foreground from its own configuration directory, on loopback ports only)
# with one smtpd per behaviour, hostile listeners, and an NSD serving one
# zone per case. Writes STATEDIR/mail.env; tests/lab/mail/stop.sh STATEDIR
# stops it all. Postfix needs root; without it start.sh exits 77.
#
# Cases (domain: MX host, port variable):
#   mail-ok.test      mx.mail-ok.test, STARTTLS, certificate for its name
#                     (and mx.clean.test, the DNS lab's clean client)
#                     (LAB_MAIL_OK_PORT)
#   wrongname.test    mx.wrongname.test, STARTTLS, certificate for
#                     other.test (LAB_MAIL_WRONG_PORT)
#   plain.test        mx.plain.test, no STARTTLS (LAB_MAIL_PLAIN_PORT)
#   silent-mx.test    accepts and never speaks (LAB_MAIL_SILENT_PORT)
#   flood.test        a greeting of 1 MB without a line end, then more
#                     (LAB_MAIL_FLOOD_PORT)
#   talk.test         a greeting that never ends: "220-" lines forever
#                     (LAB_MAIL_TALK_PORT)
#   badtls.test       offers STARTTLS, then answers the handshake with
#                     plain text (LAB_MAIL_BADTLS_PORT)
#   closed-mx.test    nothing listens (LAB_MAIL_CLOSED_PORT)
#   nomx.test         no MX record
#   nullmx.test       MX 0 .
#   DANE, through Unbound (LAB_MAIL_RESOLVER_PORT), all with the clean
#   server's port: {ok,ta,bad,none}.dane.test (signed: TLSA 3 1 1 of its
#   key, 2 0 1 of the CA, a wrong key, none), the same names under
#   insecure-dane.test (unsigned) and bogus-dane.test (signature broken).
set -e
state=${1:?usage: start.sh STATEDIR}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "Postfix needs root"; exit 77; }
command -v postfix >/dev/null 2>&1 || { echo "postfix is not installed"; exit 77; }
mkdir -p "$state"
state=$(cd "$state" && pwd)
: >"$state/mail.pids"

# LAB_MAIL_CA_FROM=DIR: sign with the CA in DIR (ca.pem, ca.key), so one
# --cacert serves an audit that also uses another lab part.
if [ -n "${LAB_MAIL_CA_FROM:-}" ]; then
	mkdir -p "$state/ca"
	cp "$LAB_MAIL_CA_FROM/ca.pem" "$LAB_MAIL_CA_FROM/ca.key" "$state/ca/" ||
	    lab_die "no CA in $LAB_MAIL_CA_FROM"
fi
lab_ca "$state"
ca=$state/ca
# The clean server's certificate also names the other labs' clean MX.
lab_cert "$state" mx-ok "DNS:mx.mail-ok.test,DNS:mx.clean.test,DNS:*.dane.test"
lab_cert "$state" mx-wrong "DNS:other.test"

taken=" "
for var in LAB_MAIL_OK_PORT LAB_MAIL_WRONG_PORT LAB_MAIL_PLAIN_PORT \
    LAB_MAIL_SILENT_PORT LAB_MAIL_FLOOD_PORT LAB_MAIL_TALK_PORT \
    LAB_MAIL_BADTLS_PORT LAB_MAIL_CLOSED_PORT; do
	p=$(lab_free_port)
	while [ -z "$p" ] || [ "${taken#* $p }" != "$taken" ]; do p=$(lab_free_port); done
	taken="$taken$p "
	eval "$var=$p"
done

# Postfix: one master, one smtpd per behaviour, no chroot, logs to a file.
# Its daemons run as the postfix user and must reach their directories,
# so they live in a directory of their own that STATEDIR's parents (often
# private temporary directories) cannot hide.
pf=$(mktemp -d "${TMPDIR:-/tmp}/launchready-postfix.XXXXXX") ||
    lab_die "cannot make the Postfix directory"
chmod 755 "$pf"
echo "$pf" >"$state/postfix.dir"
mkdir -p "$pf/conf" "$pf/queue" "$pf/data" "$pf/tls"
chown postfix "$pf/data"
cp "$ca/mx-ok.key" "$ca/mx-wrong.pem" "$ca/mx-wrong.key" "$pf/tls/"
# The clean server sends its chain: the leaf and the CA (for DANE-TA).
cat "$ca/mx-ok.pem" "$LAB_CA" >"$pf/tls/mx-ok.pem"
ca=$pf/tls
cat >"$pf/conf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.mail-ok.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
maillog_file_prefixes = $pf
maillog_file = $pf/maillog
smtpd_tls_cert_file = $ca/mx-ok.pem
smtpd_tls_key_file = $ca/mx-ok.key
smtpd_tls_security_level = may
smtp_tls_security_level = none
smtpd_banner = \$myhostname ESMTP launchready lab
CF
cat >"$pf/conf/master.cf" <<CF
127.0.0.1:$LAB_MAIL_OK_PORT inet n - n - - smtpd
127.0.0.1:$LAB_MAIL_WRONG_PORT inet n - n - - smtpd -o myhostname=mx.wrongname.test -o smtpd_tls_cert_file=$ca/mx-wrong.pem -o smtpd_tls_key_file=$ca/mx-wrong.key
127.0.0.1:$LAB_MAIL_PLAIN_PORT inet n - n - - smtpd -o myhostname=mx.plain.test -o smtpd_tls_security_level=none
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
local     unix  - n n - - local
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CF
postfix -c "$pf/conf" check >/dev/null 2>&1 ||
    lab_die "postfix check failed: $(tail -3 "$pf/maillog" 2>/dev/null)"
setsid postfix -c "$pf/conf" start-fg >"$pf/start-fg.log" 2>&1 </dev/null &
i=0
while [ ! -s "$pf/queue/pid/master.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$pf/queue/pid/master.pid" ] ||
    lab_die "postfix did not start: $(tail -5 "$pf/maillog" 2>/dev/null)"
tr -d ' ' <"$pf/queue/pid/master.pid" >>"$state/mail.pids"
echo "$pf/conf" >"$state/postfix.conf"
for p in "$LAB_MAIL_OK_PORT" "$LAB_MAIL_WRONG_PORT" "$LAB_MAIL_PLAIN_PORT"; do
	lab_wait_port "$p" || lab_die "postfix is not listening on $p: $(grep -E "fatal|error|panic" "$pf/maillog" | tail -3)"
done

# Hostile listeners (gone in 10 min): silent, a 1 MB greeting line, a
# greeting that never ends, and one that offers STARTTLS and then answers
# the handshake with plain text. Each writes its connection count to
# STATEDIR/KIND.count.
python3 - "$state" "$LAB_MAIL_SILENT_PORT" "$LAB_MAIL_FLOOD_PORT" \
    "$LAB_MAIL_TALK_PORT" "$LAB_MAIL_BADTLS_PORT" >/dev/null 2>&1 <<'PY' &
import select, socket, sys, time
state = sys.argv[1]
kinds = {}
for kind, port in (("silent", sys.argv[2]), ("flood", sys.argv[3]),
                   ("talk", sys.argv[4]), ("badtls", sys.argv[5])):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(port))); s.listen(64); s.setblocking(False)
    kinds[s] = kind
conns, counts, end = {}, {k: 0 for k in kinds.values()}, time.time() + 600
bufs = {}
def drop(c):
    c.close(); conns.pop(c, None); bufs.pop(c, None)
while time.time() < end:
    talkers = [c for c in conns if conns[c] in ("flood", "talk")]
    readers = list(kinds) + [c for c in conns if conns[c] == "badtls"]
    r, w, _ = select.select(readers, talkers, [], 0.2)
    for s in r:
        if s in kinds:
            c, _ = s.accept(); c.setblocking(False); conns[c] = kinds[s]
            counts[kinds[s]] += 1
            with open("%s/%s.count" % (state, kinds[s]), "w") as f:
                f.write("%d\n" % counts[kinds[s]])
            if kinds[s] == "badtls":
                bufs[c] = b""; c.send(b"220 mx.badtls.test ESMTP\r\n")
            continue
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if not data:
            drop(s); continue
        bufs[s] += data
        while b"\n" in bufs.get(s, b""):
            line, bufs[s] = bufs[s].split(b"\n", 1)
            cmd = line.strip().upper()
            if cmd.startswith(b"EHLO"):
                s.send(b"250-mx.badtls.test\r\n250 STARTTLS\r\n")
            elif cmd == b"STARTTLS":
                s.send(b"220 go ahead\r\n")
                time.sleep(0.2)
                s.send(b"this is not TLS at all\r\n" * 4)
                drop(s); break
            else:
                s.send(b"502 no\r\n")
    for c in w:
        try:
            if conns[c] == "flood":
                c.send(b"220 " + b"x" * 65536)
            else:
                c.send(b"220-still talking\r\n" * 200)
        except OSError:
            drop(c)
PY
echo $! >>"$state/mail.pids"
for p in "$LAB_MAIL_SILENT_PORT" "$LAB_MAIL_FLOOD_PORT" "$LAB_MAIL_TALK_PORT" \
    "$LAB_MAIL_BADTLS_PORT"; do
	lab_wait_port "$p" || lab_die "the hostile listener on $p did not open"
done
# One zone per case: the MX host's name resolves to 127.0.0.1.
mkdir -p "$state/zones"
zones=""
for c in mail-ok wrongname plain silent-mx flood talk badtls closed-mx nomx \
    nullmx; do
	z=$state/zones/$c.test.zone
	mx="@	IN MX 10 mx"
	[ "$c" = nomx ] && mx=""
	[ "$c" = nullmx ] && mx="@	IN MX 0 ."
	cat >"$z" <<ZONE
\$ORIGIN $c.test.
\$TTL 300
@	IN SOA ns1 hostmaster 1 3600 600 86400 300
@	IN NS ns1
ns1	IN A 127.0.0.1
@	IN A 127.0.0.1
$mx
mx	IN A 127.0.0.1
ZONE
	zones="$zones $c.test=$z"
done
# DANE: TLSA records for the clean server's certificate (its public key:
# 3 1 1; the CA it sends along: 2 0 1) in a DNSSEC-signed zone, a wrong
# one, the same in an unsigned zone, and a signed zone whose TLSA record
# was changed after signing (bogus: a validating resolver says SERVFAIL).
spki=$(openssl x509 -in "$ca/mx-ok.pem" -pubkey -noout |
    openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
cahash=$(openssl x509 -in "$LAB_CA" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
wrong=$(printf 'another key' | openssl dgst -sha256 -r | cut -d' ' -f1)
[ ${#spki} -eq 64 ] && [ ${#cahash} -eq 64 ] || lab_die "cannot hash the certificate"
dane_zone() { # NAME: the zone text of a DANE case domain
	cat <<ZONE
\$ORIGIN $1.
\$TTL 300
@	IN SOA ns1 hostmaster 1 3600 600 86400 300
@	IN NS ns1
ns1	IN A 127.0.0.1
ok	IN MX 10 mx-ok
mx-ok	IN A 127.0.0.1
_25._tcp.mx-ok	IN TLSA 3 1 1 $spki
ta	IN MX 10 mx-ta
mx-ta	IN A 127.0.0.1
_25._tcp.mx-ta	IN TLSA 2 0 1 $cahash
bad	IN MX 10 mx-bad
mx-bad	IN A 127.0.0.1
_25._tcp.mx-bad	IN TLSA 3 1 1 $wrong
none	IN MX 10 mx-none
mx-none	IN A 127.0.0.1
ZONE
}
dane_zone dane.test >"$state/zones/dane.test.zone"
dane_zone insecure-dane.test >"$state/zones/insecure-dane.test.zone"
dane_zone bogus-dane.test >"$state/zones/bogus-dane.test.zone"
zones="$zones insecure-dane.test=$state/zones/insecure-dane.test.zone"
anchors=$state/unbound/anchors
mkdir -p "$state/unbound" "$state/keys"
: >"$anchors"
for z in dane.test bogus-dane.test; do
	(
		cd "$state/keys" || exit 1
		ksk=$(ldns-keygen -k -a ECDSAP256SHA256 "$z") &&
		    zsk=$(ldns-keygen -a ECDSAP256SHA256 "$z") &&
		    ldns-signzone -f "$state/zones/$z.signed" "$state/zones/$z.zone" \
		    "$ksk" "$zsk" && grep -v '^;' "$ksk.key" >>"$anchors"
	) || lab_die "cannot sign $z"
	zones="$zones $z=$state/zones/$z.signed"
done
# Bogus: the signed TLSA of mx-ok now says another key.
sed -i "s/$spki/$wrong/" "$state/zones/bogus-dane.test.signed"

# shellcheck disable=SC2086
lab_nsd_start "$state/maildns" $zones
cat "$state/maildns/nsd/nsd.pid" >>"$state/mail.pids"

# Unbound in front of NSD, validating with the two signed zones' keys as
# trust anchors (and no others: the rest of the lab is unsigned).
LAB_MAIL_RESOLVER_PORT=$(lab_free_port)
while [ "$LAB_MAIL_RESOLVER_PORT" = "$LAB_DNS_PORT" ] || [ -z "$LAB_MAIL_RESOLVER_PORT" ]; do
	LAB_MAIL_RESOLVER_PORT=$(lab_free_port)
done
{
	cat <<CONF
server:
	interface: 127.0.0.1
	port: $LAB_MAIL_RESOLVER_PORT
	do-daemonize: no
	username: ""
	chroot: ""
	directory: "$state/unbound"
	pidfile: "$state/unbound/unbound.pid"
	use-syslog: no
	logfile: "$state/unbound/unbound.log"
	verbosity: 1
	val-log-level: 2
	do-ip6: no
	do-not-query-localhost: no
	access-control: 127.0.0.0/8 allow
	module-config: "validator iterator"
	trust-anchor-file: "$anchors"
	local-zone: "test." nodefault
	qname-minimisation: no
remote-control:
	control-enable: no
CONF
	for z in $zones; do
		printf 'stub-zone:\n\tname: "%s"\n\tstub-addr: 127.0.0.1@%s\n' "${z%%=*}" "$LAB_DNS_PORT"
	done
} >"$state/unbound/unbound.conf"
unbound-checkconf "$state/unbound/unbound.conf" >/dev/null ||
    lab_die "unbound.conf: $(unbound-checkconf "$state/unbound/unbound.conf" 2>&1 | tail -2)"
unbound -d -c "$state/unbound/unbound.conf" >/dev/null 2>&1 </dev/null &
echo $! >>"$state/mail.pids"
lab_wait_port "$LAB_MAIL_RESOLVER_PORT" ||
    lab_die "unbound is not answering: $(tail -3 "$state/unbound/unbound.log")"

cat >"$state/mail.env" <<ENV
LAB_MAIL_DNS_PORT=$LAB_DNS_PORT
LAB_MAIL_RESOLVER_PORT=$LAB_MAIL_RESOLVER_PORT
LAB_MAIL_OK_PORT=$LAB_MAIL_OK_PORT
LAB_MAIL_WRONG_PORT=$LAB_MAIL_WRONG_PORT
LAB_MAIL_PLAIN_PORT=$LAB_MAIL_PLAIN_PORT
LAB_MAIL_SILENT_PORT=$LAB_MAIL_SILENT_PORT
LAB_MAIL_FLOOD_PORT=$LAB_MAIL_FLOOD_PORT
LAB_MAIL_TALK_PORT=$LAB_MAIL_TALK_PORT
LAB_MAIL_BADTLS_PORT=$LAB_MAIL_BADTLS_PORT
LAB_MAIL_CLOSED_PORT=$LAB_MAIL_CLOSED_PORT
LAB_MAIL_CA=$LAB_CA
ENV

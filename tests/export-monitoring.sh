#!/bin/bash
# tests/export-monitoring.sh: `launchready export monitoring NAME` for a
# session of a small lab (NSD serving acme.test, nginx with a test CA, an
# SMTP server offering STARTTLS). promtool must accept the scrape
# configuration and the rules, and a real blackbox_exporter run with the
# generated modules must report probe_success 1 for the healthy routes and
# 0 for the broken ones. Which routes are broken is decided here, by the lab.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lab/lib.sh"
PATH=$PATH:/usr/sbin
for tool in nginx nsd openssl python3 curl promtool prometheus-blackbox-exporter; do
	command -v "$tool" >/dev/null 2>&1 || lab_skip "$tool is not installed"
done
python3 -c 'import yaml' 2>/dev/null || lab_skip "python3-yaml is not installed"
[ -x "$LAUNCHREADY" ] || lab_fail "LAUNCHREADY is not set to the built program"

state=$(mktemp -d "${TMPDIR:-/tmp}/export-monitoring.XXXXXX")
up_pids=""
trap 'lab_stop_all; for p in $up_pids; do kill $p 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$state"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

HTTP=$(lab_free_port)
HTTPS=$(lab_free_port)
SMTP=$(lab_free_port)
lab_ca "$state"
lab_cert "$state" site "DNS:acme.test,DNS:*.acme.test"
cat >"$state/acme.zone" <<'ZONE'
$ORIGIN acme.test.
$TTL 300
@ SOA ns1.acme.test. hostmaster.acme.test. 1 3600 600 604800 300
@ NS ns1.acme.test.
ns1 A 127.0.0.1
@ A 127.0.0.1
www A 127.0.0.1
app A 127.0.0.1
api A 127.0.0.1
mx A 127.0.0.1
mx-dead A 127.0.0.2
@ MX 10 mx.acme.test.
@ MX 20 mx-dead.acme.test.
ZONE
lab_nsd_start "$state" acme.test="$state/acme.zone"
cat >"$state/site.conf" <<CONF
server {
	listen 127.0.0.1:$HTTP default_server;
	return 301 https://\$host\$request_uri;
}
server {
	listen 127.0.0.1:$HTTPS ssl default_server;
	server_name acme.test;
	ssl_certificate $state/ca/site.pem;
	ssl_certificate_key $state/ca/site.key;
	location = / { return 200 "acme\n"; }
	location = /login { return 200 "login\n"; }
	location = /healthz { return 200 "ok\n"; }
}
server {
	listen 127.0.0.1:$HTTPS ssl;
	server_name www.acme.test;
	ssl_certificate $state/ca/site.pem;
	ssl_certificate_key $state/ca/site.key;
	return 301 https://acme.test\$request_uri;
}
server {
	listen 127.0.0.1:$HTTPS ssl;
	server_name app.acme.test;
	ssl_certificate $state/ca/site.pem;
	ssl_certificate_key $state/ca/site.key;
	return 503 "down for maintenance\n";
}
server {
	listen 127.0.0.1:$HTTPS ssl;
	server_name api.acme.test;
	ssl_certificate $state/ca/site.pem;
	ssl_certificate_key $state/ca/site.key;
	location = /v1/status { return 200 '{"ok":true}\n'; }
	location = /v1/me { return 401 '{"error":"login"}\n'; }
	location / { return 500 "boom\n"; }
}
CONF
lab_nginx_start "$state" "$state/site.conf"
lab_wait_port "$HTTPS" || lab_fail "nginx is not answering"
python3 "$top_srcdir/tests/lab/smtp/starttls.py" "$SMTP" "$state/ca/site.pem" \
    "$state/ca/site.key" >"$state/smtp.log" 2>&1 &
up_pids="$up_pids $!"
lab_wait_port "$SMTP" || lab_fail "the SMTP server did not start"

# The session: the form's answers as the wizard saves them; the handover
# names the owner of the site-down alert, the sprint an item's owner.
sessions=$state/sessions
mkdir -p "$sessions"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat >"$sessions/acme.cfg" <<CFG
version = 1;
created = "$now";
started = "$now";
saved = "$now";
selected_stage = 1;
form = {
  client = "Acme";
  consultant = "Lab";
  sends_email = 1;
  domain = "acme.test";
  domain_unicode = "acme.test";
  subdomains = [ "app", "api", "gone" ];
  login_url = "https://acme.test/login";
  health_url = "https://acme.test/healthz";
  api_urls = [ "https://api.acme.test/v1/status", "https://api.acme.test/v1/me", "https://api.acme.test/v1/orders" ];
  email = 1;
  allow_active = false;
  resolvers = [ "127.0.0.1:$LAB_DNS_PORT" ];
  port_map = ( { from = 80; to = $HTTP; }, { from = 443; to = $HTTPS; }, { from = 25; to = $SMTP; } );
  cacert = "$LAB_CA";
  timeout = 5;
};
items = (
  { id = "tls.expiry"; status = "pending"; owner = "Maya Lindqvist"; }
);
handover = {
  access = ();
  alert_owners = { site_down = "Sam Okafor"; };
};
CFG

out=$state/mon
rc=0
"$LAUNCHREADY" export monitoring acme --session-dir "$sessions" -o "$out" \
    >"$state/stdout" 2>"$state/stderr" || rc=$?
[ "$rc" -eq 0 ] || lab_fail "export monitoring exited $rc: $(cat "$state/stderr")"
for f in blackbox.yml prometheus.yml alerts.yml; do
	[ -f "$out/$f" ] || fail "$f was not written"
	[ "$(stat -c %a "$out/$f")" = 600 ] || fail "$f is not mode 0600"
done
grep -q "gone.acme.test has no address" "$state/stderr" ||
    fail "no note that gone.acme.test does not resolve: $(cat "$state/stderr")"

# The real tools accept the files.
promtool check config "$out/prometheus.yml" >"$state/promtool" 2>&1 ||
    fail "promtool check config: $(cat "$state/promtool")"
promtool check rules "$out/alerts.yml" >"$state/promtool" 2>&1 ||
    fail "promtool check rules: $(cat "$state/promtool")"
grep -q "SUCCESS: 4 rules found" "$state/promtool" || fail "promtool: $(cat "$state/promtool")"
prometheus-blackbox-exporter --config.file="$out/blackbox.yml" --config.check \
    >"$state/bbcheck" 2>&1 || fail "blackbox_exporter --config.check: $(cat "$state/bbcheck")"
ok "promtool and blackbox_exporter accept the files"

# Every route of the session is there, with its owner on the alerts.
python3 - "$out" >"$state/targets" <<'PY' || fail "the files do not hold what was asked"
import sys, yaml
d = sys.argv[1]
prom = yaml.safe_load(open(d + "/prometheus.yml"))
bb = yaml.safe_load(open(d + "/blackbox.yml"))
rules = yaml.safe_load(open(d + "/alerts.yml"))
job = prom["scrape_configs"][0]
assert job["metrics_path"] == "/probe"
seen = {}
for sc in job["static_configs"]:
    l = sc["labels"]
    assert l["module"] in bb["modules"], l["module"]
    for t in sc["targets"]:
        print(l["route"], l["url"], l["module"], t)
        seen.setdefault(l["route"], []).append(l["url"])
want = {
    "landing": ["https://acme.test/", "https://www.acme.test/", "https://app.acme.test/",
                "https://api.acme.test/", "https://gone.acme.test/"],
    "login": ["https://acme.test/login"],
    "health": ["https://acme.test/healthz"],
    "api": ["https://api.acme.test/v1/status", "https://api.acme.test/v1/me",
            "https://api.acme.test/v1/orders"],
    "smtp": ["smtp://mx.acme.test:25", "smtp://mx-dead.acme.test:25"],
}
for k, v in want.items():
    assert sorted(seen.get(k, [])) == sorted(v), (k, seen.get(k))
assert len(seen["dns"]) == 1 and seen["dns"][0].endswith("/acme.test"), seen["dns"]
r = {x["alert"]: x for x in rules["groups"][0]["rules"]}
assert set(r) == {"LaunchreadyTargetDown", "LaunchreadyCertificateExpiring",
                  "LaunchreadyHealthSlow", "LaunchreadyDnsAnswerMissing"}, set(r)
assert r["LaunchreadyTargetDown"]["for"] == "2m"
assert r["LaunchreadyHealthSlow"]["for"] == "10m"
assert "0.3" in r["LaunchreadyHealthSlow"]["expr"]
assert "14 * 86400" in r["LaunchreadyCertificateExpiring"]["expr"]
assert r["LaunchreadyCertificateExpiring"]["labels"]["owner"] == "Maya Lindqvist"
assert r["LaunchreadyTargetDown"]["labels"]["owner"] == "Sam Okafor"
for x in r.values():
    assert x["annotations"]["summary"], x
PY
ok "every route is probed; alerts carry owners"

# A real exporter with the generated modules, asked route by route.
BB=$(lab_free_port)
prometheus-blackbox-exporter --config.file="$out/blackbox.yml" \
    --web.listen-address="127.0.0.1:$BB" >"$state/bb.log" 2>&1 &
up_pids="$up_pids $!"
lab_wait_port "$BB" || lab_fail "blackbox_exporter did not start: $(cat "$state/bb.log")"

# probe URL WANT: asks the exporter for the route whose url label is URL.
probe() {
	line=$(awk -v u="$1" '$2 == u' "$state/targets")
	[ -n "$line" ] || { fail "no target for $1"; return; }
	module=$(echo "$line" | awk '{print $3}')
	target=$(echo "$line" | awk '{print $4}')
	got=$(curl -s --max-time 20 -G "http://127.0.0.1:$BB/probe" \
	    --data-urlencode "module=$module" --data-urlencode "target=$target" |
	    awk '$1 == "probe_success" {print $2}')
	if [ "$got" = "$2" ]; then
		ok "probe_success $got for $1"
	else
		fail "probe_success '$got' for $1 (module $module, target $target), want $2"
		curl -s -G "http://127.0.0.1:$BB/probe" --data-urlencode "module=$module" \
		    --data-urlencode "target=$target" --data-urlencode "debug=true" | tail -20
	fi
}
probe https://acme.test/ 1
probe https://www.acme.test/ 1
probe https://acme.test/login 1
probe https://acme.test/healthz 1
probe https://api.acme.test/v1/status 1
probe https://api.acme.test/v1/me 1
probe smtp://mx.acme.test:25 1
probe "$(awk '$1 == "dns" {print $2}' "$state/targets")" 1
probe https://app.acme.test/ 0
probe https://api.acme.test/v1/orders 0
probe https://gone.acme.test/ 0
probe smtp://mx-dead.acme.test:25 0

# Usage errors.
rc=0; "$LAUNCHREADY" export monitoring nosuch --session-dir "$sessions" 2>"$state/err" >/dev/null || rc=$?
[ "$rc" -eq 2 ] && grep -q 'no session named "nosuch"' "$state/err" || fail "unknown session: exit $rc"
rc=0; "$LAUNCHREADY" export pager acme --session-dir "$sessions" 2>"$state/err" >/dev/null || rc=$?
[ "$rc" -eq 2 ] && grep -q 'give monitoring or ci' "$state/err" || fail "unknown export: exit $rc"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "export-monitoring: all passed"

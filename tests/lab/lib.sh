# tests/lab/lib.sh: shared helpers of the lab (sourced, not run).
#
# The lab is real servers on loopback: NSD serving zone files, nginx with
# certificates from a test CA made at run time, git repositories. Every
# server is started on a free port under a state directory and stopped by
# lab_stop_all (call it from a trap). Nothing here touches the network.

LAB_PIDS=""

lab_die() { echo "lab: $*" >&2; exit 99; }

# Prints a free TCP+UDP port on 127.0.0.1.
lab_free_port() {
	python3 - <<'PY' 2>/dev/null || lab_free_port_sh
import socket
for _ in range(50):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        t.close(); continue
    t.close(); u.close(); print(p); break
PY
}

# Fallback without python: a random high port not seen listening.
lab_free_port_sh() {
	while :; do
		p=$(( (($(od -An -N2 -tu2 /dev/urandom)) % 20000) + 20000 ))
		ss -ltnu 2>/dev/null | grep -q ":$p " || { echo "$p"; return; }
	done
}

# Waits up to 10 s for a TCP port on 127.0.0.1 to accept connections.
lab_wait_port() {
	i=0
	while [ $i -lt 100 ]; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# lab_nsd_start STATEDIR ZONE=FILE...: serves each zone from its file with
# NSD on a free port; sets LAB_DNS_PORT. Zone files may use $ORIGIN-relative
# names; they are checked with nsd-checkzone first.
lab_nsd_start() {
	dir=$1; shift
	mkdir -p "$dir/nsd"
	LAB_DNS_PORT=$(lab_free_port)
	conf="$dir/nsd/nsd.conf"
	cat >"$conf" <<CONF
server:
	ip-address: 127.0.0.1@$LAB_DNS_PORT
	port: $LAB_DNS_PORT
	username: ""
	chroot: ""
	zonesdir: ""
	database: ""
	zonelistfile: "$dir/nsd/zone.list"
	pidfile: "$dir/nsd/nsd.pid"
	xfrdfile: "$dir/nsd/xfrd.state"
	xfrdir: "$dir/nsd"
	logfile: "$dir/nsd/nsd.log"
	verbosity: 1
	server-count: 1
	tcp-count: 64
	hide-version: yes
	minimal-responses: no
	rrl-ratelimit: 0
remote-control:
	control-enable: no
CONF
	for z in "$@"; do
		name=${z%%=*}; file=${z#*=}
		nsd-checkzone "$name" "$file" >/dev/null ||
		    lab_die "zone $name ($file) does not load: $(nsd-checkzone "$name" "$file" 2>&1)"
		printf 'zone:\n\tname: "%s"\n\tzonefile: "%s"\n' "$name" "$file" >>"$conf"
	done
	nsd -c "$conf" -P "$dir/nsd/nsd.pid" || lab_die "nsd did not start: $(cat "$dir/nsd/nsd.log" 2>/dev/null)"
	i=0
	while [ ! -s "$dir/nsd/nsd.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	lab_wait_port "$LAB_DNS_PORT" || lab_die "nsd is not answering on port $LAB_DNS_PORT"
	LAB_PIDS="$LAB_PIDS $(cat "$dir/nsd/nsd.pid")"
	export LAB_DNS_PORT
}

# lab_ca STATEDIR: makes a test CA (RSA 2048) in STATEDIR/ca; sets LAB_CA.
lab_ca() {
	mkdir -p "$1/ca"
	LAB_CA="$1/ca/ca.pem"
	[ -f "$LAB_CA" ] && return 0
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/O=launchready lab/CN=launchready lab CA" \
	    -keyout "$1/ca/ca.key" -out "$LAB_CA" >/dev/null 2>&1 || lab_die "cannot make the test CA"
	export LAB_CA
}

# lab_cert STATEDIR NAME "DNS:a.test,DNS:b.test" [DAYS_FROM] [DAYS_TO]:
# a leaf certificate signed by the test CA, valid from DAYS_FROM (default
# -1) to DAYS_TO (default 90) days from now. Writes NAME.pem and NAME.key.
lab_cert() {
	dir=$1/ca; name=$2; san=$3; from=${4:--1}; to=${5:-90}
	cn=${san%%,*}; cn=${cn#DNS:}
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" \
	    -keyout "$dir/$name.key" -out "$dir/$name.csr" >/dev/null 2>&1 || lab_die "cannot make key $name"
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$san" >"$dir/$name.ext"
	# openssl x509 -days counts from now; a start in the past or future
	# needs the "ca" command's -startdate/-enddate.
	start=$(date -u -d "$from days" +%Y%m%d%H%M%SZ)
	end=$(date -u -d "$to days" +%Y%m%d%H%M%SZ)
	mkdir -p "$dir/db"; : >"$dir/db/index.txt"; [ -f "$dir/db/serial" ] || echo 1000 >"$dir/db/serial"
	cat >"$dir/$name.cnf" <<CNF
[ca]
default_ca = lab
[lab]
database = $dir/db/index.txt
serial = $dir/db/serial
new_certs_dir = $dir/db
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
commonName = supplied
CNF
	openssl ca -batch -config "$dir/$name.cnf" -cert "$LAB_CA" -keyfile "$dir/ca.key" \
	    -startdate "$start" -enddate "$end" -extfile "$dir/$name.ext" \
	    -in "$dir/$name.csr" -out "$dir/$name.pem" >/dev/null 2>&1 || lab_die "cannot sign certificate $name"
}

# lab_nginx_start STATEDIR CONF_BODY_FILE: runs nginx (as the current user,
# no daemon) with the http { } body from the file; the body uses ports the
# caller chose. Logs go to STATEDIR/nginx.
lab_nginx_start() {
	dir=$1; body=$2
	mkdir -p "$dir/nginx/tmp"
	cat >"$dir/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
daemon on;
events { worker_connections 256; }
http {
	access_log $dir/nginx/access.log;
	client_body_temp_path $dir/nginx/tmp/body;
	proxy_temp_path $dir/nginx/tmp/proxy;
	fastcgi_temp_path $dir/nginx/tmp/fastcgi;
	uwsgi_temp_path $dir/nginx/tmp/uwsgi;
	scgi_temp_path $dir/nginx/tmp/scgi;
	default_type text/html;
	include $body;
}
CONF
	if [ "$(id -u)" -eq 0 ]; then
		sed -i "1i user root;" "$dir/nginx/nginx.conf"
	fi
	nginx -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf" -p "$dir/nginx" ||
	    lab_die "nginx did not start: $(tail -5 "$dir/nginx/error.log" 2>/dev/null)"
	i=0
	while [ ! -s "$dir/nginx/nginx.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	LAB_PIDS="$LAB_PIDS $(cat "$dir/nginx/nginx.pid")"
}

# Stops every server this shell started.
lab_stop_all() {
	for p in $LAB_PIDS; do kill "$p" 2>/dev/null; done
	LAB_PIDS=""
}

# Skips the test (automake's exit 77) with a reason.
lab_skip() { echo "SKIP: $*"; exit 77; }

# Fails the test with a message.
lab_fail() { echo "FAIL: $*" >&2; exit 1; }

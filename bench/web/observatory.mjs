// bench/web/observatory.mjs: runs the MDN HTTP Observatory's scanner on a
// lab host. The lab serves on loopback ports, so names ending in .test
// resolve to 127.0.0.1 and ports 80/443 are mapped to the lab's ports.
// usage: NODE_EXTRA_CA_CERTS=ca.pem node observatory.mjs PKGDIR HOST HTTP HTTPS
import dns from "node:dns";
import http from "node:http";
import tls from "node:tls";

const [dir, host, httpPort, httpsPort] = process.argv.slice(2);
const lookup = dns.lookup;
dns.lookup = function (name, opts, cb) {
	if (typeof opts === "function") { cb = opts; opts = {}; }
	if (/\.test\.?$/.test(name)) {
		if (opts && opts.all)
			return process.nextTick(cb, null, [{ address: "127.0.0.1", family: 4 }]);
		return process.nextTick(cb, null, "127.0.0.1", 4);
	}
	return lookup.call(this, name, opts, cb);
};
const map = (p) => (Number(p) === 443 ? Number(httpsPort) :
    Number(p) === 80 ? Number(httpPort) : p);
const tlsConnect = tls.connect;
tls.connect = function (...a) {
	if (a[0] && typeof a[0] === "object")
		a[0] = { ...a[0], port: map(a[0].port ?? 443), lookup: dns.lookup };
	return tlsConnect.apply(this, a);
};
const httpCreate = http.Agent.prototype.createConnection;
http.Agent.prototype.createConnection = function (options, cb) {
	return httpCreate.call(this, { ...options, port: map(options.port ?? 80),
	    lookup: dns.lookup }, cb);
};
const { scan } = await import(dir + "/src/scanner/index.js");
const r = await scan(host);
const out = {};
for (const [k, t] of Object.entries(r.tests))
	out[k] = { pass: t.pass, result: t.result, score: t.scoreModifier };
console.log(JSON.stringify({ grade: r.scan.grade, score: r.scan.score, tests: out }, null, 1));

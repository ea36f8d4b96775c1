# spf-suite.py SUITE.yml: prints the RFC 7208 test suite (YAML, the source
# of truth) in the line format tests/test-spf-suite.c reads:
#   S <tab> scenario description
#   Z <tab> name <tab> TYPE <tab> value   (TYPE TXTNONE/SPFNONE/TIMEOUT: no value)
#   T <tab> test <tab> helo <tab> host <tab> mailfrom <tab> r1,r2 <tab> explanation
# Tabs, newlines and backslashes in fields are escaped as \t, \n and \\.
# Exits 77 when PyYAML is missing.
import sys
try:
    import yaml
except ImportError:
    print("PyYAML (python3-yaml) is not installed", file=sys.stderr)
    sys.exit(77)


def esc(s):
    # A NUL cannot cross the evaluator's C-string interface: it becomes
    # 0x01, another control byte RFC 7208 forbids just the same.
    return str(s).replace("\0", "\x01").replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


out = sys.stdout
with open(sys.argv[1], encoding="utf-8") as f:
    docs = list(yaml.safe_load_all(f))
for d in docs:
    if not d:
        continue
    out.write("S\t%s\n" % esc(d.get("description", "")))
    for name, recs in (d.get("zonedata") or {}).items():
        for r in recs or []:
            if r == "TIMEOUT":
                out.write("Z\t%s\tTIMEOUT\t\n" % esc(name))
                continue
            ((k, v),) = r.items()
            if k in ("TXT", "SPF"):
                if v == "NONE":
                    out.write("Z\t%s\t%sNONE\t\n" % (esc(name), k))
                    continue
                if isinstance(v, list):
                    v = "".join(v)
            elif k == "MX":
                v = "%s %s" % (v[0], v[1])
            out.write("Z\t%s\t%s\t%s\n" % (esc(name), k, esc(v)))
    for tname, t in d["tests"].items():
        res = t["result"]
        if not isinstance(res, list):
            res = [res]
        out.write("T\t%s\t%s\t%s\t%s\t%s\t%s\n" % (
            esc(tname), esc(t.get("helo", "")), esc(t.get("host", "")),
            esc(t.get("mailfrom", "")), ",".join(res),
            esc(t.get("explanation", ""))))

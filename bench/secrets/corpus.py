#!/usr/bin/env python3
"""corpus.py DIR MB MANIFEST: copies real source text from this machine
(headers, Python, Perl, JavaScript, Vim scripts, locale sources) into DIR
until it holds at least MB megabytes, then plants secrets by appending
lines to randomly chosen files. MANIFEST gets one line per planted secret:
KIND<TAB>PATH<TAB>LINE<TAB>VALUE. Values are random (fixed seed), built
from pieces; none is a real credential."""
import os, random, shutil, string, sys

dest, want_mb, manifest = sys.argv[1], int(sys.argv[2]), sys.argv[3]
roots = ["/usr/include", "/usr/lib/python3", "/usr/share/perl",
         "/usr/share/perl5", "/usr/lib/x86_64-linux-gnu/perl",
         "/usr/lib/node_modules", "/usr/share/vim", "/usr/share/i18n",
         "/usr/share/doc", "/usr/local/lib/python3.11",
         "/usr/lib/python3.11"]
exts = (".h", ".hpp", ".hh", ".c", ".cc", ".py", ".pm", ".pl", ".js",
        ".mjs", ".cjs", ".ts", ".json", ".vim", ".txt", ".md", ".rst",
        ".html", ".css", ".sh", ".yml", ".yaml", ".xml", ".cfg", ".ini",
        ".tcl", ".def", "")
rnd = random.Random(20261124)
total = 0
files = []
for root in roots:
    for d, dirs, names in os.walk(root):
        dirs.sort()
        for n in sorted(names):
            src = os.path.join(d, n)
            if os.path.islink(src) or not os.path.isfile(src):
                continue
            ext = os.path.splitext(n)[1]
            if ext not in exts or n.endswith((".gz", ".pyc")):
                continue
            size = os.path.getsize(src)
            if size == 0 or size > 2 << 20:
                continue
            with open(src, "rb") as f:
                head = f.read(8000)
            if b"\0" in head:
                continue
            rel = os.path.join(root.strip("/").replace("/", "_"),
                               os.path.relpath(src, root))
            dst = os.path.join(dest, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(src, dst)
            files.append(rel)
            total += size
            if total >= want_mb << 20:
                break
        if total >= want_mb << 20:
            break
    if total >= want_mb << 20:
        break

def s(chars, n):
    return "".join(rnd.choice(chars) for _ in range(n))
A = string.ascii_letters + string.digits
U = string.ascii_uppercase + string.digits
H = "0123456789abcdef"
W = A + "-_"
B = A + "+/"
kinds = {
    "aws": lambda: ['aws_access_key_id = "%s"' % ("AK" "IA" + s(U, 16))],
    "github": lambda: ['GITHUB_TOKEN = "%s"' % ("gh" "p_" + s(A, 36))],
    "slack": lambda: ['SLACK_TOKEN = "%s"' % ("xo" "xb-" + s("0123456789", 12)
                      + "-" + s("0123456789", 13) + "-" + s(A, 24))],
    "sendgrid": lambda: ['SENDGRID_API_KEY = "%s"' % ("S" "G." + s(W, 22) +
                         "." + s(W, 43))],
    "npm": lambda: ["//registry.example/:_authToken=%s" % ("np" "m_" +
                    s(A, 36))],
    "shopify": lambda: ['SHOPIFY_TOKEN = "%s"' % ("shp" "at_" + s(H, 32))],
    "openai": lambda: ['OPENAI_API_KEY = "%s"' % ("sk-" "proj-" + s(W, 58) +
                       "T3Blbk" "FJ" + s(W, 58))],
    "anthropic": lambda: ['ANTHROPIC_API_KEY = "%s"' % ("sk-" "ant-api03-" +
                          s(W, 93) + "AA")],
    "privatekey": lambda: ["-----BEGIN RSA " "PRIVATE KEY-----"] +
                  [s(B, 64) for _ in range(8)] + [s(B, 40) + "==",
                   "-----END RSA " "PRIVATE KEY-----"],
    "dburl": lambda: ['DATABASE_URL = "postgres://app:%s@db.internal:5432/app"'
                      % s(A, 20)],
}
chosen = rnd.sample(files, 10 * len(kinds))
with open(manifest, "w") as m:
    for i, rel in enumerate(chosen):
        kind = sorted(kinds)[i % len(kinds)]
        lines = kinds[kind]()
        path = os.path.join(dest, rel)
        with open(path, "rb") as f:
            data = f.read()
        if data and not data.endswith(b"\n"):
            data += b"\n"
        line = data.count(b"\n") + 1
        data += ("\n".join(lines) + "\n").encode()
        with open(path, "wb") as f:
            f.write(data)
        m.write("%s\t%s\t%d\t%s\n" % (kind, rel, line, lines[0] if
                kind != "privatekey" else lines[1]))
print("%d files, %.1f MB, %d planted" % (len(files), total / 1048576.0,
      len(chosen)))

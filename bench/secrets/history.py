#!/usr/bin/env python3
"""history.py DIR COMMITS MANIFEST: builds a git repository in DIR with
COMMITS commits (through git fast-import) on two branches: each commit
changes one of 40 source files with lines of real source text taken from
/usr/include; every 100th commit adds a planted secret (random, built from
pieces) and a later commit deletes it again. MANIFEST gets
KIND<TAB>PATH<TAB>VALUE per planted secret."""
import os, random, string, subprocess, sys

dest, ncommits, manifest = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(5000)
text = []
for d, dirs, names in os.walk("/usr/include"):
    dirs.sort()
    for n in sorted(names):
        if n.endswith(".h"):
            try:
                with open(os.path.join(d, n), encoding="utf-8") as f:
                    text.extend(l.rstrip("\n") for l in f)
            except (UnicodeDecodeError, OSError):
                pass
    if len(text) > 400000:
        break
A = string.ascii_letters + string.digits
def s(chars, n):
    return "".join(rnd.choice(chars) for _ in range(n))
makers = [
    ("github", lambda: "gh" "p_" + s(A, 36)),
    ("stripe", lambda: "sk_" "live_" + s(A, 32)),
    ("aws", lambda: "AK" "IA" + s(string.ascii_uppercase + string.digits, 16)),
    ("slack", lambda: "xo" "xb-" + s(string.digits, 12) + "-" +
     s(string.digits, 13) + "-" + s(A, 24)),
    ("openai", lambda: "sk-" "proj-" + s(A + "-_", 64)),
]
os.makedirs(dest)
subprocess.run(["git", "init", "-q", "-b", "main", dest], check=True)
files = {"src/mod%02d.c" % i: [] for i in range(40)}
out = []
def blob(data):
    out.append("data %d\n" % len(data.encode()))
    out.append(data)
    out.append("\n")
planted = []
pending_delete = {}
when = 1700000000
with open(manifest, "w") as m:
    for c in range(1, ncommits + 1):
        branch = "refs/heads/main" if c % 7 else "refs/heads/topic"
        changed = []
        if c in pending_delete:
            p, v = pending_delete.pop(c)
            files[p] = [l for l in files[p] if v not in l]
            changed.append(p)
        path = rnd.choice(sorted(files))
        lines = files[path]
        pos = rnd.randrange(len(lines) + 1)
        lines[pos:pos] = [text[rnd.randrange(len(text))]
                          for _ in range(rnd.randint(3, 12))]
        if len(lines) > 400:
            del lines[:len(lines) - 400]
        if c % 100 == 0:
            kind, mk = makers[(c // 100) % len(makers)]
            v = mk()
            lines.append('static const char *key_%d = "%s";' % (c, v))
            planted.append((kind, path, v))
            m.write("%s\t%s\t%s\n" % (kind, path, v))
            pending_delete[c + 3] = (path, v)
        if path not in changed:
            changed.append(path)
        when += 600
        out.append("commit %s\n" % branch)
        out.append("author Dev <dev@example.test> %d +0000\n" % when)
        out.append("committer Dev <dev@example.test> %d +0000\n" % when)
        msg = "change %d" % c
        out.append("data %d\n%s\n" % (len(msg), msg))
        for p2 in changed:
            out.append("M 100644 inline %s\n" % p2)
            blob("\n".join(files[p2]) + "\n")
        out.append("\n")
subprocess.run(["git", "-C", dest, "fast-import", "--quiet"],
               input="".join(out).encode(), check=True)
subprocess.run(["git", "-C", dest, "checkout", "-q", "main"], check=True)
print("%d commits, %d planted" % (ncommits, len(planted)))

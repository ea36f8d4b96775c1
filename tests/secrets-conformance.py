# secrets-conformance.py DIR: prints the cases of the peers' secret-rule
# suites under DIR (each suite's manifest.json, the source of truth) in the
# line format tests/test-secrets-conformance.c reads, one case a line:
# SUITE<TAB>GROUP<TAB>DIR<TAB>EXPECT<TAB>FILE (FILE absolute).
import json
import os
import sys

top = sys.argv[1]
for suite in sorted(os.listdir(top)):
    manifest = os.path.join(top, suite, "manifest.json")
    if not os.path.isfile(manifest):
        continue
    with open(manifest, encoding="utf-8") as f:
        cases = json.load(f)
    for c in cases:
        path = os.path.join(top, suite, c["dir"], c["file"])
        fields = [suite, c.get("group", ""), c["dir"], c["expect"], path]
        print("\t".join(x.replace("\t", " ").replace("\n", " ")
                        for x in fields))

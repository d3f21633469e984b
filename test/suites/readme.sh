#!/usr/bin/env bash
# The README is a tested document (issue 10 item 3).  Contract: see the top of
# .ci/test (called with --setup outside the cluster, then inside it; last line
# "N passed, N failed").
#
# Convention for README.md (also stated in a comment at its top):
#   - every ```sql block runs, in the order written, in ONE psql session
#     (psql -X -q, default aligned output, NOTICEs and ERRORs included) on a
#     fresh database where the extension is available but not yet created;
#   - a ```sql block followed (only blank lines between) by a ```text or
#     ```mermaid block must print exactly that block's text (trailing spaces and
#     leading/trailing blank lines ignored); a ```sql block without one must
#     print nothing at all;
#   - ```sql norun marks SQL that cannot run on a fresh single-node database
#     (a Citus cluster, another server); it is shown, not run.  Any other
#     language (sh, js, python, ...) is never run.
# One test per ```sql block; a block that fails does not stop the others.
#
# Also checked: examples/quickstart.sql runs without error on a fresh database,
# and docs/quickstart.dot is ormar.diagram('dot') of the schema it builds (the
# SVG next to it is rendered from that file).
#
#   bash test/suites/readme.sh --setup
#   bash test/suites/readme.sh            # inside a cluster (PGHOST etc. set)
#   bash test/suites/readme.sh --update   # same, but rewrites README.md's output
#       blocks, docs/quickstart.dot and (with Graphviz) docs/quickstart.svg from
#       what actually ran; review the diff before committing it.  Run it inside a
#       cluster: pg_virtualenv bash test/suites/readme.sh --update
set -uo pipefail
if [ "${1:-}" = --setup ]; then
    command -v python3 >/dev/null && exit 0
    apt-get update -q && apt-get install -y -q python3-minimal
    exit
fi
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
update=0
[ "${1:-}" = --update ] && update=1
db=ormar_readme_$$
qs=ormar_quickstart_$$
dropdb --if-exists "$db" >/dev/null 2>&1
dropdb --if-exists "$qs" >/dev/null 2>&1
createdb "$db" || { echo "createdb $db failed"; echo "0 passed, 1 failed"; exit 1; }
createdb "$qs" || { echo "createdb $qs failed"; echo "0 passed, 1 failed"; exit 1; }
trap 'dropdb --if-exists "$db" >/dev/null 2>&1; dropdb --if-exists "$qs" >/dev/null 2>&1' EXIT

README_DB=$db QUICKSTART_DB=$qs UPDATE=$update python3 - <<'PY'
import os, re, subprocess, sys

update = os.environ["UPDATE"] == "1"
FENCE = re.compile(r"^```(\S*)[ \t]*(.*)$")
OUTPUT_LANGS = ("text", "mermaid")

with open("README.md", encoding="utf-8") as f:
    lines = f.read().split("\n")

# Fenced blocks: (lang, info, first content line, end fence line).
blocks = []
i = 0
while i < len(lines):
    m = FENCE.match(lines[i])
    if m and (m.group(1) or m.group(2) == ""):
        start = i
        j = i + 1
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        if j == len(lines):
            print("not ok - README.md line %d: unclosed code block" % (start + 1))
            print("0 passed, 1 failed")
            sys.exit(0)
        blocks.append((m.group(1), m.group(2).strip(), start, j))
        i = j + 1
    else:
        i += 1

def content(b):
    return lines[b[2] + 1:b[3]]

def normalize(text_lines):
    out = [l.rstrip() for l in text_lines]
    while out and out[0] == "":
        out.pop(0)
    while out and out[-1] == "":
        out.pop()
    return out

# The SQL blocks to run and the output block each one is paired with.
runs = []
for k, b in enumerate(blocks):
    if b[0] != "sql":
        continue
    if b[1] == "norun":
        continue
    if b[1]:
        print("not ok - README.md line %d: unknown marker %r on a sql block "
              "(only 'norun')" % (b[2] + 1, b[1]))
        runs.append((b, None, "bad-marker"))
        continue
    out = None
    if k + 1 < len(blocks):
        n = blocks[k + 1]
        between = lines[b[3] + 1:n[2]]
        if n[0] in OUTPUT_LANGS and all(l.strip() == "" for l in between):
            out = n
    runs.append((b, out, None))

# One psql session; a marker line before each block splits the output.
marker = "@@ormar_readme_block_%d@@"
script = []
for n, (b, out, err) in enumerate(runs):
    script.append("\\echo " + marker % n)
    script.extend(content(b))
    script.append("")
script.append("\\echo " + marker % len(runs))
proc = subprocess.run(["psql", "-X", "-q", "-d", os.environ["README_DB"],
                       "-v", "VERBOSITY=default", "-P", "pager=off"],
                      input="\n".join(script) + "\n", stdout=subprocess.PIPE,
                      stderr=subprocess.STDOUT, text=True)
got = proc.stdout.split("\n")
pieces = {}
cur = None
for l in got:
    m = re.fullmatch(r"@@ormar_readme_block_(\d+)@@", l)
    if m:
        cur = int(m.group(1))
        pieces[cur] = []
    elif cur is not None:
        pieces[cur].append(l)
    else:
        pieces.setdefault(-1, []).append(l)

passed = failed = 0
replacements = []          # (first line, end line, new content lines)
if len(runs) not in pieces:
    print("not ok - the psql session did not reach the end of the README "
          "(exit %d)" % proc.returncode)
    print("\n".join(got[-20:]))
    failed += 1
for n, (b, out, err) in enumerate(runs):
    where = "README.md line %d" % (b[2] + 1)
    if err:
        failed += 1
        continue
    actual = normalize(pieces.get(n, ["(no output captured)"]))
    expected = normalize(content(out)) if out else []
    if actual == expected:
        passed += 1
        print("ok - %s" % where)
        continue
    failed += 1
    print("not ok - %s: output differs from the %s" %
          (where, "block after it" if out else "nothing shown (no output block)"))
    import difflib
    for d in difflib.unified_diff(expected, actual, "README.md", "psql", lineterm="", n=2):
        print("    " + d)
    if update and out:
        replacements.append((out[2] + 1, out[3], actual))
    elif update:
        print("    (--update cannot add an output block; write one after the sql block)")

if update and replacements:
    for first, end, new in sorted(replacements, reverse=True):
        lines[first:end] = new
    with open("README.md", "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print("README.md: %d output blocks rewritten; review git diff" % len(replacements))

# examples/quickstart.sql runs, and docs/quickstart.dot is its diagram.
qs = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", os.environ["QUICKSTART_DB"],
                     "-f", "examples/quickstart.sql"],
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
if qs.returncode == 0:
    passed += 1
    print("ok - examples/quickstart.sql runs on a fresh database")
else:
    failed += 1
    print("not ok - examples/quickstart.sql failed (exit %d):" % qs.returncode)
    print("\n".join(qs.stdout.split("\n")[-15:]))
dot = subprocess.run(["psql", "-X", "-A", "-t", "-d", os.environ["QUICKSTART_DB"],
                      "-c", "SELECT ormar.diagram('dot')"],
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
try:
    committed = open("docs/quickstart.dot", encoding="utf-8").read()
except OSError:
    committed = ""
if normalize(dot.split("\n")) == normalize(committed.split("\n")):
    passed += 1
    print("ok - docs/quickstart.dot is ormar.diagram('dot') of the quick-start schema")
else:
    failed += 1
    print("not ok - docs/quickstart.dot is not ormar.diagram('dot') of the quick-start schema")
    if update:
        os.makedirs("docs", exist_ok=True)
        with open("docs/quickstart.dot", "w", encoding="utf-8") as f:
            f.write("\n".join(normalize(dot.split("\n"))) + "\n")
        r = subprocess.run(["dot", "-Tsvg", "docs/quickstart.dot", "-o", "docs/quickstart.svg"])
        print("docs/quickstart.dot rewritten; docs/quickstart.svg %s" %
              ("rendered" if r.returncode == 0 else "NOT rendered (install graphviz)"))

print("%d passed, %d failed" % (passed, failed))
PY

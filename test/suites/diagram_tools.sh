#!/usr/bin/env bash
# ormar.diagram read by the real tools (issue 10 item 4): Mermaid's own parser
# (npm mermaid, pinned in test/suites/diagram_tools/package-lock.json) and
# Graphviz (Debian graphviz) must accept the text, and what they read must be
# the catalog: every model and through table with its columns and keys, and one
# edge per relation side with the cardinality, line style (dashed = pending) and
# label that ormar.relation says.  The expectations are computed from the
# catalog and pg_attribute by the queries below, not from the diagram text.
# Schema: test/suites/diagram_tools/schema.sql (every relation kind, hostile
# names).  Contract: see the top of .ci/test.
#
#   bash test/suites/diagram_tools.sh --setup   # apt graphviz/nodejs/npm if missing, npm ci
#   bash test/suites/diagram_tools.sh           # inside a cluster; last line "N passed, N failed"
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ "${1:-}" = --setup ]; then
    missing=()
    command -v dot >/dev/null || missing+=(graphviz)
    command -v npm >/dev/null || missing+=(nodejs npm)
    command -v python3 >/dev/null || missing+=(python3-minimal)
    if ((${#missing[@]} > 0)); then
        apt-get update -q && apt-get install -y -q "${missing[@]}" || exit 1
    fi
    cd "$here/diagram_tools" && npm ci --no-audit --no-fund --loglevel=error
    exit
fi
cd "$here/../.." || exit 1
db=ormar_diagram_tools_$$
createdb "$db" || { echo "createdb failed"; echo "0 passed, 1 failed"; exit 1; }
trap 'dropdb --if-exists "$db" >/dev/null 2>&1' EXIT
if ! psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$here/diagram_tools/schema.sql" >/dev/null 2>&1; then
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$here/diagram_tools/schema.sql" 2>&1 | tail -5
    echo "0 passed, 1 failed"
    exit 1
fi

DB=$db TOOLS=$here/diagram_tools python3 - <<'PY'
import json, os, subprocess

db = os.environ["DB"]
tools = os.environ["TOOLS"]
passed = failed = 0

def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok - " + what)
    else:
        failed += 1
        print("not ok - " + what)
        if detail:
            print("    " + detail.replace("\n", "\n    "))

def psql(sql):
    r = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-d", db, "-c", sql],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit("psql failed: " + r.stderr)
    return r.stdout

def rows(sql):
    return json.loads(psql("SELECT coalesce(json_agg(x), '[]') FROM (%s) x" % sql))

# ---- the expectation, from the catalog
# a name holding a dot or a double quote is shown as an SQL identifier, so that
# every table has a label of its own (s."a.b" is not "s.a".b)
def part(x):
    return "(CASE WHEN %s::text ~ '[.\"]' THEN quote_ident(%s::text) ELSE %s::text END)" % (x, x, x)
def label_of(nsp, rel):
    return ("CASE WHEN %s = ANY (current_schemas(false)) THEN %s"
            " ELSE %s || '.' || %s END" % (nsp, part(rel), part(nsp), part(rel)))
label = label_of("n.nspname", "c.relname")
tables = rows("""
  SELECT %s AS label, c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid IN (SELECT model FROM ormar.model UNION SELECT through FROM ormar.relation
                    WHERE through IS NOT NULL)""" % label)
columns = {}
for t in tables:
    columns[t["label"]] = rows("""
      SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
             EXISTS (SELECT FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary
                       AND a.attnum = ANY (i.indkey)) AS pk,
             EXISTS (SELECT FROM pg_constraint k WHERE k.conrelid = a.attrelid AND k.contype = 'f'
                       AND a.attnum = ANY (k.conkey)) AS fk,
             EXISTS (SELECT FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisunique
                       AND NOT i.indisprimary AND i.indnkeyatts = 1 AND i.indkey[0] = a.attnum) AS uk
        FROM pg_attribute a WHERE a.attrelid = %d AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum""" % t["oid"])
rels = rows("""
  SELECT (SELECT %s FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.oid = r.model) AS model,
         coalesce((SELECT %s FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.oid = r.target), %s) AS target,
         (SELECT %s FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.oid = r.through) AS through,
         r.name, CASE WHEN r.skip_reverse THEN NULL ELSE r.related_name END AS related_name,
         r.kind, r.target IS NULL AS pending, r.one_to_one,
         coalesce((SELECT a.attnotnull FROM pg_attribute a
                    WHERE a.attrelid = r.model AND a.attname = r.column_name), NOT r.nullable) AS notnull
    FROM ormar.relation r""" % (label, label, label_of("r.target_schema", "r.target_name"), label))

expected_edges = []
for r in rels:
    role = r["name"] + (" / " + r["related_name"] if r["related_name"] else "")
    if r["kind"] == "many_to_many" and not r["pending"]:
        expected_edges.append((r["model"], "ONLY_ONE", "IDENTIFYING", "ZERO_OR_MORE", r["through"], r["name"]))
        expected_edges.append((r["target"], "ONLY_ONE", "IDENTIFYING", "ZERO_OR_MORE", r["through"],
                               r["related_name"] or r["name"]))
    elif r["kind"] == "many_to_many":
        expected_edges.append((r["target"], "ZERO_OR_MORE", "NON_IDENTIFYING", "ZERO_OR_MORE",
                               r["model"], role + " (pending)"))
    else:
        expected_edges.append((r["target"], "ONLY_ONE" if r["notnull"] else "ZERO_OR_ONE",
                               "NON_IDENTIFYING" if r["pending"] else "IDENTIFYING",
                               "ZERO_OR_ONE" if r["one_to_one"] else "ZERO_OR_MORE",
                               r["model"], role + (" (pending)" if r["pending"] else "")))
check("the schema has every relation kind (%d relations, %d tables)" % (len(rels), len(tables)),
      len(rels) >= 8 and any(r["pending"] for r in rels) and any(r["one_to_one"] for r in rels)
      and any(r["notnull"] for r in rels) and any(r["model"] == r["target"] for r in rels))

# ---- Mermaid
mer = psql("SELECT ormar.diagram()")
r = subprocess.run(["node", os.path.join(tools, "mermaid_read.mjs")], input=mer,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                   cwd=tools)
check("Mermaid's parser accepts ormar.diagram()", r.returncode == 0, r.stdout[-2000:])
if r.returncode == 0:
    got = json.loads(r.stdout.strip().split("\n")[-1])
    # Mermaid has no escape for a double quote, a newline, '%' or '\\' inside a
    # quoted name, and shows names as HTML: ormar.diagram writes these (and '#',
    # so that nothing else reads the same) as Mermaid's entity codes, which its
    # parser keeps as placeholders and its renderer shows as HTML character
    # references.  What Mermaid shows must be the name itself.
    import html
    mq = lambda s: html.unescape(s.replace("\ufb02\u00b0\u00b0", "&#").replace("\ufb02\u00b0", "&")
                                 .replace("\u00b6\u00df", ";"))
    got["entities"] = {mq(k): v for k, v in got["entities"].items()}
    got["relationships"] = [[mq(a), ca, lt, cb, mq(b), mq(role)]
                            for (a, ca, lt, cb, b, role) in got["relationships"]]
    for v in got["entities"].values():
        for gc in v:
            gc[3] = mq(gc[3])
    mq = lambda s: s
    pending_targets = {r["target"] for r in rels if r["pending"]}
    want = {mq(t) for t in columns} | {mq(t) for t in pending_targets}
    check("Mermaid reads exactly the models, through tables and pending targets as entities,"
          " one per table (%d)" % len(want),
          set(got["entities"]) == want and len(want) == len(set(columns) | pending_targets)
          and len(columns) == len(tables),
          "missing %s, extra %s" % (sorted(want - set(got["entities"])), sorted(set(got["entities"]) - want)))
    for t, cols in sorted(columns.items()):
        g = got["entities"].get(mq(t), [])
        names_ok = len(g) == len(cols) and all(
            (gc[1] == c["name"] and gc[3] == "") or gc[3] == mq(c["name"]) for gc, c in zip(g, cols))
        keys_ok = len(g) == len(cols) and all(
            set(filter(None, gc[2].split(","))) ==
            {k for k, v in (("PK", c["pk"]), ("FK", c["fk"]), ("UK", c["uk"] and not c["pk"])) if v}
            for gc, c in zip(g, cols))
        types_ok = len(g) == len(cols) and all(
            gc[0] == "".join(ch if ch.isascii() and (ch.isalnum() or ch in "_-()[]") else "_"
                             for ch in c["type"]) for gc, c in zip(g, cols))
        check("Mermaid entity %s: columns in order with their names, types and keys" % t,
              names_ok and keys_ok and types_ok, json.dumps(g) + "\n" + json.dumps(cols))
    ge = sorted(tuple(e) for e in got["relationships"])
    we = sorted((mq(a), ca, lt, cb, mq(b), mq(role)) for (a, ca, lt, cb, b, role) in expected_edges)
    check("Mermaid reads one relationship per relation side with the catalog's cardinality, "
          "line style and label (%d)" % len(we), ge == we,
          "missing %s\nextra %s" % ([e for e in we if e not in ge], [e for e in ge if e not in we]))

# ---- Graphviz
dot = psql("SELECT ormar.diagram('dot')")
r = subprocess.run(["dot", "-Tjson"], input=dot, stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE, text=True)
check("Graphviz lays out ormar.diagram('dot') without an error or warning",
      r.returncode == 0 and r.stderr.strip() == "", r.stderr[-2000:])
if r.returncode == 0:
    g = json.loads(r.stdout)
    # dot keeps a node name's backslashes; ormar.diagram writes a newline as \\n
    dq = lambda s: s.replace("\\", "\\\\").replace("\n", "\\n")
    nodes = {o["name"]: o for o in g.get("objects", [])}
    want = {dq(t) for t in set(columns) | {r["target"] for r in rels if r["pending"]}}
    check("Graphviz reads one node per model, through table and pending target",
          set(nodes) == want, "missing %s, extra %s" % (sorted(want - set(nodes)), sorted(set(nodes) - want)))
    names = {o["_gvid"]: o["name"] for o in g.get("objects", [])}
    edges = sorted((names[e["tail"]], names[e["head"]], e.get("label", ""), e.get("style", "solid"))
                   for e in g.get("edges", []))
    wedges = []
    for (a, ca, lt, cb, b, role) in expected_edges:
        # dot edges go from the many side (or the through table) to the one side
        wedges.append((dq(b), dq(a), role, "dashed" if lt == "NON_IDENTIFYING" else "solid"))
    wedges = sorted(wedges)
    check("Graphviz reads one edge per relation side, dashed exactly when pending (%d)" % len(wedges),
          edges == wedges, "missing %s\nextra %s" % ([e for e in wedges if e not in edges],
                                                   [e for e in edges if e not in wedges]))
    svg = subprocess.run(["dot", "-Tsvg"], input=dot, stdout=subprocess.PIPE, text=True).stdout
    import html
    check("the SVG shows every column name",
          all(html.escape(c["name"], quote=False) in svg or html.escape(c["name"]) in svg
              for cols in columns.values() for c in cols))

print("%d passed, %d failed" % (passed, failed))
PY

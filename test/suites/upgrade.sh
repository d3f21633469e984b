#!/usr/bin/env bash
# Upgrade from the released 0.1.0 (issue 8 item 9).  Last line: "N passed, N failed".
#
# Part 1, in the cluster .ci/test gives (PGHOST etc., extension installed):
#   - CREATE EXTENSION ormar_pg VERSION '0.1.0' + ALTER EXTENSION ormar_pg UPDATE
#     must install exactly what a fresh CREATE EXTENSION ormar_pg installs:
#     test/upgrade/describe_extension.sql describes both databases (functions
#     with identity arguments, defaults, result types, volatility, strictness,
#     security, comments, grants; catalog columns, constraints, indexes,
#     comments; views; event triggers; extension config) and the two
#     descriptions are diffed;
#   - the diff is proven able to fail: a function added to one database and a
#     changed comment must both show up in it;
#   - ormar_pg--0.1.0.sql is byte-identical to the released one (git).
# Part 2, in a cluster of its own, a real binary upgrade: the released 0.1.0
#   library is built from git, installed into a private copy of PostgreSQL,
#   and test/upgrade/before.sql creates models, every relation kind, a pending
#   relation, a relation declared by another role and data under it; then the
#   current library and scripts replace it, ALTER EXTENSION ormar_pg UPDATE
#   runs and test/upgrade/after.sql checks catalog, accessors, views, every
#   proxy, the pending relation, new declarations and DDL; finally the updated
#   database (with data) is compared with a fresh install again.
#   Needs git history holding the 0.1.0 release (ORMAR_UPGRADE_FROM_REV=<rev>
#   to name it); without it part 2 is reported as skipped.
#
#   Between the library swap and ALTER EXTENSION UPDATE, test/upgrade/old_catalog.sql
#   checks that the current library serves the 0.1.0 catalog and SQL definitions
#   (proxies, fetch, traverse, describe, event triggers, declarations), in a
#   transaction it rolls back.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$PWD

if [ "${1:-}" = --setup ]; then
    if ! command -v git >/dev/null 2>&1; then
        apt-get update -q && apt-get install -y -q git || exit 1
    fi
    exit 0
fi

# shellcheck source=test/lib/cluster.sh
. "$ROOT/test/lib/cluster.sh"

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else not_ok "$1"; fi; }

WORK=$(cl_tmpdir upgrade) || { echo "cannot make a temporary directory"; echo "0 passed, 1 failed"; exit 1; }
cleanup() {
    cluster_stop
    for db in ormar_upgrade_updated ormar_upgrade_fresh ormar_upgrade_probe; do
        dropdb --if-exists "$db" >/dev/null 2>&1
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

describe() {   # psql connection args... -> description on stdout
    psql -X -q -v ON_ERROR_STOP=1 "$@" -f "$ROOT/test/upgrade/describe_extension.sql"
}

# ------------------------------------------------------------ part 1
echo "# part 1: updated 0.1.0 vs fresh install, in the given cluster"
for db in ormar_upgrade_updated ormar_upgrade_fresh ormar_upgrade_probe; do
    dropdb --if-exists "$db" >/dev/null 2>&1
    createdb "$db" || not_ok "createdb $db"
done
psql -X -q -v ON_ERROR_STOP=1 -d ormar_upgrade_fresh -c 'CREATE EXTENSION ormar_pg'
check "fresh CREATE EXTENSION ormar_pg" $?
rc=0
for db in ormar_upgrade_updated ormar_upgrade_probe; do
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" \
        -c "CREATE EXTENSION ormar_pg VERSION '0.1.0'" \
        -c 'ALTER EXTENSION ormar_pg UPDATE' || rc=1
done
check "CREATE EXTENSION ormar_pg VERSION '0.1.0' then ALTER EXTENSION ormar_pg UPDATE" $rc

describe -d ormar_upgrade_fresh >"$WORK/fresh.txt"
rc1=$?
describe -d ormar_upgrade_updated >"$WORK/updated.txt"
rc2=$?
if ((rc1 == 0 && rc2 == 0)) && diff -U0 "$WORK/fresh.txt" "$WORK/updated.txt" >"$WORK/diff1.txt"; then
    ok "updated installation equals a fresh one ($(wc -l <"$WORK/fresh.txt") facts compared)"
else
    not_ok "updated installation equals a fresh one (- fresh, + updated):"
    sed 's/^/#   /' "$WORK/diff1.txt"
fi

# The description must actually cover what it claims to.
rc=0
for kind in '^function ' '^member function ' '^event trigger ' '^column relation\.' \
            '^constraint relation\.' '^index ' '^view relations ' '^extension config ' '^schema ormar '; do
    if ! grep -q "$kind" "$WORK/fresh.txt"; then
        echo "# the description has no line matching $kind"
        rc=1
    fi
done
nf=$(grep -c '^function ' "$WORK/fresh.txt")
((nf >= 20)) || { echo "# only $nf functions described"; rc=1; }
check "the description covers functions ($nf), event triggers, catalog columns, constraints, indexes, views, config" $rc

# The comparison can fail: a function present in one installation only, and a
# changed comment, must both appear in the diff.
psql -X -q -v ON_ERROR_STOP=1 -d ormar_upgrade_probe <<'EOF'
CREATE FUNCTION ormar.upgrade_probe(n integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT n';
ALTER EXTENSION ormar_pg ADD FUNCTION ormar.upgrade_probe(integer);
COMMENT ON FUNCTION ormar.add(regclass, "any", text, "any", jsonb) IS 'changed';
EOF
describe -d ormar_upgrade_probe >"$WORK/probe.txt"
diff "$WORK/fresh.txt" "$WORK/probe.txt" >"$WORK/diff_probe.txt"
if grep -q '^> function upgrade_probe(n integer) ' "$WORK/diff_probe.txt" &&
   grep -q '^> member function ormar.upgrade_probe(integer)$' "$WORK/diff_probe.txt" &&
   grep -q "^> function add(.*comment='changed'$" "$WORK/diff_probe.txt" &&
   grep -q "^< function add(" "$WORK/diff_probe.txt"; then
    ok "the comparison catches an extra function and a changed comment"
else
    not_ok "the comparison catches an extra function and a changed comment; diff was:"
    sed 's/^/#   /' "$WORK/diff_probe.txt"
fi

# ------------------------------------------------------------ the 0.1.0 release in git
FROM_REV=${ORMAR_UPGRADE_FROM_REV:-}
if [ -z "$FROM_REV" ] && command -v git >/dev/null 2>&1 && git rev-parse --git-dir >/dev/null 2>&1; then
    # the commit that moved default_version away from 0.1.0; its parent is the release
    c=$(git log --format=%H -n 1 -G"default_version = '0.1.0'" -- ormar_pg.control 2>/dev/null)
    if [ -n "$c" ] && git show "$c:ormar_pg.control" 2>/dev/null | grep -q "default_version = '0.1.0'"; then
        FROM_REV=$c          # (the line was added, not removed: HEAD's history ends at 0.1.0)
    elif [ -n "$c" ]; then
        FROM_REV=$(git rev-parse -q --verify "$c^" 2>/dev/null)
    fi
fi
if [ -n "$FROM_REV" ] && ! git show "$FROM_REV:ormar_pg.control" 2>/dev/null |
        grep -q "default_version = '0.1.0'"; then
    echo "# $FROM_REV does not hold the 0.1.0 release"
    FROM_REV=
fi

if [ -z "$FROM_REV" ]; then
    echo "# part 2 skipped: no git history holding the 0.1.0 release (set ORMAR_UPGRADE_FROM_REV)"
    echo "$PASS passed, $FAIL failed"
    exit $((FAIL > 0))
fi
echo "# 0.1.0 release: $FROM_REV"
git show "$FROM_REV:ormar_pg--0.1.0.sql" | cmp -s - ormar_pg--0.1.0.sql
check "ormar_pg--0.1.0.sql is byte-identical to the released script" $?

# ------------------------------------------------------------ part 2
echo "# part 2: binary upgrade from the 0.1.0 library, in a cluster of its own"
mkdir -p "$WORK/src010"
if ! git archive "$FROM_REV" | tar -x -C "$WORK/src010" ||
   ! make -s -C "$WORK/src010" PG_CONFIG="$(command -v pg_config)" >"$WORK/build010.log" 2>&1; then
    not_ok "build the 0.1.0 library"
    tail -n 20 "$WORK/build010.log" | sed 's/^/#   /'
    echo "$PASS passed, $FAIL failed"
    exit 1
fi
ok "build the 0.1.0 library"

CUR_SO=$(pg_config --pkglibdir)/ormar_pg.so
BIN=$(pgcopy_make "$WORK/pg") || { not_ok "copy PostgreSQL"; echo "$PASS passed, $FAIL failed"; exit 1; }
LIBDIR=$("$BIN/pg_config" --pkglibdir)
EXTDIR=$("$BIN/pg_config" --sharedir)/extension
install_version() {   # 010 | current
    rm -f "$LIBDIR"/ormar_pg.so "$EXTDIR"/ormar_pg.control "$EXTDIR"/ormar_pg--*.sql
    if [ "$1" = 010 ]; then
        cp "$WORK/src010/ormar_pg.so" "$LIBDIR/" &&
            cp "$WORK/src010/ormar_pg.control" "$WORK/src010"/ormar_pg--*.sql "$EXTDIR/"
    else
        cp "$CUR_SO" "$LIBDIR/" && cp ormar_pg.control ormar_pg--*.sql "$EXTDIR/"
    fi
}
install_version 010 && chmod -R a+rX "$WORK" &&
    cluster_start "$WORK" "$BIN"
check "cluster with the 0.1.0 library" $?
cluster_psql -d postgres -q -c 'CREATE DATABASE upg' -c 'CREATE DATABASE fresh'
cluster_psql -d upg -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION ormar_pg' &&
    [ "$(cluster_psql -d upg -Atc "SELECT extversion FROM pg_extension WHERE extname = 'ormar_pg'")" = 0.1.0 ]
check "CREATE EXTENSION ormar_pg with the 0.1.0 release installs 0.1.0" $?
cluster_psql -d upg -q -v ON_ERROR_STOP=1 -f test/upgrade/before.sql >"$WORK/before.out" 2>&1
rc=$?
check "models, relations, pending relation and data under 0.1.0 (test/upgrade/before.sql)" $rc
((rc == 0)) || sed 's/^/#   /' "$WORK/before.out"

cluster_stop
install_version current && cluster_start "$WORK" "$BIN"
check "restart with the current library and scripts" $?

# the current library on the not yet updated 0.1.0 catalog (rolled back)
cluster_psql -d upg -f test/upgrade/old_catalog.sql >"$WORK/old.out" 2>&1
want=$(grep -c "^SELECT pg_temp.chk('" test/upgrade/old_catalog.sql)
got=$(grep -c '^ok ' "$WORK/old.out")
grep -E '^(ok |FAIL |psql:|ERROR)' "$WORK/old.out" | sed 's/^/#   /'
PASS=$((PASS + got))
FAIL=$((FAIL + want - got))
echo "# test/upgrade/old_catalog.sql: $got of $want checks ok"

cluster_psql -d upg -q -v ON_ERROR_STOP=1 -c 'ALTER EXTENSION ormar_pg UPDATE'
check "ALTER EXTENSION ormar_pg UPDATE of a database with models and data" $?

cluster_psql -d upg -f test/upgrade/after.sql >"$WORK/after.out" 2>&1
want=$(grep -c "^SELECT pg_temp.chk('" test/upgrade/after.sql)
got=$(grep -c '^ok ' "$WORK/after.out")
grep -E '^(ok |FAIL |psql:|ERROR)' "$WORK/after.out" | sed 's/^/#   /'
PASS=$((PASS + got))
FAIL=$((FAIL + want - got))
echo "# test/upgrade/after.sql: $got of $want checks ok"

cluster_psql -d fresh -q -c 'CREATE EXTENSION ormar_pg'
describe -h "$CL_HOST" -p "$CL_PORT" -U postgres -d fresh >"$WORK/fresh2.txt" &&
    describe -h "$CL_HOST" -p "$CL_PORT" -U postgres -d upg >"$WORK/upg2.txt" &&
    diff -U0 "$WORK/fresh2.txt" "$WORK/upg2.txt" >"$WORK/diff2.txt"
rc=$?
check "updated database with data equals a fresh install" $rc
((rc == 0)) || sed 's/^/#   /' "$WORK/diff2.txt"

echo "$PASS passed, $FAIL failed"
exit $((FAIL > 0))

#!/usr/bin/env bash
# Concurrent load on ormar_pg's proxies and declarations (issue 8 item 8).
# Runs against the cluster in PGHOST/PGPORT/PGUSER (ormar_pg installed there),
# in a database of its own that it creates and drops.
#
#   bash test/stress/load.sh [--clients 16] [--duration 60] [--readers 4]
#                            [--decl-duration 60] [--rows 2000] [--db ormar_stress]
#
# Phase 1: CLIENTS pgbench clients for DURATION seconds, each transaction one
#   random proxy call (related, add, remove, clear, create_related,
#   update_through, fetch, fetch_many, traverse) on FK, self-FK and
#   many-to-many relations (test/stress/proxies.pgb); every error is logged
#   with its SQLSTATE instead of ending the client.  Then the invariants of
#   test/stress/invariants.sql: no duplicate or orphan link, views and
#   accessors agree with the tables, related agrees, catalog unchanged.
# Phase 2: one declarer session loops many_to_many / foreign_key /
#   drop_relation on dsrc-dtgt (test/stress/declarer.pgb) while READERS
#   sessions call related, fetch and add on those relations
#   (test/stress/readers.pgb) for DECL_DURATION seconds.  A reader may get
#   42704 (the relation is gone); anything else (XX000, 40P01, 42703 naming
#   an internal alias, 42P01, ...) is a failure (DESIGN §8), as is any error
#   of the declarer.  Then the catalog consistency checks
#   (test/stress/consistency.sql) and, once both relations are dropped, the
#   catalog must be as before the phase.
# A server crash shows as aborted pgbench clients and fails the run.
# Prints "ok - ..." / "not ok - ..." lines, figures as "# ..." lines, and ends
# with "N passed, N failed".
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STRESS_DIR=$HERE
# shellcheck source=test/stress/lib.sh
. "$HERE/lib.sh"
CLIENTS=16 DURATION=60 READERS=4 DECL_DURATION=60 ROWS=2000 DB=ormar_stress
while (($#)); do
    case $1 in
        --clients) CLIENTS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --readers) READERS=$2; shift 2 ;;
        --decl-duration) DECL_DURATION=$2; shift 2 ;;
        --rows) ROWS=$2; shift 2 ;;
        --db) DB=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

# Readers racing declarations must get only 42704 and the declarer no error
# (DESIGN §8).  ORMAR_STRESS_CHECK_DECLARE_RACE=0 prints those figures
# without counting them.
CHECK_RACE=${ORMAR_STRESS_CHECK_DECLARE_RACE:-1}
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else not_ok "$1"; fi; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ormar_pg_load.XXXXXX")
trap 'rm -rf "$WORK"; dropdb --if-exists "$DB" >/dev/null 2>&1' EXIT

# Runs an SQL file of "ok NAME" / "FAIL NAME" lines; counts its checks.
run_checks() {   # file marker
    local file=$1 marker=$2 want got out
    out=$(psql -X -q -d "$DB" -f "$file" 2>&1)
    want=$(grep -c "^$marker" "$file")
    got=$(grep -c '^ok ' <<<"$out")
    while IFS= read -r line; do
        case $line in
            "ok "*) echo "ok - ${line#ok }" ;;
            "FAIL "*) echo "not ok - ${line#FAIL }" ;;
            *) [ -n "$line" ] && echo "# $line" ;;
        esac
    done <<<"$out"
    PASS=$((PASS + got))
    FAIL=$((FAIL + want - got))
    ((got == want)) || [ -n "$(grep '^FAIL ' <<<"$out")" ] ||
        echo "not ok - $((want - got)) checks of $file did not run"
}

# pgbench output -> "transactions tps aborted"
pgbench_figures() {
    awk '
        /number of transactions actually processed:/ { split($0, a, ": "); split(a[2], b, "/"); tx = b[1] }
        /^tps = / { tps = $3 }
        /aborted/ { ab++ }
        /number of failed transactions:/ { split($0, a, ": "); split(a[2], b, " "); failed = b[1] }
        END { printf "%s %s %s %s\n", tx + 0, tps + 0, ab + 0, failed + 0 }
    ' "$1"
}

# "sqlstate count sample-message" lines for the errors of WHO.
errors_by_sqlstate() {
    q -F ' | ' -c "SELECT sqlstate, count(*), min(op), min(message) FROM stress.errors
                    WHERE who = '$1' GROUP BY sqlstate ORDER BY sqlstate"
}

dropdb --if-exists "$DB" >/dev/null 2>&1
createdb "$DB" && q -c 'CREATE EXTENSION ormar_pg' &&
    q -v rows="$ROWS" -f "$HERE/setup.sql" >/dev/null
check "load database set up ($ROWS rows a model)" $?

# ------------------------------------------------------------ phase 1
echo "# phase 1: $CLIENTS clients x ${DURATION}s, every proxy on FK, self-FK and many-to-many relations"
pgbench -n -c "$CLIENTS" -j 2 -T "$DURATION" -D rows="$ROWS" -f "$HERE/proxies.pgb" "$DB" \
    >"$WORK/p1.out" 2>&1
rc=$?
read -r tx tps aborted failed < <(pgbench_figures "$WORK/p1.out")
echo "# phase 1: $tx transactions, $tps tps, pgbench exit $rc, aborted clients $aborted"
((rc == 0 && aborted == 0 && tx > 0))
check "proxy load ran to the end without a crash or an aborted client ($tx transactions)" $?
((rc == 0 && aborted == 0)) || grep -i 'abort\|error\|fatal' "$WORK/p1.out" | head -n 5 | sed 's/^/#   /'
errs=$(errors_by_sqlstate proxy)
if [ -z "$errs" ]; then
    ok "no proxy call failed (errors by SQLSTATE: none)"
else
    not_ok "proxy calls failed; errors by SQLSTATE (sqlstate | count | first op | a message):"
    sed 's/^/#   /' <<<"$errs"
fi
run_checks "$HERE/invariants.sql" "SELECT stress.chk("

# ------------------------------------------------------------ phase 2
echo "# phase 2: a declarer session vs $READERS readers x ${DECL_DURATION}s"
q -c 'TRUNCATE stress.errors'
pgbench -n -c 1 -T "$DECL_DURATION" -f "$HERE/declarer.pgb" "$DB" >"$WORK/decl.out" 2>&1 &
decl_pid=$!
pgbench -n -c "$READERS" -j 2 -T "$DECL_DURATION" -f "$HERE/readers.pgb" "$DB" >"$WORK/read.out" 2>&1
rrc=$?
wait "$decl_pid"
drc=$?
read -r dtx dtps dab _ < <(pgbench_figures "$WORK/decl.out")
read -r rtx rtps rab _ < <(pgbench_figures "$WORK/read.out")
echo "# phase 2: declarer $dtx cycles of 4 steps ($dtps/s), readers $rtx calls ($rtps tps)"
((drc == 0 && rrc == 0 && dab == 0 && rab == 0 && dtx > 0 && rtx > 0))
check "declarations and readers ran to the end without a crash or an aborted client" $?
((drc == 0 && rrc == 0)) || cat "$WORK/decl.out" "$WORK/read.out" | grep -i 'abort\|error\|fatal' | head -n 5 | sed 's/^/#   /'
derrs=$(errors_by_sqlstate declarer)
rerrs=$(errors_by_sqlstate reader)
echo "# reader errors by SQLSTATE (sqlstate | count | first op | a message):"
sed 's/^/#   /' <<<"${rerrs:-none}"
bad=$(q -c "SELECT count(*) FROM stress.errors WHERE who = 'reader' AND sqlstate <> '42704'")
if [ "$CHECK_RACE" = 1 ]; then
    if [ -z "$derrs" ]; then
        ok "every declaration and drop succeeded"
    else
        not_ok "declarations failed; errors by SQLSTATE (sqlstate | count | first step | a message):"
        sed 's/^/#   /' <<<"$derrs"
    fi
    [ "$bad" = 0 ]
    check "readers saw each relation as it was or as it is, or 42704 once gone ($bad other errors)" $?
else
    echo "# declarer errors by SQLSTATE (sqlstate | count | first step | a message):"
    sed 's/^/#   /' <<<"${derrs:-none}"
    echo "# NOT COUNTED (ORMAR_STRESS_CHECK_DECLARE_RACE=0): readers with errors other than 42704: $bad;"
    echo "#   declarer errors: $(grep -c . <<<"$derrs")  (set ORMAR_STRESS_CHECK_DECLARE_RACE=1 to count them)"
fi
q -c "SELECT stress.declare('drop_m2m')" \
  -c "SELECT ormar.drop_relation(model, name, drop_data => true) FROM ormar.relations
       WHERE name = 'owner' AND direction = 'forward'" >/dev/null
q -c 'TRUNCATE stress.errors'
run_consistency "after the declarations" psql -d "$DB"
[ "$(q -c 'SELECT count(*) FROM stress.fingerprint WHERE before IS DISTINCT FROM stress.catalog_fingerprint()')" = 0 ]
check "after dropping both relations, catalog and generated objects are as before the phase" $?

echo "$PASS passed, $FAIL failed"
exit $((FAIL > 0))

#!/usr/bin/env bash
# kill -9 of a backend in the middle of an ormar_pg call (issue 8 item 8).
# Starts a cluster of its own with the binaries of `pg_config --bindir` (the
# extension must be installed there): SIGKILL of a backend makes the
# postmaster end every session and restart with crash recovery.
#
#   bash test/stress/crash.sh [--kills 2] [--models 60] [--links 40000] [--rows 300000]
#
# For each operation, KILLS times with growing delays: a session reports its
# backend pid, starts the operation, and the backend gets kill -9 while the
# call runs:
#   define_models  MODELS models in one call, each with a foreign key and a
#                  many-to-many;
#   add batch      one statement adding LINKS many-to-many links;
#   declaration    foreign_key on a table of ROWS rows (constraint validation
#                  and index build take a while).
# After each kill: the server must come back, the call must have left all or
# nothing (models, links, relation), test/stress/consistency.sql must pass
# (every catalog row points at existing objects, every generated object is
# recorded, no half-made relation), and the same call must then succeed.
# Finally the consistency check must itself fail on a planted unrecorded
# generated view.  Ends with "N passed, N failed".
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=test/lib/cluster.sh
. "$HERE/../lib/cluster.sh"
STRESS_DIR=$HERE
# shellcheck source=test/stress/lib.sh
. "$HERE/lib.sh"
KILLS=2 MODELS=60 LINKS=40000 ROWS=300000
while (($#)); do
    case $1 in
        --kills) KILLS=$2; shift 2 ;;
        --models) MODELS=$2; shift 2 ;;
        --links) LINKS=$2; shift 2 ;;
        --rows) ROWS=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else not_ok "$1"; fi; }

WORK=$(cl_tmpdir crash) || { echo "0 passed, 1 failed"; exit 1; }
trap 'cluster_stop; rm -rf "$WORK"' EXIT
cluster_start "$WORK" "$(pg_config --bindir)"
check "own cluster started ($(pg_config --bindir))" $?
q() { cluster_psql -q -At -v ON_ERROR_STOP=1 -d crash "$@"; }
cluster_psql -q -d postgres -c 'CREATE DATABASE crash' && q -c 'CREATE EXTENSION ormar_pg'
check "extension created" $?

# Setup for the add batch and the declaration.
q >/dev/null <<EOF
SET client_min_messages = warning;
SELECT count(*) FROM ormar.define_models('{
  "a": {"id": {"type": "Integer", "primary_key": true}},
  "b": {"id": {"type": "Integer", "primary_key": true},
        "as": {"type": "ManyToMany", "to": "a", "related_name": "bs", "through": "b_links",
               "through_fields": {"w": {"type": "Integer"}}}},
  "big": {"id": {"type": "Integer", "primary_key": true}, "t": {"type": "Integer"}}
}');
INSERT INTO a SELECT i FROM generate_series(1, $LINKS) i;
INSERT INTO b SELECT i FROM generate_series(1, $LINKS) i;
INSERT INTO big SELECT i, i % 1000 + 1 FROM generate_series(1, $ROWS) i;
SELECT ormar.define_model('tgt', '{"id": {"type": "Integer", "primary_key": true}}');
INSERT INTO tgt SELECT i FROM generate_series(1, 1000) i;
EOF
check "setup: $LINKS link candidates, a $ROWS-row table" $?

consistency() {   # label
    run_consistency "$1" cluster_psql -d crash
}

# Runs SQL in a session, kill -9s its backend DELAY seconds after it started.
# Sets KILLED=1 when the call was cut (no result came back).
kill_during() {   # label delay sql
    local label=$1 delay=$2 sql=$3 pid i psql_pid restarts_before
    rm -f "$WORK/pid" "$WORK/out"
    restarts_before=$(grep -c 'terminated by signal 9' "$CL_LOG")
    printf '%s\n' '\o '"$WORK/pid" 'SELECT pg_backend_pid();' '\o' "$sql" |
        cluster_psql -q -At -d crash >"$WORK/out" 2>&1 &
    psql_pid=$!
    for ((i = 0; i < 100; i++)); do
        [ -s "$WORK/pid" ] && break
        sleep 0.05
    done
    pid=$(tr -d ' \n' <"$WORK/pid" 2>/dev/null)
    sleep "$delay"
    KILLED=0
    if [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; then KILLED=1; fi
    wait "$psql_pid"
    cluster_wait_ready
    check "$label: server back after kill -9 of backend $pid at ${delay}s" $?
    if ((KILLED)) && grep -q 'connection\|terminat' "$WORK/out"; then
        echo "#   the call was cut in the middle"
    else
        KILLED=0
        echo "#   the call had already ended: $(head -c 200 "$WORK/out" | tr '\n' ' ')"
    fi
    ((KILLED == 0)) || (($(grep -c 'terminated by signal 9' "$CL_LOG") > restarts_before))
    check "$label: the postmaster saw the kill and restarted" $?
}

models_json() {   # prefix
    q -c "SELECT '{' || string_agg(format('\"%1\$s_%2\$s\": {\"id\": {\"type\": \"Integer\", \"primary_key\": true}, \"name\": {\"type\": \"Text\"}%3\$s}',
              '$1', i, CASE WHEN i > 1 THEN format(', \"prev\": {\"type\": \"ForeignKey\", \"to\": \"%1\$s_%2\$s\"}, \"peers\": {\"type\": \"ManyToMany\", \"to\": \"%1\$s_1\", \"related_name\": \"peers_%3\$s\"}', '$1', i - 1, i) ELSE '' END), ', ') || '}'
              FROM generate_series(1, $MODELS) i"
}

KILLS_CUT=0
delays=(0.3 0.8 0.1 1.5 0.5 2.5 0.2 1.0)
for ((k = 0; k < KILLS; k++)); do
    d=${delays[k % ${#delays[@]}]}

    # define_models
    json=$(models_json "m$k")
    kill_during "define_models #$k" "$d" "SET client_min_messages = warning; SELECT count(*) FROM ormar.define_models('$json');"
    KILLS_CUT=$((KILLS_CUT + KILLED))
    n=$(q -c "SELECT count(*) FROM ormar.models WHERE name LIKE 'm${k}\\_%'")
    t=$(q -c "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE 'm${k}\\_%'")
    [[ ($n = 0 && $t = 0) || ($n = "$MODELS" && $t -ge "$MODELS") ]]
    check "define_models #$k: all or nothing ($n models, $t tables)" $?
    consistency "define_models #$k"
    if [ "$n" = 0 ]; then
        [ "$(q -c "SET client_min_messages = warning; SELECT count(*) FROM ormar.define_models('$json')")" = "$MODELS" ]
        check "define_models #$k: the same call succeeds afterwards" $?
    fi

    # a batch of add
    kill_during "add batch #$k" "$d" "SELECT count(*) FROM (SELECT ormar.add('b', i, 'as', i, '{\"w\": $k}') FROM generate_series(1, $LINKS) i) s;"
    KILLS_CUT=$((KILLS_CUT + KILLED))
    n=$(q -c "SELECT count(*) FROM b_links WHERE w = $k")
    [[ $n = 0 || $n = "$LINKS" ]]
    check "add batch #$k: all or nothing ($n links)" $?
    consistency "add batch #$k"
    q -c "SELECT ormar.clear('b', i, 'as') FROM generate_series(1, 10) i" >/dev/null
    [ "$(q -c "SELECT count(*) FILTER (WHERE r) FROM (SELECT ormar.add('b', i, 'as', i) r FROM generate_series(1, 10) i) s")" = 10 ]
    check "add batch #$k: adds work afterwards" $?
    q -c "DELETE FROM b_links" >/dev/null

    # a declaration
    kill_during "declaration #$k" "$d" "SELECT ormar.foreign_key('big', 'tgt$k', 'tgt', column_name => 't', related_name => 'bigs$k');"
    KILLS_CUT=$((KILLS_CUT + KILLED))
    st=$(q -c "SELECT count(*) FROM ormar.relation WHERE name = 'tgt$k'")/$(q -c "SELECT count(*) FROM pg_constraint WHERE conrelid = 'big'::regclass AND contype = 'f'")
    [[ $st = 0/0 || $st = 1/1 ]]
    check "declaration #$k: all or nothing (relation rows/constraints $st)" $?
    consistency "declaration #$k"
    if [ "$st" = 0/0 ]; then
        q -c "SELECT ormar.foreign_key('big', 'tgt$k', 'tgt', column_name => 't', related_name => 'bigs$k')" >/dev/null &&
            [ "$(q -c "SELECT count(*) FROM ormar.related('tgt', 7, 'bigs$k')")" = $((ROWS / 1000)) ]
        check "declaration #$k: the same declaration succeeds afterwards and works" $?
    fi
    q -c "SELECT ormar.drop_relation('big', 'tgt$k')" >/dev/null
done
echo "# $KILLS_CUT of $((3 * KILLS)) kills cut a call in the middle"
((KILLS_CUT > 0))
check "at least one kill cut a call in the middle" $?

# The consistency check can fail: a view that claims to be generated but is
# recorded nowhere.
q -c "CREATE VIEW planted AS SELECT 1 AS x; COMMENT ON VIEW planted IS 'ormar_pg: lookup view of a.b, planted'"
out=$(cluster_psql -q -d crash -v check_kept_through=0 -f "$HERE/consistency.sql" 2>&1)
grep -q '^FAIL every generated view is a recorded lookup view: 1 planted' <<<"$out"
check "the consistency check fails on a planted unrecorded generated view" $?

echo "$PASS passed, $FAIL failed"
exit $((FAIL > 0))

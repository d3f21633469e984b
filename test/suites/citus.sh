#!/usr/bin/env bash
# Citus suite: ormar_pg on a real Citus cluster (a coordinator and two workers
# on loopback ports), with schema-based and row-based sharding.
#
#   bash test/suites/citus.sh --setup   # as root: build + install Citus into the
#                                        # system PostgreSQL 15 from ../shared/citus
#   bash test/suites/citus.sh           # inside .ci/test: run test/citus/*.sql
#
# The three nodes are throwaway clusters initdb'd with `pg_config --bindir`'s
# binaries (shared_preload_libraries = citus, citus.node_conninfo =
# 'sslmode=disable').  Every node gets database "ormar" with the extensions
# citus (first), pgtap and ormar_pg.  Each test/citus/NAME.sql is a pgTAP
# script run on the coordinator with psql; every "ok" / "not ok" line is one
# test, a plan not met or an error outside an assertion is one more failure.
# Without Citus (no ../shared/citus and none installed) the suite says it was
# skipped and reports "0 passed, 0 failed".
#
# CITUS_SUITE_KEEP=DIR: start the nodes in DIR and leave them running (for
# working on the tests: PGHOST=DIR/sock PGPORT=<coordinator port> psql ormar).
set -uo pipefail

root=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel 2>/dev/null) ||
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
shared=$root/../shared/citus

citus_installed() {   # pg_config
    [ -f "$("$1" --pkglibdir)/citus.so" ] &&
        [ -f "$("$1" --sharedir)/extension/citus.control" ]
}

if [ "${1:-}" = --setup ]; then
    sys_pg_config=/usr/lib/postgresql/15/bin/pg_config
    [ -x "$sys_pg_config" ] || sys_pg_config=$(command -v pg_config || true)
    if [ -n "$sys_pg_config" ] && citus_installed "$sys_pg_config"; then
        echo "citus already installed"
        exit 0
    fi
    if [ ! -f "$shared/build.sh" ]; then
        echo "citus suite: $shared/build.sh not found and Citus not installed; the suite will be skipped"
        exit 0
    fi
    # build.sh patches the source with python3, which a brand-new machine may lack
    if ! command -v python3 >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q && apt-get install -y -q python3-minimal || exit 1
    fi
    exec bash "$shared/build.sh"
fi

cd "$root" || exit 1
bindir=$(pg_config --bindir)
if ! citus_installed pg_config; then
    echo "citus suite SKIPPED: Citus is not installed in $(pg_config --pkglibdir)" \
         "(no $shared/build.sh to build it from, or --setup was not run)"
    echo "0 passed, 0 failed"
    exit 0
fi

as=()
[ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
if [ -n "${CITUS_SUITE_KEEP:-}" ]; then
    tmp=$CITUS_SUITE_KEEP
    mkdir -p "$tmp"
else
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/ormar_citus.XXXXXX")
fi
chmod 755 "$tmp"
mkdir -p "$tmp/sock"
[ "$(id -u)" = 0 ] && chown -R postgres: "$tmp"

free_port() {
    local p=$((20000 + RANDOM % 20000))
    while (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((20000 + RANDOM % 20000)); done
    echo "$p"
}

nodes=(coordinator worker1 worker2)
declare -A port
stop_all() {
    local n
    for n in "${nodes[@]}"; do
        [ -d "$tmp/$n" ] && "${as[@]}" "$bindir/pg_ctl" -D "$tmp/$n" -m immediate stop >/dev/null 2>&1
    done
}
cleanup() {
    stop_all
    rm -rf "$tmp"
}
[ -z "${CITUS_SUITE_KEEP:-}" ] && trap cleanup EXIT

start_node() {   # name
    local n=$1 p
    p=$(free_port)
    port[$n]=$p
    "${as[@]}" "$bindir/initdb" -D "$tmp/$n" -U postgres -A trust --locale=C.UTF-8 \
        >"$tmp/$n.initdb.log" 2>&1 || { cat "$tmp/$n.initdb.log"; return 1; }
    cat >>"$tmp/$n/postgresql.conf" <<EOF
port = $p
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp/sock'
shared_preload_libraries = 'citus'
citus.node_conninfo = 'sslmode=disable'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 60
max_prepared_transactions = 60
max_worker_processes = 16
citus.max_cached_conns_per_worker = 1
EOF
    "${as[@]}" "$bindir/pg_ctl" -D "$tmp/$n" -l "$tmp/$n.log" -w start >/dev/null ||
        { tail -n 30 "$tmp/$n.log"; return 1; }
}

psql_node() {   # name args...
    local n=$1
    shift
    "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp/sock" -p "${port[$n]}" -U postgres "$@"
}

t0=$(date +%s)
for n in "${nodes[@]}"; do
    start_node "$n" || { echo "could not start Citus node $n"; echo "0 passed, 1 failed"; exit 1; }
done
for n in "${nodes[@]}"; do
    psql_node "$n" -d postgres -c "CREATE DATABASE ormar" &&
        psql_node "$n" -d ormar -c "CREATE EXTENSION citus" -c "CREATE EXTENSION pgtap" \
            -c "CREATE EXTENSION ormar_pg" ||
        { echo "could not prepare node $n"; echo "0 passed, 1 failed"; exit 1; }
done
psql_node coordinator -d ormar \
    -c "SELECT pg_catalog.citus_set_coordinator_host('127.0.0.1', ${port[coordinator]})" \
    -c "SELECT pg_catalog.citus_add_node('127.0.0.1', ${port[worker1]})" \
    -c "SELECT pg_catalog.citus_add_node('127.0.0.1', ${port[worker2]})" >/dev/null ||
    { echo "could not register the Citus nodes"; echo "0 passed, 1 failed"; exit 1; }
echo "citus cluster: coordinator ${port[coordinator]}, workers ${port[worker1]} ${port[worker2]}" \
     "($(($(date +%s) - t0)) s to start)"
{
    echo "export PGHOST=$tmp/sock PGUSER=postgres PGDATABASE=ormar"
    for n in "${nodes[@]}"; do echo "export PORT_${n^^}=${port[$n]}"; done
} >"$tmp/env"

pass=0
fail=0
for f in test/citus/*.sql; do
    [ -e "$f" ] || continue
    t1=$(date +%s)
    out=$(psql_node coordinator -d ormar -v ON_ERROR_STOP=0 -At \
          -v worker1="${port[worker1]}" -v worker2="${port[worker2]}" \
          -v coordinator="${port[coordinator]}" -f "$f" 2>&1)
    ok=$(grep -c '^ok [0-9]' <<<"$out")
    nok=$(grep -c '^not ok [0-9]' <<<"$out")
    plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' <<<"$out" | head -n 1)
    errors=$(grep -c 'ERROR:' <<<"$out")
    extra=0
    if [ -z "$plan" ] || [ $((ok + nok)) != "$plan" ]; then extra=$((extra + 1)); fi
    ((errors > 0)) && extra=$((extra + 1))
    pass=$((pass + ok))
    fail=$((fail + nok + extra))
    echo "== $f: $ok ok, $nok not ok, plan ${plan:-none}, $errors errors outside assertions ($(($(date +%s) - t1)) s)"
    if ((nok + extra > 0)); then
        grep -v '^ok [0-9]' <<<"$out" | head -n 80
    fi
done
# The README's section "Scaling out with Citus": its ```sql norun blocks (shown but not run
# by test/suites/readme.sh, which has no Citus) run in order on the
# coordinator (one test each); a block followed by a block of jsonb output must return
# exactly that jsonb from its last statement, and one followed by other output must print
# those lines, in order ("..." stands for lines left out); one more test each.
readme_blocks() {   # prints each block as: kind, then its lines, then a NUL
    awk '
        /^## Scaling out with Citus/ { on = 1; next }
        on && /^## / { on = 0 }
        !on { next }
        /^```/ {
            if (inb) { printf "%c", 0; inb = 0; next }
            inb = 1
            print ($0 ~ /^```sql[ \t]+norun/ ? "SQL" : "OUT")
            next
        }
        inb { print }
    ' README.md
}
prev_sql=""
t1=$(date +%s)
rpass=0 rfail=0
# Lines of output block WANT (trailing spaces and "..." lines dropped) must appear, in
# order, among the lines GOT printed (psql's aligned output).
shows_lines() {   # want got
    awk -v want="$1" '
        BEGIN { n = split(want, w, "\n"); k = 0
                for (i = 1; i <= n; i++) { sub(/[ \t]+$/, "", w[i]); if (w[i] !~ /^[ \t]*(\.\.\.)?$/) l[++k] = w[i] } }
        { sub(/[ \t]+$/, "") ; if (j < k && $0 == l[j + 1]) j++ }
        END { exit !(j == k) }
    ' <<<"$2"
}
while IFS= read -r -d '' block; do
    kind=${block%%$'\n'*}
    body=${block#*$'\n'}
    if [ "$kind" = SQL ]; then
        if out=$(psql_node coordinator -d ormar -c "SET client_min_messages = warning" -f - <<<"$body" 2>&1) &&
           ! grep -q 'ERROR:' <<<"$out"; then
            rpass=$((rpass + 1))
        else
            rfail=$((rfail + 1))
            echo "README block failed:"; echo "$body"; echo "$out" | tail -n 5
        fi
        prev_sql=$body
        prev_out=$out
    elif [ -n "$prev_sql" ] && [ "${body:0:1}" = "{" ]; then
        got=$(grep '^ {' <<<"$prev_out" | tail -n 1 | sed 's/^ //; s/ *$//')
        if [ "$(psql_node coordinator -d ormar -At -c "SELECT \$a\$$got\$a\$::jsonb = \$b\$$body\$b\$::jsonb")" = t ]; then
            rpass=$((rpass + 1))
        else
            rfail=$((rfail + 1))
            echo "README output differs:"; echo "want: $body"; echo "got:  $got"
        fi
        prev_sql=""
    elif [ -n "$prev_sql" ]; then
        if shows_lines "$body" "$prev_out"; then
            rpass=$((rpass + 1))
        else
            rfail=$((rfail + 1))
            echo "README output differs:"; echo "want:"; echo "$body"; echo "got:"; echo "$prev_out" | tail -n 20
        fi
        prev_sql=""
    fi
done < <(readme_blocks)
echo "== README.md \"Scaling out with Citus\": $rpass ok, $rfail not ok ($(($(date +%s) - t1)) s)"
((rpass + rfail > 0)) || { echo "README: no Citus example found"; rfail=1; }
pass=$((pass + rpass))
fail=$((fail + rfail))
if [ -n "${CITUS_SUITE_KEEP:-}" ]; then
    echo "nodes left running in $tmp (source $tmp/env)"
fi
echo "$pass passed, $fail failed"

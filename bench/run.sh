#!/usr/bin/env bash
# ormar_pg benchmark: each workload's mean latency through ormar_pg and through
# hand-written SQL, measured interleaved in the same run, and their ratio.
#
#   bash bench/run.sh [seconds per run, default 5] [rounds, default 3] [workload regex]
#
# With a workload regex (e.g. 'w1_'), only the matching workloads run, and
# not W6.
# Needs the extension installed (bash .ci/setup does it).  Runs in a
# throwaway cluster made by pg_virtualenv; not part of the test suite.
set -euo pipefail
self=$(readlink -f "${BASH_SOURCE[0]}")
cd "$(dirname "$self")"
SECS=${1:-5}
ROUNDS=${2:-3}
ONLY=${3:-}

if [ -z "${ORMAR_BENCH_INSIDE:-}" ]; then
    unset PGPORT PGHOST PGUSER PGDATABASE PGPASSWORD
    export ORMAR_BENCH_INSIDE=1
    exec pg_virtualenv -t -v 15 -c --locale=C.UTF-8 bash "$self" "$SECS" "$ROUNDS" "$ONLY"
fi

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "server:  $(psql -XAtc 'SHOW server_version' postgres); one client; pgbench -M prepared; ${ROUNDS} x ${SECS}s per side"
createdb bench
echo "loading data set ..."
psql -X -q -v ON_ERROR_STOP=1 -d bench -f setup.sql >/dev/null

calc() { awk "BEGIN { print $* }"; }

# mean latency (ms) of one pgbench run of script $1
latency() {
    pgbench -n -M prepared -c 1 -T "$SECS" -f "$1" bench 2>&1 |
        awk '/latency average/ {print $4}'
}

printf '\n%-30s %12s %12s %8s\n' "workload" "ormar_pg ms" "hand ms" "ratio"
for w in w1_accessor w1_related w2_accessor w2_related w3_newest w4_fetch_many w5_add w7_traverse; do
    if [ -n "$ONLY" ] && ! [[ $w =~ $ONLY ]]; then
        continue
    fi
    o_sum=0; h_sum=0
    for r in $(seq "$ROUNDS"); do
        # alternate which side goes first, so drift hits both alike
        if [ $((r % 2)) -eq 1 ]; then
            o=$(latency "${w}_ormar.sql"); h=$(latency "${w}_hand.sql")
        else
            h=$(latency "${w}_hand.sql"); o=$(latency "${w}_ormar.sql")
        fi
        o_sum=$(calc "$o_sum + $o"); h_sum=$(calc "$h_sum + $h")
    done
    o_mean=$(calc "$o_sum / $ROUNDS"); h_mean=$(calc "$h_sum / $ROUNDS")
    printf '%-30s %12.4f %12.4f %8.3f\n' "$w" "$o_mean" "$h_mean" "$(calc "$o_mean / $h_mean")"
done

if [ -n "$ONLY" ]; then
    exit 0
fi

# W6: declaring N models with 2N relations (a foreign key to the previous
# model and a many-to-many to the one at half its number), timed for growing N
echo
printf '%-30s %12s %14s\n' "W6 declare N models" "seconds" "ms per model"
for n in 250 500 1000; do
    createdb "decl$n"
    psql -X -q -d "decl$n" -c 'CREATE EXTENSION ormar_pg' >/dev/null
    {
        echo "SET client_min_messages = warning;"

        for i in $(seq 1 "$n"); do
            echo "SELECT ormar.define_model('m$i', '{\"id\": {\"type\": \"Integer\", \"primary_key\": true}}');"
            if [ "$i" -gt 1 ]; then
                echo "SELECT ormar.foreign_key('m$i', 'prev', 'm$((i - 1))', related_name => 'next');"
                echo "SELECT ormar.many_to_many('m$i', 'half', 'm$((i / 2))', related_name => 'doubles_$i');"
            else
                echo "SELECT ormar.foreign_key('m1', 'prev', 'm$n', related_name => 'next');"
                echo "SELECT ormar.many_to_many('m1', 'half', 'm1', related_name => 'doubles_1');"
            fi
        done

    } > "/tmp/ormar_decl_$n.sql"
    start=$(date +%s.%N)
    psql -X -q -v ON_ERROR_STOP=1 -d "decl$n" -f "/tmp/ormar_decl_$n.sql" >/dev/null
    end=$(date +%s.%N)
    rels=$(psql -XAtc "SELECT count(*) FROM ormar.relation WHERE target IS NOT NULL" "decl$n")
    secs=$(calc "$end - $start")
    printf '%-30s %12.2f %14.2f   (%s relations)\n' "N = $n" "$secs" "$(calc "$secs * 1000 / $n")" "$rels"
    rm -f "/tmp/ormar_decl_$n.sql"
done

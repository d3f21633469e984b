#!/usr/bin/env bash
# ormar_pg benchmark: every workload through ormar_pg and as hand-written SQL
# returning the same result, measured interleaved in ONE run, each line's mean
# latency and its ratio to the group's reference (the first line, 1.00).
#
#   bash bench/run.sh [seconds per run, default 3] [rounds, default 5] [group regex]
#
# A line's figure is the median of its rounds (a round disturbed by other work
# on the machine does not move it); a full run takes about 10 minutes.
#
# With a group regex (e.g. '^f1'), only the matching groups run, and not W6.
# The cluster: ORMAR_PG_ROOT=DIR (a private PostgreSQL copy made by
# .ci/private-pg, with the extension installed there) runs it in a throwaway
# cluster of that copy (.ci/private-cluster); otherwise pg_virtualenv with the
# system PostgreSQL 15 (the extension installed by .ci/setup).  Not part of the
# test suite.
set -euo pipefail
self=$(readlink -f "${BASH_SOURCE[0]}")
cd "$(dirname "$self")"
SECS=${1:-3}
ROUNDS=${2:-5}
ONLY=${3:-}

if [ -z "${ORMAR_BENCH_INSIDE:-}" ]; then
    unset PGPORT PGHOST PGUSER PGDATABASE PGPASSWORD
    export ORMAR_BENCH_INSIDE=1
    if [ -n "${ORMAR_PG_ROOT:-}" ]; then
        exec bash ../.ci/private-cluster "$ORMAR_PG_ROOT/usr/lib/postgresql/15/bin" \
            bash "$self" "$SECS" "$ROUNDS" "$ONLY"
    fi
    exec pg_virtualenv -t -v 15 -c --locale=C.UTF-8 bash "$self" "$SECS" "$ROUNDS" "$ONLY"
fi

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
     "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "server:  $(psql -XAtc 'SHOW server_version' postgres); one client; pgbench -M prepared;" \
     "${ROUNDS} x ${SECS}s per line, lines of a group interleaved"
createdb bench
echo "loading data set ..."
psql -X -q -v ON_ERROR_STOP=1 -d bench -f setup.sql >/dev/null

calc() { awk "BEGIN { print $* }"; }

# median of the numbers given as arguments
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# mean latency (ms) of one pgbench run of script $1
latency() {
    pgbench -n -M prepared -c 1 -T "$SECS" -f "$1" bench 2>&1 |
        awk '/latency average/ {print $4}'
}

# group id | title | script:label ... (the first script is the reference, 1.00)
GROUPS_SPEC=(
"f1|fetch_many: 100 departments with their 20 courses each|f1_hand_jsonb:hand LEFT JOIN LATERAL + jsonb_agg f1_hand_json:hand LEFT JOIN LATERAL + json_agg (json) f1_hand_flat:hand flat LEFT JOIN (2,000 rows) f1_ormar:ormar.fetch_many(..., '{courses}')"
"f2|fetch_many: 100 departments, courses and their 3 students each|f2_hand_jsonb:hand LEFT JOIN LATERAL + jsonb_agg, nested f2_hand_json:hand LEFT JOIN LATERAL + json_agg (json) f2_hand_flat:hand flat LEFT JOIN (6,000 rows) f2_ormar:ormar.fetch_many(..., '{courses__students}')"
"f3|fetch_many: 100 posts with their 5 categories (many-to-many)|f3_hand_jsonb:hand LEFT JOIN LATERAL + jsonb_agg f3_hand_json:hand LEFT JOIN LATERAL + json_agg (json) f3_hand_flat:hand flat LEFT JOIN (500 rows) f3_ormar:ormar.fetch_many(..., '{categories}')"
"r1|one department's 20 courses|r1_accessor:accessor courses(d) r1_stored_jsonb:stored jsonb of the rows, only read and sent r1_hand_jsonb:hand to_jsonb of the rows by key r1_hand_build:hand jsonb_build_object of the columns r1_ormar:ormar.related(...)"
"w2|one post's 5 categories (many-to-many)|w2_accessor:accessor categories(p) w2_hand_join:hand join w2_hand_jsonb:hand to_jsonb of the rows by key w2_ormar:ormar.related(...)"
"w3|one category's 10 newest posts|w3_hand_join:hand join ORDER BY id DESC LIMIT 10 w3_accessor:accessor posts(c) ORDER BY id DESC LIMIT 10"
"w5|link a post to a category|w5_hand_insert:hand INSERT ... ON CONFLICT DO NOTHING w5_ormar:ormar.add(...)"
"t1|the whole 100,000-person org chart from the root|t1_hand_cte:hand recursive CTE + to_jsonb t1_ormar:ormar.traverse(...)"
)

printf '\n%-62s %10s %7s\n' "workload" "median ms" "ratio"
for spec in "${GROUPS_SPEC[@]}"; do
    IFS='|' read -r gid title items <<<"$spec"
    if [ -n "$ONLY" ] && ! [[ $gid =~ $ONLY ]]; then
        continue
    fi
    # split "script:label script:label ..." at each " name:" boundary
    mapfile -t entries < <(sed -E 's/ ([a-z0-9_]+):/\n\1:/g' <<<"$items")
    scripts=(); labels=(); runs=()
    for e in "${entries[@]}"; do
        scripts+=("${e%%:*}"); labels+=("${e#*:}"); runs+=("")
    done
    n=${#scripts[@]}
    for r in $(seq "$ROUNDS"); do
        # rotate which line goes first, so drift hits every line alike
        for k in $(seq 0 $((n - 1))); do
            i=$(((k + r) % n))
            runs[$i]+=" $(latency "${scripts[$i]}.sql")"
        done
    done
    # shellcheck disable=SC2086
    ref=$(median ${runs[0]})
    printf '%s\n' "$gid  $title"
    for i in $(seq 0 $((n - 1))); do
        # shellcheck disable=SC2086
        m=$(median ${runs[$i]})
        printf '  %-60s %10.4f %7.2f\n' "${labels[$i]}" "$m" "$(calc "$m / $ref")"
    done
done

if [ -n "$ONLY" ]; then
    echo "run took $SECONDS s"
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
echo "run took $SECONDS s"

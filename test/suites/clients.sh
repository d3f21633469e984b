#!/usr/bin/env bash
# Real clients with bound parameters (DESIGN §5, issue 10 item 1): node-postgres
# (npm pg, pinned in test/clients/package-lock.json) and psycopg 3 (Debian
# python3-psycopg) call every API function with bound parameters, unprepared
# and prepared, with integer, string and uuid keys, and check that a key that
# does not convert is 42804.  Introspection tools (issue 10 item 2): PostGraphile 4
# (as a library) builds a GraphQL schema for a database holding every relation kind
# with default names and answers queries through them, and drizzle-kit pull writes
# TypeScript that tsc compiles (test/clients/introspect.js; npm versions pinned in
# the same lockfile).  Each client runs in its own fresh database.
# Contract: see the top of .ci/test (--setup outside the cluster, then inside
# it; last line "N passed, N failed").
#
#   bash test/suites/clients.sh --setup
#   bash test/suites/clients.sh            # inside a cluster (PGHOST etc. set)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1

if [ "${1:-}" = --setup ]; then
    pkgs=()
    /usr/bin/python3 -c 'import psycopg' 2>/dev/null || pkgs+=(python3-psycopg)
    command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
    command -v npm >/dev/null 2>&1 || pkgs+=(npm)
    if ((${#pkgs[@]})); then
        sudo=()
        [ "$(id -u)" = 0 ] || sudo=(sudo)
        "${sudo[@]}" apt-get update -q && "${sudo[@]}" apt-get install -y -q "${pkgs[@]}" || exit 1
    fi
    cd test/clients && npm ci --no-audit --no-fund
    exit
fi

passed=0
failed=0
run() {   # label, database, command...
    local label=$1 db=$2 out
    shift 2
    dropdb --if-exists "$db" >/dev/null 2>&1
    if ! createdb "$db"; then
        echo "not ok - $label: createdb $db failed"
        failed=$((failed + 1))
        return
    fi
    out=$(PGDATABASE=$db "$@" 2>&1)
    echo "$out"
    local ok bad
    ok=$(grep -c '^ok - ' <<<"$out")
    bad=$(grep -c '^not ok - ' <<<"$out")
    if ! tail -n 1 <<<"$out" | grep -qE '^[0-9]+ passed, [0-9]+ failed$'; then
        echo "not ok - $label: the script did not finish"
        bad=$((bad + 1))
    fi
    passed=$((passed + ok))
    failed=$((failed + bad))
    dropdb --if-exists "$db" >/dev/null 2>&1
}

echo "# node $(node --version), pg $(node -p "require('./test/clients/node_modules/pg/package.json').version" 2>/dev/null)"
run node-pg "ormar_clients_node_$$" node test/clients/node_pg.js
echo "# psycopg $(/usr/bin/python3 -c 'import psycopg; print(psycopg.__version__)' 2>/dev/null)"
run psycopg "ormar_clients_psycopg_$$" /usr/bin/python3 test/clients/psycopg_test.py

introspect() {   # load the schema with every relation kind, then the tools
    psql -X -q -v ON_ERROR_STOP=1 -f test/clients/introspect_schema.sql >/dev/null &&
        node test/clients/introspect.js
}
echo "# postgraphile $(node -p "require('./test/clients/node_modules/postgraphile/package.json').version" 2>/dev/null)," \
     "drizzle-kit $(node -p "require('./test/clients/node_modules/drizzle-kit/package.json').version" 2>/dev/null)," \
     "typescript $(node -p "require('./test/clients/node_modules/typescript/package.json').version" 2>/dev/null)"
run introspect "ormar_clients_introspect_$$" introspect

echo "$passed passed, $failed failed"

#!/usr/bin/env bash
# Real clients with bound parameters (DESIGN §5, issue 10 item 1): node-postgres
# (npm pg, pinned in test/clients/package-lock.json) and psycopg 3 (Debian
# python3-psycopg) call every API function with bound parameters, unprepared
# and prepared, with integer, string and uuid keys, and check that a key that
# does not convert is 42804.  Each client runs in its own fresh database.
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

echo "$passed passed, $failed failed"

# Helpers for suites that need a PostgreSQL cluster of their own (the kill -9
# checks, which make the postmaster restart, and the upgrade from the 0.1.0
# library, which swaps the installed library between two server starts).
# Sourced by test/suites/*.sh and test/stress/*.sh; never run on its own.
#
#   pgcopy_make DIR              private copy of the PostgreSQL found by pg_config
#                                (binaries, lib, share), prints its bindir
#   cluster_start DIR BINDIR     initdb + start a cluster in DIR/data on a free port;
#                                sets CL_HOST, CL_PORT, CL_LOG, CL_DATA, CL_BIN
#   cluster_psql ARGS...         psql against that cluster (user postgres)
#   cluster_stop                 stop it (fast), keep the files
#   cluster_postmaster_pid       the postmaster's pid
#
# As root the server runs as user postgres (initdb refuses root).

cl_as() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A writable temporary directory the server user can use.
cl_tmpdir() {
    local d
    d=$(mktemp -d "${TMPDIR:-/tmp}/ormar_pg_$1.XXXXXX") || return 1
    chmod 755 "$d"
    [ "$(id -u)" = 0 ] && chown postgres: "$d"
    echo "$d"
}

# Copies the installation pg_config describes into DIR, keeping the relative
# layout between bindir, pkglibdir and sharedir (PostgreSQL finds its lib and
# share directories relative to its binaries, so the copy works as is).
pgcopy_make() {
    local dir=$1 bindir sharedir pkglibdir prefix rel
    bindir=$(pg_config --bindir) sharedir=$(pg_config --sharedir) pkglibdir=$(pg_config --pkglibdir)
    prefix=$bindir
    while [ -n "$prefix" ] && { [ "${sharedir#"$prefix"/}" = "$sharedir" ] ||
                                [ "${pkglibdir#"$prefix"/}" = "$pkglibdir" ]; }; do
        prefix=${prefix%/*}
    done
    for rel in "${bindir#"$prefix"/}" "${pkglibdir#"$prefix"/}" "${sharedir#"$prefix"/}"; do
        mkdir -p "$dir/$(dirname "$rel")"
        [ -e "$dir/$rel" ] || cp -a "$prefix/$rel" "$dir/$rel" || return 1
    done
    echo "$dir/${bindir#"$prefix"/}"
}

cluster_start() {
    local dir=$1 bin=$2 port
    CL_BIN=$bin CL_HOST=$dir CL_DATA=$dir/data CL_LOG=$dir/server.log
    if [ ! -d "$CL_DATA" ]; then
        cl_as "$bin/initdb" -D "$CL_DATA" -U postgres -A trust --locale=C.UTF-8 \
            >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; return 1; }
    fi
    if [ -z "${CL_PORT:-}" ]; then
        port=$((20000 + RANDOM % 20000))
        while (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null || [ -e "/tmp/.s.PGSQL.$port" ]; do
            port=$((20000 + RANDOM % 20000))
        done
        CL_PORT=$port
    fi
    cl_as "$bin/pg_ctl" -D "$CL_DATA" -l "$CL_LOG" -w -t 60 \
        -o "-p $CL_PORT -k $dir -c listen_addresses='' -c fsync=off -c max_connections=50 -c restart_after_crash=on" \
        start >/dev/null || { tail -n 30 "$CL_LOG"; return 1; }
}

cluster_psql() {
    PGHOST=$CL_HOST PGPORT=$CL_PORT PGUSER=postgres "$CL_BIN/psql" -X "$@"
}

cluster_stop() {
    [ -n "${CL_DATA:-}" ] && [ -d "$CL_DATA" ] &&
        cl_as "$CL_BIN/pg_ctl" -D "$CL_DATA" -m fast -w -t 60 stop >/dev/null 2>&1
    return 0
}

cluster_postmaster_pid() {
    head -n 1 "$CL_DATA/postmaster.pid"
}

# Waits until the cluster accepts connections again (after a crash restart).
cluster_wait_ready() {
    local i
    for ((i = 0; i < 120; i++)); do
        cluster_psql -d postgres -Atc 'SELECT 1' >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    return 1
}

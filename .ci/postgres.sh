# Sourced by .ci/run: a throwaway PostgreSQL server on 127.0.0.1, for the tests that
# read TEMPLATE_TEST_DATABASE_URL. start_postgres needs Debian's PostgreSQL packages.

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
pg_data=
pg_port=

as_postgres() { runuser -u postgres -- "$@"; }

stop_postgres() {
    # Runs on every exit, set -e or not: a server that failed to stop, or never
    # started, must not keep its data folder.
    if [ -n "$pg_data" ]; then
        as_postgres "$pg_bin/pg_ctl" -D "$pg_data/data" -m fast stop >/dev/null 2>&1 || true
        rm -rf "$pg_data"
    fi
}

start_postgres() {
    pg_data=$(mktemp -d -t template-ci-pg.XXXXXX)
    trap stop_postgres EXIT
    chown postgres "$pg_data"
    as_postgres "$pg_bin/initdb" -D "$pg_data/data" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 >/dev/null
    # Another server on the machine may hold any fixed port. A random one is tried,
    # and if it is taken by the time the server binds it, the start fails and the
    # next one is tried.
    local port
    for port in $(shuf -i 20000-59999 -n 10); do
        if as_postgres "$pg_bin/pg_ctl" -D "$pg_data/data" -l "$pg_data/server.log" -w \
            -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pg_data -c fsync=off" \
            start >/dev/null 2>&1; then
            pg_port=$port
            export TEMPLATE_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
            return 0
        fi
    done
    echo "PostgreSQL did not start on any of the ports tried:" >&2
    tail -n 20 "$pg_data/server.log" >&2
    return 1
}

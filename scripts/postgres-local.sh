#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback, for the tests, the replica benchmark and demo-ha.sh.
#
#   scripts/postgres-local.sh start DIR   # new cluster in DIR; prints its URL on the last line
#   scripts/postgres-local.sh down DIR    # stops the server, keeps DIR (an outage)
#   scripts/postgres-local.sh up DIR      # starts it again on the same port; prints the URL
#   scripts/postgres-local.sh stop DIR    # stops the server and removes DIR
#
# `start` runs Debian's PostgreSQL (/usr/lib/postgresql/15/bin, or PG_BIN) with its data, socket
# and log in DIR, listening on 127.0.0.1 only on a free port, and creates the role `vmagg` (a
# random password, allowed to create databases, so each test can have its own) and the database
# `vmagg`. The URL it prints carries the password:
#   postgresql://vmagg:PASSWORD@127.0.0.1:PORT/vmagg
# PostgreSQL refuses to run as root, so as root every server command runs as the `postgres` user
# (DIR is handed to it, and must be a directory that user can reach, such as one in the system temporary directory); as
# any other user the commands run directly. It installs nothing: scripts/setup-system.sh installs
# Debian's `postgresql` package.
set -euo pipefail

usage() {
    echo "usage: $0 start|down|up|stop DIR" >&2
    exit 2
}
[ "$#" -eq 2 ] || usage
command="$1"
dir="$2"
case "$command" in start | down | up | stop) ;; *) usage ;; esac

find_bin() {
    if [ -n "${PG_BIN:-}" ]; then
        echo "$PG_BIN"
    elif [ -x /usr/lib/postgresql/15/bin/postgres ]; then
        echo /usr/lib/postgresql/15/bin
    else
        # Another Debian major version, the newest installed.
        local newest
        newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
        [ -n "$newest" ] || {
            echo "PostgreSQL is not installed: install Debian's postgresql package (scripts/setup-system.sh does)" >&2
            exit 1
        }
        echo "$newest"
    fi
}

# Runs a PostgreSQL command as the user that owns the cluster, from inside DIR.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd "$dir" && runuser -u postgres -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

running() {
    [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" status -D "$dir/data" >/dev/null 2>&1
}

print_url() {
    echo "postgresql://vmagg:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/port")/vmagg"
}

start_server() {
    if ! as_owner "$bin/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/server.log" >/dev/null; then
        echo "PostgreSQL did not start; its log ($dir/server.log) ends:" >&2
        tail -20 "$dir/server.log" >&2 || true
        return 1
    fi
}

bin="$(find_bin)"
for tool in initdb pg_ctl postgres psql; do
    if [ ! -x "$bin/$tool" ]; then
        echo "$bin/$tool is missing: install Debian's postgresql package (scripts/setup-system.sh does)" >&2
        exit 1
    fi
done

case "$command" in
start)
    if [ -e "$dir/data" ]; then
        echo "$dir/data exists: stop that server first ($0 stop $dir)" >&2
        exit 1
    fi
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    # The server's socket lives in DIR; a Unix socket path has at most 107 bytes.
    if [ "${#dir}" -gt 90 ]; then
        echo "$dir is too long for PostgreSQL's socket path: use a shorter directory (mktemp -d -t NAME-XXXXXX)" >&2
        exit 1
    fi
    chmod 700 "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        getent passwd postgres >/dev/null || {
            echo "there is no postgres user: install Debian's postgresql package (scripts/setup-system.sh does)" >&2
            exit 1
        }
        chown postgres: "$dir"
        if ! runuser -u postgres -- test -w "$dir"; then
            echo "the postgres user cannot reach $dir (a parent directory is private): use one made by mktemp -d -t NAME-XXXXXX" >&2
            exit 1
        fi
    fi
    password="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    (umask 077 && printf '%s' "$password" >"$dir/password")
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir/password"
    # Local (socket) connections are the cluster owner's own, in a private directory: trust.
    # TCP connections need a password (SCRAM).
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    # A free port can be taken between the probe and the bind: try a few.
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        as_owner sh -c "cat >>'$dir/data/postgresql.conf'" <<EOF

# scripts/postgres-local.sh (attempt $attempt)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
logging_collector = off
EOF
        echo "$port" >"$dir/port"
        if start_server 2>"$dir/start.err"; then
            break
        fi
        if [ "$attempt" -eq 5 ]; then
            cat "$dir/start.err" >&2
            exit 1
        fi
    done
    as_owner "$bin/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -v password="$password" <<'SQL' >/dev/null
CREATE ROLE vmagg LOGIN CREATEDB PASSWORD :'password';
CREATE DATABASE vmagg OWNER vmagg;
SQL
    print_url
    ;;
down)
    if running; then
        as_owner "$bin/pg_ctl" stop -w -t 60 -m fast -D "$dir/data" >/dev/null
    fi
    ;;
up)
    [ -f "$dir/port" ] || {
        echo "$dir holds no server made by '$0 start'" >&2
        exit 1
    }
    if ! running; then
        start_server
    fi
    print_url
    ;;
stop)
    [ -d "$dir" ] || exit 0
    # Only a directory this script made (or an empty one) is removed.
    if [ ! -f "$dir/password" ] && [ -n "$(ls -A "$dir")" ]; then
        echo "$dir holds no server made by '$0 start'; not removing it" >&2
        exit 1
    fi
    if [ -d "$dir/data" ] && running; then
        as_owner "$bin/pg_ctl" stop -w -t 60 -m fast -D "$dir/data" >/dev/null
    fi
    rm -rf "$dir"
    ;;
esac

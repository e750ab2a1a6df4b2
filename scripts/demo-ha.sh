#!/usr/bin/env bash
# The demo as a highly available service: Debian's PostgreSQL and HAProxy on loopback, and two
# `aggregator serve` replicas sharing the job database, over simulated engines (six oVirt engines
# named after backends.yaml and a Proxmox VE cluster, as in `aggregator demo`).
#   scripts/demo-ha.sh [--port 6299] [--vms 40] [--hosts 3] [--lease 10s] [--skip-build]
# HAProxy answers on http://127.0.0.1:PORT and sends each request to a replica that answers 200 on
# /ready (checked every second). Kill a replica (`kill -9 PID`, the banner prints both) and HAProxy
# routes around it while the other takes over its jobs once the lease ends. Ctrl-C stops
# everything and removes the temporary directory, database included. Installs postgresql and
# haproxy when missing (scripts/setup-system.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

port=6299
vms=40
hosts=3
lease=10s
build=1
while [ "$#" -gt 0 ]; do
    case "$1" in
    --port) port="$2"; shift 2 ;;
    --vms) vms="$2"; shift 2 ;;
    --hosts) hosts="$2"; shift 2 ;;
    --lease) lease="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    *) echo "usage: $0 [--port 6299] [--vms 40] [--hosts 3] [--lease 10s] [--skip-build]" >&2; exit 2 ;;
    esac
done

bash scripts/setup-system.sh
if [ "$build" -eq 1 ]; then
    swift build --product aggregator
    swift build --product ovirt-sim
    swift build --product pve-sim
fi
BIN="$(swift build --show-bin-path)"

WORK="$(mktemp -d -t vmagg-ha-XXXXXX)"
# A directory of its own, which the postgres user can reach when this runs as root.
PG_DIR="$(mktemp -d -t vmagg-ha-pg-XXXXXX)"
pids=()
cleanup() {
    trap - EXIT INT TERM
    echo "Stopping..." >&2
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    bash "$ROOT/scripts/postgres-local.sh" stop "$PG_DIR" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until `count` lines of the file match the pattern; fails when the process ends first or
# after `seconds`.
wait_for_lines() {
    local file="$1" pattern="$2" count="$3" seconds="$4" pid="$5"
    local deadline=$((SECONDS + seconds))
    until [ "$(grep -c -E "$pattern" "$file" 2>/dev/null)" -ge "$count" ]; do
        if ! kill -0 "$pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
            echo "no '$pattern' in $file (process $pid ended, or $seconds s passed); it ends:" >&2
            tail -20 "$file" >&2
            exit 1
        fi
        sleep 0.2
    done
}

if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is taken; pass another with --port" >&2
    exit 1
fi

echo "Starting PostgreSQL..." >&2
url="$(bash scripts/postgres-local.sh start "$PG_DIR" | tail -1)"
# postgresql://vmagg:PASSWORD@127.0.0.1:PORT/vmagg: the file gets the URL, the replicas the password.
db_password="${url#postgresql://vmagg:}"
db_password="${db_password%%@*}"
db_url="postgresql://vmagg@${url#*@}"

echo "Starting the simulated engines..." >&2
ovirt_engines=(e15-test e15 e15-2 n32 n32-2 k45)
sim_args=()
for engine in "${ovirt_engines[@]}"; do sim_args+=(--engine "$engine:0"); done
"$BIN/ovirt-sim" --vms "$vms" --hosts "$hosts" "${sim_args[@]}" >"$WORK/ovirt-sim.log" 2>&1 &
pids+=("$!")
ovirt_pid="$!"
"$BIN/pve-sim" --vms "$vms" --engine pve-lab:0 >"$WORK/pve-sim.log" 2>&1 &
pids+=("$!")
pve_pid="$!"
wait_for_lines "$WORK/ovirt-sim.log" " listening on " "${#ovirt_engines[@]}" 120 "$ovirt_pid"
wait_for_lines "$WORK/pve-sim.log" " listening on " 1 120 "$pve_pid"

engine_url() {
    grep -E "^$2 listening on " "$1" | head -1 | awk '{print $4}'
}

write_config() {
    local name="$1"
    {
        echo "# scripts/demo-ha.sh: replica $name"
        echo "server:"
        echo "  host: 127.0.0.1"
        echo "  replica_name: $name"
        echo "database:"
        echo "  url: $db_url"
        echo "  password_env: VMAGG_DB_PASSWORD"
        echo "  tls: disable"
        echo "jobs:"
        echo "  lease: $lease"
        echo "defaults:"
        echo "  username: admin@internal"
        echo "  password_env: OVIRT_SIM_PASSWORD"
        echo "  connect_timeout: 5s"
        echo "  request_timeout: 60s"
        echo "backends:"
        for engine in "${ovirt_engines[@]}"; do
            echo "  - name: $engine"
            echo "    type: ovirt"
            echo "    url: $(engine_url "$WORK/ovirt-sim.log" "$engine")"
        done
        echo "  - name: pve-lab"
        echo "    type: proxmox"
        echo "    url: $(engine_url "$WORK/pve-sim.log" pve-lab)"
        echo "    username: root@pam!aggregator"
        echo "    password_env: PVE_TOKEN_SECRET"
    } >"$WORK/$name.yaml"
}

echo "Starting two replicas..." >&2
replica_ports=()
replica_pids=()
for name in vmagg-1 vmagg-2; do
    write_config "$name"
    replica_port="$(free_port)"
    OVIRT_SIM_PASSWORD=admin PVE_TOKEN_SECRET=4f3e2d1c-0b9a-4876-9543-210fedcba987 VMAGG_DB_PASSWORD="$db_password" \
        "$BIN/aggregator" serve --config "$WORK/$name.yaml" --port "$replica_port" >"$WORK/$name.log" 2>&1 &
    pids+=("$!")
    replica_pids+=("$!")
    replica_ports+=("$replica_port")
done
for index in 0 1; do
    wait_for_lines "$WORK/vmagg-$((index + 1)).log" "Serving$" 1 180 "${replica_pids[$index]}"
done
# Ready once every engine was read (200 on /ready, as HAProxy checks); curl does the retrying.
for replica_port in "${replica_ports[@]}"; do
    curl -fsS -o /dev/null --retry 120 --retry-delay 1 --retry-all-errors "http://127.0.0.1:$replica_port/ready"
done

cat >"$WORK/haproxy.cfg" <<EOF
global
    log stderr format short local0 info

defaults
    mode http
    log global
    option httplog
    timeout connect 5s
    # Longer than the longest ?wait= (3600 s).
    timeout client 3610s
    timeout server 3610s
    # A replica that died: the connection fails and the request goes to the other one.
    retries 2
    option redispatch 1
    retry-on conn-failure

# No forwarding header (option forwardfor): the demo serves without authentication, and such a
# server refuses requests a proxy passed on (403 proxy_without_auth) rather than make every
# network client an anonymous admin. On loopback that is only this machine's users; the audit
# names HAProxy's address. docs/operations.md shows HAProxy in front of replicas with tokens.
frontend vmaggregator
    bind 127.0.0.1:$port
    default_backend replicas

backend replicas
    balance roundrobin
    option httpchk GET /ready
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
    server vmagg-1 127.0.0.1:${replica_ports[0]} check
    server vmagg-2 127.0.0.1:${replica_ports[1]} check
EOF
haproxy -c -q -f "$WORK/haproxy.cfg"
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
pids+=("$!")
haproxy_pid="$!"
curl -fs -o /dev/null --retry 30 --retry-delay 1 --retry-all-errors "http://127.0.0.1:$port/ready" || {
    echo "HAProxy does not answer on port $port; its log:" >&2
    cat "$WORK/haproxy.log" >&2
    exit 1
}

cat <<EOF

vmaggregator, two replicas behind HAProxy:  http://127.0.0.1:$port
  vmagg-1   http://127.0.0.1:${replica_ports[0]}   pid ${replica_pids[0]}   log $WORK/vmagg-1.log
  vmagg-2   http://127.0.0.1:${replica_ports[1]}   pid ${replica_pids[1]}   log $WORK/vmagg-2.log
  PostgreSQL  $db_url   (jobs.lease: $lease)
  HAProxy     health checks on GET /ready every second; log $WORK/haproxy.log

Try:
  curl -s http://127.0.0.1:$port/ready
  curl -s -X POST -H 'Content-Type: application/json' --data @examples/vm-ovirt.json http://127.0.0.1:$port/api/v1/vms
  kill -9 ${replica_pids[0]}    # the other replica takes over vmagg-1's jobs after the lease
Stop with Ctrl-C.
EOF
wait "$haproxy_pid"

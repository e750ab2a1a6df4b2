#!/usr/bin/env bash
# Inventory listing at scale: N simulated engines × M VMs each behind one aggregator.
# Prints a table of request latency and server memory. Loopback only; stops by itself.
#   benchmarks/inventory.sh [ENGINES=6] [VMS=5000] [RUNS=5]   (SCRATCH=dir picks the build folder;
#   CACHE_TTL=60s serves repeated listings from the inventory cache: the first request fills it)
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINES="${1:-6}"
VMS="${2:-5000}"
RUNS="${3:-5}"
SCRATCH="${SCRATCH:-.build}"
swift build -c release --scratch-path "$SCRATCH" --product aggregator >&2
swift build -c release --scratch-path "$SCRATCH" --product ovirt-sim >&2
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
WORK="$(mktemp -d)"
cleanup() { kill "${SIM_PID:-}" "${AGG_PID:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

args=()
for i in $(seq 1 "$ENGINES"); do args+=(--engine "engine$i:0"); done
"$BIN/ovirt-sim" --vms "$VMS" --hosts 20 "${args[@]}" >"$WORK/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 600); do
    [ "$(grep -c ' listening on ' "$WORK/sim.log" || true)" -ge "$ENGINES" ] && break
    sleep 0.1
done
{
    if [ -n "${CACHE_TTL:-}" ]; then printf 'server:\n  cache_ttl: %s\n' "$CACHE_TTL"; fi
    echo "defaults:"
    echo "  password_env: BENCH_PASSWORD"
    echo "  request_timeout: 120s"
    echo "backends:"
    grep ' listening on ' "$WORK/sim.log" | while read -r name _ _ url; do
        printf '  - name: %s\n    type: ovirt\n    url: %s\n' "$name" "$url"
    done
} >"$WORK/backends.yaml"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BENCH_PASSWORD=admin "$BIN/aggregator" serve --config "$WORK/backends.yaml" --port "$PORT" --log-level warning \
    >"$WORK/agg.log" 2>&1 &
AGG_PID=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done

measure() { # endpoint -> "min median max bytes"
    local url="http://127.0.0.1:$PORT$1" times=() bytes=0
    for _ in $(seq 1 "$RUNS"); do
        read -r t b < <(curl -s -o /dev/null -w '%{time_total} %{size_download}\n' "$url")
        times+=("$t"); bytes="$b"
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v b="$bytes" '{a[NR]=$1} END {printf "%.3f %.3f %.3f %d\n", a[1], a[int((NR+1)/2)], a[NR], b}'
}

if [ -n "${CACHE_TTL:-}" ]; then
    for endpoint in /ovirt/vm_list /ovirt/host_list /ovirt/cluster_list; do
        curl -s -o /dev/null "http://127.0.0.1:$PORT$endpoint"
    done
fi
echo "engines=$ENGINES vms_per_engine=$VMS runs=$RUNS cache_ttl=${CACHE_TTL:-0} (release build, loopback, $(nproc) cores)"
printf '| %-22s | %8s | %8s | %8s | %10s |\n' endpoint "min s" "median s" "max s" "body MB"
printf '|%s|%s|%s|%s|%s|\n' "------------------------" "----------" "----------" "----------" "------------"
for endpoint in /ovirt/vm_list "/api/v1/vms?status=up" /ovirt/host_list /ovirt/cluster_list; do
    read -r min median max bytes < <(measure "$endpoint")
    printf '| %-22s | %8s | %8s | %8s | %10s |\n' "$endpoint" "$min" "$median" "$max" \
        "$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1048576}')"
done
rss=$(awk '/VmHWM/ {print $2}' "/proc/$AGG_PID/status")
echo
echo "aggregator peak RSS: $((rss / 1024)) MiB"

#!/usr/bin/env bash
# One command: measures the aggregator's live inventory against the seed's way (ovirtsdk4,
# engine after engine) on simulated engines, and prints one markdown table with each target.
#
#   scripts/bench.sh [--engines 6] [--vms 5000] [--hosts 100] [--runs 3] [--wrk-seconds 10]
#                    [--concurrency-vms N] [--output FILE] [--skip-build]
#
# Every flag also reads an environment variable (BENCH_ENGINES, BENCH_VMS, BENCH_HOSTS,
# BENCH_RUNS, BENCH_WRK_SECONDS, BENCH_CONCURRENCY_VMS). Quick check:
#   scripts/bench.sh --engines 2 --vms 500 --hosts 10
# Installs what is missing (system packages, wrk, the ovirtsdk4 virtualenv), builds release,
# runs everything on 127.0.0.1 and stops every process it started, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

SKIP_BUILD=0
for arg in "$@"; do [ "$arg" = "--skip-build" ] && SKIP_BUILD=1; done

bash scripts/setup-system.sh >&2
if ! command -v wrk >/dev/null 2>&1; then
    echo "Installing wrk" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >&2
fi
VENV="$(bash scripts/python-env.sh)"

SCRATCH="${SCRATCH:-.build}"
if [ "$SKIP_BUILD" -eq 0 ]; then
    swift build -c release --scratch-path "$SCRATCH" --product aggregator >&2
    swift build -c release --scratch-path "$SCRATCH" --product ovirt-sim >&2
fi
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"

# The driver replaces this shell, so Ctrl-C and kill reach it directly; it stops every process it
# started on exit, whatever the reason (its own trap: try/finally and signal handlers).
exec "$VENV/bin/python" benchmarks/bench.py --bin "$BIN" --python "$VENV/bin/python" "$@"

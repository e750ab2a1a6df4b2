#!/usr/bin/env bash
# One command: the vsphere kind at scale against VMware's vCenter simulator (vcsim). Measures pyvmomi's
# fastest full read beside `aggregator export vms` and `aggregator serve` (start until read in full,
# answers from memory, how fast a power change made outside shows), and each process's peak memory.
# Prints one markdown table.
#
#   scripts/bench-vsphere.sh [--vms 5000] [--runs 3] [--requests 30] [--changes 5]
#                            [--output FILE] [--perf DIR] [--skip-build]
#
# --vms is VMs per cluster; vcsim has 2 clusters × 4 hosts, so the default holds 10,000 VMs.
# Quick check: scripts/bench-vsphere.sh --vms 1000
# Builds the release aggregator (in .build-release, or $SCRATCH) and vcsim when missing, runs
# everything on 127.0.0.1 and stops every process it started, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

SKIP_BUILD=0
for arg in "$@"; do [ "$arg" = "--skip-build" ] && SKIP_BUILD=1; done

VENV="$(bash scripts/python-env.sh | tail -1)"
VCSIM_BIN="${VCSIM_BIN:-$(bash scripts/vcsim.sh | tail -1)}"

SCRATCH="${SCRATCH:-.build-release}"
if [ "$SKIP_BUILD" -eq 0 ]; then
    swift build -c release --scratch-path "$SCRATCH" --product aggregator >&2
fi
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"

# The driver replaces this shell, so Ctrl-C and kill reach it directly; it stops every process it
# started on exit, whatever the reason.
exec "$VENV/bin/python" benchmarks/bench_vsphere.py --bin "$BIN" --vcsim "$VCSIM_BIN" "$@"

#!/usr/bin/env bash
# A longer chaos run than the test suite's (Tests/Integration/test_chaos.py), by hand: per seed, one
# ovirt-sim with several engines and an aggregator over them on loopback, a seeded churn of VM and
# host changes mixed with event-log faults (drops, holds, a purge, a reset, a drop as the very last
# change) while client threads list the aggregator, then a check that the live model equals every
# engine as ovirtsdk4 reads it. Prints a table (seed, changes, faults, listings failed/total, time
# to converge after the last change, mismatches) and exits non-zero on any mismatch or failed listing.
#
#   scripts/chaos.sh [--seeds 1 2 3] [--engines 3] [--vms 300] [--hosts 8] [--changes 1300]
#                    [--duration 120] [--bound 20] [--probe 2s|0|none] [--listers 3] [--open-faults]
#                    [--verbose]
#
# --probe sets the aggregator's consistency_probe (0 turns it off, none leaves the key out) to see
# the baseline without it. Before the model must settle, the churn's own drops and holds are closed
# (cleared, and one more change on each engine); --open-faults leaves them open, so the changes
# hidden at the tail of a log are the probe's to find, as in the suite's test
# (docs/ovirt-backend.md, "The consistency probe"). Builds nothing: it runs the binaries
# `swift build` left in $(swift build --show-bin-path). Every run is bounded (the churn's duration, then --bound for the
# model to settle and again after the last change), and every process it starts is stopped when it
# ends, however it ends (Ctrl-C and SIGTERM included).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$(swift build --show-bin-path)"
for binary in aggregator ovirt-sim; do
    if [ ! -x "$BIN/$binary" ]; then
        echo "chaos.sh: $BIN/$binary is missing; run 'swift build' first" >&2
        exit 2
    fi
done
VENV="$(bash scripts/python-env.sh | tail -1)"
export AGGREGATOR_BIN="$BIN/aggregator" OVIRT_SIM_BIN="$BIN/ovirt-sim"
# The driver replaces this shell, so Ctrl-C and kill reach it directly.
exec "$VENV/bin/python" Tests/Integration/chaos_churn.py "$@"

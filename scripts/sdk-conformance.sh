#!/usr/bin/env bash
# Runs the ovirtsdk4 (Python SDK 4.6.3, XML) conformance suite against ovirt-sim.
#
# Needs python3-venv, libxml2-dev and libcurl4-openssl-dev (the SDK builds a C
# extension); install them first, e.g. with scripts/setup-system.sh.
# SCRATCH=<dir> selects the Swift scratch path (default: SwiftPM's .build).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${SDK_VENV:-.venv-sdk}"
if [ ! -x "$VENV/bin/pytest" ] || ! "$VENV/bin/python" -c "import ovirtsdk4" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "ovirt-engine-sdk-python==4.6.3" pytest
fi

SCRATCH_ARGS=()
if [ -n "${SCRATCH:-}" ]; then SCRATCH_ARGS=(--scratch-path "$SCRATCH"); fi
swift build "${SCRATCH_ARGS[@]}" --product ovirt-sim
BIN="$(swift build "${SCRATCH_ARGS[@]}" --show-bin-path)/ovirt-sim"

export OVIRT_SIM_VMS=20 OVIRT_SIM_HOSTS=3
LOG="$(mktemp -t ovirt-sim.XXXXXX)"
"$BIN" --engine e15-test:0 --engine e15:0 --vms "$OVIRT_SIM_VMS" --hosts "$OVIRT_SIM_HOSTS" --async-ms "${OVIRT_SIM_ASYNC_MS:-50}" >"$LOG" 2>&1 &
SIM_PID=$!
cleanup() {
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
    rm -f "$LOG"
}
trap cleanup EXIT

ENGINES=""
for _ in $(seq 1 600); do
    if [ "$(grep -c ' listening on ' "$LOG" || true)" -ge 2 ]; then
        ENGINES="$(sed -n 's/^\([^ ]*\) listening on \([^ ]*\)$/\1=\2/p' "$LOG" | paste -sd, -)"
        break
    fi
    if ! kill -0 "$SIM_PID" 2>/dev/null; then
        echo "ovirt-sim exited:" >&2
        cat "$LOG" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$ENGINES" ]; then
    echo "ovirt-sim did not start listening:" >&2
    cat "$LOG" >&2
    exit 1
fi
echo "engines: $ENGINES"

OVIRT_SIM_ENGINES="$ENGINES" "$VENV/bin/pytest" -q -p no:cacheprovider Tests/Conformance "$@"

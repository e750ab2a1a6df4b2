#!/usr/bin/env bash
# Runs every test: Swift unit and in-process tests, then the process-level integration tests
# (ovirt-sim, pve-sim, vcsim + aggregator on loopback, driven over HTTP and with curl, each engine
# checked with its own client: ovirtsdk4, proxmoxer, pyvmomi), the ovirtsdk4 and proxmoxer
# conformance tests against the simulators, the install script with its systemd units, and the
# browser tests (headless Chromium driving the web face of `aggregator demo`; screenshots
# go to $VMA_SCREENSHOT_DIR or a temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh

# One PostgreSQL server for the run (Debian's, on a free loopback port, stopped on exit): the
# PostgreSQL job store's tests and the replica tests each make a database of their own on it.
# A server given in VMAGG_TEST_DATABASE_URL (its role may create databases) is used instead.
if [ -z "${VMAGG_TEST_DATABASE_URL:-}" ]; then
    PG_DIR="$(mktemp -d -t vmagg-pg-XXXXXX)"
    trap 'bash "$PWD/scripts/postgres-local.sh" stop "$PG_DIR" >/dev/null || true' EXIT
    VMAGG_TEST_DATABASE_URL="$(bash scripts/postgres-local.sh start "$PG_DIR" | tail -1)"
    export VMAGG_TEST_DATABASE_URL
fi

# VMware's vCenter simulator, which the vsphere kind's Swift contract tests and process tests start
# (scripts/vcsim.sh builds it offline from Debian's govmomi sources).
VCSIM_BIN="$(bash scripts/vcsim.sh | tail -1)"
export VCSIM_BIN

# Every module a target imports is declared in Package.swift (SwiftPM checks only its own targets).
python3 scripts/check-imports.py
swift build --build-tests
swift test --skip-build

BIN="$(swift build --show-bin-path)"
VENV="$(bash scripts/python-env.sh)"
AGGREGATOR_BIN="$BIN/aggregator" OVIRT_SIM_BIN="$BIN/ovirt-sim" PVE_SIM_BIN="$BIN/pve-sim" \
    "$VENV/bin/pytest" -q -p no:cacheprovider Tests/Integration Tests/Conformance Tests/Install
AGGREGATOR_BIN="$BIN/aggregator" OVIRT_SIM_BIN="$BIN/ovirt-sim" "$VENV/bin/pytest" -q -p no:cacheprovider Tests/Browser

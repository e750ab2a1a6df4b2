#!/usr/bin/env bash
# Runs every test: Swift unit and in-process tests, then the process-level integration tests
# (ovirt-sim + aggregator on loopback, driven over HTTP and with curl), the ovirtsdk4 and
# proxmoxer conformance tests against the simulators, the install script with its systemd units,
# and the browser tests (headless Chromium driving the web face of `aggregator demo`; screenshots
# go to $VMA_SCREENSHOT_DIR or a temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh

# Every module a target imports is declared in Package.swift (SwiftPM checks only its own targets).
python3 scripts/check-imports.py
swift build --build-tests
swift test --skip-build

BIN="$(swift build --show-bin-path)"
VENV="$(bash scripts/python-env.sh)"
AGGREGATOR_BIN="$BIN/aggregator" OVIRT_SIM_BIN="$BIN/ovirt-sim" PVE_SIM_BIN="$BIN/pve-sim" \
    "$VENV/bin/pytest" -q -p no:cacheprovider Tests/Integration Tests/Conformance Tests/Install
AGGREGATOR_BIN="$BIN/aggregator" OVIRT_SIM_BIN="$BIN/ovirt-sim" "$VENV/bin/pytest" -q -p no:cacheprovider Tests/Browser

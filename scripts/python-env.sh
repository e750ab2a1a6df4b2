#!/usr/bin/env bash
# Creates (once) the virtualenv the integration and SDK conformance tests run in, and prints its path.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv-test}"
if [ ! -x "$VENV/bin/pytest" ] || ! "$VENV/bin/python" -c "import ovirtsdk4, proxmoxer, requests" 2>/dev/null; then
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install -q --disable-pip-version-check pytest ovirt-engine-sdk-python==4.6.3 proxmoxer==2.3.0 requests >&2
fi
echo "$VENV"

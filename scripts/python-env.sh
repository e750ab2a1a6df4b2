#!/usr/bin/env bash
# Creates (once) the virtualenv the integration, SDK conformance and browser tests run in, and prints its path.
# A virtualenv that lacks any of the pinned packages (or has another version) is brought up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv-test}"
PACKAGES=(
    ovirt-engine-sdk-python==4.6.3
    # The Proxmox VE client that checks pve-sim.
    proxmoxer==2.3.0
    # The vSphere client (VMware's own) that checks the vsphere kind against vcsim.
    pyvmomi==9.1.1.0
    requests==2.34.2
    # The OpenAPI document's tests: its validity, answers against its schemas, and schemathesis.
    openapi-spec-validator==0.9.0
    jsonschema==4.26.0
    schemathesis==4.32.5
    hypothesis==6.170.17
    # Drives the system's Chromium (Debian's chromium and chromium-driver) in the browser tests.
    selenium==4.51.0
)
current() {
    [ -x "$VENV/bin/pytest" ] && "$VENV/bin/python" - "${PACKAGES[@]}" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
import ovirtsdk4, proxmoxer, pyVmomi, requests, openapi_spec_validator, jsonschema, schemathesis, hypothesis, selenium  # noqa: F401
for pin in sys.argv[1:]:
    name, wanted = pin.split("==")
    if version(name) != wanted:
        sys.exit(1)
PY
}
if ! current; then
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install -q --disable-pip-version-check pytest "${PACKAGES[@]}" >&2
fi
echo "$VENV"

#!/usr/bin/env bash
# The main job: six simulated oVirt engines, a Proxmox VE cluster and a vCenter (vcsim, when it
# builds) and the aggregator API over them on port 6299.
#   scripts/demo.sh [--port 6299] [--vms 40] [--hosts 3] [--latency-ms 0]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
# The vCenter is VMware's simulator, a separate program: the demo runs without it when it does not build.
if VCSIM_BIN="$(bash scripts/vcsim.sh | tail -1)" && [ -x "$VCSIM_BIN" ]; then
    export VCSIM_BIN
else
    unset VCSIM_BIN
    echo "vcsim did not build (scripts/vcsim.sh): the demo runs without a vCenter" >&2
fi
swift build --product aggregator
exec "$(swift build --show-bin-path)/aggregator" demo --config backends.yaml "$@"

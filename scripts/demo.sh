#!/usr/bin/env bash
# The main job: six simulated oVirt engines and the aggregator API over them on port 6299.
#   scripts/demo.sh [--port 6299] [--vms 40] [--hosts 3] [--latency-ms 0]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
swift build --product aggregator
exec "$(swift build --show-bin-path)/aggregator" demo --config backends.yaml "$@"

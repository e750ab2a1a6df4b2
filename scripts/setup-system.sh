#!/usr/bin/env bash
# Installs the system packages vmaggregator builds and tests against, when missing.
set -euo pipefail

# chromium and chromium-driver run the browser tests (Tests/Browser) headless; haproxy stands in
# front of the server in the proxy test (Tests/Integration/test_hardening.py); postgresql is the
# server the PostgreSQL job store and the replica tests run against (scripts/postgres-local.sh).
packages=(libcurl4-openssl-dev libyaml-dev libsqlite3-dev libxml2-dev python3-venv curl openssl pkg-config systemd
          chromium chromium-driver haproxy postgresql)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
echo "Installing system packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

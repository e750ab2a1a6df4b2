#!/usr/bin/env bash
# Builds VMware's vCenter simulator (govmomi's `simulator` package, from Debian's
# golang-github-vmware-govmomi-dev) with the project's own small main
# (Sources/Simulators/VCSim/main.go), installing golang-go and the govmomi sources when missing.
# Prints the program's path on its last line; rebuilds only when the main is newer than the program.
#
#   VCSIM_BIN="$(bash scripts/vcsim.sh | tail -1)"
#   "$VCSIM_BIN" -l 127.0.0.1:0 -template tmpl-linux     # prints "vcsim listening on https://…/sdk"
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${VCSIM_OUT:-.build-vcsim}"
GOPATH_DEBIAN=/usr/share/gocode

missing=()
command -v go >/dev/null 2>&1 || missing+=(golang-go)
[ -d "$GOPATH_DEBIAN/src/github.com/vmware/govmomi/simulator" ] || missing+=(golang-github-vmware-govmomi-dev)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

mkdir -p "$OUT/src/vcsim"
if [ ! -x "$OUT/vcsim" ] || [ Sources/Simulators/VCSim/main.go -nt "$OUT/vcsim" ]; then
    cp Sources/Simulators/VCSim/main.go "$OUT/src/vcsim/main.go"
    echo "Building vcsim (govmomi $(dpkg-query -W -f='${Version}' golang-github-vmware-govmomi-dev 2>/dev/null || echo '?'))" >&2
    # Offline: only the Debian-packaged sources on GOPATH, no module download.
    (cd "$OUT/src/vcsim" && GO111MODULE=off GOPATH="$GOPATH_DEBIAN" GOPROXY=off GOFLAGS= \
        GOCACHE="${GOCACHE:-$PWD/../../go-cache}" go build -o ../../vcsim .) >&2
fi
echo "$PWD/$OUT/vcsim"

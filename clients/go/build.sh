#!/usr/bin/env bash
# Builds, vets and tests the Go client module offline, on Debian's Go
# packages (offline_workspace.sh), into OUT_DIR: the workspace, the build
# cache and OUT_DIR/seedance-go-example. Nothing is downloaded and nothing
# is written to the source tree.
#
#   clients/go/build.sh [OUT_DIR]        # default: $SEEDANCE_BUILD_DIR/clients/go
#   clients/go/build.sh OUT_DIR test     # go vet and go test ./... as well
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-${SEEDANCE_BUILD_DIR:-$root/build}/clients/go}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
"$here/offline_workspace.sh" "$out/workspace"
export GOWORK="$out/workspace/go.work" GOPROXY=off GOFLAGS= CGO_ENABLED=0 GOCACHE="$out/cache"
cd "$here"
go build -o "$out/seedance-go-example" ./cmd/seedance-go-example
if [ "${2:-}" = "test" ]; then
  go vet ./...
  go test -count=1 ./...
fi
echo "$out/seedance-go-example"

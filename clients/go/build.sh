#!/usr/bin/env bash
# Builds the Go client offline, in GOPATH mode, from Debian's Go packages
# (golang-google-grpc-dev, golang-google-genproto-dev, protoc-gen-go,
# protoc-gen-go-grpc; scripts/install_deps.sh installs them): generates the
# seedance.v1 stubs from proto/ into OUT_DIR/gopath (google.rpc comes from
# Debian's genproto, as the protos' go_package says) and builds
# OUT_DIR/seedance-go-example. Nothing is downloaded and nothing is written
# to the source tree.
#
#   clients/go/build.sh [OUT_DIR]      # default: $SEEDANCE_BUILD_DIR/clients/go
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-${SEEDANCE_BUILD_DIR:-$root/build}/clients/go}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
module=github.com/seedance-gateway/seedance-gateway
gopath="$out/gopath"

# The generated stubs, at their go_package import path.
rm -rf "$gopath/src/$module"
mkdir -p "$gopath/src/$module/clients"
protoc --proto_path="$root/proto" \
  --go_out="$gopath/src" --go-grpc_out="$gopath/src" \
  seedance/v1/video_task.proto seedance/v1/video_gateway.proto
# The library and the example, at their import path too (a link: edits show
# up without a copy step).
ln -sfn "$here" "$gopath/src/$module/clients/go"

# GOPATH mode: Debian installs Go sources under /usr/share/gocode; no module
# proxy, no network.
export GO111MODULE=off GOPROXY=off GOFLAGS= CGO_ENABLED=0
export GOPATH="$gopath:/usr/share/gocode" GOCACHE="$out/cache"
go vet "$module/clients/go/seedance" "$module/clients/go/cmd/seedance-go-example"
go build -o "$out/seedance-go-example" "$module/clients/go/cmd/seedance-go-example"
echo "$out/seedance-go-example"

#!/usr/bin/env bash
# Generates the Go package of the gateway's API (seedancev1/: messages and
# the VideoGateway client) from proto/ with protoc, protoc-gen-go and
# protoc-gen-go-grpc (Debian's). The output is committed, so `go get` of
# this module needs no protoc; google.rpc comes from genproto, as the
# protos' go_package says. `go generate ./...` runs this script.
#
#   clients/go/generate.sh            # into seedancev1/
#   clients/go/generate.sh OUT_DIR    # elsewhere (the test of the committed copy compares)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
module=github.com/seedance-gateway/seedance-gateway/clients/go
out="${1:-$here}"
mkdir -p "$out"
protoc --proto_path="$root/proto" \
  --go_out="$out" --go_opt=module="$module" \
  --go-grpc_out="$out" --go-grpc_opt=module="$module" \
  seedance/v1/video_task.proto seedance/v1/video_gateway.proto

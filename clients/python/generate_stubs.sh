#!/usr/bin/env bash
# Generates the Python modules of the gateway's API from proto/ with protoc
# and Debian's grpc_python_plugin: seedance/v1/*_pb2.py, the service stub
# video_gateway_pb2_grpc.py, and google/rpc/*_pb2.py (to decode error
# details), into OUT_DIR. The client (seedance_client) finds them there
# through $SEEDANCE_PYTHON_GEN, or in build/clients/python/gen by default.
# Nothing is written to the source tree.
#
#   clients/python/generate_stubs.sh [OUT_DIR]   # default: $SEEDANCE_BUILD_DIR/clients/python/gen
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-${SEEDANCE_BUILD_DIR:-$root/build}/clients/python/gen}"
plugin="${GRPC_PYTHON_PLUGIN:-/usr/bin/grpc_python_plugin}"

# Generate next to the old modules, then swap, so that a client running
# meanwhile never imports half a package.
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
protoc --proto_path="$root/proto" --python_out="$out.tmp" \
  seedance/v1/video_task.proto seedance/v1/video_gateway.proto \
  google/rpc/status.proto google/rpc/error_details.proto google/rpc/code.proto
# Only the file with the service gets a stub module.
protoc --proto_path="$root/proto" \
  --grpc_out="$out.tmp" --plugin=protoc-gen-grpc="$plugin" \
  seedance/v1/video_gateway.proto
rm -rf "$out"
mv "$out.tmp" "$out"

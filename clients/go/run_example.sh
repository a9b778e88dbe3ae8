#!/usr/bin/env bash
# Builds the Go client offline (build.sh, into the build directory) and runs
# its example.
#
#   clients/go/run_example.sh --gateway=127.0.0.1:50051 --token=TOKEN --prompt="a fox"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${SEEDANCE_BUILD_DIR:-$root/build}/clients/go"
"$here/build.sh" "$out" >/dev/null
exec "$out/seedance-go-example" "$@"

#!/usr/bin/env bash
# Runs the Python client's example with Debian's python3-grpcio, after
# generating the API modules into the build directory.
#
#   clients/python/run_example.sh --gateway=127.0.0.1:50051 --token=TOKEN --prompt="a fox"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export SEEDANCE_PYTHON_GEN="${SEEDANCE_PYTHON_GEN:-${SEEDANCE_BUILD_DIR:-$root/build}/clients/python/gen}"
"$here/generate_stubs.sh" "$SEEDANCE_PYTHON_GEN"
# Debian's python3, not a pyenv one on PATH: python3-grpcio lives there.
exec /usr/bin/python3 "$here/example.py" "$@"

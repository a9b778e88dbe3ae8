#!/usr/bin/env bash
# Runs the Python client's example from the checkout (the package next to
# it, generated modules included) with Debian's python3-grpcio. Installed
# with pip, the same program runs with `python example.py`.
#
#   clients/python/run_example.sh --gateway=127.0.0.1:50051 --token=TOKEN --prompt="a fox"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Debian's python3, not a pyenv one on PATH: python3-grpcio lives there.
exec /usr/bin/python3 "$here/example.py" "$@"

#!/usr/bin/env bash
# Configures and builds everything into build/ (or $SEEDANCE_BUILD_DIR).
# Warnings in the project's own code are errors here. Extra arguments go to
# CMake's configure step, e.g. scripts/build.sh -DCMAKE_BUILD_TYPE=Debug.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

log "configuring in $SEEDANCE_BUILD_DIR"
cmake -S "$SEEDANCE_ROOT" -B "$SEEDANCE_BUILD_DIR" -DSEEDANCE_WERROR=ON "$@" >/dev/null
log "building with $(nproc) jobs"
cmake --build "$SEEDANCE_BUILD_DIR" -j "$(nproc)"

#!/usr/bin/env bash
# Configures and builds into build/ (or $SEEDANCE_BUILD_DIR). Warnings in the
# project's own code are errors here. Extra arguments go to CMake's configure
# step, e.g. scripts/build.sh -DCMAKE_BUILD_TYPE=Debug. With
# SEEDANCE_BUILD_TARGETS (space-separated) only those targets and what they
# need are built (scripts/demo.sh builds the mock, the gateway and the CLI).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

log "configuring in $SEEDANCE_BUILD_DIR"
cmake -S "$SEEDANCE_ROOT" -B "$SEEDANCE_BUILD_DIR" -DSEEDANCE_WERROR=ON "$@" >/dev/null
targets=()
for target in ${SEEDANCE_BUILD_TARGETS:-}; do targets+=(--target "$target"); done
log "building ${SEEDANCE_BUILD_TARGETS:-everything} with $(nproc) jobs"
cmake --build "$SEEDANCE_BUILD_DIR" -j "$(nproc)" "${targets[@]}"

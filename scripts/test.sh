#!/usr/bin/env bash
# The whole test suite: installs missing packages, builds, runs every test
# (unit, contract and end-to-end) and prints CTest's summary.
#
#   scripts/test.sh            # all tests
#   scripts/test.sh -R Inline  # extra arguments go to ctest
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$SEEDANCE_ROOT/scripts/install_deps.sh"
# Tests on, explicitly: the demo's build of the same folder turns them off.
"$SEEDANCE_ROOT/scripts/build.sh" -DSEEDANCE_BUILD_TESTS=ON
log "running tests"
cd "$SEEDANCE_BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" "$@"

#!/usr/bin/env bash
# The benchmark suite: installs missing packages, builds, then runs the
# gateway benchmark (every scenario against its baseline, in one run) and the
# mock's own benchmark, each printing a table and writing JSON into
# bench-results/ (or $SEEDANCE_BENCH_DIR). About 5 minutes on 2 cores; use
# an otherwise idle machine.
#
#   scripts/bench.sh                 # the full suite
#   scripts/bench.sh --quick         # small numbers (what the tests run)
#   scripts/bench.sh --only=held     # extra arguments go to seedance-gateway-bench
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out="${SEEDANCE_BENCH_DIR:-$SEEDANCE_ROOT/bench-results}"
quick=()
for arg in "$@"; do [ "$arg" = "--quick" ] && quick=(--quick); done

"$SEEDANCE_ROOT/scripts/install_deps.sh"
"$SEEDANCE_ROOT/scripts/build.sh" -DSEEDANCE_BUILD_TESTS=ON
mkdir -p "$out"
log "gateway benchmark -> $out/gateway_bench.json"
"$SEEDANCE_BUILD_DIR/bench/seedance-gateway-bench" --output="$out/gateway_bench.json" "$@"
log "mock upstream benchmark -> $out/mock_upstream_bench.json"
"$SEEDANCE_BUILD_DIR/bench/seedance-mock-upstream-bench" --output="$out/mock_upstream_bench.json" \
  "${quick[@]}"

#!/usr/bin/env bash
# Long fuzz runs: builds the libFuzzer targets of fuzz/ with clang (ASan +
# UBSan + libFuzzer) into build-fuzz/ (or $SEEDANCE_FUZZ_BUILD_DIR) and runs
# each for a while, $(nproc) at a time. The short runs (3,000 inputs from
# a fixed seed each) are part of
# scripts/test.sh; this is for finding more.
#
#   scripts/fuzz.sh                          # every target, 300 s each
#   scripts/fuzz.sh 60                       # 60 s each
#   scripts/fuzz.sh 600 mock_http_fuzzer     # some targets
#   scripts/fuzz.sh --merge                  # then fold new coverage into fuzz/corpus
#
# Each target's corpus grows in build-fuzz/work/<target>/corpus across runs
# (the committed seeds in fuzz/corpus/<target> are read, never written);
# findings land in build-fuzz/work/<target>/ as crash-*, leak-*, timeout-*,
# with the log next to them. Prints executions, speed, new inputs and
# findings per target; exits 1 if anything was found.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

merge=0
if [ "${1:-}" = "--merge" ]; then merge=1; shift; fi
seconds="${1:-300}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(upstream_json_fuzzer request_validator_fuzzer inline_params_fuzzer
           callback_request_fuzzer mock_http_fuzzer)
fi
build="${SEEDANCE_FUZZ_BUILD_DIR:-$SEEDANCE_ROOT/build-fuzz}"

"$SEEDANCE_ROOT/scripts/install_deps.sh"
log "configuring the fuzz build in $build (clang, libFuzzer, ASan, UBSan)"
cmake -S "$SEEDANCE_ROOT" -B "$build" -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEEDANCE_FUZZ=ON \
  -DSEEDANCE_SANITIZE=fuzzer-no-link,address,undefined -DSEEDANCE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target seedance_fuzzers -j "$(nproc)"

run_one() {
  local target="$1" work="$build/work/$1"
  mkdir -p "$work"
  "$SEEDANCE_ROOT/fuzz/run_fuzzer.sh" --keep "$build/fuzz/$target" \
    "$SEEDANCE_ROOT/fuzz/corpus/$target" "$work" -max_total_time="$seconds" \
    >"$work/last_run.log" 2>&1 || true
}

log "running ${#targets[@]} targets for ${seconds}s each, $(nproc) at a time"
running=0
for target in "${targets[@]}"; do
  run_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$(nproc)" ]; then wait -n; running=$((running - 1)); fi
done
wait

found=0
printf '%-26s %12s %9s %8s %8s %s\n' target executions exec/s new corpus findings
for target in "${targets[@]}"; do
  work="$build/work/$target"
  stat_of() { sed -n "s/^stat::$1: *//p" "$work/last_run.log" | tail -1; }
  findings=$(find "$work" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' \
    -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  corpus=$(find "$work/corpus" -type f | wc -l)
  printf '%-26s %12s %9s %8s %8s %s\n' "$target" "$(stat_of number_of_executed_units)" \
    "$(stat_of average_exec_per_sec)" "$(stat_of new_units_added)" "$corpus" "$findings"
  [ "$findings" -eq 0 ] || found=1
  if [ "$merge" -eq 1 ]; then
    "$build/fuzz/$target" -merge=1 "$SEEDANCE_ROOT/fuzz/corpus/$target" "$work/corpus" \
      >"$work/merge.log" 2>&1
  fi
done
if [ "$found" -eq 1 ]; then
  log "findings: see $build/work/<target>/ (reproduce: <fuzzer binary> <crash file>)"
  exit 1
fi

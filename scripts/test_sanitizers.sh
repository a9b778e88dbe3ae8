#!/usr/bin/env bash
# The test suite under sanitizers, each in a build directory of its own
# (g++; Debian's Abseil, gRPC and protobuf stay uninstrumented, see docs/internals.md,
# "Reliability checks"). Not part of scripts/test.sh: each is a full extra
# build.
#
#   scripts/test_sanitizers.sh asan        # every test, ASan + UBSan (build-asan/)
#   scripts/test_sanitizers.sh asan -R E2e # extra arguments go to ctest
#   scripts/test_sanitizers.sh tsan        # the project's concurrency tests, TSan (build-tsan/)
#
# Exit status: 0 when every test passed with no sanitizer report (a report
# aborts the test that caused it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode="${1:-asan}"
shift || true

# The TSan scope: tests of the project's own threads and locks (task loop,
# scheduler, event log, HTTP server and client, the curl transport), which
# run no gRPC and no protobuf map fields. See docs/internals.md for why gRPC-based
# tests, and tests through protobuf maps (the mock service's JSON), are
# left out.
TSAN_TESTS=(
  server_task_event_log_test
  base_thread_scheduler_test
  server_task_loop_test
  http_curl_multi_transport_test
  http_http_server_test
  http_http_client_test
)

"$SEEDANCE_ROOT/scripts/install_deps.sh"
case "$mode" in
  asan)
    build="${SEEDANCE_ASAN_BUILD_DIR:-$SEEDANCE_ROOT/build-asan}"
    log "configuring ASan + UBSan in $build"
    cmake -S "$SEEDANCE_ROOT" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DSEEDANCE_WERROR=ON -DSEEDANCE_SANITIZE=address,undefined >/dev/null
    cmake --build "$build" -j "$(nproc)"
    # Leaks are checked at every exit (the test binaries, and the gateway and
    # mock processes they start and stop with SIGTERM); a UBSan report
    # prints its stack and aborts.
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    log "running every test under ASan + UBSan"
    cd "$build"
    ctest --output-on-failure -j "$(nproc)" --timeout 900 "$@"
    ;;
  tsan)
    build="${SEEDANCE_TSAN_BUILD_DIR:-$SEEDANCE_ROOT/build-tsan}"
    log "configuring TSan in $build"
    cmake -S "$SEEDANCE_ROOT" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DSEEDANCE_WERROR=ON -DSEEDANCE_SANITIZE=thread >/dev/null
    cmake --build "$build" -j "$(nproc)" --target "${TSAN_TESTS[@]}"
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$SEEDANCE_ROOT/scripts/tsan_suppressions.txt"
    failed=()
    for test in "${TSAN_TESTS[@]}"; do
      binary=$(find "$build/tests" -type f -name "$test" -perm -u+x | head -1)
      log "TSan: $test"
      (cd "$(dirname "$binary")" && "$binary" "$@") || failed+=("$test")
    done
    if [ "${#failed[@]}" -gt 0 ]; then die "failed under TSan: ${failed[*]}"; fi
    log "every TSan test passed"
    ;;
  *)
    die "usage: scripts/test_sanitizers.sh asan|tsan [ctest or gtest arguments]"
    ;;
esac

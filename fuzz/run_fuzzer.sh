#!/usr/bin/env bash
# Runs one libFuzzer target on its committed seed corpus, never writing into
# it: new inputs go to <work-dir>/corpus, a finding to <work-dir>/ (crash-*,
# leak-*, timeout-*; the target's own output says which invariant broke).
#
#   fuzz/run_fuzzer.sh <fuzzer binary> <seed corpus dir> <work dir> [libFuzzer flags...]
#   fuzz/run_fuzzer.sh build-fuzz/fuzz/inline_params_fuzzer fuzz/corpus/inline_params_fuzzer \
#       /tmp/work -max_total_time=3
#
# Exit status: 0 when nothing was found. The short runs in ctest use a fresh
# work corpus each time (the seeds plus a few seconds of mutation); pass
# --keep to grow it across runs (scripts/fuzz.sh).
set -euo pipefail
keep=0
if [ "${1:-}" = "--keep" ]; then keep=1; shift; fi
[ "$#" -ge 3 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
fuzzer="$1" seeds="$2" work="$3"
shift 3
[ -x "$fuzzer" ] || { echo "error: no fuzz target at $fuzzer" >&2; exit 2; }
[ "$keep" -eq 1 ] || rm -rf "$work/corpus"
mkdir -p "$work/corpus"
# -timeout: one input taking this long is a finding (a hang).
# -rss_limit_mb: well above what these targets need; a leak-like growth is
# a finding. detect_leaks: LeakSanitizer checks every input that grows memory.
exec "$fuzzer" -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 -print_final_stats=1 \
  -artifact_prefix="$work/" "$@" "$work/corpus" "$seeds"

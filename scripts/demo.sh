#!/usr/bin/env bash
# The main job on the embedded defaults: installs missing packages, builds,
# starts the bundled mock upstream and the gateway on loopback (callback
# delivery, a throwaway data directory), runs the C++ client to create a
# video and stream its status, saves the MP4, and stops everything.
#
#   scripts/demo.sh                  # the video goes to ./seedance-demo.mp4
#   SEEDANCE_DEMO_OUTPUT=/tmp/v.mp4 scripts/demo.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Only what the demo runs: the C++ toolchain and libraries, and curl for the
# mock's admin API; then the mock, the gateway and the CLI, without the tests
# (scripts/test.sh builds those, in the same folder).
"$SEEDANCE_ROOT/scripts/install_deps.sh" demo
SEEDANCE_BUILD_TARGETS="seedance-mock-upstream seedance-gateway seedance" \
  "$SEEDANCE_ROOT/scripts/build.sh" -DSEEDANCE_BUILD_TESTS=OFF

bin="$SEEDANCE_BUILD_DIR"
output="${SEEDANCE_DEMO_OUTPUT:-$PWD/seedance-demo.mp4}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Reads "key=value" or a bare number from the first lines a server prints.
read_port() {
  local file="$1" key="$2"
  for _ in $(seq 1 100); do
    if [ -s "$file" ]; then
      if [ -z "$key" ]; then head -n 1 "$file"; return 0; fi
      local line
      line="$(grep -m1 "^$key=" "$file" || true)"
      if [ -n "$line" ]; then echo "${line#*=}"; return 0; fi
    fi
    sleep 0.1
  done
  die "the server did not print its port (see $file)"
}

log "starting the mock upstream (a generation takes 6 s here; 1-2 min at the provider)"
"$bin/mock_upstream/seedance-mock-upstream" --port=0 --generation_ms=6000 --queue_ms=1500 \
  --log_level=warning >"$work/mock.out" 2>"$work/mock.err" &
pids+=($!)
mock_port="$(read_port "$work/mock.out" "")"
# Like the provider behind it (Ark), report every status change by callback.
curl -fsS -X POST "http://127.0.0.1:$mock_port/__mock/rules" \
  -d '{"token": "demo-token", "scenario": "callback_every_status"}' >/dev/null

log "starting the gateway (callback delivery on loopback, store in $work/data)"
# Ports chosen by the OS: a one-shot run that never restarts, so the
# gateway's callback_port_not_fixed warning in its log does not apply here.
"$bin/server/seedance-gateway" --listen=127.0.0.1:0 \
  --upstream_base_url="http://127.0.0.1:$mock_port" --delivery=callback \
  --callback_listen=127.0.0.1:0 --data_dir="$work/data" --heartbeat_interval=1s \
  --allow_private_content_hosts=127.0.0.1 \
  >"$work/gateway.out" 2>"$work/gateway.err" &
pids+=($!)
grpc_port="$(read_port "$work/gateway.out" grpc_port)"

log "creating a video through the gateway and streaming its status"
SEEDANCE_TOKEN=demo-token "$bin/clients/cpp/seedance" --gateway="127.0.0.1:$grpc_port" \
  create --model doubao-seedance-1-0-pro-250528 \
  --prompt "A kitten yawning at the camera. --rs 720p --rt 16:9 --dur 5" \
  --wait --output "$output"

log "gateway log:"
sed 's/^/    /' "$work/gateway.err"
log "demo done: the video is $output"

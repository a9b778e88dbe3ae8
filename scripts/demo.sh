#!/usr/bin/env bash
# The main job on the embedded defaults: installs missing packages, builds,
# and runs the demo.
#
# Today the gateway and the mock upstream are not built yet (issues 3 and 4),
# so the demo runs what exists: the request checker the gateway will use,
# on the provider guide's example bodies and on a broken one. The final
# shape: start the mock upstream and the gateway, run a client that creates
# a video and prints its status stream, stop everything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$SEEDANCE_ROOT/scripts/install_deps.sh"
"$SEEDANCE_ROOT/scripts/build.sh"

lint="$SEEDANCE_BUILD_DIR/tools/seedance-lint"
fixtures="$SEEDANCE_ROOT/tests/fixtures/upstream"
log "checking the provider guide's example requests"
"$lint" "$fixtures"/videos_request_*.json
log "checking a broken request (expected to be rejected)"
set +e
"$lint" - <<'JSON'
{"model": "doubao-seedance-1-0-lite-t2v-250428",
 "content": [{"type": "text", "text": "a fox --dur 99"},
             {"type": "image_url", "image_url": "https://example.com/fox.png"}],
 "duration": 13}
JSON
status=$?
set -e
[ "$status" -eq 1 ] || die "the broken request was not rejected (exit $status)"
"$lint" - <<'JSON' || true
{"model": "doubao-seedance-1-0-lite-t2v-250428",
 "content": [{"type": "text", "text": "a fox --dur 99"},
             {"type": "image_url", "image_url": {"url": "https://example.com/fox.png"}}],
 "duration": 13, "generate_audio": true}
JSON
log "demo done"

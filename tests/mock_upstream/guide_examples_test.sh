#!/usr/bin/env bash
# The provider guide's own examples, pointed at the mock with only the URL
# and the token replaced: its curl command and its two Python `requests`
# programs (Debian's python3-requests, so /usr/bin/python3). Each must get
# the documented answer shape.
#
#   tests/mock_upstream/guide_examples_test.sh path/to/seedance-mock-upstream
set -euo pipefail

mock_binary="$1"
python=/usr/bin/python3
work="$(mktemp -d)"
mock_pid=""
cleanup() {
  if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Start the mock on port 0 and read the port it prints.
mkfifo "$work/port"
"$mock_binary" --port=0 --generation_ms=50 --log_level=warning >"$work/port" &
mock_pid=$!
read -r port <"$work/port"
base="http://127.0.0.1:$port"
bearer_token="guide-example-token"

# The documented success shape, checked field by field.
check_answer() {
  "$python" - "$1" "$2" <<'PY'
import json, re, sys
name, text = sys.argv[1], sys.argv[2]
answer = json.loads(text)
uuid = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
assert set(answer) == {"success", "task_id", "trace_id", "data"}, (name, answer)
assert answer["success"] is True, (name, answer)
assert re.match(uuid, answer["task_id"]) and re.match(uuid, answer["trace_id"]), (name, answer)
data = answer["data"]
assert set(data) == {"task_id", "status", "video_url", "model"}, (name, data)
assert re.match(r"^cgt-\d{14}-[0-9a-z]{5}$", data["task_id"]), (name, data)
assert data["status"] == "succeeded", (name, data)
assert data["video_url"].endswith(".mp4"), (name, data)
assert data["model"] == "doubao-seedance-1-0-pro-250528", (name, data)
print(f"ok: {name}")
PY
}

# The guide's curl example, verbatim but for the host and the token.
answer="$(curl -sS -X POST "$base/v1/seedance/videos" \
-H "authorization: Bearer ${bearer_token}" \
-H 'accept: application/json' \
-H 'content-type: application/json' \
-d '{
"content": [{"text":"A kitten yawning at the camera. --rs 720p --rt 16:9 --dur 5 --fps 24 --wm true --seed 11 --cf false","type":"text"}],
"model": "doubao-seedance-1-0-pro-250528"
}')"
check_answer "curl example" "$answer"

# The guide's image-to-video (first frame) Python example.
cat >"$work/first_frame.py" <<'PY'
import requests

url = "https://api.xhuoapi.ai/v1/seedance/videos"

headers = {
    "accept": "application/json",
    "authorization": "Bearer {token}",
    "content-type": "application/json"
}

payload = {
    "content": [
        {
            "type": "image_url",
            "image_url": {
                "url": "https://ark-project.tos-cn-beijing.volces.com/doc_image/i2v_foxrgirl.png"
            }
        },
        {
            "type": "text",
            "text": "一位女孩怀抱着一只狐狸。她睁开眼睛,温柔地凝视着镜头,而狐狸则亲昵地回抱着她。当镜头缓缓拉远时,她的头发被风轻轻吹动。 --ratio adaptive --dur 5"
        }
    ],
    "model": "doubao-seedance-1-0-pro-250528"
}

response = requests.post(url, json=payload, headers=headers)
print(response.text)
PY

# The guide's first-and-last-frame Python example.
cat >"$work/first_last_frame.py" <<'PY'
import requests

url = "https://api.xhuoapi.ai/v1/seedance/videos"

headers = {
    "accept": "application/json",
    "authorization": "Bearer {token}",
    "content-type": "application/json"
}

payload = {
    "model": "doubao-seedance-1-0-pro-250528",
    "content": [
        {
            "type": "text",
            "text": "360度拍摄"
        },
        {
            "type": "image_url",
            "image_url": {
                "url": "https://ark-project.tos-cn-beijing.volces.com/doc_image/seepro_first_frame.jpeg"
            },
            "role": "first_frame"
        },
        {
            "type": "image_url",
            "image_url": {
                "url": "https://ark-project.tos-cn-beijing.volces.com/doc_image/seepro_last_frame.jpeg"
            },
            "role": "last_frame"
        }
    ]
}

response = requests.post(url, json=payload, headers=headers)
print(response.text)
PY

for example in first_frame first_last_frame; do
  # Only the URL and the token change.
  sed -i -e "s#https://api.xhuoapi.ai#$base#" -e "s#{token}#$bearer_token#" \
    "$work/$example.py"
  answer="$(NO_PROXY='*' "$python" "$work/$example.py")"
  check_answer "python $example example" "$answer"
done

# The guide's error example: an invalid token, from Python too.
answer="$(NO_PROXY='*' "$python" - "$base" <<'PY'
import sys, requests
r = requests.post(sys.argv[1] + "/v1/seedance/videos", json={}, headers={"accept": "application/json"})
print(r.status_code, r.text)
PY
)"
"$python" - "$answer" <<'PY'
import json, sys
status, body = sys.argv[1].split(" ", 1)
body = json.loads(body)
assert status == "401", status
assert set(body) == {"success", "error", "trace_id"} and body["success"] is False, body
assert body["error"]["code"] == "invalid_token" and body["error"]["message"], body
print("ok: error example")
PY
echo "guide examples: 4 passed, 0 failed"

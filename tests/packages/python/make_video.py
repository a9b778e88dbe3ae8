"""A user's own program, outside the repository, on the installed
seedance-client package: create a video task, watch it to its end, download
the video. What tests/packages/package_test.cc runs after `pip install`.

    python make_video.py --gateway=HOST:PORT --token=TOKEN --output=video.mp4
"""

import argparse
import sys

from seedance_client import GatewayClient, GatewayError, TaskState, VideoSpec


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    with GatewayClient(args.gateway, args.token) as client:
        try:
            task = client.create(VideoSpec(model="doubao-seedance-1-0-pro-250528",
                                           prompt="a kitten yawning", duration_seconds=5))
            print(f"created {task.task_id}", flush=True)
            # after_sequence 0: the whole history, from the state it was created in.
            done = client.wait(task.task_id, 0, on_message=lambda m: m.HasField("status") and print(
                f"state {TaskState.Name(m.status.state)} seq={m.status.sequence}", flush=True))
            if done.state != TaskState.Value("TASK_STATE_SUCCEEDED"):
                print(f"ended {TaskState.Name(done.state)}: {done.error.message}")
                return 1
            last = [-1]

            def progress(got, total):
                if got == total or got - last[0] >= 1 << 20:
                    print(f"downloaded {got} of {total} bytes", flush=True)
                    last[0] = got

            # The gateway's own copy, checked against its digest.
            saved = client.download_content(done.task_id, args.output, on_progress=progress)
            print(f"saved {saved.path} bytes={saved.size} sha256={saved.sha256}")
            return 0
        except GatewayError as e:
            print(f"error {e}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())

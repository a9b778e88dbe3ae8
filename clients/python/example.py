#!/usr/bin/python3
"""The Python client of the seedance gateway at work.

By default (--mode=demo) it creates a video task, watches it to the end
printing each event, prints the video URL, then shows how a failed call's
details decode (a request with duration_seconds=30, checked with
validate_only so nothing is created):

    clients/python/run_example.sh --gateway=127.0.0.1:50051 --token=$SEEDANCE_TOKEN \\
        --model=doubao-seedance-1-0-pro-250528 --prompt="a kitten yawning"

Other modes, one step each (the interop test drives them):
    --mode=create [--duration=N]           create a task and print it
    --mode=watch --task-id=ID [--after=N]  watch to the end (resumes)
    --mode=cancel --task-id=ID             cancel, then watch to the end

With --output=FILE, demo and watch save a succeeded task's video there: the
gateway's own copy (resumed if the stream breaks, checked against its
SHA-256), with a progress bar on a terminal; from the provider's video_url
only when the gateway keeps no copies (reason CONTENT_NOT_AVAILABLE).

Output is one "kind key=value ..." line per thing, the same in the Go and
Node examples; "message=" and "description=" run to the end of the line.
Exit status (the C++ client's for failed calls): 0 done, 1 the task did not succeed,
2 invalid input, 3 unavailable or refused for now, 4 auth, 5 other.
"""

import argparse
import os
import sys
import time

import grpc

from seedance_client import (
    ErrorDetails, GatewayClient, GatewayError, VideoSpec, video_task_pb2)

EXIT_CODES = {
    grpc.StatusCode.INVALID_ARGUMENT: 2, grpc.StatusCode.NOT_FOUND: 2,
    grpc.StatusCode.ALREADY_EXISTS: 2, grpc.StatusCode.FAILED_PRECONDITION: 2,
    grpc.StatusCode.OUT_OF_RANGE: 2, grpc.StatusCode.UNAVAILABLE: 3,
    grpc.StatusCode.DEADLINE_EXCEEDED: 3, grpc.StatusCode.RESOURCE_EXHAUSTED: 3,
    grpc.StatusCode.UNAUTHENTICATED: 4, grpc.StatusCode.PERMISSION_DENIED: 4,
}


def out(line: str) -> None:
    # Flushed at once: a reader of the pipe (the interop test) acts on each line.
    print(line, flush=True)


def state_name(state: int) -> str:
    return video_task_pb2.TaskState.Name(state).removeprefix("TASK_STATE_")


def print_message(message) -> None:
    if message.HasField("status"):
        e = message.status
        out(f"event task={e.task_id} seq={e.sequence} state={state_name(e.state)}")
    else:
        hb = message.heartbeat
        out(f"heartbeat task={hb.task_id} seq={hb.sequence} state={state_name(hb.state)} "
            f"elapsed={hb.elapsed.ToTimedelta().total_seconds():.1f}s")


def print_details(kind: str, d: ErrorDetails) -> None:
    out(f"{kind} code={d.code_name} message={d.message}")
    for v in d.field_violations:
        out(f"  field_violation field={v.field} description={v.description}")
    if d.retry_delay is not None:
        out(f"  retry_delay_ms={round(d.retry_delay.total_seconds() * 1000)}")
    if d.reason:
        extra = "".join(f" {k}={v}" for k, v in sorted(d.metadata.items()))
        out(f"  error_info reason={d.reason} domain={d.domain}{extra}")


def fail(error: GatewayError) -> int:
    print_details("error", error.details)
    return EXIT_CODES.get(error.code, 5)


def finish(task) -> int:
    out(f"done task={task.task_id} state={state_name(task.state)} seq={task.sequence}")
    if task.state == video_task_pb2.TASK_STATE_SUCCEEDED:
        out(f"video_url={task.result.video_url}")
        return 0
    if task.HasField("error"):
        print_details("task_error", ErrorDetails.from_status(task.error))
    return 1


class ProgressBar:
    """on_progress for a download: a line of bytes of total, percent and
    rate, redrawn at most ten times a second; nothing off a terminal."""

    def __init__(self, live: bool):
        self._live = live
        self._start = time.monotonic()
        self._drawn_at = None
        self._drawn = False

    def __call__(self, received: int, total) -> None:
        now = time.monotonic()
        if not self._live or (received != total and self._drawn_at is not None
                              and now - self._drawn_at < 0.1):
            return
        self._drawn_at = now
        line = f"\r  downloading {received / 2**20:.1f}"
        line += (f" of {total / 2**20:.1f} MiB ({100 * received // total}%)" if total
                 else " MiB")
        if now > self._start:
            line += f"  {received / 2**20 / (now - self._start):.1f} MiB/s"
        sys.stdout.write(line + "   ")
        sys.stdout.flush()
        self._drawn = True

    def end(self) -> None:
        """Ends the line, so that the next output starts on its own."""
        if self._drawn:
            sys.stdout.write("\n")
            sys.stdout.flush()
        self._drawn = False


def save(client: GatewayClient, task, path: str) -> int:
    """--output: the gateway's copy of the video; the provider's video_url
    only when the gateway keeps no copies."""
    bar = ProgressBar(sys.stdout.isatty())

    def on_retry(received, d: ErrorDetails) -> None:
        bar.end()
        if d.reason == "CONTENT_PENDING":
            delay = d.retry_delay.total_seconds() if d.retry_delay is not None else 1.0
            out(f"download_pending retry_delay_ms={round(delay * 1000)}")
        else:
            out(f"download_resumed offset={received} code={d.code_name}")

    try:
        try:
            saved = client.download_content(task.task_id, path, on_progress=bar,
                                            on_retry=on_retry)
            source = "gateway"
        except GatewayError as e:
            if e.details.reason != "CONTENT_NOT_AVAILABLE":
                raise
            bar.end()
            out("download_fallback reason=CONTENT_NOT_AVAILABLE source=video_url")
            bar = ProgressBar(sys.stdout.isatty())
            saved = client.download_video(task, path, on_progress=bar)
            source = "video_url"
        finally:
            bar.end()
    except OSError as e:
        print(f"--output {path}: cannot write there: {e}", file=sys.stderr)
        return 2
    out(f"saved path={saved.path} bytes={saved.size} sha256={saved.sha256} "
        f"content_type={saved.content_type} source={source}")
    return 0


def spec(args, duration=None) -> VideoSpec:
    s = VideoSpec(model=args.model, prompt=args.prompt)
    if duration or args.duration:
        s.duration_seconds = duration or args.duration
    return s


def run(args, client: GatewayClient) -> int:
    try:
        if args.mode == "create":
            task = client.create(spec(args))
            out(f"created task={task.task_id} state={state_name(task.state)} seq={task.sequence}")
            return 0
        if args.mode == "watch":
            done = client.wait(args.task_id, args.after, on_message=print_message)
            code = finish(done)
            return save(client, done, args.output) if code == 0 and args.output else code
        if args.mode == "cancel":
            task = client.cancel(args.task_id)
            out(f"cancelled task={task.task_id} state={state_name(task.state)}")
            finish(client.wait(args.task_id, on_message=print_message))
            return 0
        # demo
        task = client.create(spec(args))
        out(f"created task={task.task_id} state={state_name(task.state)} seq={task.sequence}")
        # after_sequence 0: the whole history, from the state it was created in.
        done = client.wait(task.task_id, 0, on_message=print_message)
        code = finish(done)
        if code == 0 and args.output:
            code = save(client, done, args.output)
        # A failed call, decoded: duration_seconds out of range. validate_only
        # makes sure nothing is created even if it were valid.
        out("demo: a request with duration_seconds=30 fails with")
        try:
            client.create(spec(args, duration=30), validate_only=True)
        except GatewayError as e:
            print_details("error", e.details)
        return code
    except GatewayError as e:
        return fail(e)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gateway", default=os.environ.get("SEEDANCE_GATEWAY", "127.0.0.1:50051"))
    parser.add_argument("--token", default=os.environ.get("SEEDANCE_TOKEN", ""),
                        help="bearer token (default $SEEDANCE_TOKEN)")
    parser.add_argument("--model", default="doubao-seedance-1-0-pro-250528")
    parser.add_argument("--prompt", default="a kitten yawning at the camera")
    parser.add_argument("--mode", default="demo", choices=["demo", "create", "watch", "cancel"])
    parser.add_argument("--task-id", default="")
    parser.add_argument("--after", type=int, default=None,
                        help="watch: resume after this sequence")
    parser.add_argument("--duration", type=int, default=0, help="create: duration_seconds")
    parser.add_argument("--output", default="",
                        help="demo, watch: save the video there (checked before anything is done)")
    args = parser.parse_args()
    if not args.token:
        print("no token: pass --token or set $SEEDANCE_TOKEN", file=sys.stderr)
        return 4
    if args.mode in ("watch", "cancel") and not args.task_id:
        print(f"--mode={args.mode} needs --task-id", file=sys.stderr)
        return 2
    if args.output:
        if args.mode not in ("demo", "watch"):
            print("--output needs --mode=demo or --mode=watch", file=sys.stderr)
            return 2
        if not os.access(os.path.dirname(os.path.abspath(args.output)), os.W_OK):
            print(f"--output {args.output}: cannot write there", file=sys.stderr)
            return 2

    def on_reconnect(after_sequence, details):
        out(f"resumed after_sequence={after_sequence or 0} code={details.code_name}")

    with GatewayClient(args.gateway, args.token, on_reconnect=on_reconnect) as client:
        return run(args, client)


if __name__ == "__main__":
    sys.exit(main())

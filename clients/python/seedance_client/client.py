"""GatewayClient: the seedance gateway (seedance.v1.VideoGateway) from Python.

    with GatewayClient("127.0.0.1:50051", token) as client:
        task = client.create(VideoSpec(model="doubao-seedance-1-0-pro-250528",
                                       prompt="a kitten yawning"))
        for message in client.watch(task.task_id):   # resumes after drops
            print(message)

Every call sends `authorization: Bearer <token>`; unary calls have a
timeout; failures raise GatewayError with the decoded details.
download_content saves a task's video from the gateway's own copy.
"""

import hashlib
import os
import time
import uuid
from typing import Callable, Iterable, Iterator, Optional

import grpc

from ._stubs import video_gateway_pb2 as gateway_pb2
from ._stubs import video_gateway_pb2_grpc as gateway_grpc
from ._stubs import video_task_pb2 as task_pb2
from .download import DownloadResult, ProgressCallback, _remove, download
from .errors import ErrorDetails, GatewayError

TERMINAL_STATES = frozenset({
    task_pb2.TASK_STATE_SUCCEEDED, task_pb2.TASK_STATE_FAILED,
    task_pb2.TASK_STATE_CANCELLED, task_pb2.TASK_STATE_EXPIRED,
})

# Codes after which a broken watch stream is worth resuming: the connection
# or the gateway went away. A watch only reads, so repeating it is safe.
# CANCELLED is among them: watch() never cancels a call it still reads, so a
# CANCELLED comes from the server (a stopping gRPC server cancels open calls
# and refuses new ones with it), unless close() was called, which ends the
# watch instead.
RETRYABLE_CODES = frozenset({
    grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED,
    grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN,
})


# The ErrorInfo reason of an UNAVAILABLE ReadVideoContent while the gateway
# is still fetching its copy: call again after the RetryInfo's delay.
_CONTENT_PENDING = "CONTENT_PENDING"


def is_terminal(state: int) -> bool:
    """True for a state a task never leaves."""
    return state in TERMINAL_STATES


class GatewayClient:
    """A connection to the gateway with one token. Thread-safe as grpc is.

    on_reconnect(after_sequence, details), if given, is called each time
    watch() resumes a broken stream.
    """

    def __init__(self, target: str, token: str, *,
                 credentials: Optional[grpc.ChannelCredentials] = None,
                 call_timeout: float = 30.0, reconnect_delay: float = 0.2,
                 max_reconnects: int = 20,
                 on_reconnect: Optional[Callable[[Optional[int], ErrorDetails], None]] = None):
        self._channel = (grpc.secure_channel(target, credentials) if credentials
                         else grpc.insecure_channel(target))
        self._stub = gateway_grpc.VideoGatewayStub(self._channel)
        self._metadata = (("authorization", f"Bearer {token}"),)
        self._call_timeout = call_timeout
        self._reconnect_delay = reconnect_delay
        self._max_reconnects = max_reconnects
        self._on_reconnect = on_reconnect
        self._closed = False

    def __enter__(self) -> "GatewayClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._closed = True  # a watch cut by this is not resumed
        self._channel.close()

    def _unary(self, method, request):
        try:
            return method(request, timeout=self._call_timeout, metadata=self._metadata)
        except grpc.RpcError as e:
            raise GatewayError.from_rpc_error(e) from e

    def create(self, spec: task_pb2.VideoSpec, *, request_id: Optional[str] = None,
               validate_only: bool = False) -> task_pb2.VideoTask:
        """Creates a task and returns it at once (PENDING or QUEUED).

        A request_id (a fresh UUID by default) makes a retried call return
        the same task instead of creating, and billing, a second one.
        """
        request = gateway_pb2.CreateVideoTaskRequest(
            request_id=request_id or str(uuid.uuid4()), spec=spec, validate_only=validate_only)
        return self._unary(self._stub.CreateVideoTask, request)

    def get(self, task_id: str) -> task_pb2.VideoTask:
        return self._unary(self._stub.GetVideoTask, gateway_pb2.GetVideoTaskRequest(task_id=task_id))

    def list(self, states: Iterable[int] = (), page_size: int = 0,
             page_token: str = "") -> gateway_pb2.ListVideoTasksResponse:
        """One page of the caller's tasks, newest first."""
        request = gateway_pb2.ListVideoTasksRequest(
            states=list(states), page_size=page_size, page_token=page_token)
        return self._unary(self._stub.ListVideoTasks, request)

    def cancel(self, task_id: str) -> task_pb2.VideoTask:
        return self._unary(self._stub.CancelVideoTask,
                           gateway_pb2.CancelVideoTaskRequest(task_id=task_id))

    def list_models(self) -> gateway_pb2.ListModelsResponse:
        return self._unary(self._stub.ListModels, gateway_pb2.ListModelsRequest())

    def watch(self, task_id: str,
              after_sequence: Optional[int] = None) -> Iterator[gateway_pb2.WatchVideoTaskResponse]:
        """Yields the task's changes and heartbeats until it ends.

        Each message is a WatchVideoTaskResponse: `status` (a TaskEvent:
        task_id, sequence numbered 1, 2, ... without gaps, state,
        event_time, and the whole task after the change) or `heartbeat`
        while nothing changes (task_id, state, the latest sequence, elapsed
        since creation, time).

        after_sequence as in WatchVideoTaskRequest (None: start with the
        current state). A broken stream is resumed from the last sequence
        yielded, so each change comes exactly once. Stopping the iteration
        (break, close()) ends the stream. Raises GatewayError when the
        watch cannot go on.
        """
        last: Optional[task_pb2.TaskEvent] = None
        delay, failures = self._reconnect_delay, 0
        while True:
            resume_from = last.sequence if last is not None else after_sequence
            request = gateway_pb2.WatchVideoTaskRequest(task_id=task_id)
            if resume_from is not None:
                request.after_sequence = resume_from
            before = last.sequence if last is not None else 0
            call = self._stub.WatchVideoTask(request, metadata=self._metadata)
            try:
                for message in call:
                    if message.HasField("status"):
                        # A resumed stream never repeats a change; guard anyway.
                        if last is not None and message.status.sequence <= last.sequence:
                            continue
                        last = message.status
                    yield message
                return
            except grpc.RpcError as e:
                details = ErrorDetails.from_rpc_error(e)
                if details.code not in RETRYABLE_CODES or self._closed:
                    raise GatewayError(details) from e
                if last is not None and last.sequence > before:
                    delay, failures = self._reconnect_delay, 0  # progress: a fresh budget
                failures += 1
                if failures > self._max_reconnects:
                    raise GatewayError(details) from e
                if self._on_reconnect is not None:
                    self._on_reconnect(last.sequence if last is not None else after_sequence,
                                       details)
            finally:
                call.cancel()  # no-op after the end; frees the stream if we stopped early
            time.sleep(delay)
            delay = min(delay * 2, 10.0)

    def wait(self, task_id: str, after_sequence: Optional[int] = None,
             on_message: Optional[Callable[[gateway_pb2.WatchVideoTaskResponse], None]] = None
             ) -> task_pb2.VideoTask:
        """Watches a task to its end and returns it in its terminal state."""
        last = None
        for message in self.watch(task_id, after_sequence):
            if on_message is not None:
                on_message(message)
            if message.HasField("status"):
                last = message.status
        if last is not None and is_terminal(last.state):
            return last.task
        return self.get(task_id)  # resumed after the end: the task was over

    def download_content(self, task_id: str, path: str, *,
                         file: int = gateway_pb2.RESULT_FILE_VIDEO,
                         on_progress: Optional[ProgressCallback] = None,
                         on_retry: Optional[Callable[[int, ErrorDetails], None]] = None
                         ) -> DownloadResult:
        """Saves the gateway's copy of a succeeded task's video (or, with
        file=RESULT_FILE_LAST_FRAME, its last frame) to `path`, all or nothing.

        The bytes (ReadVideoContent) go to `path + ".part"`, which is
        renamed to `path` only once complete and equal to the SHA-256 the
        gateway sent. A broken stream is resumed from the bytes already
        written, with watch()'s codes, backoff and budget; while the gateway
        is still fetching its copy (UNAVAILABLE, reason CONTENT_PENDING) it
        waits as RetryInfo says, as often as it takes. on_progress(received,
        total) follows the bytes; on_retry(received, details), if given, is
        called before each new call.

        Raises OSError when `path + ".part"` cannot be written (before any
        call), GatewayError with the gateway's error (NOT_FOUND;
        FAILED_PRECONDITION with reason TASK_NOT_SUCCEEDED, CONTENT_NOT_KEPT,
        CONTENT_EXPIRED or CONTENT_NOT_AVAILABLE, when the gateway keeps no
        copies: then download_video reads the provider's URL), DATA_LOSS when
        the bytes do not match the digest, ABORTED when the copy changed
        between two calls. A failed download leaves no file.
        """
        partial = path + ".part"
        out = open(partial, "wb")  # an unwritable path fails here, before any call
        try:
            with out:
                header, size, digest = self._read_content(task_id, file, out, on_progress,
                                                          on_retry)
            if size != header.total_size:
                raise GatewayError(ErrorDetails(
                    code=grpc.StatusCode.DATA_LOSS,
                    message=f"received {size} bytes of {header.total_size}"))
            if digest != header.sha256:
                raise GatewayError(ErrorDetails(
                    code=grpc.StatusCode.DATA_LOSS,
                    message=f"the file's SHA-256 is {digest}, "
                            f"the gateway's copy has {header.sha256}"))
            os.replace(partial, path)
        except BaseException:
            _remove(partial)
            raise
        return DownloadResult(path=path, size=size, sha256=digest,
                              content_type=header.content_type)

    def _read_content(self, task_id, file, out, on_progress, on_retry):
        """ReadVideoContent into `out`, resumed until the stream ends with OK.
        Returns the header, the bytes written and their SHA-256 (hex)."""
        header: Optional[gateway_pb2.ContentHeader] = None
        digest = hashlib.sha256()
        size = 0
        delay, failures = self._reconnect_delay, 0
        while True:
            request = gateway_pb2.ReadVideoContentRequest(
                task_id=task_id, file=file, offset=size)  # a resumed stream starts where we are
            before = size
            call = self._stub.ReadVideoContent(request, metadata=self._metadata)
            try:
                for message in call:
                    if message.HasField("header"):
                        got = message.header
                        # A resumed stream must be of the same file.
                        if header is not None and (got.sha256 != header.sha256 or
                                                   got.total_size != header.total_size):
                            raise GatewayError(ErrorDetails(
                                code=grpc.StatusCode.ABORTED,
                                message="the gateway's copy changed during the download"))
                        header = got
                    else:
                        chunk = message.chunk
                        if header is None or chunk.offset != size or (
                                size + len(chunk.data) > header.total_size):
                            raise GatewayError(ErrorDetails(
                                code=grpc.StatusCode.DATA_LOSS,
                                message=f"a chunk of {len(chunk.data)} bytes at byte "
                                        f"{chunk.offset}, expected one at {size}"))
                        out.write(chunk.data)
                        digest.update(chunk.data)
                        size += len(chunk.data)
                    if on_progress is not None:
                        on_progress(size, header.total_size)
                if header is None:
                    raise GatewayError(ErrorDetails(
                        code=grpc.StatusCode.INTERNAL,
                        message="the content stream ended without a header"))
                return header, size, digest.hexdigest()
            except grpc.RpcError as e:
                details = ErrorDetails.from_rpc_error(e)
                if self._closed:
                    raise GatewayError(details) from e
                if details.code == grpc.StatusCode.UNAVAILABLE and (
                        details.reason == _CONTENT_PENDING):
                    # Not a failure: the copy will come; no budget is spent.
                    wait = (details.retry_delay.total_seconds()
                            if details.retry_delay is not None else 1.0)
                else:
                    if details.code not in RETRYABLE_CODES:
                        raise GatewayError(details) from e
                    if size > before:
                        delay, failures = self._reconnect_delay, 0  # progress: a fresh budget
                    failures += 1
                    if failures > self._max_reconnects:
                        raise GatewayError(details) from e
                    wait = delay
                    delay = min(delay * 2, 10.0)
                if on_retry is not None:
                    on_retry(size, details)
            finally:
                call.cancel()  # no-op after the end; frees the stream if we stopped early
            time.sleep(wait)

    def download_video(self, task: task_pb2.VideoTask, path: str, *,
                       on_progress: Optional[ProgressCallback] = None) -> DownloadResult:
        """Saves a succeeded task's video to `path` from the provider's
        video_url, which expires (see download.download); download_content
        reads the gateway's own copy."""
        return download(task.result.video_url, path, on_progress=on_progress,
                        timeout=max(self._call_timeout, 60.0))

"""GatewayClient.download_content against an in-process gRPC server that
plays scripted ReadVideoContent streams: resumption from the bytes written,
waiting while the gateway fetches its copy, the digest check, errors decoded
with their reason, and no file left behind by a failure."""

import datetime
import hashlib
import os
import threading
import time
from concurrent import futures

import grpc
import pytest

from seedance_client import GatewayClient, GatewayError
from seedance_client._stubs import (error_details_pb2, status_pb2, video_gateway_pb2,
                                    video_gateway_pb2_grpc)

CONTENT = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 1200  # ~300 KiB
SHA256 = hashlib.sha256(CONTENT).hexdigest()
CHUNK = 64 * 1024


def stream(stop=None, then=None, sha256=SHA256, total_size=len(CONTENT)):
    """A call that sends the header, the bytes from the request's offset up
    to `stop` (None: the end), then fails with `then` (None: ends OK)."""
    return ("stream", stop, then, sha256, total_size)


def refuse(code, reason, retry_delay=None):
    """A call that fails at once with ErrorInfo `reason` (and RetryInfo)."""
    return ("refuse", code, reason, retry_delay)


class ContentGateway(video_gateway_pb2_grpc.VideoGatewayServicer):
    """Each ReadVideoContent call plays the next script."""

    def __init__(self, scripts):
        self._scripts = list(scripts)
        self._lock = threading.Lock()
        self.requests = []
        self.tokens = []

    def ReadVideoContent(self, request, context):  # noqa: N802 (the gRPC API)
        with self._lock:
            self.requests.append(request)
            self.tokens.append(dict(context.invocation_metadata()).get("authorization"))
            script = self._scripts.pop(0)
        if script[0] == "refuse":
            _, code, reason, retry_delay = script
            status = status_pb2.Status(code=code.value[0], message=f"scripted {reason}")
            status.details.add().Pack(error_details_pb2.ErrorInfo(reason=reason,
                                                                  domain="seedance.gateway"))
            if retry_delay is not None:
                retry = error_details_pb2.RetryInfo()
                retry.retry_delay.FromTimedelta(datetime.timedelta(seconds=retry_delay))
                status.details.add().Pack(retry)
            context.set_trailing_metadata([("grpc-status-details-bin",
                                            status.SerializeToString())])
            context.abort(code, status.message)
        _, stop, then, sha256, total_size = script
        offset = request.offset
        end = len(CONTENT) if stop is None else stop
        yield video_gateway_pb2.ReadVideoContentResponse(header=video_gateway_pb2.ContentHeader(
            content_type="video/mp4", total_size=total_size, sha256=sha256, offset=offset,
            length=len(CONTENT) - offset))
        while offset < end:
            data = CONTENT[offset:min(offset + CHUNK, end)]
            yield video_gateway_pb2.ReadVideoContentResponse(
                chunk=video_gateway_pb2.ContentChunk(offset=offset, data=data))
            offset += len(data)
        if then is not None:
            context.abort(then, f"scripted {then.name}")


@pytest.fixture
def serve():
    servers = []

    def start(scripts, **options):
        service = ContentGateway(scripts)
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        video_gateway_pb2_grpc.add_VideoGatewayServicer_to_server(service, server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        servers.append(server)
        options.setdefault("reconnect_delay", 0.001)
        return service, GatewayClient(f"127.0.0.1:{port}", "token-1", **options)

    yield start
    for server in servers:
        server.stop(None)


def test_a_broken_download_resumes_from_the_bytes_written(serve, tmp_path):
    service, client = serve([
        stream(stop=100_000, then=grpc.StatusCode.UNAVAILABLE),  # the gateway went away
        stream(stop=200_000, then=grpc.StatusCode.CANCELLED),    # a stopping server
        stream(),
    ], max_reconnects=1)  # each resumption made progress: the budget starts again
    progress, retries = [], []
    path = str(tmp_path / "out.mp4")
    result = client.download_content(
        "task-1", path, on_progress=lambda got, total: progress.append((got, total)),
        on_retry=lambda got, details: retries.append((got, details.code_name)))
    with open(path, "rb") as f:
        assert f.read() == CONTENT
    assert (result.path, result.size, result.sha256, result.content_type) == (
        path, len(CONTENT), SHA256, "video/mp4")
    assert [r.offset for r in service.requests] == [0, 100_000, 200_000]
    assert {(r.task_id, r.file) for r in service.requests} == {
        ("task-1", video_gateway_pb2.RESULT_FILE_VIDEO)}
    assert service.tokens == ["Bearer token-1"] * 3
    assert retries == [(100_000, "UNAVAILABLE"), (200_000, "CANCELLED")]
    assert progress[0] == (0, len(CONTENT)) and progress[-1] == (len(CONTENT), len(CONTENT))
    assert [got for got, _ in progress] == sorted(got for got, _ in progress)
    assert os.listdir(tmp_path) == ["out.mp4"]


def test_a_pending_copy_is_waited_for_without_spending_the_reconnect_budget(serve, tmp_path):
    pending = refuse(grpc.StatusCode.UNAVAILABLE, "CONTENT_PENDING", retry_delay=0.02)
    service, client = serve([pending] * 5 + [stream()], max_reconnects=2)
    retries = []
    path = str(tmp_path / "out.mp4")
    started = time.monotonic()
    result = client.download_content(
        "task-1", path, on_retry=lambda got, details: retries.append(
            (got, details.reason, details.retry_delay)))
    assert time.monotonic() - started >= 5 * 0.02  # RetryInfo's delay, each time
    assert result.size == len(CONTENT) and result.sha256 == SHA256
    assert [r.offset for r in service.requests] == [0] * 6
    assert retries == [(0, "CONTENT_PENDING", datetime.timedelta(seconds=0.02))] * 5
    with open(path, "rb") as f:
        assert f.read() == CONTENT


def test_bytes_that_do_not_match_the_digest_are_data_loss_and_leave_no_file(serve, tmp_path):
    _, client = serve([stream(sha256="0" * 64)])
    with pytest.raises(GatewayError) as raised:
        client.download_content("task-1", str(tmp_path / "out.mp4"))
    assert raised.value.details.code_name == "DATA_LOSS"
    assert SHA256 in raised.value.details.message
    assert os.listdir(tmp_path) == []  # neither the file nor its .part


def test_a_copy_that_changed_between_calls_ends_the_download(serve, tmp_path):
    _, client = serve([stream(stop=100_000, then=grpc.StatusCode.UNAVAILABLE),
                       stream(sha256="1" * 64)])
    with pytest.raises(GatewayError) as raised:
        client.download_content("task-1", str(tmp_path / "out.mp4"))
    assert raised.value.details.code_name == "ABORTED"
    assert os.listdir(tmp_path) == []


def test_a_refusal_is_raised_with_its_reason_and_not_retried(serve, tmp_path):
    service, client = serve([refuse(grpc.StatusCode.FAILED_PRECONDITION,
                                    "CONTENT_NOT_AVAILABLE")])
    with pytest.raises(GatewayError) as raised:
        client.download_content("task-1", str(tmp_path / "out.mp4"))
    assert raised.value.details.code_name == "FAILED_PRECONDITION"
    assert raised.value.details.reason == "CONTENT_NOT_AVAILABLE"
    assert len(service.requests) == 1
    assert os.listdir(tmp_path) == []


def test_the_reconnect_budget_ends_a_download_that_makes_no_progress(serve, tmp_path):
    service, client = serve([stream(stop=0, then=grpc.StatusCode.UNAVAILABLE)] * 3,
                            max_reconnects=2)
    with pytest.raises(GatewayError) as raised:
        client.download_content("task-1", str(tmp_path / "out.mp4"))
    assert raised.value.details.code_name == "UNAVAILABLE"
    assert len(service.requests) == 3  # the first try and 2 reconnects
    assert os.listdir(tmp_path) == []


def test_an_unwritable_path_fails_before_any_call(serve, tmp_path):
    service, client = serve([stream()])
    with pytest.raises(OSError):
        client.download_content("task-1", str(tmp_path / "no-such-dir" / "out.mp4"))
    assert service.requests == []

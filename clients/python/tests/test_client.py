"""GatewayClient against an in-process gRPC server that plays scripted
streams: resumption through what a stopping gateway sends (UNAVAILABLE,
then gRPC's CANCELLED), errors decoded from the status trailer, and the
token and request_id every create carries."""

import threading
import time
from concurrent import futures

import grpc
import pytest

from seedance_client import GatewayClient, GatewayError, VideoSpec
from seedance_client._stubs import (error_details_pb2, status_pb2, video_gateway_pb2,
                                    video_gateway_pb2_grpc, video_task_pb2)

RUNNING = video_task_pb2.TASK_STATE_RUNNING
SUCCEEDED = video_task_pb2.TASK_STATE_SUCCEEDED


class ScriptedGateway(video_gateway_pb2_grpc.VideoGatewayServicer):
    """Each watch call plays the next script: (states, code or None).

    States are numbered on from the request's after_sequence."""

    def __init__(self, scripts):
        self._scripts = list(scripts)
        self._lock = threading.Lock()
        self.afters = []
        self.creates = []

    def WatchVideoTask(self, request, context):
        with self._lock:
            self.afters.append(request.after_sequence if request.HasField("after_sequence")
                               else None)
            states, code = self._scripts.pop(0)
        sequence = request.after_sequence
        for state in states:
            sequence += 1
            yield video_gateway_pb2.WatchVideoTaskResponse(status=video_task_pb2.TaskEvent(
                task_id=request.task_id, sequence=sequence, state=state,
                task=video_task_pb2.VideoTask(task_id=request.task_id, state=state)))
        if code == "hold":  # open until the client goes away
            while context.is_active():
                time.sleep(0.01)
            return
        if code is not None:
            context.abort(code, f"scripted {code.name}")

    def CreateVideoTask(self, request, context):
        self.creates.append((request, dict(context.invocation_metadata())))
        if request.spec.duration_seconds == 30:
            bad = error_details_pb2.BadRequest(field_violations=[
                error_details_pb2.BadRequest.FieldViolation(
                    field="spec.duration_seconds", description="must be from 2 to 12 seconds")])
            status = status_pb2.Status(code=grpc.StatusCode.INVALID_ARGUMENT.value[0],
                                       message="invalid request")
            status.details.add().Pack(bad)
            context.set_trailing_metadata([("grpc-status-details-bin",
                                            status.SerializeToString())])
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "invalid request")
        return video_task_pb2.VideoTask(task_id="task-1", request_id=request.request_id,
                                        spec=request.spec)


@pytest.fixture
def serve():
    servers = []

    def start(scripts, **options):
        service = ScriptedGateway(scripts)
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


def sequences(messages):
    return [m.status.sequence for m in messages if m.HasField("status")]


def test_a_watch_resumes_through_a_gateway_shutdown_with_each_change_once(serve):
    service, client = serve([
        ([RUNNING], grpc.StatusCode.UNAVAILABLE),   # the gateway's own shutdown status
        ([], grpc.StatusCode.CANCELLED),            # gRPC's, to a call made while it stops
        ([], grpc.StatusCode.UNAVAILABLE),          # nobody listening yet
        ([SUCCEEDED], None),
    ])
    resumed = []
    client._on_reconnect = lambda after, details: resumed.append((after, details.code_name))
    messages = list(client.watch("task-1"))
    assert sequences(messages) == [1, 2]
    assert messages[-1].status.state == SUCCEEDED
    assert service.afters == [None, 1, 1, 1]
    assert resumed == [(1, "UNAVAILABLE"), (1, "CANCELLED"), (1, "UNAVAILABLE")]


def test_wait_returns_the_task_in_its_terminal_state(serve):
    _, client = serve([([RUNNING], grpc.StatusCode.CANCELLED), ([SUCCEEDED], None)])
    assert client.wait("task-1").state == SUCCEEDED


def test_a_non_retryable_error_ends_the_watch(serve):
    service, client = serve([([RUNNING], grpc.StatusCode.NOT_FOUND)])
    with pytest.raises(GatewayError) as raised:
        list(client.watch("task-1"))
    assert raised.value.details.code_name == "NOT_FOUND"
    assert service.afters == [None]


def test_the_reconnect_budget_ends_a_watch_that_never_comes_back(serve):
    service, client = serve([([], grpc.StatusCode.CANCELLED)] * 4, max_reconnects=3)
    with pytest.raises(GatewayError) as raised:
        list(client.watch("task-1"))
    assert raised.value.details.code_name == "CANCELLED"
    assert len(service.afters) == 4  # the first try and 3 reconnects


def test_a_create_carries_the_token_and_a_fresh_request_id(serve):
    service, client = serve([])
    first = client.create(VideoSpec(model="m", prompt="p"))
    second = client.create(VideoSpec(model="m", prompt="p"), request_id="mine")
    (request_1, metadata_1), (request_2, _) = service.creates
    assert metadata_1["authorization"] == "Bearer token-1"
    assert len(request_1.request_id) == 36 and first.request_id == request_1.request_id
    assert request_2.request_id == "mine" == second.request_id


def test_a_validation_error_is_decoded_with_its_field_path(serve):
    _, client = serve([])
    with pytest.raises(GatewayError) as raised:
        client.create(VideoSpec(model="m", prompt="p", duration_seconds=30))
    details = raised.value.details
    assert details.code_name == "INVALID_ARGUMENT"
    assert [v.field for v in details.field_violations] == ["spec.duration_seconds"]


def test_closing_the_client_ends_a_watch_without_resuming_it(serve):
    service, client = serve([([RUNNING], "hold")])
    watch = client.watch("task-1")
    assert next(watch).status.sequence == 1
    client.close()
    with pytest.raises(GatewayError):
        next(watch)
    assert service.afters == [None]  # never called again

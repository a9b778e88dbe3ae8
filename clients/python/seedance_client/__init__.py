"""A small Python client of the seedance gateway (seedance.v1.VideoGateway),
on Debian's python3-grpcio and the modules generate_stubs.sh makes.

    from seedance_client import GatewayClient, GatewayError, VideoSpec

    with GatewayClient("127.0.0.1:50051", token) as client:
        task = client.create(VideoSpec(model="doubao-seedance-1-0-pro-250528",
                                       prompt="a kitten yawning"))
        done = client.wait(task.task_id, on_message=print)
        print(done.result.video_url)
"""

from ._stubs import video_gateway_pb2, video_task_pb2
from .client import GatewayClient, is_terminal
from .errors import ErrorDetails, FieldViolation, GatewayError

VideoSpec = video_task_pb2.VideoSpec
ImageInput = video_task_pb2.ImageInput
TaskState = video_task_pb2.TaskState

__all__ = [
    "ErrorDetails", "FieldViolation", "GatewayClient", "GatewayError", "ImageInput",
    "TaskState", "VideoSpec", "is_terminal", "video_gateway_pb2", "video_task_pb2",
]

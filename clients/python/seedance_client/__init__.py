"""A small Python client of the seedance gateway (seedance.v1.VideoGateway),
on grpcio and protobuf, with the API's generated modules inside the package.

    from seedance_client import GatewayClient, GatewayError, VideoSpec

    with GatewayClient("127.0.0.1:50051", token) as client:
        task = client.create(VideoSpec(model="doubao-seedance-1-0-pro-250528",
                                       prompt="a kitten yawning"))
        done = client.wait(task.task_id, on_message=print)
        client.download_content(done.task_id, "kitten.mp4")
"""

from ._stubs import video_gateway_pb2, video_task_pb2
from .client import GatewayClient, is_terminal
from .download import DownloadResult, download
from .errors import ErrorDetails, FieldViolation, GatewayError

VideoSpec = video_task_pb2.VideoSpec
ImageInput = video_task_pb2.ImageInput
TaskState = video_task_pb2.TaskState
ResultFile = video_gateway_pb2.ResultFile

__version__ = "0.2.0"

__all__ = [
    "DownloadResult", "ErrorDetails", "FieldViolation", "GatewayClient", "GatewayError",
    "ImageInput", "ResultFile", "TaskState", "VideoSpec", "download", "is_terminal",
    "video_gateway_pb2", "video_task_pb2",
]

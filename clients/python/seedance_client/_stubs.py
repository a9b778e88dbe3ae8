"""The generated protobuf and gRPC modules of the gateway's API, which live
in this package (_generated/, made by clients/python/generate_stubs.sh from
proto/ and committed)."""

from ._generated.google.rpc import error_details_pb2, status_pb2  # noqa: F401
from ._generated.seedance.v1 import (  # noqa: F401
    video_gateway_pb2, video_gateway_pb2_grpc, video_task_pb2)

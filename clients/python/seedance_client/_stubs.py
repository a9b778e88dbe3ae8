"""The generated protobuf and gRPC modules, imported from where
generate_stubs.sh put them: $SEEDANCE_PYTHON_GEN, else
<repository>/build/clients/python/gen (they are build output, not sources).
"""

import os
import sys

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
GEN_DIR = os.environ.get("SEEDANCE_PYTHON_GEN") or os.path.join(
    os.environ.get("SEEDANCE_BUILD_DIR") or os.path.join(_ROOT, "build"), "clients", "python", "gen")

if GEN_DIR not in sys.path:
    # `seedance` and `google.rpc` there are namespace packages, so they merge
    # with Debian's google.protobuf.
    sys.path.insert(0, GEN_DIR)

try:
    from google.rpc import error_details_pb2, status_pb2  # noqa: E402,F401
    from seedance.v1 import video_gateway_pb2, video_gateway_pb2_grpc, video_task_pb2  # noqa: E402,F401
except ImportError as e:  # pragma: no cover - a setup error, said plainly
    raise ImportError(
        f"the generated modules are not in {GEN_DIR}: run clients/python/generate_stubs.sh "
        f"(or set SEEDANCE_PYTHON_GEN): {e}") from e

"""Gateway errors with their google.rpc details decoded.

The gateway sends a google.rpc.Status in the `grpc-status-details-bin`
trailer: BadRequest (every bad field), RetryInfo (when to retry) and
ErrorInfo (a reason, the upstream's code and trace id). A task that did not
succeed carries the same Status in VideoTask.error.

    try:
        client.create(spec)
    except GatewayError as e:
        print(e.details.code_name, e.details.field_violations, e.details.retry_delay)
"""

import dataclasses
import datetime
from typing import Dict, List, Optional

import grpc

from ._stubs import error_details_pb2, status_pb2

_DETAILS_KEY = "grpc-status-details-bin"
_CODES = {code.value[0]: code for code in grpc.StatusCode}


@dataclasses.dataclass(frozen=True)
class FieldViolation:
    """One bad request field, e.g. field="spec.duration_seconds"."""
    field: str
    description: str


@dataclasses.dataclass
class ErrorDetails:
    """A google.rpc.Status, decoded."""
    code: grpc.StatusCode
    message: str
    field_violations: List[FieldViolation] = dataclasses.field(default_factory=list)
    # RetryInfo: how long to wait before retrying; None if not given.
    retry_delay: Optional[datetime.timedelta] = None
    # ErrorInfo: e.g. reason "TOO_MANY_TASKS_IN_FLIGHT" or
    # "CONTENT_NOT_AVAILABLE", metadata "upstream_code" and "trace_id".
    reason: str = ""
    domain: str = ""
    metadata: Dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def code_name(self) -> str:
        """"INVALID_ARGUMENT" and so on, as google.rpc.Code names them."""
        return self.code.name

    @classmethod
    def from_status(cls, status: "status_pb2.Status") -> "ErrorDetails":
        """Decodes a google.rpc.Status (e.g. VideoTask.error)."""
        details = cls(code=_CODES.get(status.code, grpc.StatusCode.UNKNOWN), message=status.message)
        for any_detail in status.details:
            # Unknown detail types are skipped.
            if any_detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                any_detail.Unpack(bad)
                details.field_violations.extend(
                    FieldViolation(v.field, v.description) for v in bad.field_violations)
            elif any_detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
                retry = error_details_pb2.RetryInfo()
                any_detail.Unpack(retry)
                details.retry_delay = retry.retry_delay.ToTimedelta()
            elif any_detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                any_detail.Unpack(info)
                details.reason, details.domain = info.reason, info.domain
                details.metadata = dict(info.metadata)
        return details

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError) -> "ErrorDetails":
        """Decodes a failed call: its trailer's Status, else its code and text."""
        for key, value in error.trailing_metadata() or ():
            if key == _DETAILS_KEY:
                return cls.from_status(status_pb2.Status.FromString(value))
        return cls(code=error.code(), message=error.details() or "")

    def __str__(self) -> str:
        text = f"{self.code_name}: {self.message}"
        for v in self.field_violations:
            text += f" [{v.field}: {v.description}]"
        if self.retry_delay is not None:
            text += f" (retry after {self.retry_delay.total_seconds():g}s)"
        if self.reason:
            text += f" reason={self.reason}"
        return text


class GatewayError(Exception):
    """A failed gateway call. `details` holds everything the gateway said."""

    def __init__(self, details: ErrorDetails):
        super().__init__(str(details))
        self.details = details

    @property
    def code(self) -> grpc.StatusCode:
        return self.details.code

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError) -> "GatewayError":
        return cls(ErrorDetails.from_rpc_error(error))

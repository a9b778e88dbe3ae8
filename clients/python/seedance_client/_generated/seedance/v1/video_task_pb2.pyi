from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from seedance_client._generated.google.rpc import status_pb2 as _status_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ASPECT_RATIO_16_9: AspectRatio
ASPECT_RATIO_1_1: AspectRatio
ASPECT_RATIO_21_9: AspectRatio
ASPECT_RATIO_3_4: AspectRatio
ASPECT_RATIO_4_3: AspectRatio
ASPECT_RATIO_9_16: AspectRatio
ASPECT_RATIO_ADAPTIVE: AspectRatio
ASPECT_RATIO_UNSPECIFIED: AspectRatio
CALLBACK_FORMAT_TASK_EVENT: CallbackFormat
CALLBACK_FORMAT_UNSPECIFIED: CallbackFormat
CALLBACK_FORMAT_UPSTREAM: CallbackFormat
CONTENT_STATE_EXPIRED: ContentState
CONTENT_STATE_FAILED: ContentState
CONTENT_STATE_PENDING: ContentState
CONTENT_STATE_STORED: ContentState
CONTENT_STATE_UNSPECIFIED: ContentState
DESCRIPTOR: _descriptor.FileDescriptor
FRAME_ROLE_FIRST_FRAME: FrameRole
FRAME_ROLE_LAST_FRAME: FrameRole
FRAME_ROLE_UNSPECIFIED: FrameRole
RESOLUTION_1080P: Resolution
RESOLUTION_480P: Resolution
RESOLUTION_720P: Resolution
RESOLUTION_UNSPECIFIED: Resolution
SERVICE_TIER_DEFAULT: ServiceTier
SERVICE_TIER_FLEX: ServiceTier
SERVICE_TIER_UNSPECIFIED: ServiceTier
TASK_STATE_CANCELLED: TaskState
TASK_STATE_EXPIRED: TaskState
TASK_STATE_FAILED: TaskState
TASK_STATE_PENDING: TaskState
TASK_STATE_QUEUED: TaskState
TASK_STATE_RUNNING: TaskState
TASK_STATE_SUCCEEDED: TaskState
TASK_STATE_UNSPECIFIED: TaskState

class ContentCopy(_message.Message):
    __slots__ = ["content_type", "error", "expire_time", "sha256", "size_bytes", "state", "store_time"]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STORE_TIME_FIELD_NUMBER: _ClassVar[int]
    content_type: str
    error: _status_pb2.Status
    expire_time: _timestamp_pb2.Timestamp
    sha256: str
    size_bytes: int
    state: ContentState
    store_time: _timestamp_pb2.Timestamp
    def __init__(self, state: _Optional[_Union[ContentState, str]] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ..., store_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Heartbeat(_message.Message):
    __slots__ = ["elapsed", "sequence", "state", "task_id", "time"]
    ELAPSED_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    elapsed: _duration_pb2.Duration
    sequence: int
    state: TaskState
    task_id: str
    time: _timestamp_pb2.Timestamp
    def __init__(self, task_id: _Optional[str] = ..., state: _Optional[_Union[TaskState, str]] = ..., sequence: _Optional[int] = ..., elapsed: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ImageInput(_message.Message):
    __slots__ = ["role", "url"]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    role: FrameRole
    url: str
    def __init__(self, url: _Optional[str] = ..., role: _Optional[_Union[FrameRole, str]] = ...) -> None: ...

class TaskEvent(_message.Message):
    __slots__ = ["event_time", "sequence", "state", "task", "task_id"]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    event_time: _timestamp_pb2.Timestamp
    sequence: int
    state: TaskState
    task: VideoTask
    task_id: str
    def __init__(self, task_id: _Optional[str] = ..., sequence: _Optional[int] = ..., state: _Optional[_Union[TaskState, str]] = ..., event_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., task: _Optional[_Union[VideoTask, _Mapping]] = ...) -> None: ...

class UpstreamRef(_message.Message):
    __slots__ = ["provider_task_id", "task_id", "trace_id"]
    PROVIDER_TASK_ID_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    provider_task_id: str
    task_id: str
    trace_id: str
    def __init__(self, task_id: _Optional[str] = ..., provider_task_id: _Optional[str] = ..., trace_id: _Optional[str] = ...) -> None: ...

class VideoResult(_message.Message):
    __slots__ = ["last_frame_url", "model", "video_url"]
    LAST_FRAME_URL_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    VIDEO_URL_FIELD_NUMBER: _ClassVar[int]
    last_frame_url: str
    model: str
    video_url: str
    def __init__(self, video_url: _Optional[str] = ..., last_frame_url: _Optional[str] = ..., model: _Optional[str] = ...) -> None: ...

class VideoSpec(_message.Message):
    __slots__ = ["callback_format", "callback_url", "camera_fixed", "duration_seconds", "execution_expires_after_seconds", "frames", "frames_per_second", "generate_audio", "images", "model", "prompt", "ratio", "resolution", "return_last_frame", "seed", "service_tier", "watermark"]
    CALLBACK_FORMAT_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_URL_FIELD_NUMBER: _ClassVar[int]
    CAMERA_FIXED_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_EXPIRES_AFTER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    FRAMES_FIELD_NUMBER: _ClassVar[int]
    FRAMES_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    GENERATE_AUDIO_FIELD_NUMBER: _ClassVar[int]
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    RATIO_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    RETURN_LAST_FRAME_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    SERVICE_TIER_FIELD_NUMBER: _ClassVar[int]
    WATERMARK_FIELD_NUMBER: _ClassVar[int]
    callback_format: CallbackFormat
    callback_url: str
    camera_fixed: bool
    duration_seconds: int
    execution_expires_after_seconds: int
    frames: int
    frames_per_second: int
    generate_audio: bool
    images: _containers.RepeatedCompositeFieldContainer[ImageInput]
    model: str
    prompt: str
    ratio: AspectRatio
    resolution: Resolution
    return_last_frame: bool
    seed: int
    service_tier: ServiceTier
    watermark: bool
    def __init__(self, model: _Optional[str] = ..., prompt: _Optional[str] = ..., images: _Optional[_Iterable[_Union[ImageInput, _Mapping]]] = ..., resolution: _Optional[_Union[Resolution, str]] = ..., ratio: _Optional[_Union[AspectRatio, str]] = ..., duration_seconds: _Optional[int] = ..., frames: _Optional[int] = ..., seed: _Optional[int] = ..., camera_fixed: bool = ..., watermark: bool = ..., generate_audio: bool = ..., service_tier: _Optional[_Union[ServiceTier, str]] = ..., return_last_frame: bool = ..., execution_expires_after_seconds: _Optional[int] = ..., callback_url: _Optional[str] = ..., frames_per_second: _Optional[int] = ..., callback_format: _Optional[_Union[CallbackFormat, str]] = ...) -> None: ...

class VideoTask(_message.Message):
    __slots__ = ["create_time", "end_time", "error", "expire_time", "last_frame_content", "notes", "request_id", "result", "sequence", "spec", "state", "task_id", "trace_id", "update_time", "upstream", "video_content"]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_FRAME_CONTENT_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPSTREAM_FIELD_NUMBER: _ClassVar[int]
    VIDEO_CONTENT_FIELD_NUMBER: _ClassVar[int]
    create_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    error: _status_pb2.Status
    expire_time: _timestamp_pb2.Timestamp
    last_frame_content: ContentCopy
    notes: _containers.RepeatedScalarFieldContainer[str]
    request_id: str
    result: VideoResult
    sequence: int
    spec: VideoSpec
    state: TaskState
    task_id: str
    trace_id: str
    update_time: _timestamp_pb2.Timestamp
    upstream: UpstreamRef
    video_content: ContentCopy
    def __init__(self, task_id: _Optional[str] = ..., request_id: _Optional[str] = ..., spec: _Optional[_Union[VideoSpec, _Mapping]] = ..., state: _Optional[_Union[TaskState, str]] = ..., sequence: _Optional[int] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., result: _Optional[_Union[VideoResult, _Mapping]] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ..., upstream: _Optional[_Union[UpstreamRef, _Mapping]] = ..., notes: _Optional[_Iterable[str]] = ..., trace_id: _Optional[str] = ..., video_content: _Optional[_Union[ContentCopy, _Mapping]] = ..., last_frame_content: _Optional[_Union[ContentCopy, _Mapping]] = ...) -> None: ...

class Resolution(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AspectRatio(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ServiceTier(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class CallbackFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class FrameRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class TaskState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ContentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

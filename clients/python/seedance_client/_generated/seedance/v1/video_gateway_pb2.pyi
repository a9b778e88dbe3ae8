from seedance_client._generated.google.api import annotations_pb2 as _annotations_pb2
from seedance_client._generated.seedance.v1 import video_task_pb2 as _video_task_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
RESULT_FILE_LAST_FRAME: ResultFile
RESULT_FILE_UNSPECIFIED: ResultFile
RESULT_FILE_VIDEO: ResultFile

class CancelVideoTaskRequest(_message.Message):
    __slots__ = ["task_id"]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class ContentChunk(_message.Message):
    __slots__ = ["data", "offset"]
    DATA_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    offset: int
    def __init__(self, offset: _Optional[int] = ..., data: _Optional[bytes] = ...) -> None: ...

class ContentHeader(_message.Message):
    __slots__ = ["content_type", "length", "offset", "sha256", "total_size"]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    content_type: str
    length: int
    offset: int
    sha256: str
    total_size: int
    def __init__(self, content_type: _Optional[str] = ..., total_size: _Optional[int] = ..., sha256: _Optional[str] = ..., offset: _Optional[int] = ..., length: _Optional[int] = ...) -> None: ...

class CreateVideoTaskRequest(_message.Message):
    __slots__ = ["request_id", "spec", "validate_only"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    spec: _video_task_pb2.VideoSpec
    validate_only: bool
    def __init__(self, request_id: _Optional[str] = ..., spec: _Optional[_Union[_video_task_pb2.VideoSpec, _Mapping]] = ..., validate_only: bool = ...) -> None: ...

class GetVideoTaskRequest(_message.Message):
    __slots__ = ["task_id"]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class ListModelsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListModelsResponse(_message.Message):
    __slots__ = ["models"]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[ModelInfo]
    def __init__(self, models: _Optional[_Iterable[_Union[ModelInfo, _Mapping]]] = ...) -> None: ...

class ListVideoTasksRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "states"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    states: _containers.RepeatedScalarFieldContainer[_video_task_pb2.TaskState]
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., states: _Optional[_Iterable[_Union[_video_task_pb2.TaskState, str]]] = ...) -> None: ...

class ListVideoTasksResponse(_message.Message):
    __slots__ = ["next_page_token", "tasks"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    tasks: _containers.RepeatedCompositeFieldContainer[_video_task_pb2.VideoTask]
    def __init__(self, tasks: _Optional[_Iterable[_Union[_video_task_pb2.VideoTask, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ModelInfo(_message.Message):
    __slots__ = ["audio", "first_last_frame", "image_to_video", "model", "requires_image", "text_to_video"]
    AUDIO_FIELD_NUMBER: _ClassVar[int]
    FIRST_LAST_FRAME_FIELD_NUMBER: _ClassVar[int]
    IMAGE_TO_VIDEO_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REQUIRES_IMAGE_FIELD_NUMBER: _ClassVar[int]
    TEXT_TO_VIDEO_FIELD_NUMBER: _ClassVar[int]
    audio: bool
    first_last_frame: bool
    image_to_video: bool
    model: str
    requires_image: bool
    text_to_video: bool
    def __init__(self, model: _Optional[str] = ..., text_to_video: bool = ..., image_to_video: bool = ..., first_last_frame: bool = ..., requires_image: bool = ..., audio: bool = ...) -> None: ...

class ReadVideoContentRequest(_message.Message):
    __slots__ = ["file", "length", "offset", "task_id"]
    FILE_FIELD_NUMBER: _ClassVar[int]
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    file: ResultFile
    length: int
    offset: int
    task_id: str
    def __init__(self, task_id: _Optional[str] = ..., file: _Optional[_Union[ResultFile, str]] = ..., offset: _Optional[int] = ..., length: _Optional[int] = ...) -> None: ...

class ReadVideoContentResponse(_message.Message):
    __slots__ = ["chunk", "header"]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    HEADER_FIELD_NUMBER: _ClassVar[int]
    chunk: ContentChunk
    header: ContentHeader
    def __init__(self, header: _Optional[_Union[ContentHeader, _Mapping]] = ..., chunk: _Optional[_Union[ContentChunk, _Mapping]] = ...) -> None: ...

class WatchVideoTaskRequest(_message.Message):
    __slots__ = ["after_sequence", "task_id"]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    after_sequence: int
    task_id: str
    def __init__(self, task_id: _Optional[str] = ..., after_sequence: _Optional[int] = ...) -> None: ...

class WatchVideoTaskResponse(_message.Message):
    __slots__ = ["heartbeat", "status"]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    heartbeat: _video_task_pb2.Heartbeat
    status: _video_task_pb2.TaskEvent
    def __init__(self, status: _Optional[_Union[_video_task_pb2.TaskEvent, _Mapping]] = ..., heartbeat: _Optional[_Union[_video_task_pb2.Heartbeat, _Mapping]] = ...) -> None: ...

class ResultFile(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

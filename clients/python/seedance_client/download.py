"""Saving a finished task's video to a file from the provider's video_url.

    result = download(task.result.video_url, "fox.mp4",
                      on_progress=lambda got, total: print(got, total))
    print(result.size, result.sha256)

The provider's video_url expires (about a day after the task ended).
GatewayClient.download_content reads the gateway's own copy instead, which
outlives it, resumes a broken stream and checks the file's SHA-256; this is
the fallback for a gateway that keeps no copies (its error reason
CONTENT_NOT_AVAILABLE). Both return a DownloadResult.
"""

import dataclasses
import hashlib
import http.client
import os
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, Optional

import grpc

from .errors import ErrorDetails, GatewayError

# on_progress(bytes received so far, total bytes or None when not announced).
ProgressCallback = Callable[[int, Optional[int]], None]

_CHUNK = 64 * 1024


@dataclasses.dataclass(frozen=True)
class DownloadResult:
    path: str
    size: int
    sha256: str  # hex
    content_type: str


def download(url: str, path: str, *, on_progress: Optional[ProgressCallback] = None,
             timeout: float = 60.0) -> DownloadResult:
    """Downloads `url` into `path`, all or nothing.

    The bytes go to `path + ".part"` first and are renamed into place once
    complete, so `path` never holds half a video. Raises OSError when the
    file cannot be written (checked before anything is fetched), and
    GatewayError with code UNAVAILABLE when the link fails (the HTTP status
    is in the message; the provider's links expire) or the body is cut.
    """
    if not url:
        raise GatewayError(ErrorDetails(
            code=grpc.StatusCode.FAILED_PRECONDITION,
            message="the task has no video URL (did it succeed?)"))
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise GatewayError(ErrorDetails(code=grpc.StatusCode.INVALID_ARGUMENT,
                                        message=f"cannot download {url}: only http and https"))
    partial = path + ".part"
    digest = hashlib.sha256()
    size = 0
    with open(partial, "wb") as out:  # an unwritable path fails here, before the fetch
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                content_type = response.headers.get_content_type()
                if on_progress is not None:
                    on_progress(0, total)
                while True:
                    chunk = response.read(_CHUNK)
                    if not chunk:
                        break
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    if on_progress is not None:
                        on_progress(size, total)
        except urllib.error.HTTPError as e:
            _remove(partial)
            raise GatewayError(ErrorDetails(
                code=grpc.StatusCode.UNAVAILABLE,
                message=f"the video URL answered HTTP {e.code} (the provider's links expire)"
            )) from e
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError,
                TimeoutError, ssl.SSLError) as e:
            _remove(partial)
            raise GatewayError(ErrorDetails(code=grpc.StatusCode.UNAVAILABLE,
                                            message=f"cannot download {url}: {e}")) from e
        except BaseException:
            _remove(partial)
            raise
    if total is not None and size != total:
        _remove(partial)
        raise GatewayError(ErrorDetails(
            code=grpc.StatusCode.UNAVAILABLE,
            message=f"the download of {url} ended after {size} of {total} bytes"))
    os.replace(partial, path)
    return DownloadResult(path=path, size=size, sha256=digest.hexdigest(),
                          content_type=content_type)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass

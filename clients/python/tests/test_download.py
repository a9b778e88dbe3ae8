"""download(): the bytes, their digest and the progress reported, against a
local HTTP server; a failed link or an unwritable path leaves no file."""

import hashlib
import http.server
import os
import threading

import pytest

from seedance_client import GatewayError, download

VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 1000  # ~256 KiB


class Handler(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):  # noqa: N802 (the http.server API)
        Handler.requests.append(self.path)
        if self.path != "/video.mp4":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(len(VIDEO)))
        self.end_headers()
        self.wfile.write(VIDEO)

    def log_message(self, *args):
        pass


@pytest.fixture
def base_url():
    Handler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_file_holds_the_bytes_with_their_digest_and_progress_is_reported(base_url, tmp_path):
    progress = []
    path = str(tmp_path / "out.mp4")
    result = download(base_url + "/video.mp4", path,
                      on_progress=lambda got, total: progress.append((got, total)))
    with open(path, "rb") as f:
        assert f.read() == VIDEO
    assert result.size == len(VIDEO)
    assert result.sha256 == hashlib.sha256(VIDEO).hexdigest()
    assert result.content_type == "video/mp4"
    assert progress[0] == (0, len(VIDEO)) and progress[-1] == (len(VIDEO), len(VIDEO))
    assert [got for got, _ in progress] == sorted(got for got, _ in progress)
    assert not os.path.exists(path + ".part")


def test_an_expired_link_is_unavailable_and_leaves_no_file(base_url, tmp_path):
    path = str(tmp_path / "out.mp4")
    with pytest.raises(GatewayError) as raised:
        download(base_url + "/gone.mp4", path)
    assert raised.value.details.code_name == "UNAVAILABLE"
    assert "HTTP 404" in raised.value.details.message
    assert os.listdir(tmp_path) == []


def test_an_unwritable_path_fails_before_anything_is_fetched(base_url, tmp_path):
    with pytest.raises(OSError):
        download(base_url + "/video.mp4", str(tmp_path / "no-such-dir" / "out.mp4"))
    assert Handler.requests == []


def test_a_task_without_a_video_url_is_refused(tmp_path):
    with pytest.raises(GatewayError) as raised:
        download("", str(tmp_path / "out.mp4"))
    assert raised.value.details.code_name == "FAILED_PRECONDITION"


def test_only_http_and_https_are_fetched(tmp_path):
    with pytest.raises(GatewayError) as raised:
        download("file:///etc/passwd", str(tmp_path / "out.mp4"))
    assert raised.value.details.code_name == "INVALID_ARGUMENT"
    assert os.listdir(tmp_path) == []

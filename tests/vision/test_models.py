"""Model lookup and download, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import http.server
import socket
import threading
import time
from pathlib import Path

import pytest

from vision import models
from vision.errors import InputProblem
from vision.models import MODELS, ModelFile, resolve_model, sha256_of

PAYLOAD = bytes(range(256)) * 400  # 102,400 bytes standing in for a model
PAYLOAD_SHA256 = hashlib.sha256(PAYLOAD).hexdigest()
MODEL_PATH = "/pose_landmarker_lite/float16/latest/pose_landmarker_lite.task"


class _Handler(http.server.BaseHTTPRequestHandler):
    """``/good``, ``/broken`` (stops half-way), ``/stall`` (never sends the body); else 404."""

    requests: list[str]

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.requests.append(self.path)
        mode, _, rest = self.path.lstrip("/").partition("/")
        if "/" + rest != MODEL_PATH or mode not in ("good", "broken", "stall"):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        if mode == "good":
            self.wfile.write(PAYLOAD)
        elif mode == "broken":
            self.wfile.write(PAYLOAD[: len(PAYLOAD) // 2])
            self.wfile.flush()
        else:
            self.wfile.flush()
            time.sleep(2.0)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def fake_lite(monkeypatch, tmp_path):
    """Pin 'lite' to the fake payload; empty cache in tmp_path; no model folder."""
    monkeypatch.setitem(MODELS, "lite", ModelFile("lite", PAYLOAD_SHA256, len(PAYLOAD)))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(models.MODEL_DIR_ENV, raising=False)
    monkeypatch.delenv(models.BASE_URL_ENV, raising=False)
    return tmp_path / "cache" / "hipscreen" / "models" / "pose_landmarker_lite.task"


def download_problem(**kwargs) -> InputProblem:
    with pytest.raises(InputProblem) as caught:
        resolve_model("lite", timeout_s=5, **kwargs)
    return caught.value


def test_download_verifies_and_caches(server, fake_lite):
    httpd, url = server
    path = resolve_model("lite", base_url=url + "/good", timeout_s=5)
    assert path == fake_lite
    assert path.read_bytes() == PAYLOAD
    assert resolve_model("lite", base_url=url + "/good") == path
    assert httpd.requests == ["/good" + MODEL_PATH], "the second call must use the cache"


def test_base_url_from_environment(server, fake_lite, monkeypatch):
    httpd, url = server
    monkeypatch.setenv(models.BASE_URL_ENV, url + "/good")
    assert resolve_model("lite", timeout_s=5).read_bytes() == PAYLOAD


def test_wrong_checksum_is_refused_and_leaves_nothing(server, fake_lite, monkeypatch):
    httpd, url = server
    monkeypatch.setitem(MODELS, "lite", ModelFile("lite", "0" * 64, len(PAYLOAD)))
    problem = download_problem(base_url=url + "/good")
    assert problem.code == "model_download_failed"
    assert "checksum" in str(problem) and str(fake_lite) in str(problem)
    assert not fake_lite.exists()
    assert list(fake_lite.parent.iterdir()) == []


def test_connection_broken_mid_body(server, fake_lite):
    httpd, url = server
    problem = download_problem(base_url=url + "/broken")
    assert problem.code == "model_download_failed"
    assert list(fake_lite.parent.iterdir()) == []


def test_stalled_server_times_out(server, fake_lite):
    httpd, url = server
    start = time.monotonic()
    with pytest.raises(InputProblem) as caught:
        resolve_model("lite", base_url=url + "/stall", timeout_s=0.5)
    assert caught.value.code == "model_download_failed"
    assert time.monotonic() - start < 2.0


def test_http_404(server, fake_lite):
    httpd, url = server
    problem = download_problem(base_url=url + "/missing")
    assert problem.code == "model_download_failed"
    assert "404" in str(problem)
    assert "/missing" + MODEL_PATH in str(problem), "the message gives the address to fetch by hand"


def test_no_server_listening(fake_lite):
    with socket.socket() as probe:  # a free port, then closed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    problem = download_problem(base_url=f"http://127.0.0.1:{port}")
    assert problem.code == "model_download_failed"
    assert "connection" in str(problem)


def test_no_download_when_disabled(fake_lite):
    problem = download_problem(download=False, base_url="http://127.0.0.1:9")
    assert problem.code == "model_missing"


def test_explicit_path_must_exist(tmp_path):
    with pytest.raises(InputProblem) as caught:
        resolve_model("full", model_path=tmp_path / "nope.task")
    assert caught.value.code == "model_missing"
    custom = tmp_path / "custom.task"
    custom.write_bytes(b"custom model")
    assert resolve_model("full", model_path=custom) == custom


def test_model_folder_from_environment(model_path, monkeypatch, tmp_path):
    monkeypatch.setenv(models.MODEL_DIR_ENV, str(model_path.parent))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert resolve_model("full", download=False) == model_path
    assert sha256_of(model_path) == MODELS["full"].sha256


def test_wrong_file_in_model_folder(monkeypatch, tmp_path):
    (tmp_path / "pose_landmarker_full.task").write_bytes(b"not the model")
    monkeypatch.setenv(models.MODEL_DIR_ENV, str(tmp_path))
    with pytest.raises(InputProblem) as caught:
        resolve_model("full", download=False)
    assert caught.value.code == "model_mismatch"


def test_official_addresses():
    assert MODELS["heavy"].url(models.DEFAULT_BASE_URL) == (
        "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
        "pose_landmarker_heavy/float16/latest/pose_landmarker_heavy.task"
    )
    with pytest.raises(ValueError, match="variant"):
        resolve_model("medium")


def test_cache_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert models.cache_dir() == Path(tmp_path) / "hipscreen" / "models"


def test_cache_that_cannot_be_written(server, fake_lite, monkeypatch, tmp_path):
    httpd, url = server
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    problem = download_problem(base_url=url + "/good")
    assert problem.code == "model_download_failed"
    assert "XDG_CACHE_HOME" in str(problem)

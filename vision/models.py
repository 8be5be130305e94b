"""Find the MediaPipe pose model on disk, or download and verify it once.

The model is looked up in this order (:func:`resolve_model`):

1. an explicit ``model_path`` (``--model`` on the command line);
2. ``$HIPSCREEN_MODEL_DIR/pose_landmarker_{variant}.task``;
3. the per-user cache, ``$XDG_CACHE_HOME/hipscreen/models`` (``~/.cache/hipscreen/models``);
4. a download from MediaPipe's model storage into that cache, checked against the
   SHA-256 pinned below before it is used.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from vision.errors import InputProblem

DEFAULT_BASE_URL = "https://storage.googleapis.com/mediapipe-models/pose_landmarker"
"""Official storage; ``{base}/pose_landmarker_{variant}/float16/latest/pose_landmarker_{variant}.task``."""

BASE_URL_ENV = "HIPSCREEN_MODEL_URL"
MODEL_DIR_ENV = "HIPSCREEN_MODEL_DIR"
_CHUNK_BYTES = 1 << 18


@dataclass(frozen=True)
class ModelFile:
    """One official model bundle: its variant name, SHA-256 and size in bytes."""

    variant: str
    sha256: str
    size_bytes: int

    @property
    def name(self) -> str:
        """``pose_landmarker_full`` and so on (also the ``pose_model`` of a track)."""
        return f"pose_landmarker_{self.variant}"

    @property
    def filename(self) -> str:
        return f"{self.name}.task"

    def url(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/{self.name}/float16/latest/{self.filename}"


MODELS: dict[str, ModelFile] = {
    "lite": ModelFile("lite", "59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a", 5_777_746),
    "full": ModelFile("full", "4eaa5eb7a98365221087693fcc286334cf0858e2eb6e15b506aa4a7ecdcec4ad", 9_398_198),
    "heavy": ModelFile("heavy", "64437af838a65d18e5ba7a0d39b465540069bc8aae8308de3e318aad31fcbc7b", 30_664_242),
}
"""The float16 PoseLandmarker bundles this tool accepts, pinned by hash."""


def model_file(variant: str) -> ModelFile:
    """The pinned description of a variant (``"lite"``, ``"full"`` or ``"heavy"``)."""
    try:
        return MODELS[variant]
    except KeyError:
        raise ValueError(f"variant must be one of {sorted(MODELS)}, got {variant!r}") from None


def cache_dir() -> Path:
    """Per-user model cache: ``$XDG_CACHE_HOME/hipscreen/models`` or ``~/.cache/hipscreen/models``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hipscreen" / "models"


def resolve_model(
    variant: str = "full",
    *,
    model_path: str | os.PathLike | None = None,
    download: bool = True,
    base_url: str | None = None,
    timeout_s: float = 30.0,
) -> Path:
    """Path of a usable pose model file, downloading and verifying it if needed.

    Parameters
    ----------
    variant
        ``"lite"``, ``"full"`` (default) or ``"heavy"``.
    model_path
        An explicit model file; used as it is (not hash-checked: it may be a custom model).
    download
        If False, never touch the network; a missing model raises.
    base_url
        Where to download from; defaults to ``$HIPSCREEN_MODEL_URL`` then
        :data:`DEFAULT_BASE_URL`.
    timeout_s
        Network timeout for connecting and for each read, seconds.

    Raises
    ------
    InputProblem
        ``model_missing`` (explicit path absent, or not found and download disabled),
        ``model_mismatch`` (a file in the model folder that is not the official model),
        ``model_download_failed`` (offline, HTTP error, broken transfer, wrong checksum).
        Each message says where to put the file by hand.
    """
    spec = model_file(variant)
    if model_path is not None:
        path = Path(model_path).expanduser()
        if not path.is_file() or path.stat().st_size == 0:
            raise InputProblem(
                "model_missing",
                f"The pose model file '{path}' was not found.",
                "Check the path given with --model, or leave it out to use the standard model.",
            )
        return path

    model_dir = os.environ.get(MODEL_DIR_ENV)
    if model_dir:
        path = Path(model_dir).expanduser() / spec.filename
        if path.is_file():
            if not _matches(path, spec):
                raise InputProblem(
                    "model_mismatch",
                    f"'{path}' is not the official {spec.name} model (its checksum differs).",
                    f"Replace it with the official file, or remove it from {MODEL_DIR_ENV}.",
                )
            return path

    cached = cache_dir() / spec.filename
    if cached.is_file() and _matches(cached, spec):
        return cached
    url = spec.url(base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL)
    if not download:
        raise InputProblem(
            "model_missing",
            f"The pose model {spec.filename} is not installed.",
            _by_hand(url, cached),
        )
    return download_model(url, cached, sha256=spec.sha256, size_bytes=spec.size_bytes, timeout_s=timeout_s)


def download_model(
    url: str,
    destination: str | os.PathLike,
    *,
    sha256: str,
    size_bytes: int | None = None,
    timeout_s: float = 30.0,
) -> Path:
    """Download ``url`` to ``destination`` atomically, accepting it only with the right SHA-256.

    The data goes to a temporary file beside the destination, which is renamed into
    place once complete and verified, so an interrupted download never leaves a
    half-written model behind. A progress bar is shown on stderr when it is a terminal.

    Raises
    ------
    InputProblem
        ``model_download_failed`` for any network, HTTP or checksum failure.
    """
    from tqdm import tqdm  # imported here: only needed on the rare download

    destination = Path(destination)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part", dir=destination.parent)
    except OSError as exc:
        raise InputProblem(
            "model_download_failed",
            f"The pose model cannot be saved in {destination.parent} ({exc.strerror or exc}).",
            f"Set XDG_CACHE_HOME to a folder you can write to. {_by_hand(url, destination)}",
        ) from exc
    temp = Path(temp_name)
    digest = hashlib.sha256()
    received = 0
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout_s) as response:
            total = int(response.headers.get("Content-Length") or 0) or size_bytes
            show = sys.stderr is not None and sys.stderr.isatty()
            with tqdm(total=total, unit="B", unit_scale=True, desc=destination.name, disable=not show, file=sys.stderr) as bar:
                while chunk := response.read(_CHUNK_BYTES):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
        if size_bytes is not None and received != size_bytes:
            raise _download_failed(url, destination, f"got {received:,} of {size_bytes:,} bytes")
        if digest.hexdigest() != sha256.lower():
            raise _download_failed(url, destination, "the downloaded file's checksum is wrong")
        os.replace(temp, destination)
    except urllib.error.HTTPError as exc:
        raise _download_failed(url, destination, f"the server answered HTTP {exc.code}") from exc
    except urllib.error.URLError as exc:
        raise _download_failed(url, destination, f"no connection ({exc.reason})") from exc
    except (http.client.HTTPException, OSError) as exc:
        raise _download_failed(url, destination, f"the transfer broke off ({type(exc).__name__})") from exc
    finally:
        temp.unlink(missing_ok=True)
    return destination


def sha256_of(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


_verified: dict[tuple[str, int, int], str] = {}


def _matches(path: Path, spec: ModelFile) -> bool:
    """True if the file is the pinned model (hash remembered per path, size and mtime)."""
    stat = path.stat()
    if stat.st_size != spec.size_bytes:
        return False
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _verified:
        _verified[key] = sha256_of(path)
    return _verified[key] == spec.sha256


def _by_hand(url: str, destination: Path) -> str:
    return (
        f"Download {url} with a browser and save it as {destination} "
        f"(or put it in a folder named by {MODEL_DIR_ENV}, or pass its path with --model)."
    )


def _download_failed(url: str, destination: Path, reason: str) -> InputProblem:
    return InputProblem(
        "model_download_failed",
        f"The pose model could not be downloaded: {reason}.",
        _by_hand(url, destination),
    )

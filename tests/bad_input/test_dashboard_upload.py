"""Dashboard uploads: the uploaded file's name is never used as a path.

``app.py`` is a Streamlit script that builds its page when imported, so the test takes
only the upload-saving helper (``store_upload``) and the constants it reads from the
file's syntax tree and runs them with the temporary folder redirected into ``tmp_path``.
Whatever the name, the bytes must land in the upload folder under a name made of their
SHA-256 and a known video suffix, and nothing else may be written anywhere.
"""

from __future__ import annotations

import ast
import hashlib
import tempfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

APP = REPO_ROOT / "app.py"
NEEDED = ("VIDEO_SUFFIXES", "UPLOAD_DIR", "store_upload")
STDLIB = {"__future__", "hashlib", "tempfile", "pathlib", "json", "dataclasses", "datetime", "os", "shutil"}

HOSTILE_NAMES = [
    pytest.param("../../../../etc/cron.d/evil.mp4", id="dotdot"),
    pytest.param("/etc/passwd", id="absolute"),
    pytest.param("..\\..\\Windows\\System32\\evil.mov", id="backslashes"),
    pytest.param("videos/../../outside.mp4", id="dotdot_inside"),
    pytest.param("~/.bashrc.mp4", id="home"),
    pytest.param("clip.mp4\x00.sh", id="nul_byte"),
    pytest.param("clip\n.mp4", id="newline"),
    pytest.param("a" * 5000 + ".mp4", id="very_long"),
    pytest.param("", id="empty"),
    pytest.param(".", id="dot"),
    pytest.param("..", id="dotdot_only"),
    pytest.param("CON.mp4", id="windows_device"),
    pytest.param("video.MP4", id="upper_suffix"),
    pytest.param("report.pdf.exe", id="executable"),
    pytest.param("patient 'A' ünïcødé ; $(rm -rf x).mov", id="shell_chars"),
]


def load_upload_helper(upload_root: Path) -> dict:
    """``store_upload`` and the constants it uses, with the temp folder at ``upload_root``."""
    if not APP.is_file():
        pytest.fail(f"{APP} not found: the dashboard's upload helper cannot be checked")
    tree = ast.parse(APP.read_text(encoding="utf-8"))
    keep = []
    for node in tree.body:
        if isinstance(node, ast.Import) and all(a.name.split(".")[0] in STDLIB for a in node.names):
            keep.append(node)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in STDLIB:
            keep.append(node)
        elif isinstance(node, ast.ImportFrom) and any(a.name in NEEDED for a in node.names):
            only = ast.ImportFrom(module=node.module, names=[a for a in node.names if a.name in NEEDED], level=node.level)
            keep.append(ast.copy_location(only, node))
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in NEEDED + ("APP_DIR",) for t in node.targets):
            keep.append(node)
        elif isinstance(node, ast.FunctionDef) and node.name in NEEDED:
            keep.append(node)
    found = {getattr(n, "name", None) for n in keep} | {
        a.asname or a.name for n in keep if isinstance(n, ast.ImportFrom) for a in n.names
    } | {
        t.id for n in keep if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
    }
    missing = [name for name in NEEDED if name not in found]
    if missing:
        pytest.fail(f"app.py no longer defines {missing}; update this test to its upload-saving helper")
    module = ast.Module(body=keep, type_ignores=[])
    namespace = {"__file__": str(APP), "__name__": "app_upload_helper"}
    saved = tempfile.tempdir
    tempfile.tempdir = str(upload_root)
    try:
        exec(compile(module, str(APP), "exec"), namespace)
    finally:
        tempfile.tempdir = saved
    return namespace


def all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink())


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_upload_name_is_never_a_path(name, tmp_path, monkeypatch):
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    ns = load_upload_helper(temp_root)
    upload_dir = Path(ns["UPLOAD_DIR"]).resolve()
    assert temp_root.resolve() in upload_dir.parents

    data = b"\x00\x00\x00\x18ftypmp42" + name.encode("utf-8", "replace")[:64]
    path, digest = ns["store_upload"](data, name)

    path = Path(path).resolve()
    assert digest == hashlib.sha256(data).hexdigest()
    assert path.parent == upload_dir
    assert path.stem == digest
    assert path.suffix in ns["VIDEO_SUFFIXES"]
    assert path.read_bytes() == data
    assert all_files(tmp_path) == [path], "files written besides the stored upload"


def test_same_upload_twice_is_stored_once(tmp_path):
    ns = load_upload_helper(tmp_path)
    first, _ = ns["store_upload"](b"same bytes", "a.mp4")
    second, _ = ns["store_upload"](b"same bytes", "../b.mp4")
    assert Path(first) == Path(second)
    assert all_files(tmp_path) == [Path(first)]

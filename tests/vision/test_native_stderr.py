"""Silencing native writes to file descriptor 2."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from vision.native_stderr import native_stderr_silenced


def test_writes_to_fd2_inside_are_hidden_and_after_are_shown(capfd):
    os.write(2, b"before|")
    with native_stderr_silenced():
        os.write(2, b"native noise|")
    os.write(2, b"after")
    assert capfd.readouterr().err == "before|after"


def test_capture_keeps_the_text(capfd):
    with native_stderr_silenced(capture=True) as output:
        os.write(2, b"W0000 something native\n")
    assert output.text == "W0000 something native\n"
    assert capfd.readouterr().err == ""


def test_restored_after_an_exception(capfd):
    try:
        with native_stderr_silenced():
            os.write(2, b"hidden")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    os.write(2, b"visible")
    assert capfd.readouterr().err == "visible"


def test_nested_blocks(capfd):
    with native_stderr_silenced():
        with native_stderr_silenced(capture=True) as inner:
            os.write(2, b"inner")
        os.write(2, b"outer")
    os.write(2, b"end")
    assert inner.text == "inner"
    assert capfd.readouterr().err == "end"


def test_safe_when_fd2_is_closed():
    script = textwrap.dedent(
        """
        import os
        os.close(2)
        from vision.native_stderr import native_stderr_silenced
        with native_stderr_silenced() as out:
            pass
        with native_stderr_silenced(capture=True) as out:
            pass
        try:
            os.fstat(2)
            print("fd2 open")
        except OSError:
            print("fd2 still closed")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "fd2 still closed"


def test_child_process_writes_are_hidden():
    # What native code does: write to fd 2 below Python. A subprocess inherits fd 2.
    script = textwrap.dedent(
        """
        import os, subprocess, sys
        from vision.native_stderr import native_stderr_silenced
        with native_stderr_silenced():
            subprocess.run(["sh", "-c", "echo native >&2"])
        sys.stderr.write("mine")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stderr == "mine"

"""Shared helpers of the reliability suite (issue #17): one CLI call, one line, nothing half-written.

Every test runs the real ``gazex-bench`` entry point in-process (``gazex_bench.cli.main``; an
uncaught exception would fail the test, so "no traceback" is checked by construction) and
compares directory snapshots (every file's SHA-256, every link's target) before and after.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from gazex_bench.cli import main


def snapshot(root: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of each file, ``link:<target>`` of each symlink, ``dir`` of each folder."""
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = f"link:{p.readlink()}"
        elif p.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture()
def gb(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``gazex-bench ARGS`` in-process; returns ``(exit code, stdout, stderr)``."""

    def call(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        rc = main([str(a) for a in args])
        out = capsys.readouterr()
        return rc, out.out, out.err

    return call


def one_error_line(rc: int, err: str, *needles: str) -> str:
    """Assert exit code 2, exactly one stderr line, no traceback, and that it contains every needle."""
    lines = err.strip().splitlines()
    assert rc == 2, err
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


@pytest.fixture()
def phantom_copy(tiny_phantom: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny phantom that a test may damage."""
    dest = tmp_path / "data"
    shutil.copytree(tiny_phantom, dest)
    return dest

"""gazex_bench.io: atomic writes (mode, no half-written file) and strict JSONL."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from gazex_bench.errors import DataFormatError
from gazex_bench.io import atomic_write_bytes, atomic_write_json, atomic_write_text, read_jsonl


def test_atomic_write_gets_the_umask_mode_not_mkstemps_0600(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        p = atomic_write_text(tmp_path / "a" / "b.txt", "x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(p.stat().st_mode) == 0o640  # 0o666 & ~0o027
    assert p.read_text() == "x\n"


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    p = atomic_write_json(tmp_path / "r.json", {"a": 1})
    with pytest.raises(ValueError):
        atomic_write_json(p, {"a": float("nan")})  # NaN is not JSON: refused before anything is written
    with pytest.raises(TypeError):
        atomic_write_bytes(p, "not bytes")  # type: ignore[arg-type]  # fails inside the temp-file write
    assert p.read_text() == '{\n  "a": 1\n}\n'
    assert sorted(x.name for x in tmp_path.iterdir()) == ["r.json"]


def test_read_jsonl_names_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "p.jsonl"
    p.write_bytes(b'{"id": 1}\n\n{"id": NaN}\n')
    it = read_jsonl(p)
    assert next(it) == (1, {"id": 1})
    with pytest.raises(DataFormatError) as e:
        next(it)
    assert e.value.row == 3 and "p.jsonl" in str(e.value)

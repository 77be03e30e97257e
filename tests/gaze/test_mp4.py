"""mp4 encoding of attention-video frames: even padding, real decode round trip, failure paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gazex_bench.gaze import mp4


def _frames(n: int = 3, h: int = 80, w: int = 101) -> list[np.ndarray]:
    # frame k: flat gray 40 + 80 k (large steps survive lossy H.264)
    return [np.full((h, w, 3), 40 + 80 * k, dtype=np.uint8) for k in range(n)]


def test_pad_even_adds_one_black_row_or_column() -> None:
    f = np.full((3, 4, 3), 9, dtype=np.uint8)
    p = mp4.pad_even(f)
    assert p.shape == (4, 4, 3) and p[:3].min() == 9 and p[3].max() == 0
    assert mp4.pad_even(np.zeros((2, 2, 3), np.uint8)).shape == (2, 2, 3)


def test_encode_and_decode_round_trip(tmp_path: Path) -> None:
    pytest.importorskip("imageio_ffmpeg")
    import imageio.v2 as imageio

    name, note = mp4.encode_mp4(_frames(), tmp_path / "video.mp4", fps=1.0)
    assert name == "video.mp4" and "imageio-ffmpeg" in note and "101x80 -> 102x80" in note
    reader = imageio.get_reader(tmp_path / "video.mp4", format="FFMPEG")
    meta = reader.get_meta_data()
    decoded = [np.asarray(fr) for fr in reader]
    reader.close()
    assert meta["fps"] == pytest.approx(1.0) and tuple(meta["size"]) == (102, 80)  # (width, height)
    assert len(decoded) == 3
    for k, fr in enumerate(decoded):  # interior pixels (away from the padded column) keep their gray +- 3
        assert abs(float(fr[10:70, 10:90].mean()) - (40 + 80 * k)) < 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["video.mp4"]  # no temp file left


def test_encoder_failure_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(frames: object, tmp: str, fps: float) -> str:
        Path(tmp).write_bytes(b"partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(mp4, "_encoder", lambda: ("fake", broken))
    name, note = mp4.encode_mp4(_frames(), tmp_path / "video.mp4", fps=1.0)
    assert name is None and "fake failed (RuntimeError: disk full)" in note
    assert list(tmp_path.iterdir()) == []


def test_no_encoder_and_no_frames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mp4, "_encoder", lambda: ("fake", lambda frames, tmp, fps: "unused"))
    assert mp4.encode_mp4([], tmp_path / "v.mp4", 1.0) == (None, "no frames; no mp4")
    monkeypatch.setattr(mp4, "_encoder", lambda: None)
    name, note = mp4.encode_mp4(_frames(), tmp_path / "v.mp4", 1.0)
    assert name is None and "no mp4 encoder" in note and list(tmp_path.iterdir()) == []

"""Optional mp4 encoding of attention-video frames (the PNG frames + manifest stay the source of truth).

Encoders, first importable wins: ``imageio`` + ``imageio-ffmpeg`` (H.264, yuv420p; extra
``gazex-bench[video]``), then OpenCV (``mp4v``). H.264 with yuv420p needs even frame sides, so odd
sides are padded with one black row/column at the bottom/right (pixel coordinates from the top-left
corner stay valid); the manifest's note says so. The file is encoded to a temporary name in the
same folder and renamed into place, so a failed encode never leaves a partial ``video.mp4``.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from gazex_bench.io import file_mode

Encoder = Callable[[Sequence[np.ndarray], str, float], str]
"""``encode(frames, path, fps) -> note``: writes an mp4 of RGB frames (imageio-ffmpeg or OpenCV)."""

logger = logging.getLogger(__name__)


def pad_even(frame: np.ndarray) -> np.ndarray:
    """Pad an ``(H, W, 3)`` uint8 frame with zeros to even ``H`` and ``W`` (bottom/right)."""
    h, w = frame.shape[:2]
    return np.pad(frame, ((0, h % 2), (0, w % 2), (0, 0)))


def _encode_imageio(frames: Sequence[np.ndarray], tmp: str, fps: float) -> str:
    import imageio.v2 as imageio
    import imageio_ffmpeg  # noqa: F401

    # macro_block_size=1: no rescaling by imageio (sides are already even)
    imageio.mimwrite(
        tmp,
        [pad_even(f) for f in frames],
        fps=fps,
        codec="libx264",
        macro_block_size=1,
        format="FFMPEG",
        output_params=["-pix_fmt", "yuv420p"],
    )
    return "written with imageio-ffmpeg (H.264, yuv420p)"


def _encode_cv2(frames: Sequence[np.ndarray], tmp: str, fps: float) -> str:
    import cv2

    h, w = pad_even(frames[0]).shape[:2]
    writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    if not writer.isOpened():
        raise RuntimeError("cv2.VideoWriter could not open an mp4v stream")
    for f in frames:
        writer.write(cv2.cvtColor(pad_even(f), cv2.COLOR_RGB2BGR))
    writer.release()
    return "written with cv2 (mp4v)"


def _encoder() -> tuple[str, Encoder] | None:
    try:
        import imageio  # noqa: F401
        import imageio_ffmpeg  # noqa: F401

        return "imageio", _encode_imageio
    except ImportError:
        pass
    try:
        import cv2  # noqa: F401

        return "cv2", _encode_cv2
    except ImportError:
        return None


def encode_mp4(frames: Sequence[np.ndarray], path: str | Path, fps: float) -> tuple[str | None, str]:
    """Encode RGB ``frames`` (``(H, W, 3)`` uint8, equal sizes) as ``path`` at ``fps`` frames per second.

    Returns:
        ``(file name, note)`` on success; ``(None, reason)`` when no encoder is importable, there are
        no frames, or the encoder failed (logged; the PNG frames remain complete).
    """
    path = Path(path)
    enc = _encoder()
    if enc is None:
        return None, "no mp4 encoder importable (imageio+imageio-ffmpeg or cv2); PNG frames only"
    if not frames:
        return None, "no frames; no mp4"
    name, encode = enc
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        note = encode(frames, tmp, fps)
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except Exception as exc:  # an encoder failure must not lose the frames already written
        Path(tmp).unlink(missing_ok=True)
        logger.warning("mp4 encoding with %s failed for %s: %s", name, path, exc)
        return None, f"mp4 encoding with {name} failed ({type(exc).__name__}: {exc}); PNG frames only"
    h, w = frames[0].shape[:2]
    if h % 2 or w % 2:
        note += f"; padded {w}x{h} -> {w + w % 2}x{h + h % 2} (black bottom/right)"
    return path.name, note

"""Attention videos (GazeX's GTM/SDA supervision): PNG frame sequences plus a JSON manifest.

For each finding (sentence with gaze) the video holds one frame per cluster in temporal
order, then one summary (holistic) frame; the report's summary video concatenates them, so
``n_frames = sum_i (clusters_i + 1)`` (paper Methods 4.1, ``frame_rule="paper"``). The public
GazeX script draws cluster frames only when a sentence has more than one cluster
(``frame_rule="gazex"``, ``datasets.md`` §6.1 step 7); with the ``gazex-code`` preset
(``min_clusters=2``) both rules give the same frames.

Frame pixels (quarter-scale image, ``(H // 4, W // 4)``): the heat map is display-normalised
``L = log1p(h + 1e-6) / max(L)`` and the frame is ``uint8(gray * (0.15 + 0.85 * L))`` as RGB.
``frame_index`` lists the cumulative frame count after each holistic frame (GazeX).
An mp4 (1 fps) is written only when an encoder is importable (:mod:`gazex_bench.gaze.mp4`:
imageio-ffmpeg, else cv2); the manifest says which, or why not.
"""

from __future__ import annotations

import io
import json
import logging
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
from scipy import sparse

from gazex_bench.data.records import GazeSamples, ReflacxReading
from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.gaze.boxes import LOG_EPS
from gazex_bench.gaze.heatmap import CroppedMap
from gazex_bench.gaze.mp4 import encode_mp4
from gazex_bench.gaze.preprocess import SentenceOutput, process_reading
from gazex_bench.gaze.presets import GazePreset, get_preset
from gazex_bench.gaze.types import FindingGaze, GazeCluster
from gazex_bench.io import atomic_write_bytes, atomic_write_json

logger = logging.getLogger(__name__)

MANIFEST_FORMAT = "gazex-bench/attention-video"
MANIFEST_VERSION = 1
DARKNESS = 0.15
"""GazeX ``darkness_strength``."""


@dataclass(frozen=True)
class VideoFrame:
    """One frame of an attention video (coordinates in the preset's quarter-scale frame)."""

    index: int
    file: str
    """PNG file name, relative to the manifest's folder."""
    reading_id: str
    sentence_index: int
    sentence: str
    kind: str
    """``cluster`` or ``holistic``."""
    cluster_id: int
    """Temporal rank of the cluster; -1 for holistic frames."""
    centroid: tuple[float, float]
    box: tuple[float, float, float, float]
    t_mean_s: float
    window: tuple[float, float]


@dataclass(frozen=True)
class FindingSpan:
    """Frames ``[start, stop)`` of one finding (its per-finding clip)."""

    sentence_index: int
    sentence: str
    start: int
    stop: int


@dataclass(frozen=True)
class VideoManifest:
    """What :func:`write_attention_video` wrote (loaded back by :func:`load_manifest`)."""

    reading_id: str
    preset: str
    frame_rule: str
    fps: float
    width: int
    height: int
    image_source: str
    """``image`` or ``blank`` (uniform gray 128 canvas when no X-ray was given)."""
    frames: tuple[VideoFrame, ...]
    findings: tuple[FindingSpan, ...]
    frame_index: tuple[int, ...]
    """Cumulative frame count after each holistic frame (GazeX ``frame_index``)."""
    mp4: str | None
    mp4_note: str
    folder: Path | None = None
    """Folder of the manifest (set by :func:`load_manifest`; frame files are relative to it)."""

    @property
    def n_frames(self) -> int:
        return len(self.frames)

    def frame_path(self, i: int) -> Path:
        """Absolute path of frame ``i`` (needs ``folder``)."""
        if self.folder is None:
            raise UsageError("manifest has no folder; load it with load_manifest(path)")
        return self.folder / self.frames[i].file


@dataclass(frozen=True)
class FrameShuffle:
    """A shuffled frame order for SDA: ``order[k]`` = original index of the k-th shown frame."""

    order: tuple[int, ...]
    seed: int
    scope: str
    """``holistic`` (GazeX ``Shuffle_Videos_Global``), ``all`` or ``finding:<sentence_index>``."""

    def target(self) -> tuple[int, ...]:
        """Positions (in the shuffled video) of the frames in their true temporal order."""
        pos = {orig: k for k, orig in enumerate(self.order)}
        return tuple(pos[i] for i in sorted(self.order))


def area_weights(n_in: int, n_out: int) -> np.ndarray:
    """``(n_out, n_in)`` fractional-area weights of 1-D area resampling (rows sum to 1).

    Output pixel ``i`` averages the source interval ``[i * s, (i + 1) * s)`` with
    ``s = n_in / n_out``, each source pixel weighted by its overlap with the interval:
    the definition of OpenCV's ``INTER_AREA`` for shrinking (``resize.cpp``,
    ``computeResizeAreaTab``). Separable, so a 2-D resize is ``Wy @ image @ Wx.T``.
    """
    if n_out < 1 or n_in < n_out:
        raise ValueError(f"area resampling shrinks: {n_in} -> {n_out}")
    s = n_in / n_out
    lo = np.arange(n_out)[:, None] * s
    hi = lo + s
    left = np.arange(n_in)[None, :].astype(np.float64)
    overlap = np.clip(np.minimum(hi, left + 1.0) - np.maximum(lo, left), 0.0, None)
    return cast("np.ndarray", overlap / s)


def downsample_gray(image: np.ndarray, factor: int = 4) -> np.ndarray:
    """Area downsampling to ``(H // factor, W // factor)`` (cv2 ``INTER_AREA``), then RGB -> gray (BT.601).

    Sides that are not multiples of ``factor`` are resampled with true fractional areas
    (:func:`area_weights`), as ``cv2.resize(image, (W // factor, H // factor),
    interpolation=cv2.INTER_AREA)`` does, not cropped. Rounding is half-to-even, as
    OpenCV's ``saturate_cast``. Measured against opencv-python-headless 4.14 (odd sizes and a
    3057 x 2543 image, factors 2-4): equal, or 1 grey level off only where the exact area mean
    is a tie or within float error of one (OpenCV's integer factor-2 path rounds ties up).

    Args:
        image: ``(H, W)`` gray or ``(H, W, 3)`` RGB, uint8, original resolution.

    Returns:
        ``(H // factor, W // factor)`` uint8.
    """
    img = np.asarray(image, dtype=np.float64)
    h, w = img.shape[0] // factor, img.shape[1] // factor
    wy = sparse.csr_matrix(area_weights(img.shape[0], h))  # banded: about factor + 1 entries per row
    wx = sparse.csr_matrix(area_weights(img.shape[1], w))
    chans = [img] if img.ndim == 2 else [img[..., c] for c in range(img.shape[2])]
    out = [np.asarray((wx @ (wy @ ch).T).T) for ch in chans]
    blocks = np.rint(out[0] if img.ndim == 2 else np.stack(out, axis=-1))
    if blocks.ndim == 3:
        blocks = np.rint(blocks[..., :3] @ np.array([0.299, 0.587, 0.114]))
    return cast("np.ndarray", np.clip(blocks, 0, 255).astype(np.uint8))


def render_frame(gray: np.ndarray, heat: CroppedMap) -> np.ndarray:
    """RGB frame ``uint8(gray * (0.15 + 0.85 * log1p(h + 1e-6) / max))`` (GazeX display)."""
    lg = np.log1p(heat.full() + LOG_EPS)
    norm = lg / lg.max()
    out = (gray.astype(np.float64) * (DARKNESS + (1.0 - DARKNESS) * norm)).astype(np.uint8)
    return np.repeat(out[:, :, None], 3, axis=2)


def _png_bytes(rgb: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return buf.getvalue()


def _frames_for(out: SentenceOutput, frame_rule: str) -> list[tuple[str, GazeCluster, CroppedMap]]:
    """(kind, GazeCluster, map) frames of one processed sentence with gaze, in video order."""
    f, maps = out.finding, out.maps
    if f.holistic is None or maps is None or maps.holistic_map is None:
        raise ValueError(
            f"{f.reading_id} sentence {f.sentence_index}: no gaze cluster to draw ({out.reason})"
        )
    draw_clusters = len(f.clusters) > (1 if frame_rule == "gazex" else 0)
    items = [("cluster", c, m) for c, m in zip(f.clusters, maps.cluster_maps)] if draw_clusters else []
    return items + [("holistic", f.holistic, maps.holistic_map)]


def write_attention_video(
    reading: ReflacxReading, findings: list[FindingGaze] | tuple[FindingGaze, ...], image: np.ndarray | None,
    out_dir: str | Path, *, preset: str | GazePreset = "paper", gaze: GazeSamples | None = None,
    frame_rule: str = "paper", fps: float = 1.0, write_mp4: bool = True,
) -> Path:  # fmt: skip
    """Write the summary attention video of one reading as PNG frames + ``manifest.json``.

    Args:
        reading: The reading the findings came from.
        findings: Its :class:`FindingGaze` records (from :func:`preprocess_reading` with the
            same preset); findings without gaze give no frames.
        image: The X-ray at original resolution (``(H, W)`` or ``(H, W, 3)`` uint8), or None
            for a uniform gray canvas.
        out_dir: Folder for ``frame_XXXX.png``, ``manifest.json`` (and ``video.mp4``).
        preset: The preset the findings were computed with (maps are recomputed from gaze).
        gaze: Raw samples for sample-based presets (else loaded by the REFLACX reader).
        frame_rule: ``paper`` (every cluster gets a frame) or ``gazex`` (only when > 1).
        fps: Frames per second of the mp4 and manifest (GazeX: 1).
        write_mp4: Try to write ``video.mp4`` when an encoder is importable (:mod:`gazex_bench.gaze.mp4`).

    Returns:
        Path of the manifest.

    Raises:
        UsageError: bad frame_rule, image size not matching the reading, or findings that
            differ from what ``preset`` computes for this reading.
    """
    preset = get_preset(preset)
    if frame_rule not in ("paper", "gazex"):
        raise UsageError(f"frame_rule must be 'paper' or 'gazex', got {frame_rule!r}")
    out_dir = Path(out_dir)
    shape = (int(reading.image_height * preset.scale), int(reading.image_width * preset.scale))
    gray = (
        np.full(shape, 128, dtype=np.uint8)
        if image is None
        else downsample_gray(image, round(1 / preset.scale))
    )
    if gray.shape != shape:
        raise UsageError(f"{reading.reading_id}: image gives {gray.shape} at 1/4 scale, reading says {shape}")
    wanted = {f.sentence_index: f for f in findings if f.holistic is not None}
    outputs = [o for o in process_reading(reading, preset, gaze=gaze) if o.finding.sentence_index in wanted]
    if any(o.finding != wanted[o.finding.sentence_index] for o in outputs):
        raise UsageError(f"{reading.reading_id}: findings were not computed with preset {preset.name!r}")
    frames, rgb, spans, frame_index = _write_frames(reading.reading_id, outputs, gray, frame_rule, out_dir)
    mp4, note = encode_mp4(rgb, out_dir / "video.mp4", fps) if write_mp4 else (None, "mp4 not requested")
    manifest = VideoManifest(reading.reading_id, preset.name, frame_rule, fps, shape[1], shape[0],
                             "blank" if image is None else "image", tuple(frames), tuple(spans),
                             tuple(frame_index), mp4, note)  # fmt: skip
    return atomic_write_json(out_dir / "manifest.json", manifest_to_dict(manifest))


def _write_frames(reading_id: str, outputs: list[SentenceOutput], gray: np.ndarray, frame_rule: str, out_dir: Path,
                  ) -> tuple[list[VideoFrame], list[np.ndarray], list[FindingSpan], list[int]]:  # fmt: skip
    """Render and write ``frame_XXXX.png`` for every processed sentence, in video order.

    Returns:
        The frame records, their RGB arrays, one span per finding, and the cumulative frame count
        after each finding (GazeX ``frame_index``).
    """
    frames: list[VideoFrame] = []
    rgb: list[np.ndarray] = []
    spans: list[FindingSpan] = []
    frame_index: list[int] = []
    for out in outputs:
        start = len(frames)
        for kind, c, m in _frames_for(out, frame_rule):
            name = f"frame_{len(frames):04d}.png"
            rgb.append(render_frame(gray, m))
            atomic_write_bytes(out_dir / name, _png_bytes(rgb[-1]))
            frames.append(VideoFrame(len(frames), name, reading_id, out.finding.sentence_index,
                                     out.finding.sentence, kind, c.cluster_id, c.centroid, c.box, c.t_mean_s,
                                     out.finding.window))  # fmt: skip
        spans.append(FindingSpan(out.finding.sentence_index, out.finding.sentence, start, len(frames)))
        frame_index.append(len(frames))
    return frames, rgb, spans, frame_index


def manifest_to_dict(m: VideoManifest) -> dict[str, Any]:
    """JSON-ready dict (``folder`` omitted; tuples become lists)."""
    d = asdict(m)
    d.pop("folder")
    d.update(format=MANIFEST_FORMAT, version=MANIFEST_VERSION, n_frames=m.n_frames)
    return cast("dict[str, Any]", json.loads(json.dumps(d)))


def load_manifest(path: str | Path) -> VideoManifest:
    """Read a ``manifest.json`` written by :func:`write_attention_video`.

    Raises:
        DataFormatError: missing file, invalid JSON, wrong format/version or fields.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "manifest.json"
    if not path.is_file():
        raise DataFormatError(path, "attention-video manifest not found")
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DataFormatError(path, f"not valid JSON ({exc})") from None
    if not isinstance(d, dict) or d.get("format") != MANIFEST_FORMAT or d.get("version") != MANIFEST_VERSION:
        raise DataFormatError(path, "not an attention-video manifest of a known version", field="format")
    try:
        frames = tuple(
            VideoFrame(**{**f, "centroid": tuple(f["centroid"]), "box": tuple(f["box"]), "window": tuple(f["window"])})
            for f in d["frames"]
        )  # fmt: skip
        spans = tuple(FindingSpan(**s) for s in d["findings"])
        return VideoManifest(d["reading_id"], d["preset"], d["frame_rule"], float(d["fps"]), int(d["width"]),
                             int(d["height"]), d["image_source"], frames, spans, tuple(d["frame_index"]),
                             d["mp4"], d["mp4_note"], path.parent)  # fmt: skip
    except (KeyError, TypeError) as exc:
        raise DataFormatError(path, f"bad manifest field ({exc})") from None


def shuffled_frames(manifest: VideoManifest, seed: int, *, scope: str = "holistic") -> FrameShuffle:
    """A reproducible random frame order for sequence-ordering (SDA) supervision.

    Args:
        manifest: A loaded manifest.
        seed: Seed of ``random.Random`` (the permutation is recorded, not re-derived).
        scope: ``holistic`` (only holistic frames, GazeX ``Shuffle_Videos_Global``), ``all``,
            or ``finding:<sentence_index>`` (that finding's clip, ``Shuffle_Videos_Disease_Based``).
    """
    if scope == "holistic":
        idx = [f.index for f in manifest.frames if f.kind == "holistic"]
    elif scope == "all":
        idx = [f.index for f in manifest.frames]
    elif scope.startswith("finding:"):
        spans = [s for s in manifest.findings if str(s.sentence_index) == scope.split(":", 1)[1]]
        if not spans:
            raise UsageError(f"no finding {scope!r} in the video of {manifest.reading_id}")
        idx = list(range(spans[0].start, spans[0].stop))
    else:
        raise UsageError(f"scope must be 'holistic', 'all' or 'finding:<i>', got {scope!r}")
    order = list(idx)
    random.Random(seed).shuffle(order)
    return FrameShuffle(tuple(order), seed, scope)

"""REFLACX readings -> per-finding gaze supervision (:class:`~gazex_bench.gaze.types.FindingGaze`).

One implementation, two presets (:mod:`gazex_bench.gaze.presets`). Per sentence:

1. Window (seconds from audio start): ``[start - window_before_s, start]`` (``paper``:
   fixations whose **start time** lies in it) or ``[start - 2, end]`` (``gazex-code``: samples).
2. Coordinates and sigma (``ppd * sigma_deg``) are scaled by ``preset.scale`` (1/4); the map
   shape is ``(int(H * scale), int(W * scale))`` (GazeX: ``H // 4, W // 4``).
3. Optional percentile trimming of x and of y (GazeX 5-95 %, inclusive bounds).
4. Off-image points are counted (``n_off_image``); ``continuous`` presets drop them, the
   ``index`` (GazeX) preset keeps them for nearest-sample look-ups but never draws them.
5. :func:`gazex_bench.gaze.clusters.cluster_sentence`.

Which sentences are findings: ``sentences="all"`` (GazeX uses every sentence) or
``"abnormal"``: drop sentences that :func:`is_normal_statement` flags (a small documented
keyword rule, not a labeller).
"""

from __future__ import annotations

import logging
import multiprocessing
import re
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gazex_bench.data.records import GazeSamples, ReflacxReading, Sentence
from gazex_bench.data.reflacx import read_gaze
from gazex_bench.errors import UsageError
from gazex_bench.gaze.clusters import GazePoints, SentenceClusters, cluster_sentence, on_image
from gazex_bench.gaze.presets import GazePreset, get_preset
from gazex_bench.gaze.types import FindingGaze, GazeCluster

logger = logging.getLogger(__name__)

GazeLoader = Callable[[ReflacxReading], GazeSamples]

_NORMAL_START = re.compile(r"^(no|normal|there (is|are) no|without|negative for)\b")
_NORMAL_ANY = re.compile(
    r"\b(unremarkable|within normal limits|is normal|are normal|are clear|is clear|no evidence)\b"
)


def is_normal_statement(sentence: str) -> bool:
    """True for sentences that state normality/absence (e.g. ``no pneumothorax .``).

    Rule: lower-cased text starts with ``no``, ``normal``, ``there is/are no``, ``without``
    or ``negative for``, or contains ``unremarkable``, ``within normal limits``,
    ``is/are normal``, ``is/are clear`` or ``no evidence``.
    """
    text = sentence.strip().lower()
    return bool(_NORMAL_START.search(text) or _NORMAL_ANY.search(text))


@dataclass(frozen=True)
class SentenceOutput:
    """One processed sentence: the record, its maps, and why it has no gaze (if so)."""

    finding: FindingGaze
    maps: SentenceClusters | None
    reason: str | None
    """``empty_window``, ``all_off_image``, ``trimmed_empty`` or None."""


@dataclass(frozen=True)
class PreprocessResult:
    """Records of a dataset plus everything not turned into a record, counted by reason."""

    records: tuple[FindingGaze, ...]
    skipped: Counter[str] = field(default_factory=Counter)
    """``reading:<reason>`` and ``sentence:<reason>`` -> count."""
    stats: Counter[str] = field(default_factory=Counter)
    """Non-skip counts: readings, sentences, points, off-image points, clusters, ..."""
    preset: str = ""


def map_shape(reading: ReflacxReading, preset: GazePreset) -> tuple[int, int]:
    """Working-frame map shape ``(height, width)``: ``int(H * scale), int(W * scale)``."""
    return int(reading.image_height * preset.scale), int(reading.image_width * preset.scale)


def sentence_window(sentence: Sentence, preset: GazePreset) -> tuple[float, float]:
    """The preset's time window ``(t0, t1)`` in seconds for one sentence (inclusive)."""
    t1 = sentence.t_start_s if preset.window_until == "mention_start" else sentence.t_end_s
    return sentence.t_start_s - preset.window_before_s, t1


def _all_points(reading: ReflacxReading, preset: GazePreset, gaze: GazeSamples | None) -> GazePoints:
    """Every fixation or sample of the reading, scaled to the working frame (not windowed)."""
    s = preset.scale
    if preset.source == "fixations":
        f = reading.fixations
        if f is None:
            raise UsageError(f"reading {reading.reading_id} has no fixations")
        w = f.duration_s if preset.weight == "duration" else np.ones(len(f))
        t, x, y, px, py = f.t_start_s, f.x_px, f.y_px, f.ppd_x, f.ppd_y
    else:
        if gaze is None:
            raise UsageError(f"reading {reading.reading_id}: preset {preset.name!r} needs raw gaze samples")
        t, x, y, px, py = gaze.t_s, gaze.x_px, gaze.y_px, gaze.ppd_x, gaze.ppd_y
        w = np.ones(len(t))
    xy = np.column_stack([x, y]).astype(np.float64) * s
    sigma = np.column_stack([px, py]).astype(np.float64) * (preset.sigma_deg * s)
    return GazePoints(xy, sigma, np.asarray(t, dtype=np.float64), np.asarray(w, dtype=np.float64))


def _trim(points: GazePoints, lo: float, hi: float) -> GazePoints:
    """GazeX outlier trimming: keep ``p_lo <= x <= p_hi`` and ``p_lo <= y <= p_hi`` (same pass)."""
    x_lo, x_hi = np.percentile(points.xy[:, 0], [lo, hi])
    y_lo, y_hi = np.percentile(points.xy[:, 1], [lo, hi])
    x, y = points.xy[:, 0], points.xy[:, 1]
    return points.subset((x >= x_lo) & (x <= x_hi) & (y >= y_lo) & (y <= y_hi))


def window_points(points: GazePoints, window: tuple[float, float], preset: GazePreset, shape: tuple[int, int]) -> tuple[GazePoints, int, str | None]:  # fmt: skip
    """Points of one window after trimming and the off-image rule.

    Returns:
        ``(points, n_off_image, reason)``; ``reason`` is set when nothing drawable is left.
    """
    finite = (
        np.isfinite(points.xy).all(axis=1)
        & np.isfinite(points.sigma).all(axis=1)
        & (points.sigma > 0).all(axis=1)
    )
    sel = points.subset((points.t >= window[0]) & (points.t <= window[1]) & finite)
    if len(sel) == 0:
        return sel, 0, "empty_window"
    if preset.percentile_trim is not None:
        sel = _trim(sel, *preset.percentile_trim)
        if len(sel) == 0:
            return sel, 0, "trimmed_empty"
    on = on_image(sel.xy, shape, preset.center)
    n_off = int((~on).sum())
    if not on.any():
        return sel, n_off, "all_off_image"
    return (sel.subset(on) if preset.center == "exact" else sel), n_off, None


def _process_sentence(reading: ReflacxReading, sentence: Sentence, pts: GazePoints, preset: GazePreset) -> SentenceOutput:  # fmt: skip
    shape = map_shape(reading, preset)
    window = sentence_window(sentence, preset)
    sel, n_off, reason = window_points(pts, window, preset, shape)
    result = cluster_sentence(sel, preset, shape) if reason is None else None
    holistic = result.holistic if result is not None else None
    if reason is None and holistic is None:
        reason = "no_heat"
    finding = FindingGaze(
        reading_id=reading.reading_id, sentence_index=sentence.index, sentence=sentence.text,
        t_start_s=float(sentence.t_start_s), t_end_s=float(sentence.t_end_s), window=(float(window[0]), float(window[1])),
        clusters=result.clusters if result is not None else (), holistic=holistic,
        n_points=0 if reason else int(on_image(sel.xy, shape, preset.center).sum()), n_off_image=n_off,
    )  # fmt: skip
    return SentenceOutput(finding, result, reason)


def process_reading(reading: ReflacxReading, preset: str | GazePreset, *, gaze: GazeSamples | None = None, sentences: str = "all", loader: GazeLoader | None = None) -> list[SentenceOutput]:  # fmt: skip
    """Like :func:`preprocess_reading` but also returns maps and reasons (used by videos)."""
    preset = get_preset(preset)
    if sentences not in ("all", "abnormal"):
        raise UsageError(f"sentences must be 'all' or 'abnormal', got {sentences!r}")
    if reading.discarded or not reading.sentences:
        return []
    if preset.source == "samples" and gaze is None:
        gaze = (loader or default_gaze_loader)(reading)
    pts = _all_points(reading, preset, gaze)
    chosen = [s for s in reading.sentences if sentences == "all" or not is_normal_statement(s.text)]
    return [_process_sentence(reading, s, pts, preset) for s in chosen]


def preprocess_reading(reading: ReflacxReading, preset: str | GazePreset, *, gaze: GazeSamples | None = None, sentences: str = "all") -> list[FindingGaze]:  # fmt: skip
    """Gaze supervision for every (selected) sentence of one reading.

    Args:
        reading: A REFLACX reading (discarded readings give ``[]``).
        preset: ``paper``, ``gazex-code`` or a :class:`GazePreset`.
        gaze: Raw samples for sample-based presets (loaded with
            :func:`gazex_bench.data.reflacx.read_gaze` when omitted).
        sentences: ``all`` or ``abnormal`` (see :func:`is_normal_statement`).

    Returns:
        One :class:`FindingGaze` per selected sentence, in sentence order; sentences whose
        window holds no usable gaze have ``holistic=None`` and no clusters.
    """
    return [o.finding for o in process_reading(reading, preset, gaze=gaze, sentences=sentences)]


def default_gaze_loader(reading: ReflacxReading) -> GazeSamples:
    """Load ``gaze.csv`` with the REFLACX reader (imported lazily)."""
    return read_gaze(reading)


def _reading_skip(reading: ReflacxReading, preset: GazePreset) -> str | None:
    """Why a whole reading yields nothing, or None."""
    if reading.discarded:
        return "discarded"
    if not reading.sentences:
        return "no_sentences"
    if preset.source == "fixations" and (reading.fixations is None or len(reading.fixations) == 0):
        return "no_fixations"
    if preset.source == "samples" and reading.gaze_path is None:
        return "no_gaze"
    return None


def _run_chunk(readings: list[ReflacxReading], preset: GazePreset, sentences: str, loader: GazeLoader | None, keep_empty: bool) -> PreprocessResult:  # fmt: skip
    """Process readings serially and count everything (one worker's share)."""
    from threadpoolctl import threadpool_limits  # one BLAS thread: small products, no oversubscription

    with threadpool_limits(limits=1):
        return _run_serial(readings, preset, sentences, loader, keep_empty)


def _run_serial(readings: list[ReflacxReading], preset: GazePreset, sentences: str, loader: GazeLoader | None, keep_empty: bool) -> PreprocessResult:  # fmt: skip
    records: list[FindingGaze] = []
    skipped: Counter[str] = Counter()
    stats: Counter[str] = Counter()
    for reading in readings:
        stats["readings"] += 1
        why = _reading_skip(reading, preset)
        if why is not None:
            skipped[f"reading:{why}"] += 1
            continue
        outputs = process_reading(reading, preset, sentences=sentences, loader=loader)
        skipped["sentence:filtered_normal"] += len(reading.sentences) - len(outputs)
        for out in outputs:
            f = out.finding
            stats["sentences"] += 1
            stats["points"] += f.n_points
            stats["points_off_image"] += f.n_off_image
            if out.reason is not None:
                skipped[f"sentence:{out.reason}"] += 1
                if not keep_empty:
                    continue
            else:
                stats["clusters"] += len(f.clusters)
                stats["sentences_without_clusters"] += int(not f.clusters)
            records.append(f)
    return PreprocessResult(tuple(records), +skipped, +stats, preset.name)


def _run_chunk_args(args: tuple[Any, ...]) -> PreprocessResult:  # pragma: no cover - runs in worker processes
    return _run_chunk(*args)


def preprocess_dataset(readings: Iterable[ReflacxReading], preset: str | GazePreset, *, workers: int = 1, sentences: str = "all", gaze_loader: GazeLoader | None = None, keep_empty: bool = False) -> PreprocessResult:  # fmt: skip
    """Preprocess many readings, optionally in worker processes (order is kept).

    Args:
        readings: REFLACX readings (e.g. ``read_reflacx(root).records``).
        preset: ``paper``, ``gazex-code`` or a :class:`GazePreset`.
        workers: Processes (1 = in this process). Results do not depend on it.
        sentences: ``all`` or ``abnormal``.
        gaze_loader: ``reading -> GazeSamples`` for sample presets (default: the REFLACX
            reader); must be a module-level function when ``workers > 1``.
        keep_empty: Also return records of sentences without usable gaze (they are
            counted in ``skipped`` either way).

    Returns:
        A :class:`PreprocessResult`; skip reasons ``reading:discarded|no_sentences|
        no_fixations|no_gaze`` and ``sentence:empty_window|trimmed_empty|all_off_image|
        no_heat|filtered_normal``.
    """
    preset = get_preset(preset)
    items = list(readings)
    if workers <= 1 or len(items) < 2:
        return _run_chunk(items, preset, sentences, gaze_loader, keep_empty)
    size = max(1, min(64, -(-len(items) // (4 * workers))))
    chunks = [
        (items[i : i + size], preset, sentences, gaze_loader, keep_empty) for i in range(0, len(items), size)
    ]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        parts = list(pool.map(_run_chunk_args, chunks))
    records = tuple(r for p in parts for r in p.records)
    return PreprocessResult(records, sum((p.skipped for p in parts), Counter()), sum((p.stats for p in parts), Counter()), preset.name)  # fmt: skip


def primary_cluster(finding: FindingGaze) -> GazeCluster | None:
    """The finding's main gaze region: its largest cluster, else the holistic summary.

    Largest = most assigned points; ties go to the later cluster (closer to the mention).
    Used for "where did the radiologist look for this finding" checks.
    """
    if finding.clusters:
        return max(finding.clusters, key=lambda c: (c.n_points, c.t_mean_s))
    return finding.holistic

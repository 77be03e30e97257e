"""MS-CXR phrase-grounding metrics: mIoU, mAP, accuracy@IoU, heat-map mIoU and CNR.

Frames and units: boxes are ``(x, y, w, h)`` in pixels of the image the reference
boxes refer to (top-left corner + size; origin top-left, x right, y down). Pixel
``(i, j)`` covers ``[i, i+1) × [j, j+1)``.

**mIoU** (GazeX paper §4.5: "predicted bounding boxes are selected based on confidence
scores, merged into a binary mask, and compared to a merged ground truth mask using
IoU thresholds of {0.1, …, 0.5}. IoU is first averaged across all sentences for each
threshold and then averaged across thresholds"). Reading used here: for each
confidence threshold t ∈ {0.1, …, 0.5}, the phrase's predicted boxes with
confidence ≥ t are merged into one mask, the phrase's GT boxes into another, and
IoU = |P ∩ G| / |P ∪ G| (0 when P is empty); ``IoU@t`` = mean over phrases; mIoU =
mean over t. Boxes without a confidence count as 1.0 (always selected). Other
readings of the sentence, not used: *pooled* IoU Σ|P∩G| / Σ|P∪G| over the whole set
(ChEX ``detection_metrics.py``, which weights large boxes more) and *per-box* IoU
(each predicted box against its best GT box, the generative-VLM habit; that is
what :data:`ACC_IOU_THRESHOLDS` accuracy covers). Per-phrase means match "averaged
across all sentences", and the threshold on *confidence* (not on IoU) is the only
reading under which "selected based on confidence scores … using thresholds"
describes one number per threshold.

Masks are exact integer-pixel masks at the original resolution: a pixel belongs
to a box iff its centre lies inside it (``[ceil(x-0.5), ceil(x+w-0.5))``, i.e.
plain slicing for integer boxes), **clipped to the image** (parts outside
``[0, width) × [0, height)`` are dropped). Areas of unions of boxes are computed on
the compressed grid of box edges, which equals rasterising at full size (tested).

**mAP**: see :mod:`gazex_bench.metrics.grounding_ap` (COCO bbox rules, each phrase its
own category, IoU 0.1…0.7, boxes not clipped).

**Acc@τ** (τ ∈ {0.1, 0.3, 0.5}; lmms-eval RefCOCO ``ACC@τ``): the highest-confidence
predicted box is a hit iff its COCO box IoU with some GT box of the phrase is ≥ τ;
no prediction = miss.

**Heat maps** (BioViL convention, ``datasets.md`` §5.4): a similarity map of the
image's size is min–max normalised to [0, 1] (a constant map becomes all zeros) and
binarised with ``> t`` for t ∈ {0.1, …, 0.5}; IoU with the merged GT mask as above.
**CNR** per GT box: A = the box interior, Ā = every other pixel;
``|mean(A) − mean(Ā)| / sqrt(var(A) + var(Ā))`` (population variances), NaN → 0
(constant map); phrase CNR = mean over its boxes; dataset CNR = mean over phrases.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.metrics.grounding_ap import AP_IOU_THRESHOLDS, average_precision, box_iou_coco

IOU_THRESHOLDS: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5)
"""Confidence (boxes) / intensity (heat maps) thresholds of the paper's mIoU."""
ACC_IOU_THRESHOLDS: tuple[float, ...] = (0.1, 0.3, 0.5)
_MEMORY = "<in-memory>"


def _key(prefix: str, t: float) -> str:
    return f"{prefix}@{t:.1f}"


@dataclass(frozen=True)
class GroundingCase:
    """One phrase: its GT boxes, image size and predicted boxes.

    Attributes:
        gt_xywh: ``(k, 4)`` GT boxes, ``k ≥ 1``, pixels.
        width: Image width in pixels.
        height: Image height in pixels.
        pred_xywh: ``(m, 4)`` predicted boxes (``m`` may be 0).
        scores: ``(m,)`` confidences; NaN = no confidence given = 1.0.
        sample_id: Optional phrase id.
    """

    gt_xywh: np.ndarray
    width: int
    height: int
    pred_xywh: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sample_id: str | None = None


def check_boxes(
    boxes: np.ndarray, path: str | Path = _MEMORY, row: int | None = None, field_name: str = "boxes"
) -> np.ndarray:
    """Validate ``xywh`` boxes: 2-D ``(n, 4)``, finite, ``w ≥ 0`` and ``h ≥ 0``.

    Raises:
        DataFormatError: naming ``path``/``row``/``field_name``.
    """
    arr = np.asarray(boxes, dtype=float)
    if arr.size == 0:
        return arr.reshape(0, 4)
    if arr.ndim != 2 or arr.shape[1] != 4:
        raise DataFormatError(
            path, f"boxes must be [x, y, w, h] rows, got shape {arr.shape}", row=row, field=field_name
        )
    if not np.isfinite(arr).all():
        raise DataFormatError(path, "box coordinates must be finite numbers", row=row, field=field_name)
    if (arr[:, 2:] < 0).any():
        raise DataFormatError(path, "box width and height must be >= 0", row=row, field=field_name)
    return arr


def pixel_rects(xywh: np.ndarray, width: int, height: int) -> np.ndarray:
    """Integer pixel ranges ``(r0, r1, c0, c1)`` (half-open) of boxes, clipped to the image.

    A pixel is inside a box iff its centre is: ``c0 = ceil(x − 0.5)``,
    ``c1 = ceil(x + w − 0.5)``; empty ranges have ``r1 ≤ r0`` or ``c1 ≤ c0``.
    """
    b = np.asarray(xywh, dtype=float).reshape(-1, 4)
    c0 = np.clip(np.ceil(b[:, 0] - 0.5), 0, width)
    c1 = np.clip(np.ceil(b[:, 0] + b[:, 2] - 0.5), 0, width)
    r0 = np.clip(np.ceil(b[:, 1] - 0.5), 0, height)
    r1 = np.clip(np.ceil(b[:, 1] + b[:, 3] - 0.5), 0, height)
    return np.stack([r0, r1, c0, c1], axis=1).astype(np.int64)


def boxes_to_mask(xywh: np.ndarray, width: int, height: int) -> np.ndarray:
    """Full-resolution boolean mask ``(height, width)`` of the union of boxes (clipped)."""
    mask = np.zeros((height, width), dtype=bool)
    for r0, r1, c0, c1 in pixel_rects(xywh, width, height):
        mask[r0:r1, c0:c1] = True
    return mask


def _grid(rects: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compressed grid of all rect edges: edge coordinates ys, xs and cell areas (pixels)."""
    ys = np.unique(np.concatenate([rects[:, 0], rects[:, 1], [0]]))
    xs = np.unique(np.concatenate([rects[:, 2], rects[:, 3], [0]]))
    return ys, xs, np.outer(np.diff(ys), np.diff(xs))


def _grid_slices(rects: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> list[tuple[slice, slice]]:
    """Grid-cell slices of non-empty rects (empty rects give empty slices)."""
    iy = np.searchsorted(ys, rects[:, :2])
    ix = np.searchsorted(xs, rects[:, 2:])
    return [(slice(a, b), slice(c, d)) for (a, b), (c, d) in zip(iy.tolist(), ix.tolist())]


def union_iou_per_threshold(case: GroundingCase, thresholds: Sequence[float] = IOU_THRESHOLDS) -> np.ndarray:
    """Mask IoU of merged predictions (confidence ≥ t) vs merged GT, for each t.

    Exact: every mask is rasterised on the grid of box edges, where each cell is a
    block of whole pixels, and areas are sums of cell areas (equal to counting
    pixels of full-resolution masks).
    """
    scores = np.where(np.isnan(case.scores), 1.0, case.scores)
    gt = pixel_rects(case.gt_xywh, case.width, case.height)
    pred = pixel_rects(case.pred_xywh, case.width, case.height)
    ys, xs, cell = _grid(np.concatenate([gt, pred]))
    g = np.zeros(cell.shape, dtype=bool)
    for sy, sx in _grid_slices(gt, ys, xs):
        g[sy, sx] = True
    conf = np.full(cell.shape, -np.inf)  # highest confidence of a predicted box covering the cell
    for (sy, sx), sc in zip(_grid_slices(pred, ys, xs), scores.tolist()):
        np.maximum(conf[sy, sx], sc, out=conf[sy, sx])
    p = conf[None] >= np.asarray(thresholds, dtype=float)[:, None, None]
    inter = (cell * (p & g)).sum(axis=(1, 2))
    union = (cell * (p | g)).sum(axis=(1, 2))
    return np.where(union > 0, inter / np.maximum(union, 1), 0.0)


def top_box_hits(case: GroundingCase, thresholds: Sequence[float] = ACC_IOU_THRESHOLDS) -> np.ndarray:
    """1.0 where the highest-confidence box has COCO IoU ≥ τ with some GT box."""
    if len(case.pred_xywh) == 0:
        return np.zeros(len(thresholds))
    scores = np.where(np.isnan(case.scores), 1.0, case.scores)
    top = case.pred_xywh[int(np.argmax(scores))]
    best = float(box_iou_coco(top[None, :], case.gt_xywh).max())
    return np.array([1.0 if best >= t else 0.0 for t in thresholds])


@dataclass(frozen=True)
class GroundingResult:
    """Aggregated scores plus per-phrase values (for bootstrap).

    Attributes:
        scores: ``mIoU``, ``IoU@0.1``…``IoU@0.5``, ``mAP``, ``AP@0.1``…``AP@0.7``,
            ``Acc@0.1``, ``Acc@0.3``, ``Acc@0.5``, ``n_phrases``.
        iou: ``(n, 5)`` per-phrase mask IoU per confidence threshold.
        ap: ``(7, n)`` per-threshold, per-phrase AP.
        acc: ``(n, 3)`` per-phrase top-box hits.
        sample_ids: Phrase ids (None where not given).
    """

    scores: dict[str, float]
    iou: np.ndarray
    ap: np.ndarray
    acc: np.ndarray
    sample_ids: tuple[str | None, ...]


def _validate_case(case: GroundingCase) -> None:
    check_boxes(case.gt_xywh, field_name="gt boxes")
    check_boxes(case.pred_xywh, field_name="predicted boxes")
    if len(case.gt_xywh) == 0:
        raise DataFormatError(_MEMORY, f"phrase {case.sample_id!r} has no GT box", field="gt boxes")
    if len(case.scores) != len(case.pred_xywh):
        raise DataFormatError(_MEMORY, "one confidence per predicted box required", field="scores")
    if np.isinf(case.scores).any():
        raise DataFormatError(_MEMORY, "confidences must be finite", field="scores")
    if case.width <= 0 or case.height <= 0:
        raise DataFormatError(_MEMORY, "image width and height must be > 0", field="width")


def grounding_scores(cases: Sequence[GroundingCase]) -> GroundingResult:
    """mIoU, mAP and accuracy@IoU over phrases (definitions in the module docstring).

    Raises:
        UsageError: no phrases.
        DataFormatError: non-finite or negative-size boxes, a phrase without GT.
    """
    if not cases:
        raise UsageError("grounding needs at least one phrase")
    for case in cases:
        _validate_case(case)
    iou = np.stack([union_iou_per_threshold(c) for c in cases])
    scores_list = [np.where(np.isnan(c.scores), 1.0, c.scores) for c in cases]
    ap = average_precision([c.pred_xywh for c in cases], scores_list, [c.gt_xywh for c in cases])
    acc = np.stack([top_box_hits(c) for c in cases])
    out: dict[str, float] = {"mIoU": float(iou.mean(axis=0).mean())}
    out.update({_key("IoU", t): float(v) for t, v in zip(IOU_THRESHOLDS, iou.mean(axis=0))})
    out["mAP"] = float(ap.mean())
    out.update({_key("AP", t): float(v) for t, v in zip(AP_IOU_THRESHOLDS, ap.mean(axis=1))})
    out.update({_key("Acc", t): float(v) for t, v in zip(ACC_IOU_THRESHOLDS, acc.mean(axis=0))})
    out["n_phrases"] = float(len(cases))
    return GroundingResult(out, iou, ap, acc, tuple(c.sample_id for c in cases))


def _minmax(heatmap: np.ndarray) -> np.ndarray:
    h = np.asarray(heatmap, dtype=float)
    if not np.isfinite(h).all():
        raise DataFormatError(_MEMORY, "heat map contains NaN or inf", field="heatmap")
    lo, hi = float(h.min()), float(h.max())
    return np.zeros_like(h) if hi == lo else (h - lo) / (hi - lo)


def _check_heatmap(heatmap: np.ndarray, width: int, height: int) -> None:
    if np.shape(heatmap) != (height, width):
        raise UsageError(
            f"heat map shape {np.shape(heatmap)} != image (height, width) {(height, width)}; resample first"
        )


def heatmap_iou(
    heatmap: np.ndarray,
    gt_xywh: np.ndarray,
    width: int,
    height: int,
    thresholds: Sequence[float] = IOU_THRESHOLDS,
) -> np.ndarray:
    """IoU of the binarised (min–max normalised, ``> t``) heat map with the merged GT mask."""
    _check_heatmap(heatmap, width, height)
    norm = _minmax(heatmap)
    gt = boxes_to_mask(check_boxes(gt_xywh, field_name="gt boxes"), width, height)
    out = np.zeros(len(thresholds))
    for i, t in enumerate(thresholds):
        pred = norm > t
        union = np.count_nonzero(pred | gt)
        out[i] = np.count_nonzero(pred & gt) / union if union else 0.0
    return out


def cnr(heatmap: np.ndarray, gt_xywh: np.ndarray, width: int, height: int) -> float:
    """Contrast-to-noise ratio of a heat map, mean over the phrase's GT boxes (NaN → 0)."""
    _check_heatmap(heatmap, width, height)
    h = np.asarray(heatmap, dtype=float)
    values = []
    for box in check_boxes(gt_xywh, field_name="gt boxes"):
        inside = boxes_to_mask(box[None, :], width, height)
        a, b = h[inside], h[~inside]
        if a.size == 0 or b.size == 0:
            values.append(0.0)
            continue
        den = math.sqrt(float(a.var()) + float(b.var()))
        val = abs(float(a.mean()) - float(b.mean())) / den if den > 0 else 0.0
        values.append(val)
    return float(np.mean(values)) if values else 0.0

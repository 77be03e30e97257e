"""MS-CXR mAP: phrase grounding scored as detection, each phrase its own category.

Two implementations that give identical numbers:

* :func:`average_precision` — a vectorised re-implementation of COCOeval's bbox
  ``evaluate`` + ``accumulate`` for the special case "one image and one category
  per phrase" (the default).
* :func:`average_precision_pycocotools` — builds COCO ground truth / results and runs
  ``pycocotools.cocoeval.COCOeval`` (the reference; slow for 1,162 categories because
  COCOeval loops over every image × category pair).

COCO settings used by both (GazeX paper §4.5: "the task is treated as object
detection, with each sentence corresponding to a unique class … IoU thresholds of
{0.1, …, 0.7} and averaged across all classes and thresholds"):

* IoU thresholds ``0.1, 0.2, …, 0.7``; 101 recall thresholds (COCO); area range
  "all" only; ``maxDets = max(100, most boxes predicted for one phrase)`` so no
  prediction is ever dropped.
* Box IoU is COCO's continuous ``w·h`` arithmetic (``maskApi.c::bbIou``), on the
  boxes as given — boxes are *not* clipped to the image for AP (COCO convention).
* Greedy matching in descending score order (stable mergesort), each detection to
  the unmatched GT box with the highest IoU ≥ threshold (ties → the later GT box,
  as COCOeval's ``<`` comparison does).
* AP per (threshold, phrase) = mean of the interpolated precision at the 101 recall
  points; a phrase with no prediction has AP 0; mAP = mean over thresholds × phrases.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from typing import Any, cast

import numpy as np

AP_IOU_THRESHOLDS: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
_REC_THRS = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1)


def box_iou_coco(dets: np.ndarray, gts: np.ndarray) -> np.ndarray:
    """COCO box IoU matrix ``(n_det, n_gt)`` for ``xywh`` boxes (no crowd), float64.

    Same operation order as ``maskApi.c::bbIou`` so results are bit-identical.
    """
    dets = np.asarray(dets, dtype=np.float64).reshape(-1, 4)
    gts = np.asarray(gts, dtype=np.float64).reshape(-1, 4)
    dx, dy, dw, dh = (dets[:, i : i + 1] for i in range(4))
    gx, gy, gw, gh = (gts[None, :, i] for i in range(4))
    iw = np.minimum(dw + dx, gw + gx) - np.maximum(dx, gx)
    ih = np.minimum(dh + dy, gh + gy) - np.maximum(dy, gy)
    inter = iw * ih
    union = dw * dh + gw * gh - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = inter / union
    return np.where((iw > 0) & (ih > 0), iou, 0.0)


def _match(ious: list[list[float]], thr: float) -> list[bool]:
    """COCOeval greedy matching for one threshold; 'is TP' per detection (score order)."""
    n_gt = len(ious[0]) if ious else 0
    taken = [False] * n_gt
    tp = []
    for row in ious:
        best, m = min(thr, 1 - 1e-10), -1
        for g in range(n_gt):
            if taken[g] or row[g] < best:
                continue
            best, m = row[g], g
        if m >= 0:
            taken[m] = True
        tp.append(m >= 0)
    return tp


def _ap_curves(tp: np.ndarray, n_gt: int) -> np.ndarray:
    """COCOeval ``accumulate`` for one category: AP per threshold from ``tp`` ``(T, n_det)``."""
    n = tp.shape[1]
    if n == 0:
        return np.zeros(tp.shape[0])
    tps = np.cumsum(tp, axis=1, dtype=float)
    fps = np.cumsum(~tp, axis=1, dtype=float)
    rc = tps / n_gt
    pr = tps / (fps + tps + np.spacing(1))
    pr = np.maximum.accumulate(pr[:, ::-1], axis=1)[:, ::-1]
    inds = (rc[:, None, :] < _REC_THRS[None, :, None]).sum(axis=2)  # = searchsorted(rc, thr, "left")
    q = np.where(inds < n, np.take_along_axis(pr, np.minimum(inds, n - 1), axis=1), 0.0)
    return cast("np.ndarray", q.mean(axis=1))


def phrase_ap(
    pred_xywh: np.ndarray, scores: np.ndarray, gt_xywh: np.ndarray, thresholds: Sequence[float], max_dets: int
) -> np.ndarray:
    """AP of one phrase at each IoU threshold (COCO rules, one image, one category)."""
    order = np.argsort(-np.asarray(scores, dtype=float), kind="mergesort")[:max_dets]
    dets = np.asarray(pred_xywh, dtype=float).reshape(-1, 4)[order]
    if dets.shape[0] == 0:
        return np.zeros(len(thresholds))
    ious = box_iou_coco(dets, gt_xywh)
    limits = np.minimum(np.asarray(thresholds, dtype=float), 1 - 1e-10)
    if ious.shape[1] == 1:  # one GT box: the first detection reaching the threshold is the only TP
        hit = ious[None, :, 0] >= limits[:, None]
        tp = hit & (np.cumsum(hit, axis=1) == 1)
    else:
        rows = ious.tolist()
        tp = np.array([_match(rows, t) for t in thresholds], dtype=bool)
    return _ap_curves(tp, ious.shape[1])


def _max_dets(preds: Sequence[np.ndarray]) -> int:
    return max([100] + [len(p) for p in preds])


def average_precision(
    pred_boxes: Sequence[np.ndarray],
    pred_scores: Sequence[np.ndarray],
    gt_boxes: Sequence[np.ndarray],
    thresholds: Sequence[float] = AP_IOU_THRESHOLDS,
) -> np.ndarray:
    """AP per (threshold, phrase), COCO semantics, each phrase its own category.

    Args:
        pred_boxes: Per phrase an array ``(m, 4)`` of predicted ``xywh`` boxes (pixels).
        pred_scores: Per phrase the ``m`` confidences.
        gt_boxes: Per phrase an array ``(k, 4)``, ``k ≥ 1``, of GT ``xywh`` boxes.
        thresholds: IoU thresholds.

    Returns:
        Array ``(len(thresholds), n_phrases)``; mAP is its mean.
    """
    max_dets = _max_dets(pred_boxes)
    cols = [phrase_ap(p, s, g, thresholds, max_dets) for p, s, g in zip(pred_boxes, pred_scores, gt_boxes)]
    if not cols:
        return np.zeros((len(thresholds), 0))
    return np.stack(cols, axis=1)


def _coco_inputs(
    pred_boxes: Sequence[np.ndarray], pred_scores: Sequence[np.ndarray], gt_boxes: Sequence[np.ndarray]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    n = len(gt_boxes)
    images = [{"id": i + 1, "width": 1, "height": 1} for i in range(n)]
    cats = [{"id": i + 1, "name": f"phrase{i + 1}"} for i in range(n)]
    anns: list[dict[str, Any]] = []
    dets: list[dict[str, Any]] = []
    for i, boxes in enumerate(gt_boxes):
        for b in np.asarray(boxes, dtype=float).reshape(-1, 4):
            area = float(b[2] * b[3])
            anns.append(
                {
                    "id": len(anns) + 1,
                    "image_id": i + 1,
                    "category_id": i + 1,
                    "bbox": [float(v) for v in b],
                    "area": area,
                    "iscrowd": 0,
                }
            )
    for i, (boxes, scores) in enumerate(zip(pred_boxes, pred_scores)):
        for b, s in zip(np.asarray(boxes, dtype=float).reshape(-1, 4), np.asarray(scores, dtype=float)):
            dets.append(
                {"image_id": i + 1, "category_id": i + 1, "bbox": [float(v) for v in b], "score": float(s)}
            )
    return {"images": images, "annotations": anns, "categories": cats}, dets


def average_precision_pycocotools(
    pred_boxes: Sequence[np.ndarray],
    pred_scores: Sequence[np.ndarray],
    gt_boxes: Sequence[np.ndarray],
    thresholds: Sequence[float] = AP_IOU_THRESHOLDS,
) -> np.ndarray:
    """Reference AP per (threshold, phrase) from ``pycocotools.cocoeval.COCOeval``."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    n = len(gt_boxes)
    gt_json, dets = _coco_inputs(pred_boxes, pred_scores, gt_boxes)
    if not dets:  # COCO.loadRes cannot take an empty list; every AP is 0 then
        return np.zeros((len(thresholds), n))
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO()
        coco_gt.dataset = gt_json
        coco_gt.createIndex()
        coco_dt = coco_gt.loadRes(dets)
        ev = COCOeval(coco_gt, coco_dt, iouType="bbox")
        ev.params.iouThrs = np.asarray(thresholds, dtype=float)
        ev.params.maxDets = [1, 10, _max_dets(pred_boxes)]
        ev.params.areaRng = [[0.0, 1e10]]
        ev.params.areaRngLbl = ["all"]
        ev.evaluate()
        ev.accumulate()
    prec = ev.eval["precision"][:, :, :, 0, -1]  # (T, R, K)
    return cast("np.ndarray", prec.mean(axis=1))

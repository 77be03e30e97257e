"""MS-CXR grounding: edge cases, clipping, the pixel-centre rule, invalid input (metric known answers and
pycocotools parity: tests/metrics/harness_tasks.py).

Sources: GazeX paper §4.5 (mIoU over confidence thresholds 0.1-0.5, mAP over IoU 0.1-0.7 with
each sentence its own class); pycocotools COCOeval (bbox); datasets.md §5.4 (BioViL-style
CNR and heat-map mIoU); lmms-eval refcoco utils_rec (ACC@τ).
"""

from __future__ import annotations

import numpy as np
import pytest

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.metrics.grounding import (
    GroundingCase,
    boxes_to_mask,
    cnr,
    grounding_scores,
    heatmap_iou,
    pixel_rects,
    union_iou_per_threshold,
)
from gazex_bench.metrics.grounding_ap import average_precision, average_precision_pycocotools, box_iou_coco


def _case(gt: list, pred: list, scores: list, w: int = 100, h: int = 100) -> GroundingCase:
    return GroundingCase(
        np.array(gt, float).reshape(-1, 4),
        w,
        h,
        np.array(pred, float).reshape(-1, 4),
        np.array(scores, float),
    )


def test_identical_prediction() -> None:
    c = _case([[10, 10, 20, 20]], [[10, 10, 20, 20]], [0.9])
    r = grounding_scores([c])
    # AP is 1 - 2.2e-16: COCO divides tp by (tp + fp + np.spacing(1))
    assert r.scores["mIoU"] == 1.0 and r.scores["mAP"] == pytest.approx(1.0) and r.scores["Acc@0.5"] == 1.0


def test_empty_prediction() -> None:
    r = grounding_scores([_case([[10, 10, 20, 20]], [], [])])
    assert r.scores["mIoU"] == 0.0 and r.scores["mAP"] == 0.0 and r.scores["Acc@0.1"] == 0.0


def test_no_overlap() -> None:
    r = grounding_scores([_case([[0, 0, 10, 10]], [[50, 50, 10, 10]], [1.0])])
    assert r.scores["mIoU"] == 0.0 and r.scores["mAP"] == 0.0


def test_boxes_outside_image_are_clipped_for_masks() -> None:
    # image 100x100; GT [90,90,10,10]; prediction [90,90,20,20] extends past the border:
    # clipped to [90,90,10,10] -> mask IoU 1. COCO box IoU (no clipping) = 100/400 = .25.
    c = _case([[90, 90, 10, 10]], [[90, 90, 20, 20]], [1.0])
    assert union_iou_per_threshold(c) == pytest.approx([1.0] * 5)
    assert box_iou_coco(c.pred_xywh, c.gt_xywh)[0, 0] == pytest.approx(0.25)
    assert pixel_rects(np.array([[-5.0, -5.0, 3.0, 200.0]]), 100, 100).tolist() == [[0, 100, 0, 0]]


def test_pixel_centre_rule() -> None:
    # x=10.4 -> first pixel 10 (centre 10.5 >= 10.4); x+w=12.6 -> last pixel 12 (centre 12.5 < 12.6)
    assert pixel_rects(np.array([[10.4, 0.0, 2.2, 1.0]]), 50, 50)[0].tolist() == [0, 1, 10, 13]
    assert boxes_to_mask(np.array([[1.0, 2.0, 3.0, 1.0]]), 6, 4).sum() == 3


def test_mask_iou_equals_full_rasterisation() -> None:
    rng = np.random.default_rng(1)
    for _ in range(100):
        w, h = int(rng.integers(20, 90)), int(rng.integers(20, 90))
        gt = np.c_[rng.uniform(-10, w, (3, 2)), rng.uniform(0, 40, (3, 2))][: rng.integers(1, 4)]
        pred = np.c_[rng.uniform(-10, w, (5, 2)), rng.uniform(0, 40, (5, 2))][: rng.integers(0, 6)]
        sc = rng.uniform(0, 1, len(pred))
        got = union_iou_per_threshold(GroundingCase(gt, w, h, pred, sc))
        g = boxes_to_mask(gt, w, h)
        for i, t in enumerate((0.1, 0.2, 0.3, 0.4, 0.5)):
            p = boxes_to_mask(pred[sc >= t], w, h)
            union = (p | g).sum()
            assert got[i] == pytest.approx((p & g).sum() / union if union else 0.0, abs=1e-12)


def test_ap_with_no_detections_at_all() -> None:
    gts = [np.array([[0.0, 0.0, 5.0, 5.0]])]
    empty = [np.zeros((0, 4))]
    assert average_precision_pycocotools(empty, [np.zeros(0)], gts).tolist() == [[0.0]] * 7
    assert average_precision(empty, [np.zeros(0)], gts).tolist() == [[0.0]] * 7


def test_invalid_predictions() -> None:
    with pytest.raises(DataFormatError, match="finite"):
        grounding_scores([_case([[0, 0, 5, 5]], [[np.nan, 0, 5, 5]], [1.0])])
    with pytest.raises(DataFormatError, match=">= 0"):
        grounding_scores([_case([[0, 0, 5, 5]], [[0, 0, -5, 5]], [1.0])])
    with pytest.raises(DataFormatError, match="finite"):
        grounding_scores([_case([[0, 0, 5, 5]], [[0, 0, 5, 5]], [np.inf])])
    with pytest.raises(UsageError):
        grounding_scores([])


def test_heatmap_constant_and_threshold_rule() -> None:
    gt = np.array([[0.0, 0.0, 5.0, 5.0]])
    # constant map -> normalised to zeros -> nothing > t -> IoU 0; CNR 0
    assert heatmap_iou(np.full((10, 10), 7.0), gt, 10, 10).tolist() == [0.0] * 5
    assert cnr(np.full((10, 10), 7.0), gt, 10, 10) == 0.0
    # strict '>': a pixel exactly at 0.1 after normalisation is not selected at t=0.1
    hm = np.zeros((10, 10))
    hm[0, 0] = 1.0
    hm[0, 1] = 0.1
    iou = heatmap_iou(hm, gt, 10, 10)
    assert iou[0] == pytest.approx(1 / 25)  # only the max pixel inside GT (25 px)
    with pytest.raises(UsageError, match="resample"):
        heatmap_iou(np.zeros((5, 5)), gt, 10, 10)

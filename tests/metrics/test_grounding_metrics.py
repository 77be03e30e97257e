"""MS-CXR grounding: mask mIoU, COCO mAP (pycocotools parity), Acc@IoU, heat-map IoU and CNR.

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
    top_box_hits,
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


def test_confidence_thresholds_known_answer() -> None:
    # GT [0,0,10,10] (area 100). Box A [0,0,10,5] conf .45 (50 px inside GT);
    # box B [0,5,10,10] conf .15 (50 px inside GT, 50 px outside).
    # t=.1: A∪B = [0,0,10,15]: inter 100, union 150 -> 2/3; t=.2,.3,.4: A only -> 50/100 = .5;
    # t=.5: nothing -> 0. mIoU = (2/3 + .5*3 + 0)/5 = 0.4333...
    c = _case([[0, 0, 10, 10]], [[0, 0, 10, 5], [0, 5, 10, 10]], [0.45, 0.15])
    iou = union_iou_per_threshold(c)
    assert iou == pytest.approx([2 / 3, 0.5, 0.5, 0.5, 0.0])
    assert grounding_scores([c]).scores["mIoU"] == pytest.approx((2 / 3 + 1.5) / 5)


def test_phrase_with_three_boxes() -> None:
    # three disjoint GT boxes of 10x10 (300 px); prediction covers two of them exactly -> 200/300
    gt = [[0, 0, 10, 10], [20, 0, 10, 10], [40, 0, 10, 10]]
    c = _case(gt, [[0, 0, 10, 10], [20, 0, 10, 10]], [np.nan, np.nan])  # no confidence = 1.0
    assert union_iou_per_threshold(c) == pytest.approx([2 / 3] * 5)
    # AP at 0.5: 2 TPs at ranks 1-2, 3 GTs -> recall reaches 2/3 with precision 1:
    # 101-point interpolation: recall points 0..0.66 (67 points) have precision 1 -> 67/101
    ap = average_precision([c.pred_xywh], [np.ones(2)], [c.gt_xywh], thresholds=(0.5,))
    assert ap[0, 0] == pytest.approx(67 / 101)
    assert top_box_hits(c).tolist() == [1.0, 1.0, 1.0]


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


@pytest.mark.parametrize("seed", [0, 1])
def test_ap_parity_with_pycocotools(seed: int) -> None:
    rng = np.random.default_rng(seed)
    preds, scores, gts = [], [], []
    for i in range(80):
        k, m = int(rng.integers(1, 4)), int(rng.integers(0, 7))
        g = np.c_[rng.uniform(0, 200, (k, 2)), rng.uniform(5, 80, (k, 2))]
        p = g[rng.integers(0, k, m)] + rng.normal(0, 15, (m, 4)) if m else np.zeros((0, 4))
        p[:, 2:] = np.abs(p[:, 2:])
        preds.append(p)
        scores.append(np.round(rng.uniform(0, 1, m), 1))  # ties exercise the stable sort
        gts.append(g)
    ours = average_precision(preds, scores, gts)
    ref = average_precision_pycocotools(preds, scores, gts)
    assert ours.shape == ref.shape == (7, 80)
    np.testing.assert_allclose(ours, ref, atol=1e-12)
    assert 0.0 < ours.mean() < 1.0


def test_ap_with_no_detections_at_all() -> None:
    gts = [np.array([[0.0, 0.0, 5.0, 5.0]])]
    empty = [np.zeros((0, 4))]
    assert average_precision_pycocotools(empty, [np.zeros(0)], gts).tolist() == [[0.0]] * 7
    assert average_precision(empty, [np.zeros(0)], gts).tolist() == [[0.0]] * 7


def test_top_box_accuracy() -> None:
    # top-confidence box [0,0,10,10] vs GT [0,0,10,20]: IoU 100/200 = .5 -> hits at .1,.3,.5
    c = _case([[0, 0, 10, 20]], [[50, 50, 5, 5], [0, 0, 10, 10]], [0.2, 0.9])
    assert top_box_hits(c).tolist() == [1.0, 1.0, 1.0]
    c2 = _case([[0, 0, 10, 20]], [[50, 50, 5, 5], [0, 0, 10, 10]], [0.9, 0.2])
    assert top_box_hits(c2).tolist() == [0.0, 0.0, 0.0]


def test_invalid_predictions() -> None:
    with pytest.raises(DataFormatError, match="finite"):
        grounding_scores([_case([[0, 0, 5, 5]], [[np.nan, 0, 5, 5]], [1.0])])
    with pytest.raises(DataFormatError, match=">= 0"):
        grounding_scores([_case([[0, 0, 5, 5]], [[0, 0, -5, 5]], [1.0])])
    with pytest.raises(DataFormatError, match="finite"):
        grounding_scores([_case([[0, 0, 5, 5]], [[0, 0, 5, 5]], [np.inf])])
    with pytest.raises(UsageError):
        grounding_scores([])


def test_heatmap_iou_and_cnr_known_answer() -> None:
    # 10x10 map, GT box [0,0,5,10] (left half, 50 px). Map = 1 on the left half, 0 elsewhere.
    hm = np.zeros((10, 10))
    hm[:, :5] = 1.0
    gt = np.array([[0.0, 0.0, 5.0, 10.0]])
    assert heatmap_iou(hm, gt, 10, 10) == pytest.approx([1.0] * 5)
    # CNR: mean(A)=1, mean(Ā)=0, var=0 both -> division by zero -> NaN -> 0 (reference rule)
    assert cnr(hm, gt, 10, 10) == 0.0
    # add contrast noise: A = {1, 3} alternating (mean 2, var 1), Ā = {0, 2} (mean 1, var 1)
    hm2 = np.zeros((10, 10))
    hm2[:, :5] = np.where(np.arange(10)[:, None] % 2 == 0, 1.0, 3.0)
    hm2[:, 5:] = np.where(np.arange(10)[:, None] % 2 == 0, 0.0, 2.0)
    # |2 - 1| / sqrt(1 + 1) = 0.7071
    assert cnr(hm2, gt, 10, 10) == pytest.approx(1 / np.sqrt(2))


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

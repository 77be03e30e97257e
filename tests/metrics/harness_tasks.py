"""Harness entries of the VQA and grounding metrics.

Known answers: GazeX paper §4.5 (top-1 phrase matching; mIoU over confidence thresholds 0.1-0.5, mAP
over IoU 0.1-0.7, each sentence its own class), datasets.md §4.3 / §5.4 (answer formats, BioViL-style
CNR and heat-map mIoU), lmms-eval refcoco utils_rec (ACC@tau). References: pycocotools COCOeval (bbox
AP), pycocotools.mask.iou (mask and box IoU), sklearn.metrics.accuracy_score.
"""

from __future__ import annotations

import numpy as np
import pytest
from pycocotools import mask as mask_utils
from sklearn.metrics import accuracy_score

from gazex_bench.metrics.grounding import (
    GroundingCase,
    boxes_to_mask,
    cnr,
    grounding_scores,
    heatmap_iou,
    top_box_hits,
    union_iou_per_threshold,
)
from gazex_bench.metrics.grounding_ap import average_precision, average_precision_pycocotools
from gazex_bench.metrics.registry import ACC_THRESHOLDS, VQA_QUESTION_TYPES
from gazex_bench.metrics.vqa import vqa_accuracy


def _case(gt: list, pred: list, scores: list, w: int = 100, h: int = 100) -> GroundingCase:
    return GroundingCase(
        np.array(gt, float).reshape(-1, 4),
        w,
        h,
        np.array(pred, float).reshape(-1, 4),
        np.array(scores, float),
    )


def _miou_thresholds() -> None:
    # GT [0,0,10,10] (area 100). Box A [0,0,10,5] conf .45 (50 px inside GT);
    # box B [0,5,10,10] conf .15 (50 px inside GT, 50 px outside).
    # t=.1: A∪B = [0,0,10,15]: inter 100, union 150 -> 2/3; t=.2,.3,.4: A only -> 50/100 = .5;
    # t=.5: nothing -> 0. mIoU = (2/3 + .5*3 + 0)/5 = 0.4333...
    c = _case([[0, 0, 10, 10]], [[0, 0, 10, 5], [0, 5, 10, 10]], [0.45, 0.15])
    iou = union_iou_per_threshold(c)
    assert iou == pytest.approx([2 / 3, 0.5, 0.5, 0.5, 0.0])
    assert grounding_scores([c]).scores["mIoU"] == pytest.approx((2 / 3 + 1.5) / 5)


def _three_boxes() -> None:
    # three disjoint GT boxes of 10x10 (300 px); prediction covers two of them exactly -> 200/300
    gt = [[0, 0, 10, 10], [20, 0, 10, 10], [40, 0, 10, 10]]
    c = _case(gt, [[0, 0, 10, 10], [20, 0, 10, 10]], [np.nan, np.nan])  # no confidence = 1.0
    assert union_iou_per_threshold(c) == pytest.approx([2 / 3] * 5)
    # AP at 0.5: 2 TPs at ranks 1-2, 3 GTs -> recall reaches 2/3 with precision 1:
    # 101-point interpolation: recall points 0..0.66 (67 points) have precision 1 -> 67/101
    ap = average_precision([c.pred_xywh], [np.ones(2)], [c.gt_xywh], thresholds=(0.5,))
    assert ap[0, 0] == pytest.approx(67 / 101)
    assert top_box_hits(c).tolist() == [1.0, 1.0, 1.0]


def reference_map(seed: int) -> None:
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


def _top_box() -> None:
    # top-confidence box [0,0,10,10] vs GT [0,0,10,20]: IoU 100/200 = .5 -> hits at .1,.3,.5
    c = _case([[0, 0, 10, 20]], [[50, 50, 5, 5], [0, 0, 10, 10]], [0.2, 0.9])
    assert top_box_hits(c).tolist() == [1.0, 1.0, 1.0]
    c2 = _case([[0, 0, 10, 20]], [[50, 50, 5, 5], [0, 0, 10, 10]], [0.9, 0.2])
    assert top_box_hits(c2).tolist() == [0.0, 0.0, 0.0]


def known_heatmap() -> None:
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


def known_vqa() -> None:
    # 5 questions: abnormality (hit), abnormality (miss), presence yes/no (hit),
    # location (hit), view yes/no (miss).  overall = 3/5; abnormality = 1/2;
    # presence = 1; location = 1; view = 0; yes_no over q3, q5 = 1/2.
    preds = ["atelectasis, edema", "pneumothorax", "Yes.", "the left lower lobe", "no"]
    answers = ["edema", "pleural effusion", "yes", "left lower lobe area", "yes"]
    types = ["abnormality", "abnormality", "presence", "location", "view"]
    studies = ["s1", "s1", "s1", "s2", "s2"]
    r = vqa_accuracy(preds, answers, types, studies)
    assert r.scores["overall"] == pytest.approx(0.6)
    assert r.scores["abnormality"] == pytest.approx(0.5)
    assert r.scores["presence"] == 1.0 and r.scores["location"] == 1.0 and r.scores["view"] == 0.0
    assert r.scores["yes_no"] == pytest.approx(0.5) and r.scores["n_yes_no"] == 2.0
    assert "level" not in r.scores and "type" not in r.scores
    assert r.correct.tolist() == [1, 0, 1, 1, 0]
    assert r.study_ids == tuple(studies)


def known_grounding() -> None:
    """mIoU and Acc@IoU on hand-drawn boxes (one partial overlap, one three-box phrase, top-box order)."""
    _miou_thresholds()
    _three_boxes()
    _top_box()


def _random_case(rng: np.random.Generator, w: int = 60, h: int = 50) -> GroundingCase:
    k, m = int(rng.integers(1, 4)), int(rng.integers(0, 5))
    gt = np.c_[rng.uniform(0, w, (k, 1)), rng.uniform(0, h, (k, 1)), rng.uniform(1, 30, (k, 2))]
    pred = np.c_[rng.uniform(-5, w, (m, 1)), rng.uniform(-5, h, (m, 1)), rng.uniform(0, 30, (m, 2))]
    scores = np.round(rng.uniform(0, 0.6, m), 1)
    scores[rng.random(m) < 0.2] = np.nan  # no confidence = 1.0
    return GroundingCase(gt, w, h, pred.reshape(-1, 4), scores)


def reference_grounding(seed: int) -> None:
    """mIoU: our edge-grid areas vs pycocotools.mask.iou of full-resolution masks; Acc@IoU: top box vs
    pycocotools box IoU (iscrowd 0); 40 random phrases per seed."""
    rng = np.random.default_rng(100 + seed)
    for _ in range(40):
        c = _random_case(rng)
        conf = np.where(np.isnan(c.scores), 1.0, c.scores)
        g = np.asfortranarray(boxes_to_mask(c.gt_xywh, c.width, c.height).astype(np.uint8))
        want = []
        for t in (0.1, 0.2, 0.3, 0.4, 0.5):  # merged predictions with confidence >= t (paper §4.5)
            p = np.asfortranarray(boxes_to_mask(c.pred_xywh[conf >= t], c.width, c.height).astype(np.uint8))
            both = p.any() or g.any()
            want.append(
                float(mask_utils.iou([mask_utils.encode(p)], [mask_utils.encode(g)], [0])[0, 0])
                if both
                else 0.0
            )
        np.testing.assert_allclose(union_iou_per_threshold(c), want, atol=1e-12)
        hits = top_box_hits(c)
        if len(c.pred_xywh) == 0:
            assert hits.tolist() == [0.0] * len(ACC_THRESHOLDS)
            continue
        top = c.pred_xywh[int(np.argmax(conf))][None, :]
        best = float(mask_utils.iou(top.tolist(), c.gt_xywh.tolist(), [0] * len(c.gt_xywh)).max())
        assert hits.tolist() == [1.0 if best >= t else 0.0 for t in ACC_THRESHOLDS]


VOCAB = ("edema", "left lower lobe", "yes", "no", "pa view", "atelectasis", "mild")


def reference_vqa(seed: int) -> None:
    """Single-phrase answers from one vocabulary: phrase matching reduces to equality, so every accuracy
    key equals sklearn accuracy_score on the matching subset of questions."""
    rng = np.random.default_rng(200 + seed)
    n = 120
    answers = [VOCAB[i] for i in rng.integers(0, len(VOCAB), n)]
    preds = [a if rng.random() < 0.5 else VOCAB[int(rng.integers(0, len(VOCAB)))] for a in answers]
    types = [VQA_QUESTION_TYPES[i] for i in rng.integers(0, len(VQA_QUESTION_TYPES), n)]
    scores = vqa_accuracy(preds, answers, types).scores
    assert scores["overall"] == pytest.approx(accuracy_score(answers, preds), abs=1e-12)
    for t in VQA_QUESTION_TYPES:
        idx = [i for i in range(n) if types[i] == t]
        assert scores[t] == pytest.approx(accuracy_score([answers[i] for i in idx], [preds[i] for i in idx]))
    yn = [i for i in range(n) if answers[i] in ("yes", "no")]
    assert scores["yes_no"] == pytest.approx(accuracy_score([answers[i] for i in yn], [preds[i] for i in yn]))


def known_map() -> None:
    """AP of a three-box phrase with two exact hits (101-point interpolation) and of identical boxes."""
    _three_boxes()
    r = grounding_scores([_case([[10, 10, 20, 20]], [[10, 10, 20, 20]], [0.9])])
    # AP is 1 - 2.2e-16: COCO divides tp by (tp + fp + np.spacing(1))
    assert r.scores["mAP"] == pytest.approx(1.0)


VQA_KEYS = ("accuracy", *(f"accuracy_{t}" for t in VQA_QUESTION_TYPES), "accuracy_yes_no")

TASK_ENTRIES = [
    ("vqa", VQA_KEYS, known_vqa, reference_vqa, "scikit-learn accuracy_score", ""),
    (
        "grounding",
        ("miou", *(f"acc@{t}" for t in ACC_THRESHOLDS)),
        known_grounding,
        reference_grounding,
        "pycocotools.mask.iou",
        "",
    ),
    ("map", ("map",), known_map, reference_map, "pycocotools COCOeval (bbox)", ""),
    (
        "heatmap",
        ("heatmap_miou", "cnr"),
        known_heatmap,
        None,
        "",
        "BioViL-style heat-map IoU and CNR have no maintained library implementation; known answers only",
    ),
]

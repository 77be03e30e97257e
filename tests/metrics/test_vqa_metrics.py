"""Medical-CXR-VQA scoring: phrase matching, yes/no accuracy, MMRGL acc@k.

Sources: GazeX paper §4.5 (top-1 phrase matching), datasets.md §4.3 (answer formats),
Holipori/MMRGL train.py compute_acc (acc@k = correct.sum() / targets.sum()).
"""

from __future__ import annotations

import numpy as np
import pytest

from gazex_bench.errors import UsageError
from gazex_bench.metrics.vqa import (
    acc_at_k,
    normalize_phrase,
    phrase_match,
    split_phrases,
    vqa_accuracy,
    yes_no_accuracy_from_scores,
)


@pytest.mark.parametrize(
    ("pred", "answer", "ok"),
    [
        ("Pleural effusion, atelectasis", "atelectasis, edema", True),  # shared 'atelectasis'
        ("The left lower lobe.", "left lower lobe area", True),  # article, '.', 'area' stripped
        ("Yes, there is an effusion.", "yes", True),
        ("mild to moderate", "moderate", False),  # exact phrases only
        ("right side", "left side", False),
        ("left lower lobe area and right lower lobe area", "right lower lobe area", True),
        ("PA view", "pa view", True),
        ("", "yes", False),  # empty prediction
        ("edema", "edema", True),  # identical
    ],
)
def test_phrase_match(pred: str, answer: str, ok: bool) -> None:
    assert phrase_match(pred, answer) is ok


def test_normalisation_details() -> None:
    assert normalize_phrase("  The  Left-Sided   AREA ") == "left sided"
    assert split_phrases("a, b and the c area,") == frozenset({"b", "c"})  # 'a' is an article
    assert split_phrases("left side") == frozenset({"left"})


def test_vqa_errors() -> None:
    with pytest.raises(UsageError, match="same length"):
        vqa_accuracy(["a"], ["a", "b"], ["view"])
    with pytest.raises(UsageError, match="unknown question type"):
        vqa_accuracy(["a"], ["a"], ["colour"])


def test_acc_at_k_known_answer() -> None:
    # targets [[1,0,1],[0,1,0]] (3 gold answers); scores rank q0: 0>1>2, q1: 2>1>0
    # top-1: {0},{2} -> hits 1+0 = 1 -> 1/3; top-2: {0,1},{2,1} -> 1+1 = 2 -> 2/3; top-3 -> 3/3
    t = np.array([[1, 0, 1], [0, 1, 0]])
    s = np.array([[0.9, 0.5, 0.1], [0.2, 0.3, 0.4]])
    assert acc_at_k(t, s, ks=(1, 2, 3)) == pytest.approx({"acc@1": 1 / 3, "acc@2": 2 / 3, "acc@3": 1.0})
    # MMRGL yes/no: argmax one-hot . target, mean over yes/no questions -> q1 only: argmax 2, target 0
    assert yes_no_accuracy_from_scores(t, s, np.array([False, True])) == 0.0
    with pytest.raises(UsageError):
        acc_at_k(t, s, ks=(4,))
    with pytest.raises(UsageError):
        acc_at_k(np.zeros((2, 3)), s)


def test_acc_at_k_matches_reference_formula() -> None:
    # reference: MMRGL compute_acc written out with an explicit one-hot of the top-k
    rng = np.random.default_rng(0)
    t = (rng.random((50, 12)) < 0.15).astype(float)
    t[0, 0] = 1
    s = rng.random((50, 12))
    for k in (1, 3, 5):
        onehot = np.zeros_like(t)
        top = np.argsort(-s, axis=1)[:, :k]
        np.put_along_axis(onehot, top, 1.0, axis=1)
        assert acc_at_k(t, s, ks=(k,))[f"acc@{k}"] == pytest.approx((t * onehot).sum() / t.sum())

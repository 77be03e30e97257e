"""Medical-CXR-VQA scoring: top-1 phrase-matching accuracy, yes/no accuracy, acc@k.

**Top-1 phrase-matching accuracy** (GazeX paper §4.5: "Predictions are decomposed into
phrases and are considered correct if any predicted phrase exactly matches any
ground-truth phrase"). The paper gives no code; this module's definition:

1. Split the prediction and the reference answer into phrases at commas and at the
   word ``and`` (the dataset joins multi-finding answers with ``", "`` and
   multi-location answers with ``" and "``, ``datasets.md`` §4.3).
2. Normalise each phrase: lower case; punctuation → space; drop the articles
   ``a``/``an``/``the``; collapse whitespace; strip a trailing ``area`` or ``side``
   (so ``"left lower lobe area" == "left lower lobe"`` and
   ``"left side" == "left"``). Empty phrases are dropped.
3. The question is correct iff the two phrase sets intersect.

Worked examples (prediction → reference: correct?):

* ``"Pleural effusion, atelectasis"`` → ``"atelectasis, edema"``: phrases
  {pleural effusion, atelectasis} ∩ {atelectasis, edema} = {atelectasis} → 1.
* ``"The left lower lobe."`` → ``"left lower lobe area"``: "left lower lobe" on
  both sides → 1.
* ``"Yes, there is an effusion."`` → ``"yes"``: {yes, there is effusion} ∋ yes → 1.
* ``"mild to moderate"`` → ``"moderate"``: "mild to moderate" ≠ "moderate" → 0
  (exact phrase match, no substring credit).
* ``"right side"`` → ``"left side"``: "right" ≠ "left" → 0.

**Yes/no accuracy**: the same top-1 match restricted to questions whose normalised
reference answer is exactly ``yes`` or ``no``.

**acc@k** (the dataset authors' code, ``Holipori/MMRGL`` ``train.py::compute_acc``,
``datasets.md`` §4.5): for ranked candidate scores over a fixed answer vocabulary and
multi-hot targets, acc@k = Σ(targets · onehot(top-k)) / Σ targets, i.e. pooled
recall of gold answers among the top-k candidates.

Per-question 0/1 outcomes and study ids are returned so that the stats module can
bootstrap (clustered by study: many questions share one image).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gazex_bench.data.records import VQA_QUESTION_TYPES
from gazex_bench.errors import UsageError

_SPLIT = re.compile(r",|\band\b", flags=re.IGNORECASE)
_PUNCT = re.compile(r"[^\w\s]|_")
_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_SUFFIX = re.compile(r"\s+(?:area|side)$")
_YES_NO = ("yes", "no")


def normalize_phrase(text: str) -> str:
    """Normalise one phrase (lower case, no punctuation/articles, no area/side suffix)."""
    text = _PUNCT.sub(" ", text.lower())
    text = _ARTICLES.sub(" ", text)
    text = " ".join(text.split())
    return _SUFFIX.sub("", text)


def split_phrases(text: str) -> frozenset[str]:
    """Split an answer into normalised phrases at commas and ``and``; drop empty ones."""
    phrases = (normalize_phrase(p) for p in _SPLIT.split(text))
    return frozenset(p for p in phrases if p)


def phrase_match(prediction: str, answer: str) -> bool:
    """True iff any predicted phrase equals any reference phrase (after normalisation)."""
    return not split_phrases(prediction).isdisjoint(split_phrases(answer))


def is_yes_no(answer: str) -> bool:
    """True iff the normalised reference answer is exactly ``yes`` or ``no``."""
    return normalize_phrase(answer) in _YES_NO


@dataclass(frozen=True)
class VqaResult:
    """Scores plus the per-question outcomes needed for (clustered) bootstrap.

    Attributes:
        scores: ``overall``, one key per question type present, ``yes_no`` (when any
            yes/no question exists), and ``n_<key>`` question counts (as floats).
        correct: 0/1 per question, input order.
        question_types: Question type per question.
        yes_no: True where the reference answer is yes/no.
        study_ids: Study id per question (None when not given).
    """

    scores: dict[str, float]
    correct: np.ndarray
    question_types: tuple[str, ...]
    yes_no: np.ndarray
    study_ids: tuple[str, ...] | None


def vqa_accuracy(
    predictions: Sequence[str],
    answers: Sequence[str],
    question_types: Sequence[str],
    study_ids: Sequence[str] | None = None,
) -> VqaResult:
    """Top-1 phrase-matching accuracy per question type and overall, plus yes/no accuracy.

    Args:
        predictions: Free-text model answers.
        answers: Reference answers (Medical-CXR-VQA ``answer`` column).
        question_types: One of :data:`VQA_QUESTION_TYPES` per question.
        study_ids: Optional study id per question (cluster key for the bootstrap).

    Returns:
        :class:`VqaResult`. Types without questions are left out of ``scores``.

    Raises:
        UsageError: length mismatch or an unknown question type.
    """
    n = len(predictions)
    if len(answers) != n or len(question_types) != n or (study_ids is not None and len(study_ids) != n):
        raise UsageError("predictions, answers, question_types (and study_ids) must have the same length")
    unknown = sorted(set(question_types) - set(VQA_QUESTION_TYPES))
    if unknown:
        raise UsageError(f"unknown question type(s) {unknown}; expected one of {VQA_QUESTION_TYPES}")
    correct = np.array([phrase_match(p, a) for p, a in zip(predictions, answers)], dtype=np.int64)
    yes_no = np.array([is_yes_no(a) for a in answers], dtype=bool)
    qtypes = np.asarray(question_types, dtype=object)
    scores: dict[str, float] = {}
    groups = [("overall", np.ones(n, dtype=bool))]
    groups += [(t, qtypes == t) for t in VQA_QUESTION_TYPES]
    groups.append(("yes_no", yes_no))
    for key, mask in groups:
        if mask.any():
            scores[key] = float(correct[mask].mean())
            scores[f"n_{key}"] = float(mask.sum())
    ids = tuple(study_ids) if study_ids is not None else None
    return VqaResult(scores, correct, tuple(question_types), yes_no, ids)


def acc_at_k(
    targets: np.ndarray, scores: np.ndarray, ks: Sequence[int] = (1, 3, 5, 10, 15)
) -> dict[str, float]:
    """MMRGL acc@k: pooled recall of gold answers among each question's top-k candidates.

    Args:
        targets: Multi-hot gold answers ``(n_questions, n_candidates)``.
        scores: Candidate scores, same shape (higher = better). Ties are broken by
            the lower candidate index (stable sort), deterministic.
        ks: Cut-offs; each must be in ``1..n_candidates``.

    Returns:
        ``{"acc@1": …, "acc@3": …}`` = Σ(targets · onehot(top-k)) / Σ targets.

    Raises:
        UsageError: shape mismatch, bad k, or no gold answer at all.

    Example: targets ``[[1,0,1],[0,1,0]]``, scores ``[[.9,.5,.1],[.2,.3,.4]]``:
    top-1 = candidates 0 and 2 → hits 1 + 0 = 1 of 3 gold → acc@1 = 1/3; top-2 =
    {0,1} and {2,1} → hits 1 + 1 = 2 → acc@2 = 2/3.
    """
    targets = np.asarray(targets, dtype=float)
    scores = np.asarray(scores, dtype=float)
    if targets.shape != scores.shape or targets.ndim != 2:
        raise UsageError(f"targets {targets.shape} and scores {scores.shape} must be equal 2-D shapes")
    total = targets.sum()
    if total <= 0:
        raise UsageError("acc@k needs at least one gold answer")
    order = np.argsort(-scores, axis=1, kind="stable")
    out: dict[str, float] = {}
    for k in ks:
        if not 1 <= k <= scores.shape[1]:
            raise UsageError(f"k={k} outside 1..{scores.shape[1]}")
        top = order[:, :k]
        hits = np.take_along_axis(targets, top, axis=1).sum()
        out[f"acc@{k}"] = float(hits / total)
    return out


def yes_no_accuracy_from_scores(
    targets: np.ndarray, scores: np.ndarray, is_yes_no_question: np.ndarray
) -> float:
    """MMRGL yes/no score: argmax one-hot · target, mean over the yes/no questions."""
    targets = np.asarray(targets, dtype=float)
    mask = np.asarray(is_yes_no_question, dtype=bool)
    if not mask.any():
        raise UsageError("no yes/no questions")
    top1 = np.argmax(np.asarray(scores, dtype=float), axis=1)
    hit = targets[np.arange(targets.shape[0]), top1]
    return float(hit[mask].mean())

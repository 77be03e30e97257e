"""Reference rows of the held-out-reader experiment, on the held-out reader's own samples.

All values are the harness's per-sample finding values
(:func:`~gazex_bench.tasks.reflacx_gaze.values.finding_values`: ``centroid_error`` and ``dtw_error`` in
units of the quarter-scale frame diagonal; NaN where there is nothing to score), keyed
``metric -> sample_id -> value``:

* :func:`center_bias_values`: the ``center-bias`` baseline (one cluster at the mean training
  centroid, fitted on the task's training readings as the runner fits it);
* :func:`shuffled_values`: a model's answer for a sample scored against the reader's samples on
  every OTHER image (coordinates carried over as fractions of the frame), averaged: the error the
  answer would have if it ignored its image;
* :func:`inter_reader_values`: the gaze of the other readers who dictated the same statement on the
  same image (the same finding by the phantom's finding ids, ``phantom_truth/truth.json``; a normal
  statement by its text), scored as if it were a prediction, averaged over those readers: the
  inter-radiologist ceiling. NaN when no other reader dictated that statement.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gazex_bench.models.baselines.center_bias import CenterBiasAdapter
from gazex_bench.models.protocols import Example
from gazex_bench.models.types import GazePrediction, GazeRequest, PredictedCluster
from gazex_bench.phantom.truth import load_truth
from gazex_bench.tasks.base import TaskSample
from gazex_bench.tasks.reflacx_gaze.values import answer, finding_values

KEYS = ("centroid_error", "dtw_error")
Values = dict[str, dict[str, float]]


def _mean_values(s: TaskSample, preds: Sequence[GazePrediction]) -> dict[str, float]:
    """Mean of the finding values of ``preds`` scored against ``s`` (NaN when none)."""
    if not preds:
        return {k: math.nan for k in KEYS}
    per = [finding_values(s, p) for p in preds]
    return {
        k: float(np.nanmean([v[k] for v in per])) if any(math.isfinite(v[k]) for v in per) else math.nan
        for k in KEYS
    }


def center_bias_values(samples: Sequence[TaskSample], train: Sequence[TaskSample]) -> Values:
    """``center-bias`` fitted on ``train`` (the runner's ``Example`` list), scored on ``samples``."""
    cb = CenterBiasAdapter()
    cb.fit([Example(t.request, t.reference) for t in train])
    resp = cb.predict_gaze([s.request for s in samples])  # type: ignore[arg-type]
    per = [finding_values(s, answer(r)) for s, r in zip(samples, resp)]
    return {k: {s.sample_id: v[k] for s, v in zip(samples, per)} for k in KEYS}


def rescale(pred: GazePrediction, src: GazeRequest, dst: GazeRequest) -> GazePrediction:
    """``pred`` (quarter-scale px of ``src``'s image) moved to ``dst``'s frame at the same frame fractions."""
    fx, fy = dst.image_size[0] / src.image_size[0], dst.image_size[1] / src.image_size[1]

    def move(c: PredictedCluster) -> PredictedCluster:
        box = None if c.box is None else (c.box[0] * fx, c.box[1] * fy, c.box[2] * fx, c.box[3] * fy)
        return PredictedCluster((c.centroid[0] * fx, c.centroid[1] * fy), box)

    return GazePrediction(clusters=tuple(move(c) for c in pred.clusters))


def shuffled_values(samples: Sequence[TaskSample], preds: Sequence[GazePrediction | None]) -> Values:
    """Each answer scored against the samples of every other image, averaged (NaN for a missing answer)."""
    out: Values = {k: {} for k in KEYS}
    for s, p in zip(samples, preds):
        others = [t for t in samples if t.group != s.group]
        if p is None or not p.clusters or not others:
            vals = {k: math.nan for k in KEYS}
        else:
            per = [finding_values(t, rescale(p, s.request, t.request)) for t in others]  # type: ignore[arg-type]
            vals = {k: float(np.mean([v[k] for v in per])) for k in KEYS}
        for k in KEYS:
            out[k][s.sample_id] = vals[k]
    return out


def _statement(truth: object, s: TaskSample) -> str | None:
    """The finding id a sentence dictates (phantom truth), else its normalised text (a normal statement)."""
    reading = truth.readings.get(str(s.meta["reading_id"]))  # type: ignore[attr-defined]
    idx = int(s.meta["sentence_index"])
    if reading is None or idx >= len(reading.sentences):
        return None
    sent = reading.sentences[idx]
    return sent.finding_id or "text:" + " ".join(sent.text.replace(".", " ").split())


def inter_reader_values(root: Path, samples: Sequence[TaskSample], pool: Sequence[TaskSample]) -> Values:
    """Other readers' gaze for the same finding (phantom finding id) on the same image, scored against ``samples``."""
    truth = load_truth(root)
    by_key: dict[tuple[str, str], list[TaskSample]] = {}
    for t in pool:
        fid = _statement(truth, t)
        if fid is not None:
            by_key.setdefault((str(t.group), fid), []).append(t)
    out: Values = {k: {} for k in KEYS}
    for s in samples:
        fid = _statement(truth, s)
        mine = truth.readings[str(s.meta["reading_id"])].radiologist
        others = [
            t.reference
            for t in by_key.get((str(s.group), fid or ""), [])
            if truth.readings[str(t.meta["reading_id"])].radiologist != mine
            and isinstance(t.reference, GazePrediction)
        ]
        vals = _mean_values(s, others) if fid is not None else {k: math.nan for k in KEYS}
        for k in KEYS:
            out[k][s.sample_id] = vals[k]
    return out

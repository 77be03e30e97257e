"""The oracle is a ceiling: exactly the metric maximum wherever a maximum exists (phantom seeds 0-9).

Ceilings (hand derivation, the metric's definition):

* accuracy, Acc@t, mIoU, mAP (boxes = reference boxes: IoU 1, AP 1), BLEU-n (every n-gram
  matched, hypothesis length = reference length: brevity penalty 1), ROUGE-L (LCS = whole
  text), every CE precision / recall / F1 (identical labels; the empty-set rule of
  ``metrics/clinical.py`` makes a report without positives 1.0), Gaussian-map cosine, Pearson r
  and ICC of identical coordinates: **1.0**;
* centroid / DTW error and missing-answer rate: **0.0**;
* CIDEr-D: **10.0** (pycocoevalcap scales the mean cosine of identical TF-IDF vectors, 1, by 10).

Metrics without a fixed maximum are left out, each for a stated reason: METEOR (its
fragmentation penalty 0.5·(1/m)^3 > 0 even for a perfect match); NSS / CC / AUC-Judd / KLD /
SIM (the oracle answers clusters, not a fixation map); setting-1 ICCs (``s1_*``: the oracle's
setting-1 answer is the first reading, scored against the other readings — it is the
inter-radiologist level, not a ceiling).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from gazex_bench.models.registry import build_adapter_registry
from gazex_bench.phantom.generate import generate_phantom
from gazex_bench.runner.api import RunRequest, run
from gazex_bench.tasks.base import ScoreOptions
from gazex_bench.tasks.registry import BUILTIN_TASKS

OPTS = ScoreOptions(n_boot=0, meteor="none")
LIMIT = 12


def ceiling(metric: str) -> float | None:
    """The metric's maximum (see module doc), or None where it has none."""
    if metric.startswith(("s1_", "meteor", "nss", "cc", "auc", "kld", "sim")):
        return None
    if metric in ("centroid_error", "dtw_error", "missing_answer_rate"):
        return 0.0
    if metric == "cider_d":
        return 10.0
    if metric.startswith(("accuracy", "acc@", "bleu", "ce_", "icc_", "trajectory_r")) or metric in (
        "miou",
        "map",
        "rouge_l",
        "cosine",
    ):
        return 1.0
    return None


@pytest.mark.parametrize("seed", range(10))
def test_oracle_is_exactly_the_ceiling(tmp_path: Path, seed: int) -> None:
    root = tmp_path / "data"
    generate_phantom(root, size="tiny", seed=seed, workers=1)
    adapters = build_adapter_registry(extra=[])
    checked = 0
    for task in BUILTIN_TASKS:
        limit = (
            None if task == "reflacx-gaze" else LIMIT
        )  # a limit can cut an image's findings (partial maps)
        req = RunRequest(
            task=task,
            model="oracle",
            data_root=root,
            split="all",
            limit=limit,
            out=tmp_path / "runs",
            quiet=True,
            score=OPTS,
        )
        rec = run(req, adapters=adapters).record
        assert rec is not None and rec["predictions"]["n_errors"] == 0, task
        for name, m in rec["metrics"].items():
            top = ceiling(name)
            if top is None or m["value"] is None:
                continue
            assert m["value"] == pytest.approx(top, abs=1e-9), (seed, task, name, m["value"])
            checked += 1
        assert not any(math.isnan(m["value"]) for m in rec["metrics"].values() if m["value"] is not None)
    assert (
        checked >= 60
    )  # every task contributed ceilings (report tasks alone: 4 BLEU + ROUGE + CIDEr + 20 CE)


def test_empty_report_is_the_always_normal_null(tiny_phantom: Path, tmp_path: Path) -> None:
    """``empty-report``: NLG 0; CE F1 (paper-pos-13) = share of references without a positive label.

    Hand derivation: the empty hypothesis has no positive among the 13 labels; a reference without
    positives gives tp = fp = fn = 0 -> 1.0 (empty-set rule), one with k >= 1 positives gives
    fn = k -> F1 0; the example-based mean is the share of normal references.
    """
    from gazex_bench.metrics.chexpert_labeler import label_reports
    from gazex_bench.metrics.clinical import NO_FINDING_LABELS
    from gazex_bench.tasks.registry import build_task_registry

    req = RunRequest(
        task="mimic-report",
        model="empty-report",
        data_root=tiny_phantom,
        split="all",
        out=tmp_path,
        quiet=True,
        score=OPTS,
    )
    rec = run(req, adapters=build_adapter_registry(extra=[])).record
    assert rec is not None and rec["predictions"]["n_errors"] == 0
    data = build_task_registry().get("mimic-report")().load(tiny_phantom, split="all", limit=None)
    labels = label_reports([str(s.reference) for s in data.samples])
    normal = sum(not any(lab.get(k) == 1.0 for k in NO_FINDING_LABELS) for lab in labels) / len(labels)
    assert 0 < normal < 1  # the phantom has both kinds, so the check can fail either way
    assert rec["metrics"]["ce_f1_paper_pos_13"]["value"] == pytest.approx(normal, abs=1e-12)
    assert rec["metrics"]["bleu4"]["value"] == pytest.approx(0.0, abs=1e-9)
    assert rec["analysis_status"]["ce_labeler"].startswith("gazex-rules v")

"""``compare``: corpus metrics recomputed on paired resamples, Wilcoxon, Holm; record written atomically."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gazex_bench.models.registry import build_adapter_registry
from gazex_bench.runner.api import RunRequest, run
from gazex_bench.runner.compare import _paired, compare_runs
from gazex_bench.tasks.base import ScoreOptions

OPTS = ScoreOptions(n_boot=20, meteor="nltk")


def test_paired_uses_same_weights_for_both_systems() -> None:
    from gazex_bench.metrics.stats import mean_reducer

    a, b = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0, 4.0])
    # b = a + 1 on every sample: with the same resample weights every bootstrap diff is exactly 1,
    # so the CI is [1, 1] and P(diff* <= 0) = 0 → p_boot = 0.
    row = _paired(lambda w: mean_reducer(a, w), lambda w: mean_reducer(b, w), 4, 200, 0, 0.95, None)
    assert row["a"] == 1.5 and row["b"] == 2.5 and row["diff"] == 1.0
    assert (
        row["ci_low"] == pytest.approx(1.0) and row["ci_high"] == pytest.approx(1.0) and row["p_boot"] == 0.0
    )


def test_compare_report_runs(tiny_phantom: Path, tmp_path: Path) -> None:
    reg = build_adapter_registry(extra=[])
    dirs, recs = [], []
    for model in ("random", "oracle"):
        res = run(
            RunRequest(
                task="iu-report-zeroshot",
                model=model,
                data_root=tiny_phantom,
                split="all",
                out=tmp_path,
                quiet=True,
                score=OPTS,
            ),
            adapters=reg,
        )
        dirs.append(res.run_dir)
        recs.append(res.record)
    rec = compare_runs(dirs[0], dirs[1], n_boot=30, seed=0)
    assert rec["model_a"] == "random" and rec["model_b"] == "oracle"
    assert rec["n"] == recs[0]["dataset"]["n_evaluated"]
    for m in ("bleu4", "rouge_l", "cider_d", "ce_f1_paper_pos", "ce_f1_mic5_unc_pos"):
        row = rec["metrics"][m]
        assert row["kind"] == "corpus", m
        # all samples shared → the corpus values equal the runs' own run.json values
        assert row["a"] == pytest.approx(recs[0]["metrics"][m]["value"], abs=1e-9), m
        assert row["b"] == pytest.approx(recs[1]["metrics"][m]["value"], abs=1e-9), m
        assert row["diff"] == pytest.approx(row["b"] - row["a"])
        assert row["p_holm"] is None or row["p_holm"] >= row["p_boot"]
    assert rec["metrics"]["bleu4"]["wilcoxon_p"] is not None
    out = tmp_path / "compare" / "x.json"
    from gazex_bench.cli import main

    assert main(["compare", str(dirs[0]), str(dirs[1]), "--n-boot", "10", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["metrics"]["bleu4"]["b"] == pytest.approx(1.0, abs=1e-6)

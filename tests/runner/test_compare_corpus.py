"""``compare``: corpus metrics recomputed on paired resamples, Wilcoxon, Holm; record written atomically."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gazex_bench.errors import DataFormatError
from gazex_bench.models.registry import build_adapter_registry
from gazex_bench.runner.api import RunRequest, run
from gazex_bench.runner.compare import _paired, compare_runs, read_compare_record
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
        # floored at 1/B = 1/30 before Holm; the flag marks exactly the floored values
        assert row["p_boot"] is None or row["p_boot"] >= 1 / 30
        assert row["p_boot_is_bound"] == (row["p_boot"] == 1 / 30)
    assert rec["schema_version"] == 2 and rec["p_floor"] == 1 / 30
    assert rec["metrics"]["bleu4"]["wilcoxon_p"] is not None
    out = tmp_path / "compare" / "x.json"
    from gazex_bench.cli import main

    assert main(["compare", str(dirs[0]), str(dirs[1]), "--n-boot", "10", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["metrics"]["bleu4"]["b"] == pytest.approx(1.0, abs=1e-6)


def _v1_record() -> dict:
    """A schema-1 record as the demo wrote them (raw p 0 where no resample crossed 0; Holm on raw p)."""
    row = dict(a=0.1, b=0.2, diff=0.1, ci_low=0.05, ci_high=0.15, n=16, kind="mean", wilcoxon_p=0.001)
    return {
        "run_a": "runs/x",
        "run_b": "runs/y",
        "n_boot": 1000,
        "metrics": {
            "bleu4": {**row, "p_boot": 0.0, "p_holm": 0.0},
            "meteor": {**row, "p_boot": 0.0, "p_holm": 0.0},
            "rouge_l": {**row, "p_boot": 0.012, "p_holm": 0.012},
            "ce_f1": {**row, "p_boot": None, "p_holm": None},
        },
    }


def test_read_compare_record_upgrades_version_1(tmp_path: Path) -> None:
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(_v1_record()))
    rec = read_compare_record(path)
    assert rec["schema_version"] == 2 and rec["upgraded_from_schema"] == 1 and rec["p_floor"] == 0.001
    m = rec["metrics"]
    # floored: 0 -> 1/1000. Holm, m = 3 tests (ce_f1 has none): sorted (.001, .001, .012) x (3, 2, 1)
    # = (.003, .002, .012), running max (.003, .003, .012).
    assert m["bleu4"]["p_boot"] == 0.001 and m["bleu4"]["p_boot_is_bound"]
    assert m["bleu4"]["p_holm"] == pytest.approx(0.003) and m["bleu4"]["p_holm_is_bound"]
    assert m["meteor"]["p_holm"] == pytest.approx(0.003) and m["meteor"]["p_holm_is_bound"]
    assert m["rouge_l"]["p_boot"] == 0.012 and not m["rouge_l"]["p_boot_is_bound"]
    assert m["rouge_l"]["p_holm"] == pytest.approx(0.012) and not m["rouge_l"]["p_holm_is_bound"]
    assert m["ce_f1"]["p_boot"] is None and m["ce_f1"]["p_holm"] is None
    assert read_compare_record(path) == rec  # reading is pure; a v2 record reads back unchanged
    v2 = tmp_path / "v2.json"
    v2.write_text(json.dumps(rec))
    assert read_compare_record(v2) == rec


def test_read_compare_record_refuses_unknown_versions(tmp_path: Path) -> None:
    path = tmp_path / "v9.json"
    path.write_text(json.dumps({**_v1_record(), "schema_version": 9}))
    with pytest.raises(DataFormatError, match="schema_version 9"):
        read_compare_record(path)
    path.write_text("{not json")
    with pytest.raises(DataFormatError, match="v9.json"):
        read_compare_record(path)

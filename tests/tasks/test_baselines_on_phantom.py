"""Reference baselines on the tiny phantom: oracle = maximum, random ≈ chance, all baselines run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gazex_bench.models.registry import build_adapter_registry
from gazex_bench.runner.api import RunRequest, run
from gazex_bench.tasks.base import ScoreOptions
from gazex_bench.tasks.registry import BUILTIN_TASKS, build_task_registry

OPTS = ScoreOptions(n_boot=20, meteor="nltk")
BASELINES = (
    "oracle",
    "random",
    "nearest-report",
    "majority-answer",
    "chest-box",
    "center-box",
    "center-bias",
)
_CACHE: dict[tuple[str, str], dict[str, Any]] = {}


def _run(root: Path, out: Path, task: str, model: str) -> dict[str, Any]:
    if (task, model) not in _CACHE:
        req = RunRequest(task=task, model=model, data_root=root, split="all", out=out, quiet=True, score=OPTS)
        res = run(req, adapters=build_adapter_registry(extra=[]))
        assert res.record is not None
        _CACHE[(task, model)] = res.record
    return _CACHE[(task, model)]


def _value(rec: dict[str, Any], name: str) -> float:
    return rec["metrics"][name]["value"]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("runs")


@pytest.mark.parametrize("task", ["cxr-vqa", "ms-cxr-grounding", "reflacx-gaze"])
def test_oracle_scores_the_maximum(tiny_phantom: Path, out: Path, task: str) -> None:
    rec = _run(tiny_phantom, out, task, "oracle")
    m = {k: v["value"] for k, v in rec["metrics"].items()}
    assert rec["predictions"]["n_errors"] == 0 and rec["dataset"]["n_evaluated"] > 0
    for name, value in m.items():
        if name.startswith("accuracy") or name.startswith("acc@") or name in ("miou", "heatmap_miou"):
            assert value == 1.0, name
        elif name in ("centroid_error", "dtw_error", "missing_answer_rate"):
            assert value == 0.0, name
        elif name.startswith("trajectory_r") or name.startswith("icc_a1"):
            assert value == pytest.approx(1.0, abs=1e-9), name


def test_oracle_reports_score_as_references_against_themselves(tiny_phantom: Path, out: Path) -> None:
    pytest.importorskip("gazex_bench.metrics.report")
    from gazex_bench.tasks.report.scoring import score_report_task

    for task in ("mimic-report", "iu-report-zeroshot"):
        rec = _run(tiny_phantom, out, task, "oracle")
        t = build_task_registry().get(task)()
        data = t.load(tiny_phantom, split="all", limit=None)
        refs = [str(s.reference) for s in data.samples]
        best = score_report_task([s.sample_id for s in data.samples], refs, refs, t.text_convention, OPTS)
        for name, mv in best.metrics.items():
            assert _value(rec, name) == pytest.approx(mv.value, abs=1e-12), (task, name)
        assert _value(rec, "bleu4") == pytest.approx(1.0, abs=1e-6)
        assert _value(rec, "cider_d") == pytest.approx(10.0, abs=1e-6)


def test_random_is_near_chance(tiny_phantom: Path, out: Path) -> None:
    vqa = _run(tiny_phantom, out, "cxr-vqa", "random")
    # Every yes/no question offers both answers, so accuracy ~ Binomial(n, 0.5) / n: mean 0.5,
    # sd = sqrt(0.25 / n). Four sd either side is a band a fair coin leaves with p < 1e-4.
    n = vqa["metrics"]["accuracy_yes_no"]["n"]
    assert n >= 20
    assert abs(_value(vqa, "accuracy_yes_no") - 0.5) <= 4 * (0.25 / n) ** 0.5
    grounding = _run(tiny_phantom, out, "ms-cxr-grounding", "random")
    assert _value(grounding, "miou") < 0.3
    gaze = _run(tiny_phantom, out, "reflacx-gaze", "random")
    assert abs(_value(gaze, "icc_a1_x")) < 0.3 and abs(_value(gaze, "trajectory_r_x")) < 0.5


@pytest.mark.parametrize("model", BASELINES)
def test_each_baseline_runs_on_every_task_it_supports(tiny_phantom: Path, out: Path, model: str) -> None:
    adapters = build_adapter_registry(extra=[])
    caps = adapters.get(model).capabilities
    tasks = build_task_registry()
    ran = 0
    for name in BUILTIN_TASKS:
        if tasks.get(name).capability not in caps:
            continue
        if tasks.get(name).capability.value == "report":
            pytest.importorskip("gazex_bench.metrics.report")
        rec = _run(tiny_phantom, out, name, model)
        assert rec["predictions"]["n_errors"] == 0, (name, model)
        assert rec["metrics"][rec["primary_metric"]]["value"] is not None
        ran += 1
    assert ran >= 1

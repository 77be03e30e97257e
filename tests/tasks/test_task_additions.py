"""ms-cxr-grounding ``map``, report per-category table + paper-multiclass, nearest-report leave-one-out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gazex_bench.models.protocols import Example
from gazex_bench.models.registry import build_adapter_registry
from gazex_bench.models.types import Grounding, GroundingRequest, ReportRequest, Response, ScoredBox
from gazex_bench.runner.api import RunRequest, run
from gazex_bench.tasks.base import ScoreOptions, TaskData, TaskSample

OPTS = ScoreOptions(n_boot=20, meteor="nltk")


def _phrase(sid: str, gt: tuple[float, float, float, float]) -> TaskSample:
    req = GroundingRequest(sid, (Path("x.jpg"),), "effusion", (100, 100))
    return TaskSample(sid, req, Grounding(boxes=(ScoredBox(gt, 1.0),)))


def test_map_known_answer() -> None:
    from gazex_bench.tasks.ms_cxr_grounding import MsCxrGroundingTask

    # phrase a: prediction = GT → AP 1 at every IoU threshold 0.1..0.7 → 1.
    # phrase b: GT [0,0,10,10] (area 100), prediction [0,0,10,3.5] (area 35, inside GT) → IoU = 35/100 = 0.35:
    #   a TP at 0.1, 0.2, 0.3 (AP 1), a FP at 0.4..0.7 (AP 0) → mean over 7 thresholds = 3/7.
    # mAP = (1 + 3/7) / 2 = 5/7 (COCO rules per phrase, pycocotools-equivalent: metrics/grounding_ap.py).
    samples = (_phrase("a", (10, 10, 50, 50)), _phrase("b", (0, 0, 10, 10)))
    data = TaskData(samples, (), "ms-cxr", "test", 2, {})
    resp = {
        "a": Response("a", None, Grounding(boxes=(ScoredBox((10, 10, 50, 50), 0.9),))),
        "b": Response("b", None, Grounding(boxes=(ScoredBox((0, 0, 10, 3.5), 0.9),))),
    }
    res = MsCxrGroundingTask().score(data, resp, ScoreOptions(n_boot=50))
    assert res.per_sample["a"]["map"] == pytest.approx(1.0)
    assert res.per_sample["b"]["map"] == pytest.approx(3 / 7)
    assert res.metrics["map"].value == pytest.approx(5 / 7)
    assert res.metrics["map"].ci_method.startswith("percentile-bootstrap")


def _run(root: Path, out: Path, task: str, model: str) -> dict:
    res = run(
        RunRequest(task=task, model=model, data_root=root, split="all", out=out, quiet=True, score=OPTS),
        adapters=build_adapter_registry(extra=[]),
    )
    assert res.record is not None
    return {"record": res.record, "dir": res.run_dir}


def test_grounding_map_oracle_and_random(tiny_phantom: Path, tmp_path: Path) -> None:
    assert (
        _run(tiny_phantom, tmp_path, "ms-cxr-grounding", "oracle")["record"]["metrics"]["map"]["value"] == 1.0
    )
    assert (
        _run(tiny_phantom, tmp_path, "ms-cxr-grounding", "random")["record"]["metrics"]["map"]["value"] < 0.5
    )


def test_report_per_category_table_and_multiclass(tiny_phantom: Path, tmp_path: Path) -> None:
    got = _run(tiny_phantom, tmp_path, "iu-report-zeroshot", "oracle")
    m = got["record"]["metrics"]
    for part in ("precision", "recall", "f1", "accuracy"):
        assert m[f"ce_{part}_paper_multiclass"]["value"] == pytest.approx(1.0), (
            part
        )  # oracle: identical labels
    t = pd.read_csv(got["dir"] / "tables" / "clinical_per_category.csv")
    assert list(t.columns) == ["category", "precision", "recall", "f1", "support", "labeler"]
    assert len(t) == 14 and len(set(t["labeler"])) == 1 and t["labeler"][0].startswith("gazex-rules v")
    pos = t[t["support"] > 0]
    assert len(pos) and (pos["f1"] == 1.0).all()


def test_nearest_report_leave_one_out(tmp_path: Path) -> None:
    from PIL import Image

    from gazex_bench.models.baselines.nearest_report import NearestReportAdapter

    paths = []
    for i, v in enumerate((0, 128, 255)):
        p = tmp_path / f"{i}.png"
        Image.fromarray(np.full((8, 8), v, np.uint8) + np.arange(8, dtype=np.uint8)[None] * (i + 1)).save(p)
        paths.append(p)
    ad = NearestReportAdapter()
    ad.fit([Example(ReportRequest(f"train{i}", (p,)), f"report {i}") for i, p in enumerate(paths)])
    # the query has another id but the same image as train0: train0 must not be retrieved
    (resp,) = ad.generate_reports([ReportRequest("eval0", (paths[0],))])
    assert resp.error is None and resp.parsed != "report 0"


def test_reflacx_progress_respects_quiet(tiny_phantom: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gazex_bench.tasks.reflacx_gaze.task as rg

    seen: list[bool] = []
    real = rg.progress

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(kwargs.get("quiet", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(rg, "progress", spy)
    task = rg.ReflacxGazeTask()
    task.quiet = True
    task.load(tiny_phantom, split="all", limit=2)
    assert seen and all(seen)


def test_ls_metrics_lists_new_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    from gazex_bench.cli import main

    assert main(["ls"]) == 0
    out = capsys.readouterr().out
    for word in (
        "s1_icc_c1_x",
        "icc_c1_y",
        "auc_judd",
        "cosine",
        " map ",
        "ce_f1_paper_multiclass",
        "--task-arg radiologist_map",
    ):
        assert word in out, word


def test_reflacx_gaze_phases_option(tiny_phantom) -> None:  # noqa: ANN001
    import pytest as _pytest

    from gazex_bench.errors import UsageError
    from gazex_bench.tasks.registry import build_task_registry

    cls = build_task_registry().get("reflacx-gaze")
    data = cls(phases="2").load(tiny_phantom, split="all", limit=None)
    readings = {s.meta["reading_id"] for s in data.samples}
    assert readings and all(r.startswith("P2") for r in readings)
    assert data.dropped.get("phase_not_selected", 0) > 0
    with _pytest.raises(UsageError, match="phases"):
        cls(phases="7").load(tiny_phantom, split="all", limit=None)

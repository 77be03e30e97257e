"""Held-out-reader experiment (gazex_model.experiments.held_out_reader): plan, reference rows, statistics."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from gazex_bench.io import atomic_write_json
from gazex_bench.models.types import GazePrediction, GazeRequest, PredictedCluster
from gazex_bench.tasks.base import TaskSample
from gazex_model.experiments.effect_stats import jsonable
from gazex_model.experiments.gaze_effect import stage1_job
from gazex_model.experiments.held_out_reader import ALL, analyse, comparisons, plan_seed, values, without
from gazex_model.experiments.held_out_refs import center_bias_values, rescale, shuffled_values
from gazex_model.experiments.held_out_report import headline, rerender

DIAG = math.hypot(100.0, 100.0)  # a 400 x 400 image has a 100 x 100 quarter-scale frame


def _sample(sid: str, group: str, xy: tuple[float, float], size: tuple[int, int] = (400, 400)) -> TaskSample:
    req = GazeRequest(sid, (Path(f"{group}.png"),), size, finding="small left effusion .")
    ref = GazePrediction(clusters=(PredictedCluster(xy, None),))
    return TaskSample(
        sid, req, ref, group=group, meta={"kind": "finding", "reading_id": sid, "sentence_index": 0}
    )


def test_plan_differs_only_in_the_excluded_reader(tmp_path: Path) -> None:
    full, held = plan_seed(tmp_path, tmp_path / "ph", 2, 40, "rad3")
    # the all-reader model IS gaze_effect's informative stage-1 job (shared run, same DONE key)
    assert full == stage1_job(tmp_path, "gazex-informative", 2, 40)
    assert held["config"] == full["config"] and held["set"][: len(full["set"])] == full["set"]
    assert held["set"][len(full["set"]) :] == [
        f"data.radiologist_map={tmp_path / 'ph' / 'phantom_truth' / 'radiologists.csv'}",
        "data.exclude_radiologists=rad3",
    ]
    assert Path(held["out"]).parent.name == without("rad3") and "max_steps=40" in held["set"]


def test_reference_rows_known_answers() -> None:
    a, b = _sample("a", "img1", (10.0, 10.0)), _sample("b", "img2", (40.0, 50.0))
    # oracle answers: error 0; scored on the other image: |(10,10)-(40,50)| = 50 px -> 50 / 141.42 = 0.35355
    oracle = values([a, b], [a.reference, b.reference])  # type: ignore[list-item]
    assert oracle["centroid_error"] == {"a": 0.0, "b": 0.0} and oracle["missing_answer"]["a"] == 0.0
    shuf = shuffled_values([a, b], [a.reference, None])  # type: ignore[list-item]
    assert abs(shuf["centroid_error"]["a"] - 50.0 / DIAG) < 1e-12 and math.isnan(shuf["centroid_error"]["b"])
    # frame fractions carried over: (10, 10) of a 100 x 100 frame -> (20, 10) of a 200 x 100 frame
    wide = GazeRequest("w", (Path("w.png"),), (800, 400), finding="x")
    assert rescale(a.reference, a.request, wide).clusters[0].centroid == (20.0, 10.0)  # type: ignore[arg-type]
    # center-bias fitted on training centroids (20,20) and (40,40) of 100 x 100 frames -> (30,30);
    # against (10,10): sqrt(20^2 + 20^2) = 28.284 px / 141.42 = 0.2
    cb = center_bias_values([a], [_sample("t1", "t", (20.0, 20.0)), _sample("t2", "t", (40.0, 40.0))])
    assert abs(cb["centroid_error"]["a"] - 0.2) < 1e-9


def _per_seed(shift: float) -> dict:
    rng = np.random.default_rng(1)
    ids = [f"r{i}/s{j}" for i in range(6) for j in range(2)]
    out = {}
    for s in (0, 1, 2):
        base = {i: float(rng.uniform(0.05, 0.15)) for i in ids}
        arm = {m: dict(base) for m in ("centroid_error", "dtw_error")} | {
            "missing_answer": dict.fromkeys(ids, 0.0)
        }
        moved = {m: {i: v + shift for i, v in d.items()} for m, d in arm.items()}
        out[s] = {
            ALL: arm,
            without("rad5"): moved,
            f"shuffled:{ALL}": moved,
            f"shuffled:{without('rad5')}": moved,
        }
        out[s] |= {"center-bias": moved, "inter-radiologist": arm}
    return out, {i: i.split("/")[0] for i in ids}


def test_analysis_holm_and_conclusions(tmp_path: Path) -> None:
    per_seed, clusters = _per_seed(0.05)
    res = analyse(per_seed, clusters, "rad5", 400)
    comps = [c for m in ("centroid_error", "dtw_error") for c in res[m]["comparisons"]]
    assert [c["measures"] for c in res["centroid_error"]["comparisons"]] == [
        w for w, _, _ in comparisons("rad5")
    ]
    # 5 comparisons x 2 metrics, Holm over all 10; the held-out cost is +0.05 on every row (p floored at 1/400;
    # per metric 3 floored p-values (cost, all - center-bias, all - shuffled), 6 in all -> Holm 10 x 0.0025 = 0.025)
    assert len(comps) == 10 and all(c["m_holm"] == 10 for c in comps)
    cost = res["centroid_error"]["comparisons"][0]
    assert (
        abs(cost["diff"] - 0.05) < 1e-12 and cost["p_raw"] == 0.0025 and abs(cost["p_holm"] - 0.025) < 1e-12
    )
    meta = {"reader": "rad5", "seeds": [0, 1, 2], "steps": 2, "boot": 400, "n_samples": 12, "n_images": 6}
    meta |= {"n_test_finding_samples": 30, "seconds": 1.0, "command": "x"}
    text = "\n".join(headline(res, meta, 400))
    assert "farther from rad5's gaze" in text and "Inter-radiologist ceiling" in text
    # NaN (an unmatched inter-radiologist sample) survives the strict-JSON round trip the report is re-rendered from
    res["centroid_error"]["arms"]["inter-radiologist"]["per_seed"]["0"] = float("nan")
    atomic_write_json(tmp_path / "h.json", jsonable({"meta": meta, "results": res}))
    rerender(str(tmp_path / "h.json"), str(tmp_path / "h.md"))
    assert "Holm over all 10 comparisons" in (tmp_path / "h.md").read_text()
    same, _ = _per_seed(0.0)
    assert "made no difference" in "\n".join(headline(analyse(same, clusters, "rad5", 400), meta, 400))

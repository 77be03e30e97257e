"""Statistics of the known-truth experiment (gazex_model.experiments.gaze_effect) on hand-made scores."""

from __future__ import annotations

import numpy as np

from gazex_model.experiments.gaze_effect import (
    adjust,
    compare,
    controls_check,
    floor_p,
    fmt_p,
    plan_seed,
    sentence,
)


def _scores(shift: float) -> tuple[dict, dict]:
    """4 images x 2 phrases, 2 seeds; informative GazeX = no-gaze + shift on every row, decoupled = no-gaze."""
    rng = np.random.default_rng(0)
    ids = [f"img{i}/p{j}" for i in range(4) for j in range(2)]
    clusters = {i: i.split("/")[0] for i in ids}
    base = {s: {i: float(rng.uniform(0.2, 0.4)) for i in ids} for s in (0, 1)}
    return (
        {
            "gazex-informative": {s: {i: v + shift for i, v in base[s].items()} for s in base},
            "gazex-decoupled": base,
            "no-gaze": base,
        },
        clusters,
    )


def test_pooled_cluster_bootstrap_and_holm() -> None:
    scores, clusters = _scores(0.1)
    res = {"grounding": compare(scores, clusters, 200), "report": compare(scores, clusters, 200)}
    adjust(res, 200)
    pos, neg, sig = res["grounding"][1:]
    # a constant +0.1 on every row: the difference is 0.1 in every resample, so the CI is [0.1, 0.1] and no
    # resample reaches 0 -> raw p = 0 floored to 1/B = 0.005. Holm over the 6 p-values (0.005 x 4, 1.0 x 2):
    # the smallest gets 6 x 0.005 = 0.03, the next 5 x 0.005 = 0.025 -> running max 0.03, and so on
    assert pos["diff"] == np.float64(pos["ci95"][0]) and abs(pos["diff"] - 0.1) < 1e-12
    assert pos["p_raw"] == floor_p(0.0, 200) == 0.005 and pos["n_rows"] == 16 and pos["n_images"] == 4
    assert abs(pos["p_holm"] - 0.03) < 1e-12 and pos["reject_holm_0.05"]
    # identical systems: every resampled difference is 0 -> p = 1, CI [0, 0], no effect
    assert (
        neg["diff"] == 0.0
        and neg["ci95"] == [0.0, 0.0]
        and neg["p_holm"] == 1.0
        and not neg["reject_holm_0.05"]
    )
    assert sig["diff"] > 0 and "is better than" in sentence("grounding", "miou", pos, 200)
    assert "no difference" in sentence("grounding", "miou", neg, 200)
    assert controls_check(res).startswith("Negative control: on every task")
    assert fmt_p(0.005, 200) == "p < 1/200" and fmt_p(0.0123, 200) == "p = 0.012"


def test_failed_negative_control_is_flagged() -> None:
    scores, clusters = _scores(0.0)
    scores["gazex-decoupled"] = {s: {i: v + 0.05 for i, v in d.items()} for s, d in scores["no-gaze"].items()}
    res = {"grounding": compare(scores, clusters, 200)}
    adjust(res, 200)
    assert "FAILED" in controls_check(res)


def test_plan_gives_every_model_the_same_budgets(tmp_path) -> None:  # noqa: ANN001
    jobs = plan_seed(tmp_path, 1, 30, 10)
    flat = [j for js in jobs.values() for j in js]
    assert len(flat) == 9 and all("seed=1" in j["set"] for j in flat)
    assert sorted(j["set"][-1] for j in flat if j["out"].endswith("stage1")) == ["max_steps=30"] * 3
    assert all("max_steps=10" in j["set"] for j in flat if not j["out"].endswith("stage1"))

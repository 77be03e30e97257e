"""Design and statistics of the known-truth experiment (gazex_model.experiments.gaze_effect) on hand-made scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gazex_bench.metrics.stats import floor_p, fmt_p, mean_reducer, paired_bootstrap
from gazex_model.experiments.effect_stats import sign_flip_p, two_way_bootstrap
from gazex_model.experiments.gaze_effect import ARMS, COMPARISONS, REP_OFFSET, analyse, plan_seed
from gazex_model.experiments.gaze_effect_report import negative_check, power_check, sentence, write_report

IDS = [f"img{i}/p{j}" for i in range(6) for j in range(2)]
CLUSTERS = {i: i.split("/")[0] for i in IDS}


def _scores(shift: dict[str, float], seeds: tuple[int, ...] = (0, 1, 2)) -> dict:
    """Every arm = one common base + a constant per arm (so each difference is known exactly)."""
    rng = np.random.default_rng(0)
    base = {s: {i: float(rng.uniform(0.2, 0.4)) for i in IDS} for s in seeds}
    return {arm: {s: {i: v + shift.get(arm, 0.0) for i, v in base[s].items()} for s in seeds} for arm in ARMS}


def test_design_has_format_matched_controls() -> None:
    roles = {(r, a, b) for r, _, a, b in COMPARISONS}
    # the content question is informative vs decoupled (same objectives/format), the null is two exchangeable arms
    assert ("positive control", "gazex-informative", "gazex-decoupled") in roles
    assert ("negative control", "gazex-decoupled", "gazex-decoupled-rep") in roles
    assert ARMS["gazex-decoupled"][:2] == ARMS["gazex-decoupled-rep"][:2] and REP_OFFSET > 0
    assert ARMS["gazex-informative"][1] == ARMS["gazex-decoupled"][1] == "tiny.yaml"
    assert all(r != "negative control" or "no-gaze" not in (a, b) for r, a, b in roles)


def test_plan_gives_every_arm_the_same_budgets(tmp_path: Path) -> None:
    jobs = plan_seed(tmp_path, 1, 30, 10)
    flat = [j for js in jobs.values() for j in js]
    s1 = [j for j in flat if j["out"].endswith("stage1")]
    # 3 stage-1 arms (no-gaze has none) + 4 arms x 2 tasks of stage 2
    assert len(s1) == 3 and len(flat) == 11 and all("max_steps=30" in j["set"] for j in s1)
    assert all("max_steps=10" in j["set"] for j in flat if j not in s1)
    seeds = {Path(j["out"]).parent.name: j["set"][0] for j in flat}
    assert seeds["gazex-decoupled-rep"] == f"seed={1 + REP_OFFSET}" and seeds["gazex-informative"] == "seed=1"
    no_gaze = [j for j in flat if "/no-gaze/" in j["out"]]
    assert len(no_gaze) == 2 and all("model.init_from=null" in j["set"] for j in no_gaze)
    # informative and decoupled stage 1 differ in nothing but the phantom they read
    inf, dec = (
        next(j for j in jobs[s] if "gazex-" + s + "/stage1" in j["out"]) for s in ("informative", "decoupled")
    )
    assert inf["set"] == dec["set"] and inf["config"] == dec["config"]


def test_two_way_bootstrap_resamples_seeds() -> None:
    # per-seed differences +0.3, +0.3, -0.3 on every image: pooled diff 0.1. Images alone cannot move it (CI
    # [0.1, 0.1], p floored at 1/B). Resampling the 3 seeds: the mean of 3 draws is <= 0 when >= 2 draws are -0.3,
    # P = 3 (1/3)^2 (2/3) + (1/3)^3 = 7/27; >= 0 with P = 20/27 -> p = 2 x 7/27 = 14/27 = 0.519; the mean -0.3 has
    # P = 1/27 = 0.037 > 0.025 and 0.3 has 8/27 -> 95 % CI [-0.3, +0.3]
    b = 4000
    a = np.zeros((3, 12))
    bb = a - np.array([[0.3], [0.3], [-0.3]])
    c = two_way_bootstrap(a, bb, list(CLUSTERS.values()), b)
    assert abs(c["diff"] - 0.1) < 1e-12 and abs(c["p_raw"] - 14 / 27) < 0.04
    assert np.allclose(c["ci95"], [-0.3, 0.3]) and np.allclose(c["ci95_images_only"], [0.1, 0.1])
    assert c["p_images_only"] == 1 / b and c["n_seeds"] == 3 and c["n_images"] == 6


def test_one_seed_reduces_to_the_image_cluster_bootstrap() -> None:
    rng = np.random.default_rng(3)
    a, bb = rng.uniform(size=(1, 12)), rng.uniform(size=(1, 12))
    cl = list(CLUSTERS.values())
    c = two_way_bootstrap(a, bb, cl, 500, seed=1)
    ref = paired_bootstrap(a[0], bb[0], mean_reducer, n_resamples=500, seed=1, clusters=cl)
    assert np.allclose(c["ci95"], [ref.diff.low, ref.diff.high]) and abs(c["diff"] - ref.diff.value) < 1e-12
    assert c["p_raw"] == floor_p(ref.p_value, 500)


def test_analysis_holm_floor_and_conclusions(tmp_path: Path) -> None:
    b = 200
    sc = _scores({"gazex-informative": 0.1})
    res = analyse(
        {"grounding": sc, "report": _scores({})}, {"grounding": CLUSTERS, "report": CLUSTERS}, [0, 1, 2], b
    )
    comps = [c for r in res.values() for c in r["comparisons"]]
    assert len(comps) == 8 and all(c["m_holm"] == 8 for c in comps)
    pos = res["grounding"]["comparisons"][0]
    # a constant +0.1 on every row: every resample gives 0.1 -> raw p = 0 floored to 1/B = 0.005. Holm over the 8 p:
    # two of 0.005 (informative - decoupled, informative - no-gaze on grounding), six of 1.0 (identical arms)
    # -> smallest 8 x 0.005 = 0.04, next max(0.04, 7 x 0.005) = 0.04; the rest 1.0
    assert pos["role"] == "positive control" and abs(pos["diff"] - 0.1) < 1e-12
    assert (
        pos["p_raw"] == floor_p(0.0, b) == 0.005
        and abs(pos["p_holm"] - 0.04) < 1e-12
        and pos["reject_holm_0.05"]
    )
    neg = res["grounding"]["comparisons"][1]
    assert neg["diff"] == 0.0 and neg["ci95"] == [0.0, 0.0] and neg["p_holm"] == 1.0
    assert "is better than" in sentence("grounding", pos, b) and "no difference" in sentence(
        "grounding", neg, b
    )
    checks = negative_check(res)
    assert all("as it must" in x for x in checks)
    power = power_check(res, b)
    assert "detected" in power[0] and "did not detect an effect at this budget on report" in power[1]
    assert "underpowered" in power[1]
    assert fmt_p(0.005, 200) == "p < 1/200" and fmt_p(0.0123, 200) == "p = 0.012"
    meta = {
        "command": "x",
        "seeds": [0, 1, 2],
        "rep_offset": REP_OFFSET,
        "stage1_steps": 1,
        "stage2_steps": 1,
    }
    meta |= {"limit": 12, "boot": b, "seconds_scoring": 1.0, "training_seconds": {"seed0/a/stage1": 60.0}}
    write_report({"meta": meta, "results": res}, tmp_path / "r.md")
    text = (tmp_path / "r.md").read_text()
    assert (
        "Negative control" in text
        and "Holm-adjusted over all 8 comparisons" in text
        and "underpowered" in text
    )
    # limit 12 = the 12 samples: not "every" sample (that needs limit > test-set size); the budget estimate scales
    # the 60 s stage-1 run from 1 step to 1200: 60 x 1200 = 72,000 s = 20.0 h
    assert (
        "What was tried for power: the first 12 test samples" in text and "about 20.0 h of training" in text
    )


def test_failed_negative_control_is_flagged() -> None:
    # replicate arm shifted by a constant -> the null comparison is "significant": the report must say FAILED
    res = analyse({"grounding": _scores({"gazex-decoupled": 0.05})}, {"grounding": CLUSTERS}, [0, 1, 2], 200)
    assert "FAILED" in negative_check(res)[0]


def test_seed_level_sign_flip_check() -> None:
    # per-seed differences 1, 2, 3 (mean 2): of the 8 sign vectors only +++ and --- give |mean| >= 2 -> p = 2/8;
    # 0.3, 0.3, -0.3 (mean 0.1): every flip gives |mean| 0.1 or 0.3 >= 0.1 -> p = 1
    assert sign_flip_p([1.0, 2.0, 3.0]) == 0.25 and sign_flip_p([0.3, 0.3, -0.3]) == 1.0
    c = two_way_bootstrap(np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]), np.zeros((3, 2)), ["i", "j"], 100)
    assert c["per_seed_diff"] == [1.0, 2.0, 3.0] and c["p_seed_signflip"] == 0.25


def test_scored_before_matches_model_task_and_limit(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import json

    import gazex_model.experiments.gaze_effect as ge

    monkeypatch.setattr(
        ge, "model_fingerprint", lambda p: {"sha256": "abc" if Path(p).name == "m1" else "zzz"}
    )
    for name, task, limit, sha in (("a", "mimic-report", 64, "abc"), ("b", "mimic-report", 4, "abc")):
        d = tmp_path / f"{task}__gazex__{name}"
        d.mkdir()
        spec = {"task": task, "limit": limit, "model_key": {"model_sha256": sha}}
        (d / "spec.json").write_text(json.dumps(spec))
        (d / "scores.jsonl").write_text("")
    assert (
        ge.scored_before(tmp_path, "mimic-report", tmp_path / "m1", 64) == tmp_path / "mimic-report__gazex__a"
    )
    assert (
        ge.scored_before(tmp_path, "mimic-report", tmp_path / "m1", 4) == tmp_path / "mimic-report__gazex__b"
    )
    # another model (fingerprint), another task or a limit never scored: score afresh
    assert ge.scored_before(tmp_path, "mimic-report", tmp_path / "m2", 64) is None
    assert ge.scored_before(tmp_path, "ms-cxr-grounding", tmp_path / "m1", 64) is None
    assert ge.scored_before(tmp_path, "mimic-report", tmp_path / "m1", 32) is None


def test_images_only_difference_from_seed_variation_is_named() -> None:
    # informative - decoupled = +0.2, -0.2, +0.1 by seed on every image: resampling images alone gives a CI of
    # [0.0333, 0.0333] (the pooled mean, no image variation) -> "would have reported a difference"; the seeds
    # disagree in sign, so the report must call it run-to-run variation
    sc = _scores({})
    for s, d in zip((0, 1, 2), (0.2, -0.2, 0.1)):
        sc["gazex-informative"][s] = {i: v + d for i, v in sc["gazex-decoupled"][s].items()}
    res = analyse({"grounding": sc}, {"grounding": CLUSTERS}, [0, 1, 2], 400)
    text = "\n".join(power_check(res, 400))
    assert "resampling images only" in text and "run-to-run" in text and "underpowered" in text

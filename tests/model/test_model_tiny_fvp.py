"""Known answers for the tiny FVP experiment's scoring and statistics (hand-derived; no model needed)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from gazex_bench.metrics.stats import fmt_p, holm
from gazex_model.experiments import fvp_report
from gazex_model.experiments.fvp_report import comparison_table, lookup_paragraph, write_report
from gazex_model.experiments.fvp_stats import BOXES, GAZEX, LOOKUP, analyse, find
from gazex_model.experiments.fvp_truth import atypical_distances
from gazex_model.experiments.tiny_fvp import (
    TRAINED,
    VARIANTS,
    centroid_errors,
    one_reading_per_image,
    plan_jobs,
    reference_errors,
    trailing_mean,
    write_samples,
)
from gazex_model.parse import Parsed

B = 400  # bootstrap resamples in these tests (the floor is then 1/400 = 0.0025)


def _s(cx: float, cy: float, sentence: str, hw: tuple[int, int] = (100, 200)) -> Any:
    return SimpleNamespace(meta={"holistic_centroid": [cx, cy], "quarter_hw": list(hw), "sentence": sentence})


class _FakeModel:
    """Returns fixed parses in order (stands in for GazeXModel.decode_fvp)."""

    def __init__(self, parsed: list[Parsed]) -> None:
        self.parsed = parsed

    def decode_fvp(self, samples: list[Any], frames: list[tuple[float, float]]) -> list[tuple[None, Parsed]]:
        assert frames == [(200.0, 100.0)] * len(samples)  # (width, height) from quarter_hw = (h, w)
        return [(None, p) for p in self.parsed]


def _row(seed: int, sid: str, image: str, errors: dict[str, float], **extra: Any) -> dict[str, Any]:
    return {
        "seed": seed,
        "sample_id": sid,
        "reading_id": sid.split("/")[0],
        "image_id": image,
        "sentence": "s",
        "text_seen": True,
        "atypical_px": None,
        "errors": errors,
        "parsed": {m: True for m in errors if m.startswith("tiny")},
        "well_formed": {m: True for m in errors if m.startswith("tiny")},
        **extra,
    }


def _all_rows(
    shift: float = 3.0, n_img: int = 12, seeds: tuple[int, ...] = (0, 1, 2)
) -> list[dict[str, Any]]:
    """Every model and null; GazeX ``shift`` px better than every other row on every sample."""
    rng = np.random.default_rng(0)
    rows = []
    for seed in seeds:
        for i in range(n_img):
            for k in range(3):  # three sentences per image (two readings share the image)
                base = float(rng.uniform(5, 25))
                others = {m: base + shift for m in (BOXES, LOOKUP, "train-mean-centroid", "image-centre")}
                rows.append(
                    _row(
                        seed,
                        f"r{i}-{k % 2}/s{k}",
                        f"img{i}",
                        {GAZEX: base, **others},
                        atypical_px=float(k + i % 3),
                        text_seen=k != 2,
                    )
                )
    return rows


def test_centroid_errors_centre_fallback_and_clipping() -> None:
    test = [_s(10, 20, "a"), _s(100, 50, "b"), _s(190, 90, "c")]
    parsed = [
        Parsed(True, "fvp", "", {"centroid": (13.0, 24.0)}, complete=True),  # 3-4-5 triangle: 5 px
        Parsed(False, "fvp", "garbage"),  # image centre (100, 50): 0 px
        Parsed(True, "fvp", "", {"centroid": (500.0, 90.0)}, complete=False),
    ]  # clipped to x=200: 10 px
    errs, parsed_ok, complete = centroid_errors(_FakeModel(parsed), test)
    np.testing.assert_allclose(errs, [5.0, 0.0, 10.0])
    assert parsed_ok == [True, False, True] and complete == [True, False, False]


def test_reference_errors_by_hand() -> None:
    train = [
        _s(0, 0, "x"),
        _s(20, 0, "x"),
        _s(40, 30, "y"),
    ]  # overall mean (20, 10); "x" (10, 0); "y" (40, 30)
    test = [_s(10, 0, "x"), _s(40, 40, "z")]  # "z" unseen -> overall mean
    ref = reference_errors(test, train)
    np.testing.assert_allclose(ref["train-mean-centroid"], [np.hypot(10, 10), np.hypot(20, 30)])
    np.testing.assert_allclose(ref["train-sentence-mean-centroid"], [0.0, np.hypot(20, 30)])
    np.testing.assert_allclose(ref["image-centre"], [np.hypot(90, 50), np.hypot(60, 10)])  # centre (100, 50)


def test_atypical_distances_by_hand() -> None:
    # phrase "a": training findings at (0, 0) and (10, 0) -> typical (5, 0); "n" names no finding
    d = atypical_distances(
        ["a", "a", "b", "n"],
        [(8.0, 4.0), (5.0, 0.0), (1.0, 1.0), None],
        ["a", "a", "n"],
        [(0.0, 0.0), (10.0, 0.0), None],
    )
    assert d == [pytest.approx(5.0), pytest.approx(0.0), None, None]  # (3, 4) from (5, 0): 5 px; "b" unseen


def test_one_reading_per_image() -> None:
    # image A read by r2 and r1 (sorted: r1 first), image B by r3 only; r1 has two sentences
    test = [
        SimpleNamespace(sample_id=f"{r}/s{k}", meta={"reading_id": r})
        for r, k in (("r2", 0), ("r1", 0), ("r1", 1), ("r3", 0))
    ]
    images = {"r1": "A", "r2": "A", "r3": "B"}
    assert [s.sample_id for s in one_reading_per_image(test, images, 1)] == ["r1/s0", "r1/s1", "r3/s0"]
    assert one_reading_per_image(test, images, 0) == test


def test_baselines_kept_at_one_budget() -> None:
    assert {"tiny", "tiny-gaze-boxes", "tiny-no-gaze", "tiny-zero-shot"} <= set(VARIANTS)
    jobs = plan_jobs(Path("/r"), [0, 1, 2], 600, [])
    assert len(jobs) == 3 * len(VARIANTS)
    budgets = {Path(j["out"]).name: [x for x in j["set"] if x.startswith("max_steps")] for j in jobs}
    assert all(budgets[n] == ["max_steps=600"] for n in TRAINED) and budgets["tiny-zero-shot"] == []
    assert {x for j in jobs for x in j["set"] if x.startswith("seed=")} == {"seed=0", "seed=1", "seed=2"}
    stats = analyse(_all_rows(), B)
    pairs = {(c["subset"], c["a"], c["b"]) for c in stats["comparisons"]}
    assert {
        ("all", LOOKUP, GAZEX),
        ("all", BOXES, GAZEX),
        ("all", LOOKUP, BOXES),
        ("atypical", LOOKUP, GAZEX),
    } <= pairs
    table = "\n".join(comparison_table(stats))
    assert f"| all | {LOOKUP} - tiny |" in table and f"| all | {BOXES} - tiny |" in table


def test_p_floored_at_one_over_b_and_holm_over_all() -> None:
    stats = analyse(_all_rows(shift=3.0), B)
    c = find(stats, "all", LOOKUP, GAZEX)
    assert c is not None and c["diff"] == pytest.approx(3.0)
    assert c["p_raw"] == 1.0 / B  # every resample difference is +3: bootstrap p = 0, floored at 1/B
    raw = [x["p_raw"] for x in stats["comparisons"]]
    _, adj = holm(raw)  # Holm over ALL comparisons of the run: m = len(raw)
    assert [x["p_holm"] for x in stats["comparisons"]] == pytest.approx(list(adj))
    m = len(raw)
    assert m >= 8 and c["p_holm"] == pytest.approx(m / B)  # all floored: Holm multiplies the smallest by m
    assert fmt_p(1.0 / B, B) == f"p < 1/{B}" and fmt_p(0.0123, B) == "p = 0.012"
    text = "\n".join(comparison_table(stats))
    assert f"p < 1/{B}" in text and "p = 0.000" not in text


def test_resampling_unit_is_the_image_with_seeds_pooled() -> None:
    # Image i: seed 0 rows have lookup - GazeX = +d_i, seed 1 rows -d_i. When an image brings its rows of
    # both seeds, every resample's pooled difference is exactly 0 -> CI [0, 0]. Resampling rows, or
    # (seed, image) pairs, would give a CI of width ~ 2 * 1.96 * sd / sqrt(n) > 1 px here.
    rows = []
    for i in range(10):
        d = float(i + 1)
        for seed, sign in ((0, 1.0), (1, -1.0)):
            for k in range(4):
                rows.append(_row(seed, f"r{i}/s{k}", f"img{i}", {GAZEX: 10.0, LOOKUP: 10.0 + sign * d}))
    stats = analyse(rows, B)
    c = find(stats, "all", LOOKUP, GAZEX)
    assert c is not None and c["ci95"] == pytest.approx([0.0, 0.0], abs=1e-9)
    assert c["n_images"] == 10 and c["n_rows"] == 80
    assert c["per_seed"] == pytest.approx({"0": 5.5, "1": -5.5})  # mean of 1..10 = 5.5, per seed
    # two images, 200 rows each, constant within an image: resampling images gives means 0, 1 or 2 only
    two = [_row(0, f"r{k}/s0", "imgA", {GAZEX: 0.0, LOOKUP: 0.0}) for k in range(200)]
    two += [_row(0, f"q{k}/s0", "imgB", {GAZEX: 0.0, LOOKUP: 2.0}) for k in range(200)]
    c2 = find(analyse(two, B), "all", LOOKUP, GAZEX)
    assert c2 is not None and c2["ci95"] == pytest.approx([0.0, 2.0])  # row resampling: width < 0.3


def test_pooled_and_per_seed_means() -> None:
    rows = [
        _row(s, f"r{i}/s0", f"img{i}", {GAZEX: 2.0 * s + i, LOOKUP: 1.0}) for s in (0, 1, 2) for i in (0, 1)
    ]
    m = analyse(rows, B)["means"]["all"][GAZEX]
    # seed 0: (0 + 1) / 2 = 0.5; seed 1: (2 + 3) / 2 = 2.5; seed 2: 4.5; pooled over all 6 rows: 2.5
    assert m["per_seed"] == pytest.approx({"0": 0.5, "1": 2.5, "2": 4.5}) and m["mean"] == pytest.approx(2.5)


def test_row_scored_in_some_seeds_only() -> None:
    # tiny-no-gaze scored in seed 0 only: its mean and its comparison use the seed-0 rows alone
    rows = [_row(s, f"r{i}/s0", f"img{i}", {GAZEX: 1.0, LOOKUP: 2.0}) for s in (0, 1, 2) for i in range(4)]
    for r in rows[:4]:
        r["errors"]["tiny-no-gaze"], r["parsed"]["tiny-no-gaze"], r["well_formed"]["tiny-no-gaze"] = (
            5.0,
            False,
            False,
        )
    stats = analyse(rows, B)
    m = stats["means"]["all"]["tiny-no-gaze"]
    assert m["per_seed"] == {"0": 5.0} and m["n_rows"] == 4
    c = find(stats, "all", "tiny-no-gaze", GAZEX)
    assert c is not None and c["n_rows"] == 4 and c["diff"] == pytest.approx(4.0)
    assert stats["parse"]["tiny-no-gaze"] == {"parsed": 0, "well_formed": 0, "n": 4}
    assert find(stats, "all", LOOKUP, GAZEX)["n_rows"] == 12  # type: ignore[index]


def test_lookup_tie_sentences_and_rerun_from_jsonl(tmp_path: Path) -> None:
    rows = _all_rows(shift=0.0)  # GazeX equals every other row: a tie everywhere
    stats = analyse(rows, B)
    text = " ".join(lookup_paragraph(stats))
    assert (
        "GazeX **ties** the sentence-text lookup" in text
        and "is what the phrase -> typical-location map gives" in text
    )
    assert "No difference is shown" in text  # the atypical subset exists (rows carry atypical_px)
    write_samples(tmp_path / "s.jsonl", rows)
    rec = {
        "command": "cmd",
        "counts": {"train": {"fvp": 1}, "test": {"fvp": 36}},
        "runs": {},
        "samples_file": "s.jsonl",
    }
    (tmp_path / "fvp_eval.json").write_text(json.dumps({**rec, "stats": {"boot": B}}))
    assert fvp_report.main([str(tmp_path / "fvp_eval.json")]) == 0  # statistics re-run from the JSONL alone
    again = json.loads((tmp_path / "fvp_eval.json").read_text())
    assert [c["ci95"] for c in again["stats"]["comparisons"]] == [c["ci95"] for c in stats["comparisons"]]
    assert again["reanalysed_by"].endswith("fvp_report " + str(tmp_path / "fvp_eval.json"))
    md = (tmp_path / "fvp_eval.md").read_text()
    assert (
        "resampling unit is the **image**" in md and "Holm-adjusted over all" in md and "p = 0.000" not in md
    )
    write_report({**rec, "stats": stats}, tmp_path / "direct.md")
    assert "**ties** the sentence-text lookup" in (tmp_path / "direct.md").read_text()


def test_trailing_mean_by_hand() -> None:
    # w = 2: [1], [1, 3], [3, 5], [5, 7] -> 1, 2, 4, 6
    np.testing.assert_allclose(trailing_mean(np.array([1.0, 3.0, 5.0, 7.0]), 2), [1.0, 2.0, 4.0, 6.0])
    np.testing.assert_allclose(trailing_mean(np.array([4.0]), 25), [4.0])

"""The tolerant output parser: well-formed, truncated and garbage outputs never raise."""

from __future__ import annotations

import pytest

from gazex_model import prompts as P
from gazex_model.parse import map_points, parse_boxes, parse_fvp, parse_report, parse_seq, parse_vqa

GOOD = "visual clues : [(10,20)(40,60)(25,40),(50,10)(90,30)(70,20)] observation : [(10,10)(90,60)(50,35)]"


def test_fvp_target_format_is_gazex_exact() -> None:
    # narrow_box shrinks by 0.35 % (clusters) / 0.15 % (holistic) of the size and int-casts:
    # cluster (10,20,40,60): dx = 30*0.0035 = 0.105 -> 10.105 -> 10, 39.895 -> 39.
    s = P.fvp_target([((10, 20, 40, 60), (25.7, 40.2))], ((0, 0, 100, 80), (50, 40)))
    assert s == "visual clues : [(10,20)(39,59)(25,40)] observation : [(0,0)(99,79)(50,40)]"
    assert P.fvp_target([], ((0, 0, 100, 80), (50, 40))) == "observation : [(0,0)(99,79)(50,40)]"


def test_fvp_target_fixed3_zero_pads_and_parses_back() -> None:
    # Same boxes as above; fixed3 (ours, not GazeX) only zero-pads each int to 3 digits.
    s = P.fvp_target([((10, 20, 40, 60), (25.7, 40.2))], ((0, 0, 100, 80), (50, 40)), coord_format="fixed3")
    assert s == "visual clues : [(010,020)(039,059)(025,040)] observation : [(000,000)(099,079)(050,040)]"
    p = parse_fvp(s)
    assert p.ok and p.complete and p.value["centroid"] == (50.0, 40.0)
    assert p.value["clusters"] == [((10.0, 20.0, 39.0, 59.0), (25.0, 40.0))]
    with pytest.raises(ValueError):
        P.fvp_target([], ((0, 0, 1, 1), (0, 0)), coord_format="fixed4")


def test_fvp_target_norm100_known_answer_and_decode() -> None:
    # Same boxes as above on a 160 x 148 (w x h) quarter-scale image; norm100 (ours) writes
    # int(v / extent * 100) clipped to 0..99 with 2 digits. Hand derivation:
    # cluster box after narrowing (10.105, 20.14, 39.895, 59.86) -> 6.32, 13.61, 24.93, 40.45 -> 06 13 24 40;
    # centroid (25.7, 40.2) -> 16.06, 27.16 -> 16 27; holistic (0.15, 0.12, 99.85, 79.88) -> 00 00 62 53;
    # centroid (50, 40) -> 31.25, 27.03 -> 31 27.
    s = P.fvp_target(
        [((10, 20, 40, 60), (25.7, 40.2))], ((0, 0, 100, 80), (50, 40)), "norm100", (160.0, 148.0)
    )
    assert s == "visual clues : [(06,13)(24,40)(16,27)] observation : [(00,00)(62,53)(31,27)]"
    assert (
        P.box_text((0, 0, 500, 500), None, "norm100", (160.0, 148.0)) == "(00,00)(99,99)"
    )  # clipped to the grid
    # Decoding takes the bin centre: (31 + 0.5) * 160 / 100 = 50.4, (27 + 0.5) * 148 / 100 = 40.7.
    p = map_points(parse_fvp(s), lambda pt: P.decode_point(pt, "norm100", (160.0, 148.0)))
    assert p.value["centroid"] == pytest.approx((50.4, 40.7))
    assert p.value["observation"][0] == pytest.approx(
        (0.8, 0.74, 100.0, 79.18)
    )  # (0.5*1.6, 0.5*1.48, 62.5*1.6, 53.5*1.48)
    assert p.value["clusters"][0][1] == pytest.approx((26.4, 40.7))
    b = map_points(
        parse_boxes("boxes: [(10,10)(20,30)]"), lambda pt: P.decode_point(pt, "norm100", (100.0, 200.0))
    )
    assert b.value["boxes"] == [pytest.approx((10.5, 21.0, 20.5, 61.0))]
    assert P.decode_point((7, 9), "gazex", None) == (7.0, 9.0)  # pixel formats are the identity
    with pytest.raises(ValueError, match="frame"):
        P.fvp_target([], ((0, 0, 1, 1), (0, 0)), coord_format="norm100")


def test_fvp_parses_leading_zeros() -> None:
    # "(049,103)" -> (49.0, 103.0): leading zeros are plain decimal, not octal.
    p = parse_fvp("observation : [(010,020)(200,150)(049,103)]")
    assert p.ok and p.complete and p.value["centroid"] == (49.0, 103.0)
    assert parse_fvp("(049,103)").value["centroid"] == (49.0, 103.0)


def test_fvp_well_formed() -> None:
    p = parse_fvp(GOOD + "<|im_end|>")
    assert p.ok and p.complete
    assert p.value["observation"] == ((10.0, 10.0, 90.0, 60.0), (50.0, 35.0))
    assert [c for _, c in p.value["clusters"]] == [(25.0, 40.0), (70.0, 20.0)]
    assert p.value["centroid"] == (50.0, 35.0)


@pytest.mark.parametrize("cut", [30, 60, 75, 95])
def test_fvp_truncated_keeps_complete_parts(cut: int) -> None:
    p = parse_fvp(GOOD[:cut])
    assert not p.complete
    if p.ok:
        assert p.value["centroid"] is not None


def test_fvp_truncated_mid_observation_uses_last_cluster() -> None:
    p = parse_fvp(GOOD[: GOOD.index("observation") + 25])
    assert p.ok and p.value["observation"] is None
    assert p.value["centroid"] == (70.0, 20.0)


@pytest.mark.parametrize("text", ["", "the heart is normal .", "(((", None, 42, "observation : [(a,b)]"])
def test_fvp_garbage(text: object) -> None:
    p = parse_fvp(text)
    assert p.ok is False and p.error


def test_seq_forms() -> None:
    assert parse_seq("<seq>32145</seq>", 5).value["order"] == [3, 2, 1, 4, 5]
    p = parse_seq(P.sda_global_target([2, 1], "heart normal."))
    assert p.ok and p.complete and p.value["description"] == "heart normal."
    ten = list(range(10, 0, -1))
    assert parse_seq(P.seq_text(ten), 10).value["order"] == ten
    trunc = parse_seq("<seq>321")
    assert trunc.ok and not trunc.complete and trunc.value["order"] == [3, 2, 1]
    assert not parse_seq("<seq>3321</seq>", 4).ok
    assert not parse_seq("garbage").ok
    assert not parse_seq("<seq></seq>").ok


def test_report_vqa_boxes() -> None:
    assert parse_report(" heart  normal .<|im_end|>").value["text"] == "heart normal ."
    assert not parse_report("<|im_end|>").ok
    v = parse_vqa("Pleural Effusion, atelectasis.")
    assert v.value["phrases"] == ["pleural effusion", "atelectasis"]
    assert parse_vqa("pa view").value["answer"] == "PA view"
    b = parse_boxes(P.grounding_target([(1, 2, 3, 4), (5, 6, 7, 8)]))
    assert b.ok and b.complete and b.value["boxes"] == [(1, 2, 3, 4), (5, 6, 7, 8)]
    assert parse_boxes(GOOD).value["boxes"][0] == (10, 10, 90, 60)
    assert parse_boxes("boxes: [(1,2)(3,").value["boxes"] == []
    assert not parse_boxes("no idea").ok


def test_model_to_px_follows_the_runs_coord_format() -> None:
    from types import SimpleNamespace

    from gazex_model.infer import GazeXModel

    text = "observation : [(10,20)(50,60)(30,40)]"
    grid = SimpleNamespace(cfg=SimpleNamespace(data=SimpleNamespace(coord_format="norm100")))
    px = SimpleNamespace(cfg=SimpleNamespace(data=SimpleNamespace(coord_format="gazex")))
    # norm100 on a 200 x 100 (w x h) image: (30 + 0.5) * 2 = 61, (40 + 0.5) * 1 = 40.5
    assert GazeXModel.to_px(grid, parse_fvp(text), (200.0, 100.0)).value["centroid"] == pytest.approx(
        (61.0, 40.5)
    )
    assert GazeXModel.to_px(px, parse_fvp(text), (200.0, 100.0)).value["centroid"] == (30.0, 40.0)
    bad = parse_fvp("garbage")
    assert GazeXModel.to_px(grid, bad, (200.0, 100.0)) is bad  # failures pass through unchanged


def test_mbr_medoid_known_answer() -> None:
    from gazex_model.mbr import medoid_index

    # Summed distances to the other valid points: (0,0): 1 + 1 + 10 = 12; (1,0): 1 + sqrt(2) + 9 ~ 11.41;
    # (0,1): 1 + sqrt(2) + sqrt(101) ~ 12.46; (10,0): 10 + 9 + sqrt(101) ~ 29.05 -> (1,0), index 2.
    assert medoid_index([(0, 0), None, (1, 0), (0, 1), (10, 0)]) == 2
    assert medoid_index([None, (5, 5)]) == 1  # the only valid candidate
    assert medoid_index([None, None]) is None
    assert medoid_index([(0, 0), (2, 0)]) == 0  # tie -> first


def test_inspection_prompt_is_the_report_prompt_the_run_trained() -> None:
    """The trajectory's report uses the prompt setting 1 uses (GazeXModel.report_prompt) when the run trained
    a report objective (plain report, else GTM image->report); GazeX's inspection prompt otherwise."""
    from types import SimpleNamespace

    from gazex_model import prompts as P
    from gazex_model.config import ObjectiveWeights
    from gazex_model.infer import GazeXModel

    def model(method: str, **weights: float) -> SimpleNamespace:
        m = SimpleNamespace(cfg=SimpleNamespace(method=method, objectives=ObjectiveWeights(**weights)))
        m._trained_on = lambda o: GazeXModel._trained_on(m, o)
        m.report_prompt = lambda: GazeXModel.report_prompt(m)
        return m

    none = dict(fvp=0.0, gtm=0.0, sda=0.0, report=0.0)
    cases = [
        (model("lora", **{**none, "fvp": 1.0, "report": 1.0}), P.REPORT),  # the gaze fine-tune
        (model("full", **{**none, "fvp": 4.0, "gtm": 1.0, "sda": 1.0}), P.GTM_IMAGE_REPORT),  # GazeX stage 1
        (model("full", **{**none, "fvp": 1.0}), P.INSPECT),  # gaze-boxes stage 1: no report prompt trained
        (model("none", **{**none, "report": 1.0}), P.INSPECT),  # zero-shot: nothing trained
    ]
    for m, expected in cases:
        assert GazeXModel.inspection_prompt(m) == expected
        if expected != P.INSPECT:
            assert GazeXModel.report_prompt(m) == expected  # trajectory and setting 1 follow one report

"""The tolerant output parser: well-formed, truncated and garbage outputs never raise."""

from __future__ import annotations

import pytest

from gazex_model import prompts as P
from gazex_model.parse import parse_boxes, parse_fvp, parse_report, parse_seq, parse_vqa

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

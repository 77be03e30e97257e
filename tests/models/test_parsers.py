"""Answer parsers: documented rules, one example each."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazex_bench.models.parsers import parse_gaze, parse_grounding, parse_report, parse_vqa
from gazex_bench.models.types import GazeRequest


def test_report_and_vqa() -> None:
    assert parse_report("  Findings:  The heart\n is normal. ") == "The heart is normal."
    assert parse_vqa("Answer: Left lower lobe.\nbecause ...") == "Left lower lobe"
    assert parse_vqa("") == ""


def test_grounding_norm1000_to_pixels() -> None:
    # (100,200),(300,400) on a 2000x1000 image: x*2, y*1 -> (200,200,600,400)
    g = parse_grounding("<|box_start|>(300,200),(100,400)<|box_end|> and (0,0)(10,10)", (2000, 1000))
    assert g is not None
    assert g.boxes[0].box == (200.0, 200.0, 600.0, 400.0) and g.boxes[0].score == 1.0
    assert g.boxes[1].box == (0.0, 0.0, 20.0, 10.0) and g.boxes[1].score == 0.5


def test_grounding_list_form_and_nothing() -> None:
    g = parse_grounding("box [10, 20, 30, 40]", (100, 100), coords="pixel")
    assert g is not None and g.boxes[0].box == (10.0, 20.0, 30.0, 40.0)
    assert parse_grounding("no idea", (100, 100)) is None


@pytest.mark.parametrize("coords,expected", [("quarter", (5.0, 6.0)), ("pixel", (1.25, 1.5))])
def test_gaze_gazex_format(coords: str, expected: tuple[float, float]) -> None:
    req = GazeRequest("s", (Path("x.png"),), (400, 400), finding="effusion .")
    text = "visual clues : [(1,2)(9,10)(5,6),(3,3)(4,4)(3,4)] observation : [(0,0)(20,20)(10,10)]"
    g = parse_gaze(text, req, coords=coords)
    assert g is not None and len(g.clusters) == 2 and g.clusters[0].centroid == expected
    only_obs = parse_gaze("observation : [(0,0)(20,20)(10,10)]", req, coords="quarter")
    assert only_obs is not None and only_obs.clusters[0].centroid == (10.0, 10.0)


def test_gaze_trajectory_points() -> None:
    req = GazeRequest("s", (Path("x.png"),), (4000, 2000))
    g = parse_gaze("(500,500) then (1000,0)", req, coords="norm1000")
    # quarter frame is 1000x500: 500/1000*1000 = 500, 500/1000*500 = 250
    assert g is not None and g.points == ((500.0, 250.0), (1000.0, 0.0))

"""Majority-vote findings (GazeX compare_gazex_radiologists_examination.py, threshold 2)."""

from __future__ import annotations

from gazex_bench.gaze.majority import majority_reference, majority_vote_table


def test_hand_example() -> None:
    # Image P101: r1 {A,B}, r2 {A,C}, r3 {B,D}; votes A=2, B=2, C=1, D=1 -> reference {A,B}.
    readings = {"P101R000001": {"A", "B"}, "P101R000002": {"A", "C"}, "P101R000003": {"B", "D"}}
    assert majority_reference(readings.values()) == {"A", "B"}
    per, summ = majority_vote_table(readings, {"m": {"P101": {"A", "E"}}})
    got = {r.source: (r.TP, r.FN, r.FP) for r in per.itertuples()}
    # r1: TP 2; r2: TP A, FN B, FP C; r3: TP B, FN A, FP D; model: TP A, FN B, FP E.
    assert got == {
        "Radiologist_1": (2, 0, 0),
        "Radiologist_2": (1, 1, 1),
        "Radiologist_3": (1, 1, 1),
        "model:m": (1, 1, 1),
    }
    s = summ.set_index("source")
    assert s.loc["model:m", "precision"] == 0.5 and s.loc["Radiologist_1", "f1"] == 1.0


def test_exclude_self_and_identities() -> None:
    readings = {"P101R000001": {"A", "B"}, "P101R000002": {"A", "C"}, "P101R000003": {"B", "D"}}
    per, _ = majority_vote_table(readings, exclude_self=True, radiologist={"P101R000001": "rA"})
    row = per.set_index("reading_id").loc["P101R000001"]
    # Others {A,C},{B,D} have no label with 2 votes -> reference {} -> r1's A, B are FPs.
    assert (row.source, row.TP, row.FN, row.FP) == ("rA", 0, 0, 2)

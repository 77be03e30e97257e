"""Truth file: dataclasses round-trip through write_truth / load_truth; bad files fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazex_bench.errors import DataFormatError
from gazex_bench.phantom.truth import (
    PhantomTruth,
    TruthFinding,
    TruthImage,
    TruthReading,
    TruthSample,
    TruthSentence,
    load_truth,
    write_truth,
)


def _toy() -> PhantomTruth:
    f = TruthFinding(
        "d1/f0",
        "pleural_effusion",
        "Pleural Effusion",
        "left",
        "lower",
        "mild",
        "layering",
        True,
        (10, 20, 30, 40),
        (20.0, 30.5),
        ((1, 2, 3, 4),),
    )
    im = TruthImage(
        "d1",
        "mimic-cxr",
        "10000001",
        "50000001",
        512,
        528,
        "PA",
        "train",
        (f,),
        (5, 6, 500, 520),
        {"heart": (100, 200, 300, 400)},
    )
    r = TruthReading(
        "P102R000001",
        "rad3",
        "d1",
        1,
        False,
        (
            TruthSentence(0, "small left pleural effusion.", "d1/f0", 3.25, 4.5),
            TruthSentence(1, "no pneumothorax.", None, 5.0, 5.75),
        ),
        ("trachea", "d1/f0"),
        (),
    )
    s = TruthSample("mimic-cxr", "d1", ("d1",), ("d1/f0",), ("pleural_effusion",), False)
    return PhantomTruth(7, "tiny", {"d1": im}, {r.reading_id: r}, {"mimic-cxr/d1": s})


def test_truth_round_trip(tmp_path: Path) -> None:
    truth = _toy()
    tdir = write_truth(tmp_path, truth)
    assert load_truth(tmp_path) == truth
    assert load_truth(tdir) == truth  # the phantom_truth folder itself is accepted too
    assert (tdir / "radiologists.csv").read_text() == "reading_id,radiologist\nP102R000001,rad3\n"
    assert truth.findings_by_id()["d1/f0"].side == "left"
    assert truth.radiologists == {"P102R000001": "rad3"}


def test_truth_missing_and_wrong_format(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="not found"):
        load_truth(tmp_path)
    (tmp_path / "phantom_truth").mkdir()
    (tmp_path / "phantom_truth" / "truth.json").write_text('{"format": "other"}')
    with pytest.raises(DataFormatError, match="not a phantom truth file"):
        load_truth(tmp_path)

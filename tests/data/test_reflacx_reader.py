"""REFLACX reader on the hand-written fixture (tests/fixtures/data_root/reflacx-xray-localization/1.0.0).

Expected values below are read off the fixture files by hand.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from gazex_bench.data.reflacx import image_groups, read_gaze, read_radiologist_map, read_reflacx
from gazex_bench.errors import DataFormatError, UsageError

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "data_root" / "reflacx-xray-localization" / "1.0.0"


@pytest.fixture(scope="module")
def result():
    return read_reflacx(ROOT)


def _by_id(result, rid):
    return next(r for r in result.records if r.reading_id == rid)


def test_fixture_really_uses_crlf() -> None:
    raw = (ROOT / "main_data" / "P102R108387" / "fixations.csv").read_bytes()
    assert raw.count(b"\r\n") == 5 and b"\n" not in raw.replace(b"\r\n", b"")
    assert not (ROOT / "main_data" / "P102R108387" / "transcription.txt").read_bytes().endswith(b"\n")


def test_counts(result) -> None:
    assert [r.reading_id for r in result.records] == [
        "P102R108387",
        "P102R224466",
        "P300R169761",
        "P300R081391",
    ]
    assert result.stats["phase_1"] == 2 and result.stats["phase_3"] == 2
    assert result.stats["discarded"] == 1
    assert result.stats["fixations"] == 4 + 2 + 3
    assert not result.skipped


def test_metadata_fields(result) -> None:
    r = _by_id(result, "P102R108387")
    assert (r.phase, r.split, r.discarded) == (1, "train", False)
    assert r.study_id == "58821758" and r.subject_id == "18004941"
    assert r.dicom_id == "0a1b2c3d-11111111-22222222-33333333-44444444"
    assert (r.image_width, r.image_height) == (2544, 3056)
    assert r.certainty["Consolidation"] == 3 and r.certainty["Pleural effusion"] == 5
    assert "Other" not in r.certainty and "Support devices" not in r.certainty
    assert r.flags == {"Quality issue": False, "Support devices": True}
    assert r.other == ()  # empty Other column
    assert _by_id(result, "P102R224466").other == ("granuloma", "scoliosis")
    p3 = _by_id(result, "P300R169761")
    assert (
        set(p3.flags) == {"Support devices"} and len(p3.certainty) == 14
    )  # 16 labels - Other - Support devices


def test_per_reading_files(result) -> None:
    r = _by_id(result, "P102R108387")
    assert r.chest_box is not None and (r.chest_box.xmin, r.chest_box.ymax) == (180.0, 2800.0)
    assert len(r.ellipses) == 1
    e = r.ellipses[0]
    assert e.certainty == 5 and e.labels == ("Pleural effusion",) and e.box.center == (1850.0, 2050.0)
    assert r.transcription == "small right pleural effusion, likely. no pneumothorax."
    fx = r.fixations
    assert fx is not None and len(fx) == 4
    np.testing.assert_allclose(fx.t_start_s, [-0.12, 0.262, 0.701, 1.4])
    np.testing.assert_allclose(fx.duration_s, [0.33, 0.393, 0.641, 0.21], atol=1e-9)
    assert fx.shown_box.shape == (4, 4) and fx.screen_box[0].tolist() == [1000, 0, 2798, 2160]
    assert fx.window_width[3] == 0.9
    assert r.gaze_path == ROOT / "gaze_data" / "P102R108387" / "gaze.csv"
    assert _by_id(result, "P102R224466").ellipses == ()  # header-only file


def test_sentences(result) -> None:
    r = _by_id(result, "P102R108387")
    assert [s.text for s in r.sentences] == ["small right pleural effusion , likely .", "no pneumothorax ."]
    # the quoted "," token survives csv parsing; the GazeX identity holds
    assert r.transcription.replace(".", " .").replace(",", " ,") == " ".join(w.word for w in r.words)
    assert (r.sentences[0].t_start_s, r.sentences[0].t_end_s) == (0.35, 2.02)
    assert (r.sentences[1].index, r.sentences[1].t_start_s, r.sentences[1].t_end_s) == (1, 2.5, 3.31)
    # trailing tokens without a final '.' form a last sentence that does not end with ' .'
    assert [s.text for s in _by_id(result, "P102R224466").sentences] == ["no pneumothorax .", "heart normal"]


def test_discarded_reading(result) -> None:
    r = _by_id(result, "P300R081391")
    assert r.discarded and r.fixations is None and r.gaze_path is None
    assert r.words == () and r.sentences == () and r.transcription is None
    assert r.chest_box is not None and r.ellipses == ()
    with pytest.raises(DataFormatError, match="discarded"):
        read_gaze(r)


def test_image_groups(result) -> None:
    groups = image_groups(result.records)
    assert sorted(len(v) for v in groups.values()) == [1, 1, 2]
    assert [r.reading_id for r in groups["P102"]] == ["P102R108387", "P102R224466"]
    assert _by_id(result, "P300R169761").image_group == "02aa804e-bde0afdd-112c0b34-7bc16630-4e384014"


def test_gaze_blink_row_dropped_and_counted(result) -> None:
    g = read_gaze(_by_id(result, "P102R108387"))
    assert len(g) == 4 and g.n_missing == 1
    np.testing.assert_allclose(g.t_s, [0.0, 0.001, 0.003, 0.004])
    assert g.x_px.tolist() == [1268, 1269, 1272, 1850]
    same = read_gaze(ROOT / "gaze_data" / "P102R108387" / "gaze.csv")
    assert same.n_missing == 1 and len(same) == 4


def test_lf_line_endings_read_the_same(tmp_path: Path, result) -> None:
    copy = tmp_path / "reflacx"
    shutil.copytree(ROOT, copy)
    for f in copy.rglob("*.csv"):
        f.write_bytes(f.read_bytes().replace(b"\r\n", b"\n"))
    lf = read_reflacx(copy)
    for a, b in zip(result.records, lf.records):
        assert (a.reading_id, a.sentences, a.certainty, a.other) == (
            b.reading_id,
            b.sentences,
            b.certainty,
            b.other,
        )
        if a.fixations is not None:
            np.testing.assert_array_equal(a.fixations.x_px, b.fixations.x_px)


def test_options_and_orphans(tmp_path: Path) -> None:
    light = read_reflacx(ROOT, load_fixations=False, phases=(3,))
    assert [r.reading_id for r in light.records] == ["P300R169761", "P300R081391"]
    assert all(r.fixations is None for r in light.records)
    copy = tmp_path / "reflacx"
    shutil.copytree(ROOT, copy)
    (copy / "main_data" / "P300R999999").mkdir()
    assert read_reflacx(copy).skipped["folder_not_in_metadata"] == 1
    with pytest.raises(UsageError):
        read_reflacx(ROOT, phases=(4,))


def test_radiologist_map(tmp_path: Path) -> None:
    m = tmp_path / "rads.csv"
    m.write_text("reading_id,radiologist\nP102R108387,user1\nP102R224466,user2\n")
    assert read_radiologist_map(m) == {"P102R108387": "user1", "P102R224466": "user2"}
    res = read_reflacx(ROOT, radiologist_map=m, load_fixations=False)
    assert [r.radiologist for r in res.records] == ["user1", "user2", None, None]
    m.write_text("reading_id,radiologist\nP102R108387,user1\nP102R108387,user2\n")
    with pytest.raises(DataFormatError, match="duplicate"):
        read_radiologist_map(m)

"""Sentence windows, off-image counting, trimming, skip counts, determinism, JSONL round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from preprocess_builders import make_fixations, make_reading, make_samples, make_sentence

from gazex_bench.errors import UsageError
from gazex_bench.gaze.findings_io import read_findings_jsonl, write_findings_jsonl
from gazex_bench.gaze.preprocess import is_normal_statement, preprocess_dataset, preprocess_reading
from gazex_bench.gaze.presets import GAZEX_CODE, PAPER, get_preset

MENTION = 20.0


def _reading_with_fixation_at(dt: float) -> object:
    # One fixation dt seconds after the mention (sentence start at t = 20 s), 800x800 image.
    fx = make_fixations([(MENTION + dt, MENTION + dt + 0.2, 400.0, 400.0, 60.0)])
    return make_reading(fx, [make_sentence(0, "left effusion .", MENTION, MENTION + 1.0)])


@pytest.mark.parametrize(("dt", "n"), [(-2.6, 0), (-2.4, 1), (-0.1, 1), (0.5, 0)])
def test_paper_window_is_2_5_s_before_the_mention(dt: float, n: int) -> None:
    # paper: fixation start in [mention - 2.5 s, mention]; -2.6 excluded, -2.4 included.
    (f,) = preprocess_reading(_reading_with_fixation_at(dt), PAPER)
    assert f.window == (17.5, 20.0) and f.n_points == n
    assert (f.holistic is not None) == (n == 1)


def test_gazex_window_runs_from_2_s_before_start_to_sentence_end() -> None:
    t = np.array([17.9, 18.1, 20.5, 21.0, 21.1])
    g = make_samples(t, np.full(5, 400.0), np.full(5, 400.0), 60.0)
    reading = _reading_with_fixation_at(0.0)
    (f,) = preprocess_reading(reading, get_preset("gazex-code", percentile_trim=None), gaze=g)
    assert f.window == (18.0, 21.0) and f.n_points == 3


def test_off_image_fixations_are_counted_not_drawn() -> None:
    # 800x800 image -> 200x200 quarter map; x = 805 px -> 201.25 > 200: off image.
    rows = [
        (19.0, 19.2, 400.0, 400.0, 60.0),
        (19.2, 19.4, 805.0, 400.0, 60.0),
        (19.4, 19.6, 400.0, -3.0, 60.0),
    ]
    reading = make_reading(make_fixations(rows), [make_sentence(0, "left effusion .", MENTION, 21.0)])
    (f,) = preprocess_reading(reading, PAPER)
    assert (f.n_points, f.n_off_image) == (1, 2)
    res = preprocess_dataset([reading], PAPER)
    assert res.stats["points_off_image"] == 2


def test_all_off_image_sentence_is_skipped_with_reason() -> None:
    rows = [(19.0, 19.2, 900.0, 400.0, 60.0)]
    reading = make_reading(make_fixations(rows), [make_sentence(0, "left effusion .", MENTION, 21.0)])
    res = preprocess_dataset([reading], PAPER)
    assert res.records == () and res.skipped["sentence:all_off_image"] == 1
    assert len(preprocess_dataset([reading], PAPER, keep_empty=True).records) == 1


def test_percentile_trimming_drops_outliers_gazex() -> None:
    # 100 samples at x = 400 plus 3 far outliers on each side (6 % of 103 > 5 %): the 5-95 %
    # trim of x removes the outliers (np.percentile linear interpolation, inclusive bounds).
    x = np.concatenate([np.full(100, 400.0), [10.0, 20.0, 30.0, 780.0, 790.0, 795.0]])
    t = np.linspace(19.0, 20.5, x.size)
    g = make_samples(t, x, np.full(x.size, 400.0), 60.0)
    (f,) = preprocess_reading(_reading_with_fixation_at(0.0), GAZEX_CODE, gaze=g)
    assert f.n_points == 100
    (u,) = preprocess_reading(
        _reading_with_fixation_at(0.0), get_preset("gazex-code", percentile_trim=None), gaze=g
    )
    assert u.n_points == 106


def _dataset() -> list:
    rng = np.random.default_rng(4)
    readings = []
    for k in range(6):
        rows = [(t, t + 0.25, 200 + 400 * (t > 14) + rng.normal(0, 15), 300 + rng.normal(0, 15), 60.0)
                for t in np.arange(10.0, 18.0, 0.3)]  # fmt: skip
        sents = [make_sentence(0, "no pneumothorax .", 12.0, 13.0), make_sentence(1, "left effusion .", 16.5, 18.0),
                 make_sentence(2, "heart size is normal .", 40.0, 41.0)]  # fmt: skip
        readings.append(make_reading(make_fixations(rows), sents, reading_id=f"P300R00000{k}"))
    readings.append(make_reading(None, [], reading_id="P300R000009", discarded=True))
    readings.append(make_reading(None, [make_sentence(0, "x .", 1.0, 2.0)], reading_id="P300R000010"))
    return readings


def test_dataset_skip_counts_workers_and_determinism() -> None:
    readings = _dataset()
    one = preprocess_dataset(readings, PAPER)
    assert one.skipped["reading:discarded"] == 1 and one.skipped["reading:no_fixations"] == 1
    assert one.skipped["sentence:empty_window"] == 6  # sentence 2 at t = 40 s has no fixations
    assert len(one.records) == 12 and one.stats["readings"] == 8
    two = preprocess_dataset(readings, PAPER, workers=2)
    assert two.records == one.records and two.skipped == one.skipped and two.stats == one.stats
    assert preprocess_dataset(readings, PAPER).records == one.records  # deterministic


def test_abnormal_sentence_filter() -> None:
    assert is_normal_statement("no pneumothorax .") and is_normal_statement("heart size is normal .")
    assert not is_normal_statement("left effusion .") and not is_normal_statement(
        "nodule in the right lung ."
    )
    res = preprocess_dataset(_dataset(), PAPER, sentences="abnormal")
    assert res.skipped["sentence:filtered_normal"] == 12
    assert {f.sentence for f in res.records} == {"left effusion ."}


def test_jsonl_round_trip(tmp_path: Path) -> None:
    records = preprocess_dataset(_dataset(), PAPER, keep_empty=True).records
    path = write_findings_jsonl(tmp_path / "f.jsonl", records, preset="paper", frame="continuous")
    assert tuple(read_findings_jsonl(path)) == records


def test_bad_arguments() -> None:
    with pytest.raises(UsageError):
        get_preset("nope")
    with pytest.raises(UsageError):
        get_preset("paper", percentile_trim=(95.0, 5.0))
    with pytest.raises(UsageError):
        preprocess_reading(_reading_with_fixation_at(-1.0), PAPER, sentences="some")

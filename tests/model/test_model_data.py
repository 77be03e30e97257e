"""Sample building from gaze records, SDA orders, and the paper's split scaled down."""

from __future__ import annotations

from collections import Counter

import numpy as np

from gazex_bench.data.records import ReflacxReading, Sentence
from gazex_bench.gaze.types import FindingGaze, GazeCluster
from gazex_model.data import ReadingInput, SampleOptions, reading_samples
from gazex_model.parse import parse_fvp, parse_seq
from gazex_model.split import make_split, scaled_phase3_test


def _reading(rid: str, phase: int = 3, discarded: bool = False, n_sent: int = 3) -> ReflacxReading:
    sents = tuple(Sentence(i, f"finding number {i} .", float(i), i + 0.9, ()) for i in range(n_sent))
    return ReflacxReading(
        reading_id=rid, phase=phase, split="train", discarded=discarded, image="x.dcm", dicom_id="d" + rid,
        subject_id="10000001", study_id="50000001", image_width=400, image_height=480, certainty={}, flags={},
        other=(), chest_box=None, ellipses=(), transcription="finding number 0. finding number 1.", words=(),
        sentences=sents, fixations=None, gaze_path=None,
    )  # fmt: skip


def _cluster(k: int, cx: float, cy: float) -> GazeCluster:
    return GazeCluster(k, (cx, cy), (cx - 10, cy - 8, cx + 10, cy + 8), float(k), 12)


def _finding(i: int, clusters: list[GazeCluster], hol: GazeCluster | None) -> FindingGaze:
    return FindingGaze("P300R1", i, f"finding number {i} .", float(i), i + 0.9, (i - 2.0, i + 0.9),
                       tuple(clusters), hol, 30, 0)  # fmt: skip


def _input() -> ReadingInput:
    img = (np.arange(120 * 100) % 251).astype(np.uint8).reshape(120, 100)
    f0 = _finding(0, [_cluster(0, 20, 30), _cluster(1, 70, 90), _cluster(2, 50, 50)], _cluster(-1, 45, 55))
    f1 = _finding(1, [], _cluster(-1, 60, 40))
    f2 = _finding(2, [], None)
    return ReadingInput(_reading("P300R1"), img, (f0, f1, f2))


def test_fvp_samples_from_gaze_records() -> None:
    skips: Counter[str] = Counter()
    pools = reading_samples(_input(), SampleOptions(image_side=56, frame_side=56, max_frames=8), skips)
    fvp = pools["fvp"]
    assert [s.task for s in fvp] == ["fvp", "fvp_no_clusters"]  # finding 2 has no gaze -> no sample
    # cluster 0 box (10,22,30,38) shrinks by 0.35 % -> (10.07,22.056,29.93,37.944) -> ints (10,22)(29,37)
    assert fvp[0].target.startswith("visual clues : [(10,22)(29,37)(20,30),(60,82)(79,97)(70,90),")
    assert fvp[0].target.endswith("] observation : [(35,47)(54,62)(45,55)]")
    assert fvp[1].target == "observation : [(50,32)(69,47)(60,40)]"
    assert parse_fvp(fvp[0].target).value["centroid"] == (45.0, 55.0)
    assert fvp[0].image.shape == (56, 56) or fvp[0].image.shape[0] % 28 == 0
    assert "'finding number 0 .'" in fvp[0].prompt


def test_gtm_and_sda_samples() -> None:
    pools = reading_samples(_input(), SampleOptions(image_side=56, frame_side=56, max_frames=8))
    tasks = Counter(s.task for v in pools.values() for s in v)
    assert tasks == Counter({"fvp": 1, "fvp_no_clusters": 1, "gtm_image_report": 1, "gtm_video_report": 1,
                             "gtm_clip_sentence": 1, "sda_global": 1, "sda_clip": 1, "report": 1})  # fmt: skip
    video_report = next(s for s in pools["gtm"] if s.task == "gtm_video_report")
    # 3 cluster frames + holistic of finding 0, holistic of finding 1 -> 5 frames
    assert video_report.video.shape[0] == 5 and "contains 5 frames" in video_report.prompt
    assert video_report.target == "finding number 0 . finding number 1 . finding number 2 ."
    clip = next(s for s in pools["gtm"] if s.task == "gtm_clip_sentence")
    sda = next(s for s in pools["sda"] if s.task == "sda_clip")
    order = parse_seq(sda.target, 4).value["order"]
    assert sorted(order) == [1, 2, 3, 4] and order != [1, 2, 3, 4]
    # un-shuffling the SDA video with the target order gives the clip back
    restored = np.empty_like(sda.video)
    for shown, orig in enumerate(order):
        restored[orig - 1] = sda.video[shown]
    assert np.array_equal(restored, clip.video)
    glob = next(s for s in pools["sda"] if s.task == "sda_global")
    assert glob.target.endswith("<description>finding number 0. finding number 1.</descriptions>")
    # deterministic: same inputs -> same shuffles
    again = reading_samples(_input(), SampleOptions(image_side=56, frame_side=56, max_frames=8))
    assert [s.target for s in again["sda"]] == [s.target for s in pools["sda"]]


def test_split_follows_paper_and_scales() -> None:
    assert scaled_phase3_test(2507) == 350
    assert scaled_phase3_test(40) == 6  # 350 * 40 / 2507 = 5.58 -> 6
    readings = [_reading(f"P2{i:02d}R{i}", phase=2) for i in range(5)]
    readings += [_reading(f"P3{i:02d}R{i}", phase=3) for i in range(40)]
    readings += [_reading(f"P1{i:02d}R{i}", phase=1) for i in range(8)] + [
        _reading("P199R9", 1, discarded=True)
    ]
    m = make_split(readings, seed=0)
    assert len(m.test) == 5 + 6 and len(m.train) == 8 + 34 and m.excluded == {"discarded": 1}
    assert all(r.startswith(("P1", "P3")) for r in m.train)
    assert set(m.test) >= {f"P2{i:02d}R{i}" for i in range(5)}
    assert make_split(readings, seed=0) == m and make_split(readings, seed=1).test != m.test

"""Attention videos: frame counts, frame pixels, manifest round trip, SDA shuffles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from preprocess_builders import make_fixations, make_reading, make_sentence

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.gaze.heatmap import CroppedMap
from gazex_bench.gaze.preprocess import preprocess_reading
from gazex_bench.gaze.presets import GAZEX_CODE
from gazex_bench.gaze.video import (
    downsample_gray,
    load_manifest,
    render_frame,
    shuffled_frames,
    write_attention_video,
)


def _reading() -> object:
    # Sentence 0: two fixation groups (2 clusters); sentence 1: one group (1 cluster);
    # sentence 2: no gaze (no frames).
    rows = [(t, t + 0.2, 200.0 if t < 11.2 else 600.0, 240.0, 60.0) for t in np.arange(10.0, 12.5, 0.25)]
    rows += [(t, t + 0.2, 400.0, 600.0, 60.0) for t in np.arange(20.0, 22.0, 0.25)]
    sents = [make_sentence(0, "bilateral effusions .", 12.5, 13.5), make_sentence(1, "cardiomegaly .", 22.0, 23.0),
             make_sentence(2, "no pneumothorax .", 60.0, 61.0)]  # fmt: skip
    return make_reading(make_fixations(rows), sents)


def test_frames_follow_paper_rule_and_manifest_round_trips(tmp_path: Path) -> None:
    reading = _reading()
    findings = preprocess_reading(reading, "paper")
    assert [len(f.clusters) for f in findings] == [2, 1, 0] and findings[2].holistic is None
    image = np.full((800, 800), 200, dtype=np.uint8)
    path = write_attention_video(reading, findings, image, tmp_path / "v")
    m = load_manifest(path)
    # paper: n_frames = sum_i (clusters_i + 1) over findings with gaze = (2 + 1) + (1 + 1) = 5
    assert m.n_frames == 5 and m.frame_index == (3, 5)
    assert [f.kind for f in m.frames] == ["cluster", "cluster", "holistic", "cluster", "holistic"]
    assert [(s.start, s.stop) for s in m.findings] == [(0, 3), (3, 5)]
    assert m.frames[1].centroid == findings[0].clusters[1].centroid and m.image_source == "image"
    png = np.asarray(Image.open(m.frame_path(2)))
    assert png.shape == (200, 200, 3) and png.max() == 200 and png.min() == 30  # 200 * 0.15
    assert m.mp4 is None or (tmp_path / "v" / m.mp4).is_file()
    assert m.mp4_note
    try:
        import imageio_ffmpeg  # noqa: F401
    except ImportError:
        return
    assert m.mp4 == "video.mp4" and "H.264" in m.mp4_note  # the dev install ships an encoder


def test_gazex_frame_rule_draws_clusters_only_when_more_than_one(tmp_path: Path) -> None:
    reading = _reading()
    findings = preprocess_reading(reading, "paper")
    m = load_manifest(write_attention_video(reading, findings, None, tmp_path, frame_rule="gazex"))
    assert m.n_frames == 4 and m.frame_index == (3, 4) and m.image_source == "blank"


def test_render_frame_formula() -> None:
    # frame = uint8(gray * (0.15 + 0.85 * log1p(h + 1e-6) / max)); peak pixel keeps its gray.
    heat = CroppedMap(np.array([[0.0, 1.0]]), 0, 0, (1, 2))
    frame = render_frame(np.array([[100, 100]], dtype=np.uint8), heat)
    expected_bg = int(100 * (0.15 + 0.85 * np.log1p(1e-6) / np.log1p(1 + 1e-6)))
    assert frame[0, :, 0].tolist() == [expected_bg, 100] and frame.shape == (1, 2, 3)


def test_downsample_is_block_mean() -> None:
    img = np.arange(64, dtype=np.uint8).reshape(8, 8)
    assert downsample_gray(img).tolist() == [[np.rint(img[:4, :4].mean()), np.rint(img[:4, 4:].mean())],
                                             [np.rint(img[4:, :4].mean()), np.rint(img[4:, 4:].mean())]]  # fmt: skip


def test_shuffles_record_the_permutation(tmp_path: Path) -> None:
    reading = _reading()
    m = load_manifest(write_attention_video(reading, preprocess_reading(reading, "paper"), None, tmp_path))
    s = shuffled_frames(m, seed=3)
    assert sorted(s.order) == [2, 4] and s == shuffled_frames(m, seed=3)
    assert [s.order[k] for k in s.target()] == [2, 4]
    clip = shuffled_frames(m, seed=1, scope="finding:0")
    assert sorted(clip.order) == [0, 1, 2]
    with pytest.raises(UsageError):
        shuffled_frames(m, seed=1, scope="finding:9")


def test_errors(tmp_path: Path) -> None:
    reading = _reading()
    findings = preprocess_reading(reading, "paper")
    with pytest.raises(UsageError):
        write_attention_video(reading, findings, np.zeros((100, 100), np.uint8), tmp_path)
    with pytest.raises(UsageError):
        write_attention_video(reading, findings, None, tmp_path, preset=GAZEX_CODE.__class__(**{**GAZEX_CODE.__dict__, "source": "fixations", "assignment": "nearest_cluster_pixel", "name": "x"}))  # fmt: skip
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(DataFormatError):
        load_manifest(tmp_path / "bad.json")

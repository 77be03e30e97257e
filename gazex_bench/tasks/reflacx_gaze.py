"""``reflacx-gaze``: predict radiologists' gaze on REFLACX (paper §3.2, setting 2 + trajectories).

Samples (all :class:`~gazex_bench.models.types.GazeRequest`, quarter-scale answers):

* one **finding** sample per dictated sentence with usable gaze, id
  ``<reading_id>/s<sentence_index>``: the sentence is given (paper setting 2) and the
  model answers ordered clusters; the reference is the reading's
  :class:`~gazex_bench.gaze.types.FindingGaze` clusters (preset ``paper``,
  :mod:`gazex_bench.gaze.preprocess`), followed by its holistic ``observation``;
* one **trajectory** sample per image, id ``<image_group>/trajectory``: the reference is
  the first reading's fixation trajectory resampled to ``N`` points
  (:func:`gazex_bench.gaze.trajectories.resample_trajectory`).

Per-sample metrics and the dataset-level analyses (ICC(A,1) after DTW in setting 2,
trajectory Pearson, inter-radiologist ceilings, via
:func:`gazex_bench.gaze.alignment.run_gaze_alignment`) are in
:mod:`gazex_bench.tasks.gaze_scoring`. Default split: ``all`` (REFLACX is small);
``center-bias`` is fitted on the REFLACX readings of the MIMIC ``train`` split.
Dropped (counted): discarded readings, images without a JPG, sentences without gaze.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gazex_bench.models.types import Capability, GazePrediction, GazeRequest, PredictedCluster, Response
from gazex_bench.tasks.base import ScoreOptions, ScoreResult, Task, TaskData, TaskSample, apply_limit
from gazex_bench.tasks.common import dataset_folder, merge_counts, progress, select_split

PRESET = "paper"
TRAJECTORY_POINTS = 16


class ReflacxGazeTask(Task):
    """Gaze clusters for given findings + inspection trajectories on REFLACX."""

    name = "reflacx-gaze"
    description = "REFLACX: gaze clusters for given findings (setting 2) and inspection trajectories"
    capability = Capability.GAZE
    dataset = "reflacx"
    default_split = "all"
    primary_metric = "icc_a1_x"
    metric_conventions = {
        "icc_a1_x": "ICC(A,1) of DTW-aligned centroid sequences, x, setting 2 (gaze/sequence_icc.py)",
        "icc_a1_y": "ICC(A,1) of DTW-aligned centroid sequences, y, setting 2 (gaze/sequence_icc.py)",
        "centroid_error": "|mean predicted centroid - mean reference centroid| / frame diagonal (lower better)",
        "dtw_error": "DTW distance of centroid sequences / frame diagonal (gaze/dtw.py; lower better)",
        "trajectory_r_x": f"Pearson r of x, trajectories resampled to {TRAJECTORY_POINTS} points",
        "trajectory_r_y": f"Pearson r of y, trajectories resampled to {TRAJECTORY_POINTS} points",
    }
    higher_is_better = {"icc_a1_x": True, "icc_a1_y": True, "centroid_error": False, "dtw_error": False,
                        "trajectory_r_x": True, "trajectory_r_y": True}

    def load(self, data_root: Path, *, split: str | None, limit: int | None) -> TaskData:
        """Read REFLACX, preprocess finding gaze, build finding and trajectory samples."""
        from gazex_bench.data.discover import discover
        from gazex_bench.data.reflacx import read_reflacx

        result = read_reflacx(dataset_folder(data_root, "reflacx"))
        jpg = discover(data_root).mimic_jpg
        split = split or self.default_split
        chosen = select_split(result.records, split, lambda r: r.split, "REFLACX")
        dropped: dict[str, int] = {}
        samples, readers = _build(chosen, jpg, dropped)
        kept = apply_limit(samples, limit, dropped)
        keep_ids = {s.sample_id for s in kept}
        train_src = [r for r in result.records if r.split == "train"]
        train, _ = _build(train_src[:200], jpg, {})
        extra = {"readers": readers, "keep": keep_ids}
        return TaskData(kept, tuple(train), "reflacx", split, len(chosen),
                        merge_counts(result.skipped, dropped), extra)

    def score(self, data: TaskData, responses: Mapping[str, Response], options: ScoreOptions) -> ScoreResult:
        """Per-sample errors / correlations and the dataset-level ICC (see gaze_scoring)."""
        from gazex_bench.tasks.gaze_scoring import score_gaze_task

        return score_gaze_task(data, responses, options)


def _image_path(jpg: Path | None, r: Any) -> Path | None:
    from gazex_bench.data.mimic import mimic_jpg_path

    if jpg is None:
        return None
    path = mimic_jpg_path(jpg, r.subject_id, r.study_id, r.dicom_id)
    return path if path.is_file() else None


def _build(readings: Any, jpg: Path | None, dropped: dict[str, int]) -> tuple[list[TaskSample], list[Any]]:
    """Samples grouped by image (trajectory first, then each reading's findings) + ReaderGaze list."""
    from gazex_bench.gaze.inputs import reader_from_reflacx
    from gazex_bench.gaze.preprocess import preprocess_reading

    groups: dict[str, list[Any]] = {}
    for r in readings:
        if r.discarded or r.fixations is None:
            dropped["eye_tracking_discarded"] = dropped.get("eye_tracking_discarded", 0) + 1
            continue
        groups.setdefault(r.image_group, []).append(r)
    samples: list[TaskSample] = []
    readers: list[Any] = []
    for group, members in progress(groups.items(), total=len(groups), desc="reflacx gaze preprocessing"):
        image = _image_path(jpg, members[0])
        if image is None:
            dropped["no_image"] = dropped.get("no_image", 0) + len(members)
            continue
        size = (int(members[0].image_width), int(members[0].image_height))
        samples.append(_trajectory_sample(group, members[0], image, size))
        for r in members:
            findings = preprocess_reading(r, PRESET)
            readers.append(reader_from_reflacx(r, findings=tuple(findings)))
            for f in findings:
                sample = _finding_sample(r, f, image, size)
                if sample is None:
                    dropped["no_gaze_in_window"] = dropped.get("no_gaze_in_window", 0) + 1
                else:
                    samples.append(sample)
    return samples, readers


def _finding_sample(r: Any, f: Any, image: Path, size: tuple[int, int]) -> TaskSample | None:
    parts = [PredictedCluster(c.centroid, c.box) for c in f.clusters]
    if f.holistic is not None:
        parts.append(PredictedCluster(f.holistic.centroid, f.holistic.box))
    if not parts:
        return None
    sid = f"{r.reading_id}/s{f.sentence_index}"
    request = GazeRequest(sid, (image,), size, finding=f.sentence)
    meta = {"kind": "finding", "reading_id": r.reading_id, "sentence_index": f.sentence_index,
            "n_clusters": len(f.clusters)}
    return TaskSample(sid, request, GazePrediction(clusters=tuple(parts)), group=r.image_group, meta=meta)


def _trajectory_sample(group: str, r: Any, image: Path, size: tuple[int, int]) -> TaskSample:
    from gazex_bench.gaze.trajectories import resample_trajectory
    from gazex_bench.gaze.types import QUARTER

    fx = r.fixations
    traj = resample_trajectory(fx.t_start_s, fx.t_end_s, fx.x_px * QUARTER, fx.y_px * QUARTER, TRAJECTORY_POINTS)
    pts = tuple((float(x), float(y)) for x, y in traj)
    sid = f"{group}/trajectory"
    request = GazeRequest(sid, (image,), size, finding=None)
    return TaskSample(sid, request, GazePrediction(points=pts), group=group,
                      meta={"kind": "trajectory", "reading_id": r.reading_id})

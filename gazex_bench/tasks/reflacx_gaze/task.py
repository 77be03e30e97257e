"""``reflacx-gaze``: predict radiologists' gaze on REFLACX (paper §3.1–3.2: settings 1 and 2 + trajectories).

Samples (all :class:`~gazex_bench.models.types.GazeRequest`, quarter-scale answers):

* one **finding** sample per dictated sentence with usable gaze, id
  ``<reading_id>/s<sentence_index>``: the sentence is given (paper setting 2) and the
  model answers ordered clusters; the reference is the reading's
  :class:`~gazex_bench.gaze.types.FindingGaze` clusters (preset ``paper``,
  :mod:`gazex_bench.gaze.preprocess`), followed by its holistic ``observation``;
* one **trajectory** sample per image, id ``<image_group>/trajectory``: the reference is
  the first reading's fixation trajectory resampled to ``N`` points
  (:func:`gazex_bench.gaze.trajectories.resample_trajectory`).

Setting 1 (aux stages, :mod:`gazex_bench.tasks.reflacx_gaze.setting1`): per image the model writes
its report (``<image_group>/s1_report``, capability ``report``), then gives clusters for each
of its own sentences (``<image_group>/s1/<k>``). Without the ``report`` capability setting 1
is reported unavailable (``analysis_status``).

Reference finding categories: every sentence is labelled by the rule-based CheXpert
labeler, or by CheXbert with ``--task-arg chexbert=PATH`` (:mod:`gazex_bench.tasks.reflacx_gaze.labels`;
the model's setting-1 sentences get the same labeler); reading-level labels (dwell per category,
majority vote) are the categories of the whole transcription.

Task option ``radiologist_map=PATH`` (``--task-arg``): CSV ``reading_id,radiologist``
giving radiologist identities (not in the released REFLACX). Without it, identity-dependent
tables are reported unavailable. The scorer never reads ``phantom_truth/`` by itself: on the
phantom pass ``phantom_truth/radiologists.csv`` explicitly. Task option ``images=N``: score a deterministic subset
of N images with every reader of each (:mod:`gazex_bench.tasks.reflacx_gaze.subset`).

Scoring: :mod:`gazex_bench.tasks.reflacx_gaze.scoring`. Default split: ``all`` (REFLACX is small);
baselines are fitted on the REFLACX readings of the MIMIC ``train`` split.
Dropped (counted): discarded readings, images without a JPG, sentences without gaze.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gazex_bench.data.discover import discover
from gazex_bench.data.mimic import mimic_jpg_path
from gazex_bench.data.reflacx import read_reflacx
from gazex_bench.errors import UsageError
from gazex_bench.gaze.inputs import reader_from_reflacx
from gazex_bench.gaze.preprocess import preprocess_reading
from gazex_bench.gaze.trajectories import resample_trajectory
from gazex_bench.gaze.types import QUARTER
from gazex_bench.models.types import Capability, GazePrediction, GazeRequest, PredictedCluster, Response
from gazex_bench.tasks.base import (
    AuxStage,
    ScoreOptions,
    ScoreResult,
    Task,
    TaskData,
    TaskSample,
    apply_limit,
)
from gazex_bench.tasks.common import dataset_folder, merge_counts, missing_image, progress, select_split
from gazex_bench.tasks.reflacx_gaze.context import GazeContext, ImageInfo
from gazex_bench.tasks.reflacx_gaze.conventions import GAZE_CONVENTIONS, TRAJECTORY_POINTS
from gazex_bench.tasks.reflacx_gaze.labels import labeler_for
from gazex_bench.tasks.reflacx_gaze.scoring import score_gaze_task
from gazex_bench.tasks.reflacx_gaze.setting1 import setting1_stages
from gazex_bench.tasks.reflacx_gaze.subset import parse_images, select_images

PRESET = "paper"


class ReflacxGazeTask(Task):
    """Gaze clusters for given findings + inspection trajectories on REFLACX."""

    name = "reflacx-gaze"
    title = "REFLACX gaze alignment"
    description = "REFLACX: gaze clusters for given findings (setting 2) and inspection trajectories"
    headline_metrics = (
        "icc_a1_x",
        "icc_a1_y",
        "icc_c1_x",
        "icc_c1_y",
        "s1_icc_a1_x",
        "s1_icc_a1_y",
        "cosine",
        "trajectory_r_x",
        "trajectory_r_y",
        "centroid_error",
    )
    reference_baselines = ("oracle", "random", "center-bias")
    capability = Capability.GAZE
    dataset = "reflacx"
    default_split = "all"
    primary_metric = "icc_a1_x"
    metric_conventions = GAZE_CONVENTIONS
    task_options = {
        "radiologist_map": "CSV reading_id,radiologist (radiologist identities; user-supplied)",
        "phases": "comma-separated REFLACX phases to evaluate, e.g. 2 (GazeX's held-out multi-reader phase); default all",
        "images": "score N images only (a positive integer): every reading of the first N image groups "
        "by sha256(image_group), counted in the run record; default all images",
        "chexbert": "CheXbert checkpoint (chexbert.pth; BERT config.json + vocab.txt in its folder) for the sentence "
        "and report categories, as the paper; default the rule-based labeler",
    }
    aux_capabilities = {"s1_report": Capability.REPORT, "s1_gaze": Capability.GAZE}

    def load(self, data_root: Path, *, split: str | None, limit: int | None) -> TaskData:
        """Read REFLACX, preprocess finding gaze, build finding and trajectory samples."""
        rmap = self.task_args.get("radiologist_map")
        labeler = labeler_for(self.task_args.get("chexbert"))
        result = read_reflacx(dataset_folder(data_root, "reflacx"), radiologist_map=_map_path(rmap))
        jpg = discover(data_root).mimic_jpg
        split = split or self.default_split
        chosen = select_split(result.records, split, lambda r: r.split, "REFLACX")
        dropped: dict[str, int] = {}
        phases = _phases(self.task_args.get("phases"))
        if phases:
            dropped["phase_not_selected"] = sum(r.phase not in phases for r in chosen)
            chosen = [r for r in chosen if r.phase in phases]
        chosen, subset = select_images(chosen, parse_images(self.task_args.get("images")), dropped)
        built = _build(chosen, jpg, dropped, self.quiet, labeler)
        kept = apply_limit(built.samples, limit, dropped)
        train_src = [r for r in result.records if r.split == "train"]
        train = _build(train_src[:200], jpg, {}, True, labeler)
        context = GazeContext(
            readers=tuple(built.readers),
            keep=frozenset(s.sample_id for s in kept),
            images=built.images,
            train_images=train.images,
            identities=rmap is not None,
            labeler_checkpoint=None if labeler.checkpoint is None else str(labeler.checkpoint),
            labeler_name=labeler.name,
            image_subset=None if subset is None else subset.status(),
        )
        return TaskData(
            kept,
            tuple(train.samples),
            "reflacx",
            split,
            len(chosen),
            merge_counts(result.skipped, dropped),
            context=context,
        )

    def aux_stages(self, data: TaskData) -> tuple[AuxStage, ...]:
        """Setting 1: the model's own report, then clusters for each of its sentences."""
        return setting1_stages(data)

    def score(self, data: TaskData, responses: Mapping[str, Response], options: ScoreOptions) -> ScoreResult:
        """Per-sample errors / correlations and the dataset-level analyses (see gaze_scoring)."""
        return score_gaze_task(data, responses, options)


def _phases(value: Any) -> set[int]:
    """Parse the ``phases`` option (``"2"``, ``"1,2"`` or an int); empty = all phases."""
    if value is None or value == "":
        return set()
    try:
        phases = {int(p) for p in str(value).split(",") if p.strip()}
    except ValueError:
        phases = set()
    if not phases or not phases <= {1, 2, 3}:
        raise UsageError(f"phases must be a comma-separated subset of 1,2,3, got {value!r}")
    return phases


def _map_path(value: Any) -> Path | None:
    if value is None:
        return None
    path = Path(str(value)).expanduser()
    if not path.is_file():
        raise UsageError(f"radiologist_map: file not found: {path}")
    return path


@dataclass(frozen=True)
class _Built:
    samples: list[TaskSample]
    readers: list[Any]
    images: dict[str, ImageInfo]


def _image_path(jpg: Path | None, r: Any) -> Path | None:
    if jpg is None:
        return None
    return mimic_jpg_path(jpg, r.subject_id, r.study_id, r.dicom_id)


def _build(readings: Any, jpg: Path | None, dropped: dict[str, int], quiet: bool, labeler: Any) -> _Built:
    """Samples grouped by image (trajectory first, then each reading's findings), ReaderGaze list, images."""
    groups: dict[str, list[Any]] = {}
    for r in readings:
        if r.discarded or r.fixations is None:
            dropped["eye_tracking_discarded"] = dropped.get("eye_tracking_discarded", 0) + 1
            continue
        groups.setdefault(r.image_group, []).append(r)
    out = _Built([], [], {})
    for group, members in progress(
        groups.items(), total=len(groups), desc="reflacx gaze preprocessing", quiet=quiet
    ):
        image = _image_path(jpg, members[0])
        reason = missing_image([image])
        if image is None or reason is not None:  # no_image / bad_image (missing_image([None]) is no_image)
            dropped[reason] = dropped.get(reason, 0) + len(members)
            continue
        size = (int(members[0].image_width), int(members[0].image_height))
        out.samples.append(_trajectory_sample(group, members[0], image, size))
        for i, r in enumerate(members):
            findings = _reading(r, out, labeler)
            if i == 0:
                out.images[group] = ImageInfo(
                    image, size, tuple(f.sentence for f in findings), tuple(_reference(f) for f in findings)
                )
            for f in findings:
                sample = _finding_sample(r, f, image, size)
                if sample is None:
                    dropped["no_gaze_in_window"] = dropped.get("no_gaze_in_window", 0) + 1
                else:
                    out.samples.append(sample)
    return out


def _reading(r: Any, out: _Built, labeler: Any) -> list[Any]:
    """Preprocess one reading, label its sentences, append its ReaderGaze; returns its findings."""
    findings = preprocess_reading(r, PRESET)
    text = r.transcription or " ".join(f.sentence for f in findings)
    labeler.categories_many([text, *(f.sentence for f in findings)])  # one batch per reading
    out.readers.append(
        reader_from_reflacx(
            r,
            labels=labeler.categories(text),
            findings=tuple(findings),
            finding_categories=tuple(labeler.sentence_category(f.sentence) for f in findings),
        )
    )
    return findings


def _reference(f: Any) -> GazePrediction | None:
    parts = [PredictedCluster(c.centroid, c.box) for c in f.clusters]
    if f.holistic is not None:
        parts.append(PredictedCluster(f.holistic.centroid, f.holistic.box))
    return GazePrediction(clusters=tuple(parts)) if parts else None


def _finding_sample(r: Any, f: Any, image: Path, size: tuple[int, int]) -> TaskSample | None:
    ref = _reference(f)
    if ref is None:
        return None
    sid = f"{r.reading_id}/s{f.sentence_index}"
    request = GazeRequest(sid, (image,), size, finding=f.sentence)
    meta = {
        "kind": "finding",
        "reading_id": r.reading_id,
        "sentence_index": f.sentence_index,
        "n_clusters": len(f.clusters),
    }
    return TaskSample(sid, request, ref, group=r.image_group, meta=meta)


def _trajectory_sample(group: str, r: Any, image: Path, size: tuple[int, int]) -> TaskSample:
    fx = r.fixations
    traj = resample_trajectory(
        fx.t_start_s, fx.t_end_s, fx.x_px * QUARTER, fx.y_px * QUARTER, TRAJECTORY_POINTS
    )
    pts = tuple((float(x), float(y)) for x, y in traj)
    sid = f"{group}/trajectory"
    request = GazeRequest(sid, (image,), size, finding=None)
    return TaskSample(
        sid,
        request,
        GazePrediction(points=pts),
        group=group,
        meta={"kind": "trajectory", "reading_id": r.reading_id},
    )

"""``reflacx-gaze`` setting 1 (paper §3.2, Fig. 4a(1)): the model's own findings and their gaze.

Two aux stages (:class:`~gazex_bench.tasks.base.AuxStage`), run after the task's samples:

1. ``s1_report`` — one :class:`ReportRequest` per evaluated image, id ``<image_group>/s1_report``;
2. ``s1_gaze`` — the report is split into sentences (:func:`gaze_labels.split_report`) and one
   :class:`GazeRequest` with ``finding=<sentence>`` is asked per sentence, id
   ``<image_group>/s1/<k>`` (k = 0-based sentence index).

Scoring: each generated sentence gets a CheXpert category (the reference labeler, :mod:`gaze_labels`);
its clusters become a :class:`~gazex_bench.gaze.inputs.ModelFinding` in ``ModelImage.generated``,
matched to the reference findings by category (:func:`gazex_bench.gaze.sequence_icc.setting1_units`).
The report's categories are the model's labels for the majority-vote analysis. Oracle
references: the first reading's sentences and clusters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gazex_bench.gaze.inputs import ModelFinding
from gazex_bench.models.types import Capability, GazePrediction, GazeRequest, ReportRequest, Response
from gazex_bench.tasks.base import AuxStage, TaskData
from gazex_bench.tasks.reflacx_gaze.context import GazeContext
from gazex_bench.tasks.reflacx_gaze.labels import labeler_for, split_report
from gazex_bench.tasks.reflacx_gaze.values import six_tuples

REPORT, GAZE = "s1_report", "s1_gaze"


def _groups(data: TaskData) -> list[str]:
    return sorted({s.group for s in data.samples if s.group and s.group in _context(data).images})


def _report_text(resp: Response | None) -> str | None:
    if resp is None or resp.error is not None or not isinstance(resp.parsed, str):
        return None
    return resp.parsed


def _gaze_requests(
    images: Mapping[str, Any], groups: list[str], reports: Mapping[str, Response]
) -> list[Any]:
    out = []
    for g in groups:
        text = _report_text(reports.get(f"{g}/{REPORT}"))
        info = images[g]
        for k, sentence in enumerate(split_report(text or "")):
            out.append(GazeRequest(f"{g}/s1/{k}", (info.image,), info.size, finding=sentence))
    return out


def _oracle(images: Mapping[str, Any], groups: list[str]) -> tuple[list[Any], list[Any]]:
    """(report references, gaze references) from each image's first reading."""
    reports, gazes = [], []
    for g in groups:
        info = images[g]
        reports.append((ReportRequest(f"{g}/{REPORT}", (info.image,)), " ".join(info.sentences)))
        for k, (sentence, ref) in enumerate(zip(info.sentences, info.gaze)):
            if ref is not None:
                gazes.append((GazeRequest(f"{g}/s1/{k}", (info.image,), info.size, finding=sentence), ref))
    return reports, gazes


def setting1_stages(data: TaskData) -> tuple[AuxStage, ...]:
    """The two setting-1 stages for the evaluated images of ``data``."""
    images = _context(data).images
    groups = _groups(data)
    report_refs, gaze_refs = _oracle(images, groups)
    train_imgs = _context(data).train_images
    train = [
        (ReportRequest(f"{g}/{REPORT}", (i.image,)), " ".join(i.sentences))
        for g, i in sorted(train_imgs.items())
        if i.sentences
    ]
    reports = AuxStage(
        REPORT,
        _capability("report"),
        lambda prior: [ReportRequest(f"{g}/{REPORT}", (images[g].image,)) for g in groups],
        references=tuple(report_refs),
        train=tuple(train),
    )
    gazes = AuxStage(
        GAZE,
        _capability("gaze"),
        lambda prior: _gaze_requests(images, groups, prior.get(REPORT, {})),
        references=tuple(gaze_refs),
    )
    return (reports, gazes)


def _capability(name: str) -> Capability:
    return Capability(name)


@dataclass
class Setting1:
    """The model's setting-1 findings per image and what could not be scored (counts)."""

    generated: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    labels: dict[str, frozenset[str]] = field(default_factory=dict)
    """image → categories of the model's report (majority vote)."""
    counts: dict[str, int] = field(default_factory=dict)
    status: str | None = None
    """None = available; else why setting 1 is unavailable."""


def _bump(counts: dict[str, int], key: str, n: int = 1) -> None:
    counts[key] = counts.get(key, 0) + n


def collect_setting1(data: TaskData) -> Setting1:
    """Build the model's generated findings from the stored aux responses (see module doc)."""
    labeler = labeler_for(_context(data).labeler_checkpoint)  # the reference sentences' labeler
    out = Setting1()
    aux = data.aux_responses
    unavailable = data.aux_unavailable
    groups = _groups(data)
    if REPORT in unavailable or not aux.get(REPORT):
        out.status = unavailable.get(REPORT) or "unavailable: setting-1 stages were not predicted"
        out.counts["images_unavailable"] = len(groups)
        return out
    for g in groups:
        text = _report_text(aux[REPORT].get(f"{g}/{REPORT}"))
        if text is None:
            _bump(out.counts, "report_missing_or_failed")
            continue
        out.labels[g] = labeler.categories(text)
        found = []
        for k, sentence in enumerate(split_report(text)):
            cat = labeler.sentence_category(sentence)
            _bump(out.counts, "sentences")
            _bump(out.counts, "sentences_categorised", cat is not None)
            resp = aux.get(GAZE, {}).get(f"{g}/s1/{k}")
            pred = resp.parsed if resp is not None and resp.error is None else None
            if not isinstance(pred, GazePrediction) or not pred.clusters:
                _bump(out.counts, "gaze_missing_or_failed")
                continue
            found.append(ModelFinding(clusters=six_tuples(pred), category=cat))
        out.generated[g] = tuple(found)
    out.counts["images"] = len(groups)
    return out


def _context(data: TaskData) -> GazeContext:
    return data.context if isinstance(data.context, GazeContext) else GazeContext()

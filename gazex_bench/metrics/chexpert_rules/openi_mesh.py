"""Report-level comparison of a CheXpert-style labeler with the Open-i MeSH "Problems" codes.

The IU X-ray (Open-i) collection (Demner-Fushman et al., JAMIA 2016) carries manual MeSH
annotations per report. The Kaggle ``indiana_reports.csv`` column ``Problems`` holds the
MeSH main headings (``;``-separated, e.g. ``Cardiomegaly;Pulmonary Atelectasis``) and
``MeSH`` the same headings with their qualifiers (``Cardiomegaly/borderline``); a
report with no problem is coded ``normal``.

Mapping MeSH heading → CheXpert class (:data:`MESH_TO_CHEXPERT`; fixed from the class
definitions, not tuned on the scores): Cardiomegaly ← ``Cardiomegaly``; Pleural
Effusion ← ``Pleural Effusion``; Atelectasis ← ``Pulmonary Atelectasis``; Pneumonia ←
``Pneumonia``; Lung Lesion ← ``Nodule``, ``Mass``, ``Lung Neoplasms``; Lung Opacity ←
``Opacity``, ``Infiltrate``, ``Airspace Disease``; No Finding ← the report is coded
exactly ``normal``. MeSH codes positives only, so a labeler value counts as a positive
call when it equals 1 (``u-zeros``, the default) or when it is 1 or -1 (``u-ones``).
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gazex_bench.errors import DataFormatError

MESH_TO_CHEXPERT: dict[str, tuple[str, ...]] = {
    "Cardiomegaly": ("Cardiomegaly",),
    "Pleural Effusion": ("Pleural Effusion",),
    "Atelectasis": ("Pulmonary Atelectasis",),
    "Pneumonia": ("Pneumonia",),
    "Lung Lesion": ("Nodule", "Mass", "Lung Neoplasms"),
    "Lung Opacity": ("Opacity", "Infiltrate", "Airspace Disease"),
}
"""CheXpert class → the MeSH main headings (``Problems`` column) that make it positive."""

COMPARED: tuple[str, ...] = (
    "Cardiomegaly",
    "Pleural Effusion",
    "Atelectasis",
    "Pneumonia",
    "Lung Lesion",
    "Lung Opacity",
    "No Finding",
)
"""Classes of the MeSH comparison (issue #18), in report order."""


@dataclass(frozen=True)
class IuReport:
    """One IU report: Open-i ``uid``, MeSH main headings, findings and impression text."""

    uid: str
    problems: tuple[str, ...]
    findings: str
    impression: str

    @property
    def text(self) -> str:
        """Findings then impression, as one report."""
        return f"{self.findings} {self.impression}".strip()


def read_iu_mesh(path: Path) -> list[IuReport]:
    """Read ``uid, Problems, MeSH, findings, impression`` rows (TSV, optionally ``.gz``).

    Raises:
        DataFormatError: missing column or empty ``uid`` (names file, row and field).
    """
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")), delimiter="\t")
    need = ("uid", "Problems", "findings", "impression")
    missing = [c for c in need if c not in (reader.fieldnames or [])]
    if missing:
        raise DataFormatError(path, f"missing column {missing[0]!r}", row=1, field=missing[0])
    out = []
    for i, row in enumerate(reader, start=2):
        if not row["uid"]:
            raise DataFormatError(path, "empty uid", row=i, field="uid")
        probs = tuple(p.strip() for p in row["Problems"].split(";") if p.strip())
        out.append(IuReport(row["uid"], probs, row["findings"] or "", row["impression"] or ""))
    return out


def mesh_truth(report: IuReport) -> dict[str, bool]:
    """Positive reference per compared class from the report's MeSH main headings."""
    heads = set(report.problems)
    truth = {cls: bool(heads & set(mesh)) for cls, mesh in MESH_TO_CHEXPERT.items()}
    truth["No Finding"] = heads == {"normal"}
    return truth


@dataclass(frozen=True)
class ClassScore:
    """Counts and precision / recall / F1 of one class (NaN where undefined)."""

    cls: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def f1(self) -> float:
        d = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / d if d else float("nan")


def compare_with_mesh(
    reports: Sequence[IuReport],
    labeler: Callable[[list[str]], list[dict[str, float | None]]],
    uncertain_positive: bool = False,
) -> list[ClassScore]:
    """Per-class counts of ``labeler`` calls against the MeSH reference over ``reports``.

    Args:
        reports: IU reports (only those with findings are meant; the caller filters).
        labeler: batch labeler returning ``{class: 1.0 | 0.0 | -1.0 | None}`` per text.
        uncertain_positive: count -1 as a positive call (``u-ones``); default 1 only.
    """
    calls = labeler([r.text for r in reports])
    pos = {1.0, -1.0} if uncertain_positive else {1.0}
    scores = []
    for cls in COMPARED:
        tp = fp = fn = 0
        for rep, lab in zip(reports, calls):
            said, truth = lab.get(cls) in pos, mesh_truth(rep)[cls]
            tp += said and truth
            fp += said and not truth
            fn += truth and not said
        scores.append(ClassScore(cls, tp, fp, fn))
    return scores


def macro_f1(scores: Sequence[ClassScore]) -> float:
    """Unweighted mean of the per-class F1 values."""
    return sum(s.f1 for s in scores) / len(scores)

"""Phantom entities: a MIMIC study (ids, view, split, anatomy, findings, report plan) and an IU case.

Each entity depends only on ``(seed, family, index)`` (see :func:`~gazex_bench.phantom.spec.entity_rng`).
Pixels are drawn from a separate stream (``"pixels"``), so ``--no-images`` changes nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gazex_bench.phantom.anatomy import Anatomy, regions, sample_anatomy, sample_size
from gazex_bench.phantom.findings import FindingSpec, sample_findings
from gazex_bench.phantom.frontal import render_frontal
from gazex_bench.phantom.render import render_lateral
from gazex_bench.phantom.reports import ReportPlan, iu_report, mimic_report, plan_report
from gazex_bench.phantom.spec import NO_FINDINGS_SECTION_FRACTION, entity_rng, spread_id
from gazex_bench.phantom.truth import TruthImage

R2GEN_SPLIT = {"train": "train", "validate": "val", "test": "test"}


def _dicom_id(rng: np.random.Generator) -> str:
    return "-".join(f"{int(v):08x}" for v in rng.integers(0, 2**32, size=5, dtype=np.uint64))


@dataclass(frozen=True)
class Study:
    """One MIMIC-CXR study: a frontal image (+ maybe a lateral) and its report."""

    index: int
    subject_id: str
    study_id: str
    dicom_id: str
    lateral_dicom_id: str | None
    view: str
    split: str
    """MIMIC split: ``train`` / ``validate`` / ``test``."""
    sex: str
    study_date: int
    study_time: str
    anatomy: Anatomy
    findings: tuple[FindingSpec, ...]
    plan: ReportPlan
    report_text: str

    @property
    def finding_ids(self) -> tuple[str, ...]:
        """``f"{dicom_id}/f{k}"`` per finding."""
        return tuple(f"{self.dicom_id}/f{k}" for k in range(len(self.findings)))

    @property
    def jpg_rel(self) -> str:
        """``pXX/p<subject>/s<study>/<dicom_id>.jpg`` relative to ``files/``."""
        return f"p{self.subject_id[:2]}/p{self.subject_id}/s{self.study_id}/{self.dicom_id}.jpg"

    def truth(self) -> TruthImage:
        """Public truth record of the frontal image."""
        return TruthImage(
            image_id=self.dicom_id,
            dataset="mimic-cxr",
            subject_id=self.subject_id,
            study_id=self.study_id,
            width=self.anatomy.width,
            height=self.anatomy.height,
            view=self.view,
            split=self.split,
            findings=tuple(f.to_truth(fid) for f, fid in zip(self.findings, self.finding_ids)),
            chest_box=self.anatomy.chest_box(),
            regions=regions(self.anatomy),
        )


def _split(rng: np.random.Generator) -> str:
    return str(rng.choice(["train", "validate", "test"], p=[0.75, 0.1, 0.15]))


def build_study(seed: int, k: int) -> Study:
    """The ``k``-th MIMIC study of the phantom (independent of the phantom size)."""
    rng = entity_rng(seed, "study", k)
    subject = str(spread_id(10_000_000, k, 2311, rng))
    study = str(spread_id(50_000_000, k, 2311, rng))
    dicom = _dicom_id(rng)
    lateral = _dicom_id(rng)
    w, h = sample_size(rng)
    view = "AP" if rng.random() < 0.35 else "PA"
    an, findings = sample_findings(rng, sample_anatomy(rng, w, h, view))
    if any(f.kind == "support_device" for f in findings) and view == "PA" and rng.random() < 0.7:
        view = "AP"
    has_lat = rng.random() < (0.6 if view == "PA" else 0.15)
    sex = str(rng.choice(["man", "woman"]))
    plan = plan_report(
        list(findings), rng, has_findings_section=bool(rng.random() >= NO_FINDINGS_SECTION_FRACTION)
    )
    text = mimic_report(plan, view, sex, rng)
    date = int(
        21000101
        + 10000 * int(rng.integers(0, 90))
        + 100 * int(rng.integers(0, 12))
        + int(rng.integers(0, 28))
    )
    tod = f"{int(rng.integers(0, 24)):02d}{int(rng.integers(0, 60)):02d}{int(rng.integers(0, 60)):02d}.{int(rng.integers(0, 1000)):03d}"
    return Study(
        k,
        subject,
        study,
        dicom,
        lateral if has_lat else None,
        view,
        _split(rng),
        sex,
        date,
        tod,
        an,
        tuple(findings),
        plan,
        text,
    )


def render_study(seed: int, st: Study) -> tuple[np.ndarray, np.ndarray | None]:
    """Pixels of the frontal image and (if any) the lateral image, ``uint8``."""
    rng = entity_rng(seed, "pixels", st.index)
    front = render_frontal(st.anatomy, list(st.findings), rng)
    lat = None
    if st.lateral_dicom_id is not None:
        lat = render_lateral(st.anatomy.width, st.anatomy.height, [f.kind for f in st.findings], rng)
    return front, lat


@dataclass(frozen=True)
class IuCase:
    """One IU X-ray R2Gen sample (frontal 0.png + lateral 1.png)."""

    index: int
    uid: str
    """R2Gen id, ``CXR<n>_IM-<m>``."""
    split: str
    """R2Gen split ``train`` / ``val`` / ``test``."""
    anatomy: Anatomy
    findings: tuple[FindingSpec, ...]
    report: str

    @property
    def finding_ids(self) -> tuple[str, ...]:
        """``f"{uid}/f{k}"`` per finding."""
        return tuple(f"{self.uid}/f{k}" for k in range(len(self.findings)))

    def truth(self) -> TruthImage:
        """Truth record of the frontal view (``0.png``)."""
        return TruthImage(
            image_id=self.uid,
            dataset="iu-xray",
            subject_id=self.uid,
            study_id=self.uid,
            width=self.anatomy.width,
            height=self.anatomy.height,
            view="PA",
            split=self.split,
            findings=tuple(f.to_truth(fid) for f, fid in zip(self.findings, self.finding_ids)),
            chest_box=self.anatomy.chest_box(),
            regions=regions(self.anatomy),
        )


def build_iu(seed: int, k: int) -> IuCase:
    """The ``k``-th IU X-ray case (devices are rare in IU outpatients: dropped)."""
    rng = entity_rng(seed, "iu", k)
    uid = f"CXR{k + 1}_IM-{spread_id(0, k, 3, rng) % 10000:04d}"
    w = 512
    h = int(rng.integers(26, 40)) * 16
    an, findings = sample_findings(rng, sample_anatomy(rng, w, h, "PA"))
    findings = [f for f in findings if f.kind != "support_device"]
    split = str(rng.choice(["train", "val", "test"], p=[0.7, 0.1, 0.2]))
    return IuCase(k, uid, split, an, tuple(findings), iu_report(findings, rng))


def render_iu(seed: int, case: IuCase) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of ``0.png`` (frontal) and ``1.png`` (lateral)."""
    rng = entity_rng(seed, "iu-pixels", case.index)
    front = render_frontal(case.anatomy, list(case.findings), rng)
    return front, render_lateral(
        case.anatomy.width, case.anatomy.height, [f.kind for f in case.findings], rng
    )

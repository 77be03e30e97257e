"""Phantom sizes, finding kinds and deterministic random streams.

Every entity (a MIMIC study, a REFLACX reading, an IU sample) draws from its own
``numpy.random.Generator`` seeded from ``(seed, domain, index...)`` through
``numpy.random.SeedSequence``: entity *k* is identical whatever the size, so changing
how many entities exist never perturbs the others.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

RADIOLOGISTS: tuple[str, ...] = ("rad1", "rad2", "rad3", "rad4", "rad5")
PHANTOM_VERSION = 2
"""Generator version: bumped when the same (seed, size) writes different data (cache keys include it).
2: readers with personal habits (issue #15), balanced splits, 42-image multi-reader phase at ``small``."""


@dataclass(frozen=True)
class SizeSpec:
    """How many entities one phantom size writes.

    MIMIC studies are numbered 0..n-1: first the REFLACX phase-1 images, then phase 2,
    then phase 3, then MIMIC-only studies.
    """

    name: str
    phase1_images: int
    phase1_discarded: int
    """Readings (of ``5 * phase1_images``) marked ``eye_tracking_data_discarded``."""
    phase2_images: int
    phase2_discarded: int
    phase3_images: int
    """One reading per image, none discarded (paper: 2,507)."""
    extra_mimic: int
    """MIMIC studies not read in REFLACX."""
    iu_samples: int
    gaze_hz: float
    """Raw ``gaze.csv`` sampling rate of the phantom (real EyeLink: 1000 Hz)."""

    @property
    def reflacx_images(self) -> int:
        """Images read in REFLACX (all phases)."""
        return self.phase1_images + self.phase2_images + self.phase3_images

    @property
    def mimic_studies(self) -> int:
        """Total MIMIC studies (one frontal image each, some with a lateral too)."""
        return self.reflacx_images + self.extra_mimic


SIZES: dict[str, SizeSpec] = {
    # seconds; for unit tests. 20 MIMIC studies and 6 IU cases so that every split of every task
    # can hold >= 2 samples (gazex_bench.phantom.splits) for any seed.
    "tiny": SizeSpec("tiny", 2, 1, 1, 1, 6, 11, 6, 50.0),
    # the demo: a few hundred images, < 1 minute. Phase 2 (held out, multi-reader): 42 images x 5
    # radiologists, one reading discarded -> 41 images read by all five (the paper's study size).
    # 200 phase-3 images (40 before 2026-11-23) so the
    # tiny GazeX has ~570 FVP training samples; with 201 it memorised instead of generalising
    # (reports/model/fvp_eval.md).
    "small": SizeSpec("small", 4, 1, 42, 1, 200, 60, 40, 50.0),
    # REFLACX counts of the paper: 59*5-10 = 285 and 50*5-10 = 240 kept readings,
    # 2,507 phase-3 readings -> 3,032 readings of 2,616 images. MIMIC-only studies and
    # IU samples are ~1/3 and ~1/5 of the real R2Gen test+val scale (documented choice).
    "paper": SizeSpec("paper", 59, 10, 50, 10, 2507, 1384, 600, 25.0),
}


@dataclass(frozen=True)
class KindInfo:
    """Label names of one phantom finding kind in each dataset's vocabulary."""

    chexpert: str
    reflacx_p1: str
    reflacx_p23: str
    vqa: str
    """Finding name in Medical-CXR-VQA questions (lower case)."""
    ms_cxr: str | None
    """MS-CXR category, None when the kind is not one of its 8."""


KINDS: dict[str, KindInfo] = {
    "pleural_effusion": KindInfo(
        "Pleural Effusion", "Pleural effusion", "Pleural abnormality", "pleural effusion", "Pleural Effusion"
    ),
    "cardiomegaly": KindInfo(
        "Cardiomegaly",
        "Enlarged cardiac silhouette",
        "Enlarged cardiac silhouette",
        "cardiomegaly",
        "Cardiomegaly",
    ),
    "consolidation": KindInfo(
        "Consolidation", "Consolidation", "Consolidation", "consolidation", "Consolidation"
    ),
    "pneumonia": KindInfo("Pneumonia", "Consolidation", "Consolidation", "pneumonia", "Pneumonia"),
    "lung_opacity": KindInfo(
        "Lung Opacity", "Groundglass opacity", "Groundglass opacity", "lung opacity", "Lung Opacity"
    ),
    "atelectasis": KindInfo("Atelectasis", "Atelectasis", "Atelectasis", "atelectasis", "Atelectasis"),
    "pneumothorax": KindInfo("Pneumothorax", "Pneumothorax", "Pneumothorax", "pneumothorax", "Pneumothorax"),
    "nodule": KindInfo("Lung Lesion", "Nodule", "Lung nodule or mass", "nodule", None),
    "mass": KindInfo("Lung Lesion", "Mass", "Lung nodule or mass", "mass", None),
    "edema": KindInfo("Edema", "Pulmonary edema", "Pulmonary edema", "edema", "Edema"),
    "support_device": KindInfo(
        "Support Devices", "Support devices", "Support devices", "support device", None
    ),
}

KIND_WEIGHTS: dict[str, float] = {
    "pleural_effusion": 0.17,
    "cardiomegaly": 0.12,
    "consolidation": 0.08,
    "pneumonia": 0.06,
    "lung_opacity": 0.10,
    "atelectasis": 0.12,
    "pneumothorax": 0.06,
    "nodule": 0.07,
    "mass": 0.03,
    "edema": 0.07,
    "support_device": 0.12,
}
"""Relative frequency of each kind among abnormal images."""

NORMAL_FRACTION = 0.28
"""Share of images without any finding."""

NO_FINDINGS_SECTION_FRACTION = 0.15
"""Share of MIMIC reports written without a FINDINGS section (impression only)."""

REFLACX_P1_LABELS: tuple[str, ...] = (
    "Airway wall thickening",
    "Atelectasis",
    "Consolidation",
    "Emphysema",
    "Enlarged cardiac silhouette",
    "Fibrosis",
    "Fracture",
    "Groundglass opacity",
    "Mass",
    "Nodule",
    "Other",
    "Pleural effusion",
    "Pleural thickening",
    "Pneumothorax",
    "Pulmonary edema",
    "Quality issue",
    "Support devices",
    "Wide mediastinum",
)
REFLACX_P23_LABELS: tuple[str, ...] = (
    "Abnormal mediastinal contour",
    "Acute fracture",
    "Atelectasis",
    "Consolidation",
    "Enlarged cardiac silhouette",
    "Enlarged hilum",
    "Groundglass opacity",
    "Hiatal hernia",
    "High lung volume / emphysema",
    "Interstitial lung disease",
    "Lung nodule or mass",
    "Other",
    "Pleural abnormality",
    "Pneumothorax",
    "Pulmonary edema",
    "Support devices",
)
REFLACX_BOOL_LABELS = frozenset({"Support devices", "Quality issue"})


def _domain_key(domain: str) -> int:
    return zlib.crc32(domain.encode("ascii"))


def entity_rng(seed: int, domain: str, *keys: int) -> np.random.Generator:
    """Independent generator for one entity.

    Args:
        seed: The phantom seed.
        domain: Entity family (``"study"``, ``"reading"``, ``"iu"``, ...).
        *keys: Non-negative integers identifying the entity inside the family.

    Returns:
        A PCG64 generator depending only on ``(seed, domain, keys)``.
    """
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence([int(seed), _domain_key(domain), *map(int, keys)]))
    )


def spread_id(base: int, index: int, stride: int, rng: np.random.Generator) -> int:
    """A random-looking id that is unique by construction: ``base + index*stride + U[0, stride)``."""
    return int(base + index * stride + int(rng.integers(0, stride)))

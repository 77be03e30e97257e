"""Assigning REFLACX readings (ids, phases, radiologists, discards) and simulating them.

Phases 1 and 2: every image read by all five radiologists (``rad1``..``rad5``); ids
``P{phase}{trial:02}R{r:06}`` with trials 2.. (phase 1) and 1.. (phase 2). Phase 3: one
reading per image by one radiologist, ids ``P300R{r:06}``. A fixed number of phase-1/2
readings is marked discarded (the paper's 285 and 240 kept recordings at paper size).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from gazex_bench.phantom.entities import Study, build_study
from gazex_bench.phantom.findings import decoy_findings
from gazex_bench.phantom.reading import ReadingSim, simulate_reading
from gazex_bench.phantom.spec import RADIOLOGISTS, SizeSpec, entity_rng, spread_id
from gazex_bench.phantom.styles import STYLES
from gazex_bench.phantom.truth import TruthReading, TruthSentence
from gazex_bench.phantom.write_reflacx import ReadingRow, metadata_row, write_reading


@dataclass(frozen=True)
class ReadingKey:
    """Identity of one reading before simulation (cheap to pickle)."""

    reading_id: str
    phase: int
    study_index: int
    image_index: int
    """Index of the image inside its phase."""
    rad_index: int
    discarded: bool
    split: str | None = None
    """MIMIC split of the study after balancing (:mod:`~gazex_bench.phantom.splits`); None: as drawn."""

    @property
    def radiologist(self) -> str:
        """``rad1`` .. ``rad5``."""
        return RADIOLOGISTS[self.rad_index]


def assign_readings(seed: int, spec: SizeSpec) -> list[ReadingKey]:
    """All readings of a phantom size in a fixed order (phase, image, radiologist)."""
    keys: list[ReadingKey] = []
    offset = 0
    for phase, n_img, n_disc in (
        (1, spec.phase1_images, spec.phase1_discarded),
        (2, spec.phase2_images, spec.phase2_discarded),
    ):
        drop = set(
            entity_rng(seed, "discard", phase)
            .choice(n_img * 5, size=min(n_disc, n_img * 5), replace=False)
            .tolist()
        )
        for i in range(n_img):
            trial = i + 2 if phase == 1 else i + 1
            used: set[int] = set()
            for j in range(5):
                r = int(entity_rng(seed, "reading-id", phase, i, j).integers(0, 1_000_000))
                while r in used:
                    r = (r + 1) % 1_000_000
                used.add(r)
                keys.append(
                    ReadingKey(f"P{phase}{trial:02d}R{r:06d}", phase, offset + i, i, j, i * 5 + j in drop)
                )
        offset += n_img
    for i in range(spec.phase3_images):
        rng = entity_rng(seed, "reading-id", 3, i, 0)
        r = spread_id(0, i, 398, rng)
        keys.append(ReadingKey(f"P300R{r:06d}", 3, offset + i, i, int(rng.integers(0, 5)), False))
    return keys


GAZE_SIGNALS = ("informative", "decoupled")
"""``informative``: dictation-time gaze goes to the findings; ``decoupled``: to per-image decoys
(:func:`~gazex_bench.phantom.findings.decoy_findings`), the negative control."""


def simulate_key(seed: int, key: ReadingKey, gaze_signal: str = "informative") -> tuple[Study, ReadingSim]:
    """The study and simulated reading of ``key`` (nothing written).

    With ``gaze_signal="decoupled"`` the finding-directed gaze goes to decoys drawn once per
    image (stream ``"decoy"``), so all readers of an image share them.
    """
    st = build_study(seed, key.study_index)
    if key.split is not None and key.split != st.split:
        st = replace(st, split=key.split)
    rng = entity_rng(seed, "reading", key.phase, key.image_index, key.rad_index)
    decoys = None
    if gaze_signal == "decoupled":
        decoys = decoy_findings(st.findings, st.anatomy, entity_rng(seed, "decoy", key.study_index))
    sim = simulate_reading(
        st,
        STYLES[key.radiologist],
        rng,
        entity_rng(seed, "image-dictation", key.study_index),
        key.discarded,
        decoys,
    )
    return st, sim


def run_reading(
    seed: int, root: Path, key: ReadingKey, hz: float, gaze_signal: str = "informative"
) -> tuple[list[object], TruthReading, int]:
    """Simulate (:func:`simulate_key`) and write one reading; returns its metadata row, truth and gaze sample count."""
    st, sim = simulate_key(seed, key, gaze_signal)
    row = ReadingRow(key.reading_id, key.phase, key.radiologist, key.discarded, st, sim)
    n = write_reading(root, row, hz, entity_rng(seed, "samples", key.phase, key.image_index, key.rad_index))
    sents: tuple[TruthSentence, ...] = ()
    targets: tuple[str, ...] = ()
    if sim.sim is not None:
        sents = tuple(
            TruthSentence(i, s.text, s.finding_id, s.words[0][1], s.words[-1][2])
            for i, s in enumerate(sim.sim.sentences)
        )
        targets = sim.sim.targets
    missed = tuple(fid for i, fid in enumerate(st.finding_ids) if i not in sim.reported)
    truth = TruthReading(
        key.reading_id, key.radiologist, st.dicom_id, key.phase, key.discarded, sents, targets, missed
    )
    return metadata_row(row), truth, n

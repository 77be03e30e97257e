"""The GazeX REFLACX train/test split, scaled to smaller (phantom) datasets.

Paper section 4.1: of the 3,032 recordings, all 240 phase-2 recordings plus 350 sampled from
phase 3 (2,507) form the 590-reading test set; the remaining 2,442 train. For a dataset with
``n3`` usable phase-3 readings we sample ``round(350 * n3 / 2507)`` (at least 1 when
``n3 >= 2``), i.e. the same phase-3 test fraction (13.96 %); at full scale this is exactly
350. Discarded readings (no gaze) are in neither split and counted. Sampling uses
``numpy.random.default_rng(seed)`` over phase-3 reading ids sorted lexicographically.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gazex_bench.data.records import ReflacxReading
from gazex_bench.io import atomic_write_json

PAPER_PHASE3 = 2507
PAPER_TEST_PHASE3 = 350


@dataclass(frozen=True)
class SplitManifest:
    """Reading ids of each split plus how they were chosen."""

    train: tuple[str, ...]
    test: tuple[str, ...]
    seed: int
    n_test_phase3: int
    excluded: dict[str, int] = field(default_factory=dict)
    """Reason -> readings in neither split (``discarded``)."""

    def to_json(self) -> dict[str, Any]:
        """JSON object written to ``split_manifest.json``."""
        return {
            "format": "gazex-reflacx-split",
            "version": 1,
            "rule": "test = all phase-2 readings + round(350 * n_phase3 / 2507) phase-3 readings "
            "(numpy default_rng(seed).choice over sorted ids); train = the rest (phases 1 and 3)",
            "seed": self.seed,
            "n_test_phase3": self.n_test_phase3,
            "counts": {"train": len(self.train), "test": len(self.test)},
            "excluded": dict(self.excluded),
            "train": list(self.train),
            "test": list(self.test),
        }


def scaled_phase3_test(n_phase3: int, paper_test: int = PAPER_TEST_PHASE3) -> int:
    """Phase-3 test count for ``n_phase3`` readings (350 at the paper's 2,507)."""
    if n_phase3 <= 1:
        return 0
    return max(1, min(n_phase3 - 1, int(round(paper_test * n_phase3 / PAPER_PHASE3))))


def make_split(
    readings: Iterable[ReflacxReading], seed: int = 0, paper_test: int = PAPER_TEST_PHASE3
) -> SplitManifest:
    """Split readings as in the paper (see module docstring)."""
    all_r = list(readings)
    excluded = {"discarded": sum(1 for r in all_r if r.discarded)}
    usable = [r for r in all_r if not r.discarded]
    p3 = sorted(r.reading_id for r in usable if r.phase == 3)
    k = scaled_phase3_test(len(p3), paper_test)
    rng = np.random.default_rng(seed)
    chosen = set(rng.choice(p3, size=k, replace=False).tolist()) if k else set()
    test = sorted(r.reading_id for r in usable if r.phase == 2 or r.reading_id in chosen)
    test_set = set(test)
    train = sorted(r.reading_id for r in usable if r.reading_id not in test_set)
    return SplitManifest(tuple(train), tuple(test), seed, k, excluded)


def write_split(manifest: SplitManifest, path: str | Path) -> Path:
    """Write the manifest JSON atomically."""
    return atomic_write_json(path, manifest.to_json())

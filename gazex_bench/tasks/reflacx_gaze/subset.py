"""``reflacx-gaze`` option ``images=N``: score a deterministic subset of N images, every reader kept.

The gaze analyses compare readers of one image (inter-radiologist rows, ICC, trajectories), so a
subset is drawn by image, never by reading: each selected image keeps all of its readings. The
rule does not follow the dataset's id order (which on real REFLACX follows the collection order
and phase): the image groups with at least one usable reading (not discarded, with fixations)
are sorted by ``sha256(image_group)`` (UTF-8, hex digest), ties impossible, and the first N are
kept. The readings of the other images are counted as dropped under ``image_not_in_subset``, and
the run record's ``analysis_status.image_subset`` says ``scored on N of M images`` with the rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gazex_bench.errors import UsageError

RULE = "first N image groups by sha256(image_group)"
DROP_REASON = "image_not_in_subset"


@dataclass(frozen=True)
class ImageSubset:
    """Which images a run scores."""

    n_selected: int
    n_images: int
    """Image groups with a usable reading before the subset."""

    def status(self) -> str:
        """The ``analysis_status.image_subset`` line (also shown under the tables)."""
        return f"scored on {self.n_selected} of {self.n_images} images ({RULE}, every reader of each kept)"


def parse_images(value: Any) -> int | None:
    """The ``images`` option: None (all images) or a positive integer.

    Raises:
        UsageError: anything else (one line naming the option and the value).
    """
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"reflacx-gaze: --task-arg images must be a positive integer, got {value!r}")
    return int(text)


def _usable(r: Any) -> bool:
    return not r.discarded and r.fixations is not None


def image_rank(group: str) -> str:
    """The sort key of an image group: the hex SHA-256 of its UTF-8 name."""
    return hashlib.sha256(group.encode("utf-8")).hexdigest()


def select_images(
    readings: Sequence[Any], n: int | None, dropped: dict[str, int]
) -> tuple[list[Any], ImageSubset | None]:
    """Keep every reading of the first ``n`` usable image groups by :func:`image_rank`.

    Args:
        readings: REFLACX readings (``image_group``, ``discarded``, ``fixations``), in dataset order.
        n: Images to keep; None keeps all (and returns no subset).
        dropped: Drop counter; readings of unselected images are added under :data:`DROP_REASON`.

    Returns:
        The kept readings in their input order, and the subset record (None when ``n`` is None).
    """
    if n is None:
        return list(readings), None
    groups = sorted({r.image_group for r in readings if _usable(r)}, key=image_rank)
    keep = set(groups[:n])
    kept = [r for r in readings if r.image_group in keep]
    if len(kept) < len(readings):
        dropped[DROP_REASON] = dropped.get(DROP_REASON, 0) + len(readings) - len(kept)
    return kept, ImageSubset(len(keep), len(groups))

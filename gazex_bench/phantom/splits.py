"""Split balancing: every dataset and task of every phantom size has samples in every split.

Each entity first draws its split at random (:mod:`~gazex_bench.phantom.entities`: MIMIC
75/10/15 %, IU 70/10/20 %). At the ``tiny`` size (or with an unlucky seed) a task can
then end up with no test sample at all, and ``gazex-bench run --task ...`` stops with
"no 'test' split". :func:`balance_splits` moves as few entities as needed, deterministically,
so that for every *requirement* (the entities a task can use: R2Gen entries need a FINDINGS
section, MS-CXR rows need a finding in one of its 8 categories) each split holds at least
``minimum`` of them. Entities that are moved are taken from the split with the most
qualifying entities, highest index first (at ``tiny`` and ``small`` those are MIMIC-only
studies, not REFLACX images), and are never moved twice. Larger phantoms are normally
left unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

log = logging.getLogger(__name__)

MIN_PER_SPLIT = 2
"""Qualifying entities each split must hold, per requirement."""


def _counts(splits: list[str], mask: Sequence[bool], names: Sequence[str]) -> dict[str, int]:
    return {s: sum(1 for sp, ok in zip(splits, mask) if ok and sp == s) for s in names}


def _donor(
    splits: list[str],
    masks: Sequence[Sequence[bool]],
    mask: Sequence[bool],
    names: Sequence[str],
    target: str,
    minimum: int,
    locked: set[int],
) -> int | None:
    """An entity that can move to ``target`` without dropping any requirement of its split below ``minimum``."""
    counts = _counts(splits, mask, names)
    for src in sorted((s for s in names if s != target), key=lambda s: (-counts[s], names.index(s))):
        for i in range(len(splits) - 1, -1, -1):
            if i in locked or splits[i] != src or not mask[i]:
                continue
            if all(not m[i] or _counts(splits, m, names)[src] > minimum for m in masks):
                return i
    return None


def balance_splits(
    splits: Sequence[str],
    requirements: dict[str, Sequence[bool]],
    names: Sequence[str],
    minimum: int = MIN_PER_SPLIT,
) -> list[str]:
    """Splits after moving entities so each requirement has ``minimum`` entities in every split.

    Args:
        splits: Drawn split of each entity (values from ``names``).
        requirements: Requirement name -> per-entity mask (True: the entity yields a sample for it).
        names: The split names, in the order they are filled (e.g. ``("test", "train", "validate")``).
        minimum: Qualifying entities wanted per split and requirement.

    Returns:
        The balanced splits (a new list). Where too few entities qualify, as many splits as
        possible are filled in ``names`` order and a warning is logged.
    """
    out = list(splits)
    masks = list(requirements.values())
    locked: set[int] = set()
    for req, mask in requirements.items():
        for target in names:
            while _counts(out, mask, names)[target] < minimum:
                i = _donor(out, masks, mask, names, target, minimum, locked)
                if i is None:
                    log.warning(
                        "phantom splits: only %d %r entities in split %r (wanted %d)",
                        _counts(out, mask, names)[target],
                        req,
                        target,
                        minimum,
                    )
                    break
                out[i] = target
                locked.add(i)
    return out

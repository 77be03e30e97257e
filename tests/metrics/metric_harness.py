"""One tester for every registered metric: its cited known answers and its reference library.

Each :class:`Entry` names the registry keys it covers (``gazex_bench.metrics.registry.METRICS``),
a ``known`` function that checks the cited known answers (arithmetic in its comments), and a
``reference`` function that compares our value with a well-kept library on a few deterministic
random inputs (``seed`` -> inputs), or ``reference=None`` with the reason no library exists.
``tests/metrics/test_metric_harness.py`` runs every entry and fails when a registered metric has
no entry, so declaring a metric forces its test (docs/contributing.md, "Add a metric").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from harness_gaze import GAZE_ENTRIES
from harness_report import REPORT_ENTRIES
from harness_tasks import TASK_ENTRIES

from gazex_bench.metrics.registry import METRICS

REFERENCE_SEEDS: tuple[int, ...] = (0, 1, 2)
"""Random inputs compared with the reference library: one draw per seed."""


@dataclass(frozen=True)
class Entry:
    """The test of one metric family.

    Attributes:
        name: Entry id (pytest parameter).
        keys: Registry keys covered.
        known: Checks the cited known answers (asserts).
        reference: ``seed -> None``: compares with the reference library on random inputs; None when
            no library computes the metric (``why_no_reference`` says so).
        library: Reference library and version/module used.
        why_no_reference: Reason when ``reference`` is None.
    """

    name: str
    keys: tuple[str, ...]
    known: Callable[[], None]
    reference: Callable[[int], None] | None
    library: str = ""
    why_no_reference: str = ""


def entries() -> list[Entry]:
    """Every harness entry (family modules declare ``(name, keys, known, reference, library, why)``)."""
    return [Entry(*spec) for spec in (*REPORT_ENTRIES, *TASK_ENTRIES, *GAZE_ENTRIES)]


def unharnessed(keys: Iterable[str], covered: Iterable[Entry]) -> list[str]:
    """Registry keys that no entry covers (must be empty)."""
    have = {k for e in covered for k in e.keys}
    return sorted(set(keys) - have)


def registered_keys() -> list[str]:
    """Keys of every declared metric (built-in and registered at run time)."""
    return list(METRICS)

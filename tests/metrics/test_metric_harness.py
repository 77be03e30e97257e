"""Every registered metric through one harness: cited known answers + comparison with its reference library."""

from __future__ import annotations

import pytest
from metric_harness import REFERENCE_SEEDS, Entry, entries, registered_keys, unharnessed

from gazex_bench.metrics.registry import MetricSpec, register_metric, unregister_metric

ENTRIES = entries()
WITH_REFERENCE = [e for e in ENTRIES if e.reference is not None]


def test_every_registered_metric_has_a_harness_entry() -> None:
    missing = unharnessed(registered_keys(), ENTRIES)
    assert not missing, f"metrics without a harness entry (tests/metrics/harness_*.py): {missing}"


def test_entries_name_only_declared_metrics_once() -> None:
    keys = [k for e in ENTRIES for k in e.keys]
    assert len(keys) == len(set(keys)), "a metric key is covered by two entries"
    assert not set(keys) - set(registered_keys()), set(keys) - set(registered_keys())


def test_an_entry_without_reference_says_why() -> None:
    for e in ENTRIES:
        assert (e.reference is None) == bool(e.why_no_reference), e.name
        assert e.reference is None or e.library, e.name


def test_a_new_metric_without_entry_fails_the_harness() -> None:
    """Known answer: declaring a metric and no harness entry is reported by name (the check can fail)."""
    spec = MetricSpec("toy_metric", "Toy", True, "fraction", "mean", "percentile-bootstrap", "toy", "toy")
    register_metric(spec)
    try:
        assert unharnessed(registered_keys(), ENTRIES) == ["toy_metric"]
    finally:
        unregister_metric("toy_metric")


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_known_answers(entry: Entry) -> None:
    entry.known()


@pytest.mark.parametrize("seed", REFERENCE_SEEDS)
@pytest.mark.parametrize("entry", WITH_REFERENCE, ids=lambda e: e.name)
def test_matches_reference_library(entry: Entry, seed: int) -> None:
    assert entry.reference is not None
    entry.reference(seed)

"""Batched bootstrap CIs (dwell summaries) equal the one-call-per-sample reference, bit for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gazex_bench.gaze import _stats
from gazex_bench.gaze._stats import bootstrap_mean_ci, bootstrap_mean_ci_many, summary_row
from gazex_bench.gaze.dwell import dwell_summary


def _reference_loop(values: np.ndarray, n_boot: int, seed: int) -> tuple[float, float, float, int]:
    """The pre-batching implementation: fresh rng per sample, ``x[idx].mean(axis=1)``, percentiles."""
    x = values[np.isfinite(values)]
    n = x.size
    if n < 2:
        return (float(x.mean()) if n else float("nan"), float("nan"), float("nan"), n)
    idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    tail = (1.0 - 0.95) / 2.0 * 100.0  # 2.5000000000000022, as the library computes it
    lo, hi = np.percentile(x[idx].mean(axis=1), [tail, 100.0 - tail])
    return float(x.mean()), float(lo), float(hi), n


def test_many_equals_single_calls_exactly(monkeypatch) -> None:
    monkeypatch.setattr(_stats, "MAX_BATCH_CELLS", 3 * 200 * 7)  # force several chunks per size
    rng = np.random.default_rng(5)
    samples = [rng.random(int(k)) for k in rng.integers(0, 9, size=40)]
    samples[3][1] = np.nan  # a NaN changes n (the NaN is ignored, as in the single call)
    samples.append(np.array([np.nan, np.inf]))
    got = bootstrap_mean_ci_many(samples, n_boot=200, seed=3)
    for x, g in zip(samples, got):
        want = _reference_loop(np.asarray(x, float), 200, 3)
        np.testing.assert_array_equal(
            np.array(g, float), np.array(bootstrap_mean_ci(x, n_boot=200, seed=3), float)
        )
        np.testing.assert_array_equal(np.array(g, float), np.array(want, float))  # NaN == NaN here


def _dwell_summary_reference(table: pd.DataFrame) -> pd.DataFrame:
    keys = ["radiologist", "grid", "cell", "row", "col"]
    rows = [
        summary_row(sub["dwell_frac"].to_numpy(), **dict(zip(keys, key)))
        for key, sub in table.groupby(keys, sort=True, dropna=False)
    ]
    return pd.DataFrame(rows)


def test_dwell_summary_equals_per_group_loop() -> None:
    rng = np.random.default_rng(1)
    parts = []
    for i in range(9):
        frac = rng.random(4)
        frac[rng.random(4) < 0.2] = np.nan
        parts.append(
            pd.DataFrame(
                {
                    "reading_id": f"r{i}",
                    "image_group": f"g{i % 3}",
                    "radiologist": f"R{i % 2}",
                    "grid": 2,
                    "cell": [1, 2, 3, 4],
                    "row": [0, 0, 1, 1],
                    "col": [0, 1, 0, 1],
                    "dwell_frac": frac,
                }
            )
        )
    table = pd.concat(parts, ignore_index=True).sample(frac=1.0, random_state=0)  # shuffled row order
    pd.testing.assert_frame_equal(dwell_summary(table, by="radiologist"), _dwell_summary_reference(table))

"""``gazex-bench compare``: paired tests between two scored runs of the same task.

For every metric present in both runs' ``scores.jsonl``, on the sample ids the two
runs share and where both values are finite: the mean per-sample difference
(B − A), a seeded paired percentile-bootstrap 95 % CI of it and its two-sided p-value
(:func:`gazex_bench.metrics.stats.paired_bootstrap`), and the Wilcoxon signed-rank
p-value (:func:`~gazex_bench.metrics.stats.wilcoxon_signed_rank`, ``zero_method="wilcox"``;
``null`` when all differences are 0).

Note: this compares **per-sample** values. For corpus-level metrics (BLEU, CIDEr)
the per-sample value is the sentence-level score stored in scores.jsonl.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from gazex_bench.errors import UsageError
from gazex_bench.io import read_jsonl
from gazex_bench.runner.score import read_run_record
from gazex_bench.runner.spec import SCORES


def _scores(run_dir: Path) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for _, obj in read_jsonl(run_dir / SCORES):
        out[str(obj["sample_id"])] = {
            k: float(v) for k, v in (obj.get("metrics") or {}).items() if v is not None
        }
    return out


def paired_test(a: np.ndarray, b: np.ndarray, *, n_boot: int, seed: int) -> dict[str, float | None]:
    """Mean difference B−A with a paired-bootstrap CI and p, and the Wilcoxon p (metrics/stats.py)."""
    from gazex_bench.metrics.stats import mean_reducer, paired_bootstrap, wilcoxon_signed_rank

    res = paired_bootstrap(b, a, mean_reducer, n_resamples=n_boot, seed=seed)
    _, p_w = wilcoxon_signed_rank(b, a, zero_method="wilcox")
    out = {"mean_a": float(a.mean()), "mean_b": float(b.mean()), "diff": res.diff.value,
           "ci_low": res.diff.low, "ci_high": res.diff.high, "p_bootstrap": res.p_value, "p_wilcoxon": p_w}
    return {k: (None if v is None or not math.isfinite(v) else float(v)) for k, v in out.items()}


def compare_runs(run_a: Path, run_b: Path, *, n_boot: int = 1000, seed: int = 0) -> list[dict[str, Any]]:
    """Rows ``{metric, n, mean_a, mean_b, diff, ci_low, ci_high, p_bootstrap, p_wilcoxon}``.

    Raises:
        UsageError: unscored runs, different tasks, or no shared samples.
    """
    rec_a, rec_b = read_run_record(run_a), read_run_record(run_b)
    if rec_a["task"]["name"] != rec_b["task"]["name"]:
        raise UsageError(f"runs are of different tasks: {rec_a['task']['name']} vs {rec_b['task']['name']}")
    sa, sb = _scores(run_a), _scores(run_b)
    shared = sorted(set(sa) & set(sb))
    if not shared:
        raise UsageError("the two runs share no sample ids")
    metrics = sorted({m for s in shared for m in sa[s]} & {m for s in shared for m in sb[s]})
    rows: list[dict[str, Any]] = []
    for m in metrics:
        pairs = [(sa[s][m], sb[s][m]) for s in shared if m in sa[s] and m in sb[s]]
        pairs = [(x, y) for x, y in pairs if math.isfinite(x) and math.isfinite(y)]
        if len(pairs) < 2:
            continue
        arr = np.asarray(pairs, dtype=float)
        rows.append({"metric": m, "n": len(pairs), **paired_test(arr[:, 0], arr[:, 1], n_boot=n_boot, seed=seed)})
    return rows

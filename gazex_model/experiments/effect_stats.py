"""Statistics shared by the model experiments (``gaze_effect``, ``held_out_reader``).

Scores come as ``{seed: {sample_id: value}}`` per arm; a sample belongs to an image (the
resampling cluster). Two resampling schemes, both percentile bootstraps of the difference of
pooled means (every seed's rows stacked, so one estimate pools the seeds):

* ``images x seeds`` (:func:`two_way_bootstrap`, the primary one): each resample draws the
  images (clusters, with replacement) and, independently, the training seeds (with
  replacement); arm A's seed ``k`` stays paired with arm B's seed ``k``. The CI then holds
  run-to-run training variation as well as test-image variation — the question "does this
  training recipe beat that one" is about training runs, not about three particular models;
* ``images`` (:func:`gazex_bench.metrics.stats.paired_bootstrap` with image clusters): the
  seeds fixed, only images resampled — conditional on the trained models. Shown beside the
  primary CI; the negative control tells which of the two is calibrated.

With few seeds the seed draw of the bootstrap is coarse (3 seeds: 10 distinct multisets, so the CI
cannot reach beyond the most extreme per-seed difference, and all three seeds agreeing in sign happens
with probability 1/4 under the null). The exact seed-level sign-flip p (:func:`sign_flip_p`) is
reported beside it as the check: its smallest attainable value is 2 / 2^S.

Two-sided p-values as in :func:`~gazex_bench.metrics.stats.paired_bootstrap`
(``2 min(P(d* <= 0), P(d* >= 0))``), floored at 1/B, Holm-adjusted over every comparison of an
experiment (:func:`~gazex_bench.metrics.stats.holm`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from gazex_bench.metrics.stats import (
    floor_p,
    holm,
    mean_reducer,
    paired_bootstrap,
    paired_p,
    resample_weights,
)

Scores = dict[int, dict[str, float]]
"""Per-sample values of one arm: ``{seed: {sample_id: value}}``."""


def matrix(scores: Scores, seeds: Sequence[int], ids: Sequence[str]) -> np.ndarray:
    """(S, N) values of ``ids`` for ``seeds`` (NaN where a sample has no value)."""
    return np.array([[scores[s].get(i, np.nan) for i in ids] for s in seeds], dtype=np.float64)


def _weights(n_seeds: int, clusters: Sequence[Hashable], b: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(B, S) seed multiplicities and (B, N) image-cluster multiplicities (independent draws)."""
    ws = resample_weights(n_seeds, b, seed + 7919).T if n_seeds > 1 else np.ones((b, 1))
    wi = resample_weights(len(clusters), b, seed, clusters).T
    return ws, wi


def two_way_means(m: np.ndarray, clusters: Sequence[Hashable], b: int, seed: int) -> np.ndarray:
    """(B,) pooled means of an (S, N) matrix under the images x seeds bootstrap (NaN cells ignored)."""
    ws, wi = _weights(m.shape[0], clusters, b, seed)
    ok = np.isfinite(m).astype(np.float64)
    v = np.where(ok > 0, m, 0.0)
    num = np.einsum("bs,sn,bn->b", ws, v, wi)
    den = np.einsum("bs,sn,bn->b", ws, ok, wi)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def _ci_p(point: float, draws: np.ndarray) -> tuple[list[float], float]:
    draws = draws[np.isfinite(draws)]
    if not len(draws):
        return [float("nan"), float("nan")], float("nan")
    lo, hi = np.quantile(draws, [0.025, 0.975])
    p = paired_p(draws, np.zeros_like(draws))  # numerical ties (|d| <= 1e-9) count on both sides
    return [float(lo), float(hi)], p


def pooled_mean(m: np.ndarray) -> float:
    """Mean over every finite cell of an (S, N) matrix (seeds pooled)."""
    return float(np.nanmean(m)) if np.isfinite(m).any() else float("nan")


def sign_flip_p(per_seed: Sequence[float]) -> float:
    """Exact two-sided sign-flip permutation p of the mean of per-seed differences (all 2^S sign vectors).

    The seed-level check of a comparison: with S seeds the smallest attainable p is 2 / 2^S (0.25 at 3 seeds).
    """
    d = np.asarray([x for x in per_seed if np.isfinite(x)], dtype=np.float64)
    if not len(d):
        return float("nan")
    signs = np.array(np.meshgrid(*[[1.0, -1.0]] * len(d))).reshape(len(d), -1).T
    return float(np.mean(np.abs((signs * d).mean(1)) >= abs(d.mean()) - 1e-12))


def two_way_bootstrap(
    a: np.ndarray, b_: np.ndarray, clusters: Sequence[Hashable], n_boot: int, seed: int = 1
) -> dict[str, Any]:
    """Paired images x seeds bootstrap of ``mean(A) - mean(B)`` over (S, N) matrices (rows = seeds).

    A cell is used only where both arms have a value (the pairing). Returns the difference, its
    95 % percentile CI, the two-sided p floored at 1/B, and the image-only CI/p for comparison.
    """
    both = np.isfinite(a) & np.isfinite(b_)
    d = np.where(both, a - b_, np.nan)
    point = pooled_mean(d)
    ci, p = _ci_p(point, two_way_means(d, clusters, n_boot, seed))
    rows = np.nonzero(both.ravel())[0]
    cl = [clusters[i % len(clusters)] for i in rows]
    pr = paired_bootstrap(
        a.ravel()[rows], b_.ravel()[rows], mean_reducer, n_resamples=n_boot, seed=seed, clusters=cl
    )
    per_seed = [pooled_mean(d[k : k + 1]) for k in range(d.shape[0])]
    return {
        "diff": point,
        "per_seed_diff": per_seed,
        "p_seed_signflip": sign_flip_p(per_seed),
        "ci95": ci,
        "p_raw": floor_p(p, n_boot),
        "method": "paired percentile bootstrap, images x seeds resampled",
        "ci95_images_only": [pr.diff.low, pr.diff.high],
        "p_images_only": floor_p(pr.p_value, n_boot),
        "n_rows": int(len(rows)),
        "n_images": len(set(cl)),
        "n_seeds": int(a.shape[0]),
    }


def arm_summary(
    m: np.ndarray, clusters: Sequence[Hashable], seeds: Sequence[int], n_boot: int
) -> dict[str, Any]:
    """Pooled mean of one arm, its images x seeds 95 % CI and the per-seed means."""
    draws = two_way_means(m, clusters, n_boot, 0)
    ci, _ = _ci_p(0.0, draws)
    return {
        "mean": pooled_mean(m),
        "ci95": ci,
        "n": int(np.isfinite(m).sum()),
        "per_seed": {str(s): pooled_mean(m[k : k + 1]) for k, s in enumerate(seeds)},
    }


def holm_adjust(comparisons: Sequence[dict[str, Any]], n_boot: int) -> None:
    """Holm-adjust the (floored) raw p of every comparison given, in place; adjusted p floored at 1/B too."""
    reject, adj = holm([c["p_raw"] for c in comparisons])
    for c, r, p in zip(comparisons, reject, adj):
        c["p_holm"] = floor_p(float(p), n_boot)
        c["reject_holm_0.05"] = bool(r)
        c["m_holm"] = len(comparisons)


def verdict(c: dict[str, Any], higher_is_better: bool = True) -> str:
    """``better`` / ``worse`` / ``none`` from the Holm decision and the CI side (``A`` relative to ``B``)."""
    lo, hi = c["ci95"]
    if c["reject_holm_0.05"] and lo > 0:
        return "better" if higher_is_better else "worse"
    if c["reject_holm_0.05"] and hi < 0:
        return "worse" if higher_is_better else "better"
    return "none"


def ci_contains_zero(c: dict[str, Any]) -> bool:
    """Whether the primary 95 % CI of a comparison contains 0."""
    return bool(c["ci95"][0] <= 0.0 <= c["ci95"][1])


def jsonable(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by None (strict JSON has no NaN)."""
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if isinstance(obj, float | np.floating):
        return float(obj) if np.isfinite(obj) else None
    return obj


def from_json(obj: Any) -> Any:
    """Inverse of :func:`jsonable` for reports: None back to NaN (the records hold no other None)."""
    if isinstance(obj, dict):
        return {k: from_json(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [from_json(v) for v in obj]
    return float("nan") if obj is None else obj

"""Saliency-map metrics of a predicted map vs radiologists' fixations / fixation maps (numpy).

Conventions (docs/gaze_reference.md §3.1–3.2; MIT = ``cvzoya/saliency``, Tuebingen = pysaliency):
    * ``fixations`` are ``(N, 2)`` continuous ``(x, y)`` in the map's pixel frame; pixel index
      = ``floor`` (clipped to the map); every fixation counts (no de-duplication, Tuebingen).
    * NSS: map z-scored with ``std(ddof=1)`` (MIT; pysaliency uses ddof 0), mean over fixations.
    * CC: Pearson of the two maps (NaN if either is constant).
    * Degenerate maps (constant: ``max == min`` exactly; empty; non-finite) give NaN for NSS, CC,
      SIM and :func:`auc_judd_mit`, as the MIT reference's division by a zero std/range does;
      :func:`degenerate_reason` says why. KLD treats a constant map as the uniform distribution.
    * KLD(P=pred, Q=GT): both sum-normalised; ``Σ Q·log(eps + Q/(P + eps))``, eps = 2.2204e-16
      (MIT ``KLdiv.m``; asymmetric, GT is the human map).
    * SIM: each map min-max normalised then sum-normalised (MIT, ``minmax=True``), Σ min.
    * AUC-Judd (:func:`auc_judd`): exact ROC AUC, positives = map at fixations, negatives = map at
      all pixels (Tuebingen; ties count ½, so a constant map gives exactly 0.5) — equal to
      ``sklearn.metrics.roc_auc_score``. :func:`auc_judd_mit` is the MIT threshold/trapz form
      (negatives = non-fixated pixels, seeded 1e-7 jitter).
    * sAUC: negatives = map at other images' fixations (same frame), optionally subsampled (seeded).
"""

from __future__ import annotations

from typing import cast

import numpy as np
from scipy.stats import rankdata

EPS = 2.220446049250313e-16
"""MATLAB ``eps`` used by the MIT KL divergence."""


def _pix(fixations: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of fixations (floor, clipped into the map)."""
    f = np.asarray(fixations, dtype=float).reshape(-1, 2)
    f = f[np.all(np.isfinite(f), axis=1)]
    col = np.clip(np.floor(f[:, 0]).astype(int), 0, shape[1] - 1)
    row = np.clip(np.floor(f[:, 1]).astype(int), 0, shape[0] - 1)
    return row, col


def rank_auc(positives: np.ndarray, negatives: np.ndarray) -> float:
    """Mann–Whitney ROC AUC (ties ½); NaN if either set is empty."""
    p, n = np.asarray(positives, float).ravel(), np.asarray(negatives, float).ravel()
    if p.size == 0 or n.size == 0:
        return float("nan")
    ranks = rankdata(np.concatenate([p, n]))
    return float((ranks[: p.size].sum() - p.size * (p.size + 1) / 2.0) / (p.size * n.size))


def degenerate_reason(saliency: np.ndarray) -> str | None:
    """Why a map cannot be z-scored or min-max normalised, or None.

    Detected exactly (``max == min``), not through a computed ``std > 0``: for a constant map
    of e.g. 0.1 the floating-point mean differs from 0.1 by an ulp, the std is ~1e-17 instead
    of 0, and NSS would come out as about ±1 (CC as ~1e-16). The MIT reference divides by a
    zero std / range there and returns NaN; so do these functions.
    """
    a = np.asarray(saliency, dtype=float)
    if a.size == 0:
        return "empty map"
    if not np.isfinite(a).all():
        return "map has non-finite values"
    if a.max() == a.min():
        return "constant map (max == min)"
    return None


def nss(saliency: np.ndarray, fixations: np.ndarray, ddof: int = 1) -> float:
    """Normalized scanpath saliency: mean z-scored map value at the fixations (NaN for a degenerate map)."""
    s = np.asarray(saliency, dtype=float)
    row, col = _pix(fixations, s.shape)
    if row.size == 0 or degenerate_reason(s) is not None:
        return float("nan")
    sd = s.std(ddof=ddof)
    return float(((s[row, col] - s.mean()) / sd).mean())


def cc(saliency: np.ndarray, gt_map: np.ndarray) -> float:
    """Pearson linear correlation coefficient of two maps (NaN if one is degenerate, e.g. constant)."""
    if degenerate_reason(saliency) is not None or degenerate_reason(gt_map) is not None:
        return float("nan")
    a, b = np.asarray(saliency, float).ravel(), np.asarray(gt_map, float).ravel()
    a, b = a - a.mean(), b - b.mean()
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den > 0 else float("nan")


def kld(saliency: np.ndarray, gt_map: np.ndarray, eps: float = EPS) -> float:
    """MIT KL divergence of the predicted map from the human map (0 = identical).

    An all-zero map is not a distribution: the result is NaN (counted by callers),
    never a division-by-zero warning.
    """
    p, q = np.asarray(saliency, float), np.asarray(gt_map, float)
    if not (p.sum() > 0 and q.sum() > 0):
        return float("nan")
    p, q = p / p.sum(), q / q.sum()
    return float((q * np.log(eps + q / (p + eps))).sum())


def sim(saliency: np.ndarray, gt_map: np.ndarray, minmax: bool = True) -> float:
    """Similarity (histogram intersection) of two maps, 1 = identical.

    NaN when a map is degenerate: with ``minmax`` a constant map (MIT ``similarity.m`` divides
    by ``max - min = 0``), without it a map summing to 0.
    """
    for m in (saliency, gt_map):
        a = np.asarray(m, float)
        if (degenerate_reason(a) is not None) if minmax else not (np.isfinite(a).all() and a.sum() > 0):
            return float("nan")

    def norm(m: np.ndarray) -> np.ndarray:
        m = np.asarray(m, float)
        if minmax:
            rng = m.max() - m.min()
            m = (m - m.min()) / rng if rng > 0 else np.zeros_like(m)
        tot = m.sum()
        return m / tot if tot > 0 else m

    return float(np.minimum(norm(saliency), norm(gt_map)).sum())


def auc_judd(saliency: np.ndarray, fixations: np.ndarray) -> float:
    """AUC-Judd, Tuebingen convention (negatives = all pixels, exact ties) — see module doc."""
    s = np.asarray(saliency, dtype=float)
    row, col = _pix(fixations, s.shape)
    return rank_auc(s[row, col], s.ravel())


def auc_judd_mit(saliency: np.ndarray, fixations: np.ndarray, seed: int | None = 0) -> float:
    """AUC-Judd as in MIT ``AUC_Judd.m`` (unique fixated pixels, threshold sweep, trapz).

    Args:
        saliency: ``(H, W)`` map.
        fixations: ``(N, 2)`` ``(x, y)`` in map pixels.
        seed: Seed of the ``rand/1e7`` tie-breaking jitter; None disables the jitter.

    Returns:
        The AUC; NaN for a degenerate (e.g. constant) map, detected before any jitter (MIT
        normalises by ``max - min``; the jitter would only turn a constant map into noise).
    """
    if degenerate_reason(saliency) is not None:
        return float("nan")
    s = np.asarray(saliency, dtype=float).copy()
    if seed is not None:
        s += np.random.default_rng(seed).random(s.shape) / 1e7
    rng = s.max() - s.min()
    s = (s - s.min()) / rng if rng > 0 else np.zeros_like(s)
    row, col = _pix(fixations, s.shape)
    fixated = np.zeros(s.shape, bool)
    fixated[row, col] = True
    nf, npix = int(fixated.sum()), s.size
    if nf == 0 or nf == npix:
        return float("nan")
    thr = np.sort(s[fixated])[::-1]
    above = (s.ravel()[None, :] >= thr[:, None]).sum(axis=1)
    i = np.arange(1, nf + 1)
    tp = np.concatenate([[0.0], i / nf, [1.0]])
    fp = np.concatenate([[0.0], (above - i) / (npix - nf), [1.0]])
    return float(np.sum(np.diff(fp) * (tp[1:] + tp[:-1]) / 2.0))


def auc_shuffled(
    saliency: np.ndarray,
    fixations: np.ndarray,
    other_fixations: np.ndarray,
    *,
    n_negatives: int | None = None,
    seed: int = 0,
) -> float:
    """Shuffled AUC: positives at this image's fixations, negatives at other images' fixations.

    Args:
        saliency: ``(H, W)`` map.
        fixations: ``(N, 2)`` fixations of this image (map pixels).
        other_fixations: ``(M, 2)`` fixations pooled from other images, rescaled into this
            map's frame by the caller.
        n_negatives: If given, draw that many negatives without replacement (seeded).
        seed: Seed of the subsampling.
    """
    s = np.asarray(saliency, dtype=float)
    row, col = _pix(fixations, s.shape)
    orow, ocol = _pix(other_fixations, s.shape)
    if n_negatives is not None and n_negatives < orow.size:
        pick = np.random.default_rng(seed).choice(orow.size, size=n_negatives, replace=False)
        orow, ocol = orow[pick], ocol[pick]
    return rank_auc(s[row, col], s[orow, ocol])


def fixation_density(
    fixations: np.ndarray, shape: tuple[int, int], sigma_px: float, weights: np.ndarray | None = None
) -> np.ndarray:
    """Sum-1 density map: isotropic Gaussian (σ px, untruncated) per fixation, weighted.

    Separable: ``Σ_f w_f · g_y,f ⊗ g_x,f`` computed as one matrix product. Pixel centres at
    ``index + 0.5``. Returns zeros if there is no fixation or all weights are 0.
    """
    f = np.asarray(fixations, dtype=float).reshape(-1, 2)
    w = np.ones(len(f)) if weights is None else np.asarray(weights, dtype=float)
    keep = np.all(np.isfinite(f), axis=1)
    f, w = f[keep], w[keep]
    h, wd = shape
    gx = np.exp(-0.5 * (((np.arange(wd) + 0.5)[None, :] - f[:, :1]) / sigma_px) ** 2)
    gy = np.exp(-0.5 * (((np.arange(h) + 0.5)[None, :] - f[:, 1:]) / sigma_px) ** 2)
    m = (gy * w[:, None]).T @ gx
    tot = m.sum()
    return cast("np.ndarray", m / tot if tot > 0 else m)


def all_metrics(
    saliency: np.ndarray, fixations: np.ndarray, gt_map: np.ndarray, other_fixations: np.ndarray | None = None
) -> dict[str, float | str]:
    """NSS, CC, KLD, SIM, AUC-Judd and (if ``other_fixations``) sAUC of one prediction, plus ``degenerate``:
    the reason text when NSS/CC/SIM are NaN for a degenerate map, ``""`` otherwise."""
    out: dict[str, float | str] = {
        "NSS": nss(saliency, fixations),
        "CC": cc(saliency, gt_map),
        "KLD": kld(saliency, gt_map),
        "SIM": sim(saliency, gt_map),
        "AUC_Judd": auc_judd(saliency, fixations),
    }
    out["sAUC"] = (
        float("nan") if other_fixations is None else auc_shuffled(saliency, fixations, other_fixations)
    )
    out["degenerate"] = degenerate_reason(saliency) or ""  # why NSS/CC/SIM are NaN ("" = not degenerate)
    return out

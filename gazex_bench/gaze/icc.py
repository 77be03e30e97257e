"""Intraclass correlation (ICC), closed-form numpy, pingouin-0.7.0 compatible.

Formulas (McGraw & Wong 1996 / Shrout & Fleiss 1979; as in pingouin 0.7.0
``intraclass_corr``, see ``docs/gaze_reference.md`` §1.2): for an ``(n, k)`` table
(n targets × k raters) the two-way ANOVA gives ``MSB`` (targets), ``MSJ`` (raters),
``MSE`` (residual) and ``MSW = (SS_raters + SS_resid) / (n (k − 1))``, then::

    ICC(1,1) = (MSB − MSW) / (MSB + (k−1) MSW)          ICC(1,k) = (MSB − MSW) / MSB
    ICC(A,1) = (MSB − MSE) / (MSB + (k−1) MSE + k (MSJ − MSE)/n)
    ICC(A,k) = (MSB − MSE) / (MSB + (MSJ − MSE)/n)
    ICC(C,1) = (MSB − MSE) / (MSB + (k−1) MSE)          ICC(C,k) = (MSB − MSE) / MSB

``ICC(C,1)`` is Shrout–Fleiss ICC(3,1) (consistency); ``ICC(A,1)`` is the absolute-agreement
estimator, identical for the two-way random and mixed models (Liljequist et al. 2019).
95 % CIs are the F-based intervals (case A with the Satterthwaite-type ``v``), exactly as
pingouin computes them (pingouin rounds its CI column to 2 dp; we do not round).

Three entry points share one kernel working on sufficient statistics, so a single table,
a batch of equal-shaped tables and a ragged set of groups give bit-comparable numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

ICC_TYPES: tuple[str, ...] = ("ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)")
"""pingouin 0.7.0 labels, in pingouin's row order (pre-0.7 names: ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k)."""
LEGACY_NAMES: Mapping[str, str] = dict(zip(ICC_TYPES, ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")))
ALPHA = 0.05


def _mean_squares(
    n: np.ndarray, k: int, ss_rows: np.ndarray, ss_cols: np.ndarray, ss_tot: np.ndarray
) -> dict[str, Any]:
    """Mean squares from the (centred) sums of squares; arrays broadcast over a batch."""
    ss_err = ss_tot - ss_rows - ss_cols
    df_r, df_c, df_e = n - 1.0, float(k - 1), (n - 1.0) * (k - 1)
    return {
        "n": n.astype(float),
        "k": float(k),
        "MSB": ss_rows / df_r,
        "MSJ": ss_cols / df_c,
        "MSE": ss_err / df_e,
        "MSW": (ss_cols + ss_err) / (df_c + df_e),
    }


def _icc_from_ms(ms: dict[str, Any]) -> dict[str, np.ndarray]:
    """The six ICC point estimates from mean squares (vectorised)."""
    n, k, msb, msj, mse, msw = (ms[key] for key in ("n", "k", "MSB", "MSJ", "MSE", "MSW"))
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "ICC(1,1)": (msb - msw) / (msb + (k - 1) * msw),
            "ICC(A,1)": (msb - mse) / (msb + (k - 1) * mse + k * (msj - mse) / n),
            "ICC(C,1)": (msb - mse) / (msb + (k - 1) * mse),
            "ICC(1,k)": (msb - msw) / msb,
            "ICC(A,k)": (msb - mse) / (msb + (msj - mse) / n),
            "ICC(C,k)": (msb - mse) / msb,
        }


def _ci_from_ms(ms: dict[str, Any], icc: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """F-test 95 % CIs (pingouin 0.7.0 ``intraclass_corr`` arithmetic, vectorised)."""
    from scipy.stats import f as f_dist

    n, k, msb, msj, mse, msw = (ms[key] for key in ("n", "k", "MSB", "MSJ", "MSE", "MSW"))
    q = 1 - ALPHA / 2
    df1, df1kd, df2kd = n - 1, n * (k - 1), (n - 1) * (k - 1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        f1, f3 = msb / msw, msb / mse
        f1l, f1u = f1 / f_dist.ppf(q, df1, df1kd), f1 * f_dist.ppf(q, df1kd, df1)
        f3l, f3u = f3 / f_dist.ppf(q, df1, df2kd), f3 * f_dist.ppf(q, df2kd, df1)
        i2, fj = icc["ICC(A,1)"], msj / mse
        vn = df2kd * (k * i2 * fj + n * (1 + (k - 1) * i2) - k * i2) ** 2
        vd = df1 * k**2 * i2**2 * fj**2 + (n * (1 + (k - 1) * i2) - k * i2) ** 2
        v = vn / vd
        f2u, f2l = f_dist.ppf(q, n - 1, v), f_dist.ppf(q, v, n - 1)
        c = k * msj + (k * n - k - n) * mse
        l2 = n * (msb - f2u * mse) / (f2u * c + n * msb)
        u2 = n * (f2l * msb - mse) / (c + n * f2l * msb)
        return {
            "ICC(1,1)": ((f1l - 1) / (f1l + (k - 1)), (f1u - 1) / (f1u + (k - 1))),
            "ICC(A,1)": (l2, u2),
            "ICC(C,1)": ((f3l - 1) / (f3l + (k - 1)), (f3u - 1) / (f3u + (k - 1))),
            "ICC(1,k)": (1 - 1 / f1l, 1 - 1 / f1u),
            "ICC(A,k)": (l2 * k / (1 + l2 * (k - 1)), u2 * k / (1 + u2 * (k - 1))),
            "ICC(C,k)": (1 - 1 / f3l, 1 - 1 / f3u),
        }


def _ftests(ms: dict[str, Any]) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """``(F, df1, df2, p)`` per ICC type (one-way F for case 1, two-way F for A and C)."""
    from scipy.stats import f as f_dist

    n, k = ms["n"], ms["k"]
    with np.errstate(divide="ignore", invalid="ignore"):
        f1, f3 = ms["MSB"] / ms["MSW"], ms["MSB"] / ms["MSE"]
    df1, d1, d3 = n - 1, n * (k - 1), (n - 1) * (k - 1)
    one = (f1, df1, d1, f_dist.sf(f1, df1, d1))
    two = (f3, df1, d3, f_dist.sf(f3, df1, d3))
    return {t: (one if t.startswith("ICC(1") else two) for t in ICC_TYPES}


def _table_ms(ratings: np.ndarray) -> dict[str, Any]:
    """Mean squares of one or a batch of tables, shape ``(..., n, k)``; data centred first."""
    x = np.asarray(ratings, dtype=float)
    if x.ndim < 2 or x.shape[-1] < 2 or x.shape[-2] < 2:
        raise ValueError(f"ICC needs (..., n >= 2, k >= 2) ratings, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("ICC ratings contain NaN/inf (drop incomplete targets first)")
    n, k = x.shape[-2], x.shape[-1]
    x = x - x.mean(axis=(-2, -1), keepdims=True)
    ss_rows = (x.mean(axis=-1) ** 2).sum(axis=-1) * k
    ss_cols = (x.mean(axis=-2) ** 2).sum(axis=-1) * n
    ss_tot = (x * x).sum(axis=(-2, -1))
    return _mean_squares(np.full(ss_tot.shape, float(n)), k, ss_rows, ss_cols, ss_tot)


def icc(ratings: np.ndarray) -> dict[str, float]:
    """Six ICC point estimates of one ``(n_targets, n_raters)`` table.

    Args:
        ratings: Complete table, rows = targets, columns = raters (any unit).

    Returns:
        ``{"ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"} → float``
        (pingouin 0.7.0 names; NaN where the table has no variance).
    """
    ms = _table_ms(np.asarray(ratings, dtype=float))
    return {t: float(v) for t, v in _icc_from_ms(ms).items()}


def _as_frame(ms: dict[str, Any]) -> pd.DataFrame:
    """Tidy frame (one row per ICC type and table) from scalar or batched mean squares."""
    import pandas as pd

    est, ci, ft = _icc_from_ms(ms), _ci_from_ms(ms, _icc_from_ms(ms)), _ftests(ms)
    frames = []
    for t in ICC_TYPES:
        f, d1, d2, p = (np.broadcast_to(a, np.shape(est[t])) for a in ft[t])
        lo, hi = ci[t]
        frames.append(
            pd.DataFrame(
                {
                    "table": np.arange(np.size(est[t])),
                    "Type": t,
                    "ICC": np.ravel(est[t]),
                    "F": np.ravel(f),
                    "df1": np.ravel(d1),
                    "df2": np.ravel(d2),
                    "pval": np.ravel(p),
                    "ci_low": np.ravel(lo),
                    "ci_high": np.ravel(hi),
                    "n_targets": np.ravel(np.broadcast_to(ms["n"], np.shape(est[t]))),
                    "k_raters": int(ms["k"]),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    order = out["Type"].map({t: i for i, t in enumerate(ICC_TYPES)})
    return (
        out.assign(_o=order)
        .sort_values(["table", "_o"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def icc_table(ratings: np.ndarray) -> pd.DataFrame:
    """Full ICC report of one ``(n, k)`` table, pingouin-style, six rows.

    Returns:
        Columns ``Type, ICC, F, df1, df2, pval, ci_low, ci_high, n_targets, k_raters``
        (``table`` dropped). ``df2`` of case A may be compared with pingouin's integer df2;
        the CI of case A uses the Satterthwaite ``v`` internally.
    """
    return _as_frame(_table_ms(np.asarray(ratings, dtype=float))).drop(columns="table")


def icc_batch(ratings: np.ndarray) -> pd.DataFrame:
    """ICC report for a batch of equal-shaped tables ``(B, n, k)``; column ``table`` = batch index."""
    x = np.asarray(ratings, dtype=float)
    if x.ndim != 3:
        raise ValueError(f"icc_batch expects (B, n, k), got shape {x.shape}")
    return _as_frame(_table_ms(x))


def icc_grouped(ratings: np.ndarray, groups: np.ndarray) -> pd.DataFrame:
    """ICC report per group of rows of one long ``(N, k)`` array (ragged tables).

    Each distinct value of ``groups`` (length N) is one table whose targets are its rows;
    computed from per-group sums (``np.bincount``), no Python loop over groups.

    Returns:
        As :func:`icc_batch`, plus ``group`` (the group label); groups with < 2 rows get NaN.
    """
    x = np.asarray(ratings, dtype=float)
    if x.ndim != 2 or x.shape[1] < 2 or x.shape[0] != len(groups):
        raise ValueError(f"icc_grouped expects (N, k>=2) ratings and N group labels, got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("ICC ratings contain NaN/inf (drop incomplete targets first)")
    labels, gid = np.unique(np.asarray(groups), return_inverse=True)
    g, k = len(labels), x.shape[1]
    n = np.bincount(gid, minlength=g).astype(float)
    gmean = np.bincount(gid, weights=x.sum(axis=1), minlength=g) / (n * k)
    xc = x - gmean[gid, None]
    row_mean = xc.mean(axis=1)
    ss_rows = np.bincount(gid, weights=row_mean**2, minlength=g) * k
    col_sum = np.stack([np.bincount(gid, weights=xc[:, j], minlength=g) for j in range(k)], axis=1)
    ss_cols = ((col_sum / n[:, None]) ** 2).sum(axis=1) * n
    ss_tot = np.bincount(gid, weights=(xc * xc).sum(axis=1), minlength=g)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = _as_frame(_mean_squares(np.where(n >= 2, n, np.nan), k, ss_rows, ss_cols, ss_tot))
    out.insert(0, "group", labels[out["table"].to_numpy()])
    return out


def icc_weighted(ratings: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    """ICC point estimates of a table whose rows are repeated ``weights`` times, for a batch of weights.

    Equivalent to :func:`icc` on ``np.repeat(ratings, w, axis=0)`` for each row ``w`` of
    ``weights`` (a bootstrap resample expressed as counts), without building the tables: the
    sums of squares are weighted sums (centred on each resample's grand mean).

    Args:
        ratings: ``(n, k)`` complete table.
        weights: ``(B, n)`` non-negative integer counts.

    Returns:
        ICC type -> ``(B,)`` values (NaN where a resample has < 2 rows or no variance).
    """
    x = np.asarray(ratings, dtype=float)
    w = np.asarray(weights, dtype=float)
    k = x.shape[1]
    n = w.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        grand = (w @ x.sum(axis=1)) / (k * n)
        col = (w @ x) / n[:, None]
        row = x.mean(axis=1)
        ss_tot = w @ (x * x).sum(axis=1) - k * n * grand**2
        ss_rows = k * (w @ row**2 - n * grand**2)
        ss_cols = n * ((col - grand[:, None]) ** 2).sum(axis=1)
        ms = _mean_squares(n, k, ss_rows, ss_cols, ss_tot)
        out = _icc_from_ms(ms)
    return {t: np.where(n >= 2, v, np.nan) for t, v in out.items()}

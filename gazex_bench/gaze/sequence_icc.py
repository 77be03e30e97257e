"""ICC of DTW-aligned centroid sequences: model vs radiologist (paper §3.2, Fig. 4a).

Procedure: a finding's centroid sequence is its cluster centroids in temporal order, then
(``include_holistic=True``) the holistic / observation centroid, all ``(x, y)`` quarter-scale
px. Two sequences are aligned by exact DTW (:mod:`gazex_bench.gaze.dtw`); every path step is
one ICC target, the raters are {model, radiologist} (k = 2), and x and y are analysed
separately. Path steps of all units are pooled into one table per axis (the paper reports a
single ICC_X and ICC_Y); per-unit ICCs come from :func:`icc.icc_grouped`.

Two forms are reported, labelled:
    * ``ICC(A,1)`` — absolute agreement; numerically what the paper's "ICC(3,1), two-way mixed,
      absolute agreement" computes (McGraw–Wong case 3A = 2A estimator; docs/gaze_reference.md §1.4). Headline.
    * ``ICC(C,1)`` — consistency = Shrout–Fleiss ICC(3,1).

Settings:
    1. Generated findings: the model's findings and the reading's findings are matched by
       category; per (reading, category) the sequences of all findings of that category are
       concatenated in report order and aligned.
    2. Given findings: one model prediction per reference finding (``ModelFinding.reference``),
       aligned one-to-one.

Caveats: (i) DTW minimises the very distance that is then scored, so aligned ICCs are
optimistically biased; (ii) warping repeats points, so targets are not independent and n
(path steps ≥ max sequence length) is inflated — the F-test CIs of a pooled table are too
narrow. The pooled CI is therefore, by default (``ci="cluster-bootstrap"``), a seeded
percentile bootstrap that resamples **images** with replacement (all path steps of the
image's units together) and recomputes the pooled ICC per resample
(:func:`gazex_bench.gaze.icc.icc_weighted`); ``ci="f-test"`` keeps the McGraw-Wong F-test
interval. Both intervals are in the table (``ci_low_f``/``ci_high_f`` always hold the F-test
one) and ``ci_method`` names the one in ``ci_low``/``ci_high``; (iii) with few steps per
unit the per-unit CIs are very wide; (iv) both sequences must be in the same frame. Report the
inter-radiologist ceiling and the shuffled-image null computed the same way next to the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from gazex_bench.gaze.dtw import aligned_pairs
from gazex_bench.gaze.icc import icc_grouped, icc_table, icc_weighted
from gazex_bench.gaze.inputs import ModelFinding, ModelImage, ReaderGaze
from gazex_bench.gaze.types import FindingGaze

ICC_LABELS: Mapping[str, str] = {
    "ICC(A,1)": "absolute agreement (paper's 'ICC(3,1) absolute agreement'; pingouin ICC(A,1)/ICC2)",
    "ICC(C,1)": "consistency (Shrout-Fleiss ICC(3,1); pingouin ICC(C,1)/ICC3)",
}


@dataclass(frozen=True)
class SequenceUnit:
    """Two centroid sequences to align: rater A (model or radiologist) vs radiologist B."""

    unit_id: str
    image_group: str
    reading_id: str
    """The reference (radiologist) reading."""
    radiologist: str | None
    category: str | None
    seq_a: np.ndarray
    """``(L_a, 2)`` rater A centroids (model)."""
    seq_b: np.ndarray
    """``(L_b, 2)`` reference radiologist centroids."""


def reader_sequence(f: FindingGaze, include_holistic: bool = True) -> np.ndarray:
    """``(L, 2)`` centroid sequence of a radiologist finding (clusters, then holistic)."""
    pts = [c.centroid for c in f.clusters]
    if include_holistic and f.holistic is not None:
        pts.append(f.holistic.centroid)
    return np.asarray(pts, dtype=float).reshape(-1, 2)


def model_sequence(f: ModelFinding, include_holistic: bool = True) -> np.ndarray:
    """``(L, 2)`` centroid sequence of a model finding (visual clues, then observation)."""
    pts = [(b[4], b[5]) for b in f.clusters]
    if include_holistic and f.observation is not None:
        pts.append((f.observation[4], f.observation[5]))
    return np.asarray(pts, dtype=float).reshape(-1, 2)


def _concat(seqs: Sequence[np.ndarray]) -> np.ndarray:
    return np.concatenate(list(seqs), axis=0) if seqs else np.zeros((0, 2))


def _reader_by_category(r: ReaderGaze, include_holistic: bool) -> dict[str, np.ndarray]:
    cats: dict[str, list[np.ndarray]] = {}
    for f, c in zip(r.findings, r.finding_categories):
        if c is not None:
            cats.setdefault(c, []).append(reader_sequence(f, include_holistic))
    return {c: _concat(s) for c, s in cats.items()}


def setting1_units(
    readers: Sequence[ReaderGaze], models: Mapping[str, ModelImage], include_holistic: bool = True
) -> list[SequenceUnit]:
    """Setting 1 units: per reading and category present in both the reading and the model."""
    units = []
    for r in sorted(readers, key=lambda r: r.reading_id):
        m = models.get(r.image_group)
        if m is None:
            continue
        mcat: dict[str, list[np.ndarray]] = {}
        for f in m.generated:
            if f.category is not None:
                mcat.setdefault(f.category, []).append(model_sequence(f, include_holistic))
        for c, rs in sorted(_reader_by_category(r, include_holistic).items()):
            ms = _concat(mcat.get(c, []))
            if len(ms) and len(rs):
                units.append(
                    SequenceUnit(f"{r.reading_id}/{c}", r.image_group, r.reading_id, r.radiologist, c, ms, rs)
                )
    return units


def setting2_units(
    readers: Sequence[ReaderGaze], models: Mapping[str, ModelImage], include_holistic: bool = True
) -> list[SequenceUnit]:
    """Setting 2 units: one per reference finding the model was given (one-to-one)."""
    index = {
        (r.reading_id, f.sentence_index): (r, f, c)
        for r in readers
        for f, c in zip(r.findings, r.finding_categories)
    }
    units = []
    for img in sorted(models):
        for mf in models[img].given:
            hit = index.get(mf.reference) if mf.reference is not None else None
            if hit is None:
                continue
            r, f, c = hit
            ms, rs = model_sequence(mf, include_holistic), reader_sequence(f, include_holistic)
            if len(ms) and len(rs):
                units.append(
                    SequenceUnit(
                        f"{r.reading_id}/{f.sentence_index}",
                        r.image_group,
                        r.reading_id,
                        r.radiologist,
                        c,
                        ms,
                        rs,
                    )
                )
    return units


def inter_reader_units(readers: Sequence[ReaderGaze], include_holistic: bool = True) -> list[SequenceUnit]:
    """Ceiling units: reader pairs of the same image, matched by category like setting 1.

    Rater A = the first reading (by id) of each unordered pair, B = the second.
    """
    by_img: dict[str, list[ReaderGaze]] = {}
    for r in readers:
        by_img.setdefault(r.image_group, []).append(r)
    units = []
    for img in sorted(by_img):
        for ra, rb in combinations(sorted(by_img[img], key=lambda r: r.reading_id), 2):
            ca, cb = _reader_by_category(ra, include_holistic), _reader_by_category(rb, include_holistic)
            for c in sorted(set(ca) & set(cb)):
                if len(ca[c]) and len(cb[c]):
                    units.append(
                        SequenceUnit(
                            f"{ra.reading_id}~{rb.reading_id}/{c}",
                            img,
                            rb.reading_id,
                            rb.radiologist,
                            c,
                            ca[c],
                            cb[c],
                        )
                    )
    return units


def shuffled_units(units: Sequence[SequenceUnit], seed: int = 0) -> list[SequenceUnit]:
    """Shuffled-image null: each unit's rater-A sequence replaced by one from another image.

    The donor is drawn (seeded) among units of a different image with the same category when
    any exists, else among all units of other images; units with no donor are skipped.
    """
    rng = np.random.default_rng(seed)
    out = []
    for u in units:
        pool = [v for v in units if v.image_group != u.image_group and v.category == u.category]
        pool = pool or [v for v in units if v.image_group != u.image_group]
        if not pool:
            continue
        d = pool[int(rng.integers(len(pool)))]
        out.append(
            SequenceUnit(
                f"{u.unit_id}<{d.image_group}",
                u.image_group,
                u.reading_id,
                u.radiologist,
                u.category,
                d.seq_a,
                u.seq_b,
            )
        )
    return out


def _aligned_stack(
    units: Sequence[SequenceUnit], radius: int | None
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """``(P, 2, 2)`` aligned points [step, rater(A,B), axis(x,y)], unit index per step, distances."""
    blocks, gid, dists = [], [], []
    for i, u in enumerate(units):
        a, b, d = aligned_pairs(u.seq_a, u.seq_b, sakoe_chiba_radius=radius)
        blocks.append(np.stack([a, b], axis=1))
        gid.append(np.full(len(a), i))
        dists.append(d)
    if not blocks:
        return np.zeros((0, 2, 2)), np.zeros(0, int), []
    return np.concatenate(blocks), np.concatenate(gid), dists


def image_bootstrap_ci(
    ratings: np.ndarray, point_image: Sequence[str], *, n_boot: int, seed: int, level: float
) -> dict[str, tuple[float, float]]:
    """Percentile CI of every ICC form, resampling images (clusters of path steps) with replacement.

    Args:
        ratings: ``(P, 2)`` pooled path-step table of one axis.
        point_image: Image of each path step.
        n_boot: Resamples (seeded ``numpy.random.default_rng(seed)``, one draw of images per resample).
        seed: Bootstrap seed.
        level: Two-sided level, e.g. 0.95.

    Returns:
        ICC type -> ``(low, high)``; NaN bounds where fewer than 2 images or no finite resample.
    """
    images = sorted(set(point_image))
    if len(images) < 2 or n_boot <= 0:
        return {}
    idx = np.searchsorted(images, np.asarray(point_image))
    draws = np.random.default_rng(seed).integers(0, len(images), size=(n_boot, len(images)))
    counts = np.zeros((n_boot, len(images)))
    np.add.at(counts, (np.repeat(np.arange(n_boot), len(images)), draws.ravel()), 1.0)
    values = icc_weighted(ratings, counts[:, idx])
    alpha = (1.0 - level) / 2.0
    out = {}
    for form, v in values.items():
        v = v[np.isfinite(v)]
        out[form] = (
            (float(np.quantile(v, alpha)), float(np.quantile(v, 1 - alpha))) if v.size else (np.nan, np.nan)
        )
    return out


def _with_ci(
    t: pd.DataFrame,
    ratings: np.ndarray,
    point_image: Sequence[str],
    ci: str,
    n_boot: int,
    seed: int,
    level: float,
) -> pd.DataFrame:
    """Keep the F-test interval in ``ci_*_f``; put the chosen interval in ``ci_low``/``ci_high`` + ``ci_method``."""
    t = t.assign(
        ci_low_f=t["ci_low"],
        ci_high_f=t["ci_high"],
        ci_method=f"icc-f-test(level={level}) on pooled DTW path steps (too narrow: steps not independent)",
    )
    boot = (
        image_bootstrap_ci(ratings, point_image, n_boot=n_boot, seed=seed, level=level)
        if ci != "f-test"
        else {}
    )
    if boot:
        t["ci_low"] = [boot.get(form, (np.nan, np.nan))[0] for form in t["Type"]]
        t["ci_high"] = [boot.get(form, (np.nan, np.nan))[1] for form in t["Type"]]
        t["ci_method"] = f"percentile-bootstrap(unit=image,n_boot={n_boot},seed={seed},level={level})"
    return t


_POOLED_COLUMNS = (
    "comparison",
    "setting",
    "axis",
    "Type",
    "ICC",
    "ci_low",
    "ci_high",
    "ci_method",
    "ci_low_f",
    "ci_high_f",
    "F",
    "df1",
    "df2",
    "pval",
    "n_targets",
    "n_units",
    "n_images",
    "mean_dtw_px",
)


def _pooled_axis(
    units: Sequence[SequenceUnit],
    ratings: np.ndarray,
    gid: np.ndarray,
    dists: Sequence[float],
    base: dict[str, str],
    ci: str,
    n_boot: int,
    seed: int,
    level: float,
) -> pd.DataFrame:
    """Pooled ICC rows of one axis with unit/image counts, mean DTW distance and the CI."""
    t = icc_table(ratings)
    t = t[t["Type"].isin(ICC_LABELS)].assign(
        **base,
        n_units=len(units),
        n_images=len({u.image_group for u in units}),
        mean_dtw_px=float(np.mean(dists)),
    )
    return _with_ci(t, ratings, [units[i].image_group for i in gid], ci, n_boot, seed, level)


def _per_unit_axis(
    units: Sequence[SequenceUnit],
    ratings: np.ndarray,
    gid: np.ndarray,
    dists: Sequence[float],
    base: dict[str, str],
) -> pd.DataFrame:
    """Per-unit ICC rows of one axis labelled with unit id, category and DTW distance."""
    g = icc_grouped(ratings, gid)
    g = g[g["Type"].isin(ICC_LABELS)].assign(**base)
    g["unit_id"] = [units[i].unit_id for i in g["group"]]
    g["category"] = [units[i].category for i in g["group"]]
    g["dtw_px"] = [dists[i] for i in g["group"]]
    return g.drop(columns=["group", "table"])


def dtw_icc(
    units: Sequence[SequenceUnit],
    *,
    comparison: str,
    setting: str,
    sakoe_chiba_radius: int | None = None,
    ci: str = "cluster-bootstrap",
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pooled and per-unit ICC(A,1) / ICC(C,1) of DTW-aligned sequences, per axis.

    Args:
        units: Sequence pairs (see the ``*_units`` builders).
        comparison: Row label, e.g. ``"model:gazex"``, ``"inter_radiologist"``, ``"shuffled:gazex"``.
        setting: ``"generated"`` (1) or ``"given"`` (2).
        sakoe_chiba_radius: Optional DTW band (tslearn meaning).
        ci: ``"cluster-bootstrap"`` (images resampled, default) or ``"f-test"`` (module doc).
        n_boot, seed, level: Bootstrap resamples, seed and CI level.

    Returns:
        ``(pooled, per_unit)``. pooled: one row per axis × ICC form with ``ICC, ci_low,
        ci_high, F, df1, df2, pval, n_targets`` (path steps), ``n_units, n_images,
        mean_dtw_px, label``. per_unit: same per ``unit_id`` (NaN when a unit has < 2 steps).
    """
    pts, gid, dists = _aligned_stack(units, sakoe_chiba_radius)
    pooled, per_unit = [], []
    for ax, name in enumerate(("x", "y")):
        ratings = pts[:, :, ax]
        base = {"comparison": comparison, "setting": setting, "axis": name}
        if len(ratings) >= 3:
            pooled.append(_pooled_axis(units, ratings, gid, dists, base, ci, n_boot, seed, level))
            per_unit.append(_per_unit_axis(units, ratings, gid, dists, base))
    cols = list(_POOLED_COLUMNS)
    pooled_df = pd.concat(pooled, ignore_index=True)[cols] if pooled else pd.DataFrame(columns=cols)
    pooled_df["label"] = pooled_df["Type"].map(ICC_LABELS)
    per_df = pd.concat(per_unit, ignore_index=True) if per_unit else pd.DataFrame()
    return pooled_df, per_df

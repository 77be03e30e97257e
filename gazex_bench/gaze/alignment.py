"""One call that runs every gaze-alignment analysis (paper §3.1–3.2, Figs 3–4, 7c).

``run_gaze_alignment(readers, models)`` takes radiologist readings (:class:`ReaderGaze`,
quarter-scale frame, with their :class:`FindingGaze` records and a category per finding)
and model predictions (:class:`ModelImage`, one per model and image) and returns tidy
tables (pandas) keyed by name, plus a status list for analyses that could not run.

Baseline rows inside the tables: ``inter_radiologist`` (ceiling), ``shuffled:<model>``
(model output of another image, seeded), ``center_bias`` (saliency only). With
``holdout=<radiologist>`` that radiologist is removed from the reference and scored like a
model named ``radiologist:<id>`` (needs identities; otherwise ``UsageError`` with the
:data:`~gazex_bench.gaze.inputs.IDENTITY_UNAVAILABLE` message).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gazex_bench.gaze import baselines, cosine, dwell, majority, sequence_icc, trajectories
from gazex_bench.gaze._stats import summary_row
from gazex_bench.gaze.inputs import (
    ModelFinding,
    ModelImage,
    ReaderGaze,
    Unavailable,
    holdout_readers,
    require_identities,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlignmentConfig:
    """Named conventions of the analyses (defaults documented in each module)."""

    grid_sizes: tuple[int, ...] = dwell.GRID_SIZES
    n_points: int = trajectories.DEFAULT_N_POINTS
    n_time_bins: int = 10
    include_holistic: bool = True
    sakoe_chiba_radius: int | None = None
    box_sigma_divisor: float = 4.0
    map_scale: float = baselines.DEFAULT_MAP_SCALE
    sigma_px: float = baselines.DEFAULT_SIGMA_PX
    majority_threshold: int = majority.MAJORITY_THRESHOLD
    seed: int = 0
    run_saliency: bool = True
    icc_ci: str = "cluster-bootstrap"
    """Pooled ICC interval: ``cluster-bootstrap`` (images resampled) or ``f-test`` (sequence_icc doc)."""
    n_boot: int = 1000
    ci_level: float = 0.95


@dataclass
class GazeAlignmentResult:
    """All tables by name and the status of analyses that did not run."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    status: list[Unavailable] = field(default_factory=list)

    def status_frame(self) -> pd.DataFrame:
        """One row per unavailable analysis: ``analysis, reason``."""
        return pd.DataFrame(
            [{"analysis": s.analysis, "reason": s.reason} for s in self.status],
            columns=["analysis", "reason"],
        )


def _group_models(models: Sequence[ModelImage]) -> dict[str, dict[str, ModelImage]]:
    out: dict[str, dict[str, ModelImage]] = {}
    for m in models:
        if m.image_group in out.setdefault(m.model, {}):
            raise ValueError(f"duplicate model prediction: {m.model} / {m.image_group}")
        out[m.model][m.image_group] = m
    return out


def _reader_as_model(r: ReaderGaze, name: str, cfg: AlignmentConfig) -> ModelImage:
    """A held-out reading re-expressed as a model prediction."""
    fs = tuple(
        ModelFinding(
            clusters=tuple((*c.box, *c.centroid) for c in f.clusters),
            observation=None if f.holistic is None else (*f.holistic.box, *f.holistic.centroid),
            category=c,
        )
        for f, c in zip(r.findings, r.finding_categories)
    )
    order = np.argsort(r.t_start_s, kind="stable")
    return ModelImage(
        model=name,
        image_group=r.image_group,
        generated=fs,
        trajectory=np.stack([r.x[order], r.y[order]], axis=1),
        trajectory_times=np.stack([r.t_start_s[order], r.t_end_s[order]], axis=1),
        saliency=baselines.reader_density(r, cfg.map_scale, cfg.sigma_px),
        labels=r.labels,
    )


def _dwell_tables(readers: list[ReaderGaze], cfg: AlignmentConfig, res: GazeAlignmentResult) -> None:
    t = dwell.dwell_table(readers, cfg.grid_sizes)
    res.tables["dwell"] = t
    res.tables["dwell_overall"] = dwell.dwell_summary(t)
    res.tables["dwell_by_image"] = dwell.dwell_summary(t, "image_group")
    res.tables["dwell_by_category"] = dwell.dwell_summary(t, "category", readers)
    if (miss := require_identities(readers, "dwell_by_radiologist")) is None:
        res.tables["dwell_by_radiologist"] = dwell.dwell_summary(t, "radiologist")
    else:
        res.status.append(miss)
    res.tables["dwell_correlation_pairs"], res.tables["dwell_correlation"] = (
        dwell.inter_reader_dwell_correlation(t)
    )
    res.tables["dispersion_per_reading"], res.tables["dispersion"] = dwell.dispersion_over_time(
        readers, cfg.n_time_bins
    )


_READER_MEMO: list[tuple[tuple[ReaderGaze, ...], tuple[object, ...], GazeAlignmentResult]] = []
"""The last reader set's model-independent tables (one entry; holds the readers, so ids stay unique)."""


def _reader_tables(readers: list[ReaderGaze], cfg: AlignmentConfig) -> GazeAlignmentResult:
    """:func:`_dwell_tables` of ``readers``, reused when the same reader objects come again.

    Dwell and dispersion depend on the readers only, not on the model, so scoring many models
    against the same (cached) readers computes them once. The hit test is object identity of
    every reader, in order, plus the config fields the tables use; callers get copies.
    """
    key: tuple[object, ...] = (tuple(cfg.grid_sizes), cfg.n_time_bins)
    for held, k, res in _READER_MEMO:
        if k == key and len(held) == len(readers) and all(a is b for a, b in zip(held, readers)):
            return res
    res = GazeAlignmentResult()
    _dwell_tables(readers, cfg, res)
    _READER_MEMO[:] = [(tuple(readers), key, res)]
    return res


def _shuffle_images(per_img: Mapping[str, ModelImage], seed: int) -> dict[str, ModelImage]:
    """image → a donor ModelImage of a different image (seeded derangement-like draw)."""
    rng, imgs = np.random.default_rng(seed), sorted(per_img)
    if len(imgs) < 2:
        return {}
    return {g: per_img[o[int(rng.integers(len(o)))]] for g in imgs for o in [[h for h in imgs if h != g]]}


def _trajectory_tables(
    readers: Sequence[ReaderGaze],
    models: Mapping[str, Mapping[str, ModelImage]],
    cfg: AlignmentConfig,
    res: GazeAlignmentResult,
) -> None:
    pairs, summary = trajectories.inter_reader_trajectories(readers, cfg.n_points)
    rows: list[pd.DataFrame] = [summary]
    frames: list[pd.DataFrame] = []
    for name, per_img in sorted(models.items()):
        for comp, mapping in (
            (f"model:{name}", per_img),
            (f"shuffled:{name}", _shuffle_images(per_img, cfg.seed)),
        ):
            mt = trajectories.model_vs_readers_trajectories(readers, mapping, cfg.n_points).assign(
                comparison=comp
            )
            frames.append(mt)
            rows.append(
                pd.DataFrame(
                    [summary_row(mt[c].to_numpy(), comparison=comp, axis=c[-1]) for c in ("r_x", "r_y")]
                )
            )
    res.tables["trajectory_pairs"] = pairs
    res.tables["trajectory_models"] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    res.tables["trajectory_summary"] = pd.concat(rows, ignore_index=True)
    for ax in ("r_x", "r_y"):
        res.tables[f"trajectory_matrix_{ax}"] = trajectories.radiologist_matrix(pairs, ax)


def _icc_tables(
    readers: Sequence[ReaderGaze],
    models: Mapping[str, Mapping[str, ModelImage]],
    cfg: AlignmentConfig,
    res: GazeAlignmentResult,
) -> None:
    pooled: list[pd.DataFrame] = []
    per_unit: list[pd.DataFrame] = []
    hol, r = cfg.include_holistic, cfg.sakoe_chiba_radius
    jobs = [("inter_radiologist", "generated", sequence_icc.inter_reader_units(readers, hol))]
    for name, per_img in sorted(models.items()):
        for setting, build in (
            ("generated", sequence_icc.setting1_units),
            ("given", sequence_icc.setting2_units),
        ):
            units = build(readers, per_img, hol)
            jobs += [
                (f"model:{name}", setting, units),
                (f"shuffled:{name}", setting, sequence_icc.shuffled_units(units, cfg.seed)),
            ]
    for comp, setting, units in jobs:
        if not units:
            continue
        p, u = sequence_icc.dtw_icc(
            units,
            comparison=comp,
            setting=setting,
            sakoe_chiba_radius=r,
            ci=cfg.icc_ci,
            n_boot=cfg.n_boot,
            seed=cfg.seed,
            level=cfg.ci_level,
        )
        pooled.append(p)
        per_unit.append(u)
    res.tables["icc"] = pd.concat(pooled, ignore_index=True) if pooled else pd.DataFrame()
    res.tables["icc_per_unit"] = pd.concat(per_unit, ignore_index=True) if per_unit else pd.DataFrame()


def _majority_tables(
    readers: Sequence[ReaderGaze],
    models: Mapping[str, Mapping[str, ModelImage]],
    cfg: AlignmentConfig,
    res: GazeAlignmentResult,
) -> None:
    labels = {r.reading_id: r.labels for r in readers}
    group = {r.reading_id: r.image_group for r in readers}
    rad = {r.reading_id: r.radiologist for r in readers if r.radiologist}
    mlabels = {n: {g: m.labels for g, m in per.items() if m.labels is not None} for n, per in models.items()}
    res.tables["majority_cases"], res.tables["majority_summary"] = majority.majority_vote_table(
        labels,
        {n: v for n, v in mlabels.items() if v},
        group=group.__getitem__,
        radiologist=rad or None,
        threshold=cfg.majority_threshold,
        exclude_self=True,
    )  # a reader is never scored against their own vote


def run_gaze_alignment(
    readers: Sequence[ReaderGaze],
    models: Sequence[ModelImage] = (),
    *,
    holdout: str | None = None,
    config: AlignmentConfig | None = None,
) -> GazeAlignmentResult:
    """Run all gaze-alignment analyses.

    Args:
        readers: Radiologist readings (quarter-scale frame), each with findings and a
            category per finding where known.
        models: Model predictions, one :class:`ModelImage` per (model, image_group).
        holdout: Radiologist id to hold out of the reference and score as a model.
        config: Conventions (grid sizes, resampling N, DTW band, σ divisor, seeds, ...).

    Returns:
        :class:`GazeAlignmentResult`; tables: ``dwell*``, ``dispersion*``, ``trajectory_*``,
        ``icc``, ``icc_per_unit``, ``cosine_*``, ``saliency*``, ``majority_*``.

    Raises:
        gazex_bench.errors.UsageError: ``holdout`` without radiologist identities.
    """
    cfg = config or AlignmentConfig()
    readers = list(readers)
    grouped = _group_models(models)
    ref = holdout_readers(readers, holdout)
    if holdout is not None:
        held = [r for r in readers if r.radiologist == holdout]
        grouped[f"radiologist:{holdout}"] = {
            r.image_group: _reader_as_model(r, f"radiologist:{holdout}", cfg) for r in held
        }
    res = GazeAlignmentResult()
    log.info("gaze alignment: %d readings, %d models, holdout=%s", len(ref), len(grouped), holdout)
    memo = _reader_tables(ref, cfg)
    res.tables.update({name: table.copy() for name, table in memo.tables.items()})
    res.status.extend(memo.status)
    _trajectory_tables(ref, grouped, cfg, res)
    _icc_tables(ref, grouped, cfg, res)
    pairs = cosine.cosine_pairs(ref, grouped, box_sigma_divisor=cfg.box_sigma_divisor, seed=cfg.seed)
    res.tables["cosine_pairs"], res.tables["cosine_summary"] = pairs, cosine.cosine_summary(pairs)
    res.tables["cosine_findings"] = cosine.finding_cosines(
        ref, grouped, box_sigma_divisor=cfg.box_sigma_divisor
    )
    if (miss := require_identities(ref, "cosine_matrix")) is None:
        res.tables["cosine_matrix"] = cosine.cosine_matrix(pairs)
    else:
        res.status.append(miss)
    if cfg.run_saliency:
        res.tables["saliency"], res.tables["saliency_summary"] = baselines.saliency_table(
            ref, grouped, map_scale=cfg.map_scale, sigma_px=cfg.sigma_px
        )
    _majority_tables(ref, grouped, cfg, res)
    res.tables["status"] = res.status_frame()
    return res

"""Calibration of the simulated readers against the paper's multi-reader study (paper §3.1-3.2).

Measured with the suite's OWN analyses, exactly as the ``reflacx-gaze`` task runs them: the
task's :meth:`load` (REFLACX reader, GazeX ``paper`` preprocessing, sentence categories) on
the multi-reader phase, with the phantom's radiologist map, then
:func:`gazex_bench.gaze.alignment.run_gaze_alignment` (no model). Frames and conventions are
those of the analyses (quarter-scale px; 4x4 grid cells numbered 1..16 row-major).

Paper targets (gazex_paper.txt §3.1-3.2, 41 images x 5 radiologists):
    * mean pairwise trajectory Pearson x 0.55, y 0.58;
    * the central cells 6, 7, 10, 11 of the 4x4 grid hold the longest dwell;
    * Gaussian-map cosine between radiologists > 0.90 on average, best pair (B, D) 0.94;
    * per-radiologist patterns differ (Supplementary Fig. 2).

``python -m gazex_bench.phantom.calibration ROOT`` prints the table (markdown).
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gazex_bench.data.reflacx import read_reflacx
from gazex_bench.gaze._stats import summary_row
from gazex_bench.gaze.alignment import AlignmentConfig, run_gaze_alignment
from gazex_bench.gaze.cosine import cosine_pairs
from gazex_bench.gaze.inputs import reader_from_reflacx
from gazex_bench.gaze.preprocess import preprocess_reading
from gazex_bench.gaze.trajectories import inter_reader_trajectories
from gazex_bench.phantom.truth import load_truth
from gazex_bench.tasks.reflacx_gaze.task import PRESET
from gazex_bench.tasks.registry import get_task

log = logging.getLogger(__name__)

PAPER_PEARSON = {"x": 0.55, "y": 0.58}
PAPER_COSINE_MEAN = 0.90
"""'average similarity scores exceeding 90%' (a lower bound)."""
PAPER_COSINE_BEST = 0.94
CENTRAL_CELLS = (6, 7, 10, 11)
"""1-based cells of the 4x4 grid (row-major) the paper names as holding the longest dwell."""


@dataclass
class Calibration:
    """The measured values (each a summary row: mean, ci_low, ci_high, n) and supporting tables."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    pearson_pairs: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Per radiologist pair: mean trajectory r_x, r_y over shared images."""
    cosine_pairs: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Per radiologist pair: mean case-level cosine over shared images."""
    dwell4: np.ndarray = field(default_factory=lambda: np.zeros(16))
    """Mean dwell fraction per 4x4 cell (index = cell - 1)."""
    dwell_by_reader: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Radiologist x cell (1..16) mean dwell fraction."""
    images: int = 0
    readings: int = 0
    categories: dict[str, int] = field(default_factory=dict)
    """CheXpert category -> images of the phase with that finding (truth)."""

    def value(self, measure: str) -> float:
        """Mean of the row named ``measure``."""
        return float(next(r["mean"] for r in self.rows if r["measure"] == measure))


def multireader_readers(root: Path, phases: str = "2") -> list[Any]:
    """The ``reflacx-gaze`` task's readers (with radiologist identities) for ``phases``."""
    rmap = Path(root) / "phantom_truth" / "radiologists.csv"
    task = get_task("reflacx-gaze", task_args={"radiologist_map": str(rmap), "phases": phases})
    task.quiet = True
    return list(task.load(Path(root), split=None, limit=None).context.readers)


def phase_readers(root: Path, phase: int = 2) -> list[Any]:
    """Readers of one REFLACX phase built like the task builds them, without needing the JPGs.

    Same reader (:func:`gazex_bench.data.reflacx.read_reflacx` with the phantom's radiologist
    map), same preprocessing (:data:`gazex_bench.tasks.reflacx_gaze.task.PRESET`) and same
    :func:`gazex_bench.gaze.inputs.reader_from_reflacx`; sentence categories are left out (the
    case-level cosine and the trajectories do not use them). For tests on ``--no-images`` phantoms.
    """
    res = read_reflacx(
        Path(root) / "reflacx-xray-localization" / "1.0.0",
        radiologist_map=Path(root) / "phantom_truth" / "radiologists.csv",
    )
    out = []
    for r in res.records:
        if r.phase != phase or r.discarded or r.fixations is None:
            continue
        findings = tuple(preprocess_reading(r, PRESET))
        out.append(reader_from_reflacx(r, findings=findings, finding_categories=(None,) * len(findings)))
    return out


def quick_measures(readers: list[Any]) -> dict[str, float]:
    """Mean pairwise trajectory Pearson x/y and inter-radiologist case cosines (mean, best pair), no ICC."""
    pairs, _ = inter_reader_trajectories(readers)
    cos = cosine_pairs(readers, {})
    cos = cos[cos["category"] == "ALL"]
    per_pair = _pair_means(cos.rename(columns={"rater_a": "ra", "rater_b": "rb"}), "ra", "rb", ["cosine"])
    return {
        "pearson_x": float(np.nanmean(pairs["r_x"])),
        "pearson_y": float(np.nanmean(pairs["r_y"])),
        "cosine_mean": float(cos["cosine"].mean()),
        "cosine_best_pair": float(per_pair["cosine"].max()),
        "images": float(len({r.image_group for r in readers})),
        "readings": float(len(readers)),
    }


def _pair_means(pairs: pd.DataFrame, a: str, b: str, cols: list[str]) -> pd.DataFrame:
    p = pairs.dropna(subset=[a, b])
    key = [tuple(sorted(x)) for x in zip(p[a], p[b])]
    p = p.assign(pair=[f"{x}-{y}" for x, y in key])
    return (
        p.groupby("pair", sort=True)[cols]
        .agg(["mean", "size"])
        .pipe(lambda t: pd.DataFrame({**{c: t[(c, "mean")] for c in cols}, "n": t[(cols[0], "size")]}))
        .reset_index()
    )


def _pair_ci(per_image: pd.DataFrame, col: str, pair: str) -> dict[str, Any]:
    sub = per_image[per_image["pair"] == pair]
    return summary_row(sub[col].to_numpy())


def calibrate(readers: list[Any], truth_categories: dict[str, int] | None = None) -> Calibration:
    """Run the alignment analyses on radiologist ``readers`` and collect the calibration measures."""
    res = run_gaze_alignment(readers, (), config=AlignmentConfig(run_saliency=False))
    t = res.tables
    cal = Calibration(
        images=len({r.image_group for r in readers}),
        readings=len(readers),
        categories=dict(truth_categories or {}),
    )
    traj = t["trajectory_pairs"]
    for ax in ("x", "y"):
        cal.rows.append(
            {
                "measure": f"trajectory_pearson_{ax}",
                "paper": PAPER_PEARSON[ax],
                **summary_row(traj[f"r_{ax}"].to_numpy()),
            }
        )
    cal.pearson_pairs = _pair_means(traj, "radiologist_a", "radiologist_b", ["r_x", "r_y"])
    cos = t["cosine_pairs"]
    cos = cos[(cos["comparison"] == "inter_radiologist") & (cos["category"] == "ALL")]
    cal.rows.append(
        {"measure": "cosine_mean", "paper": PAPER_COSINE_MEAN, **summary_row(cos["cosine"].to_numpy())}
    )
    cal.cosine_pairs = _pair_means(
        cos.rename(columns={"rater_a": "ra", "rater_b": "rb"}), "ra", "rb", ["cosine"]
    )
    best = cal.cosine_pairs.sort_values(["cosine", "pair"], ascending=[False, True]).iloc[0]
    keyed = cos.assign(pair=["-".join(sorted(p)) for p in zip(cos["rater_a"], cos["rater_b"])])
    cal.rows.append(
        {
            "measure": f"cosine_best_pair ({best['pair']})",
            "paper": PAPER_COSINE_BEST,
            **_pair_ci(keyed, "cosine", str(best["pair"])),
        }
    )
    worst = cal.cosine_pairs.sort_values("cosine").iloc[0]
    cal.rows.append(
        {
            "measure": f"cosine_worst_pair ({worst['pair']})",
            "paper": float("nan"),
            **_pair_ci(keyed, "cosine", str(worst["pair"])),
        }
    )
    _dwell_rows(cal, t)
    _icc_rows(cal, t)
    return cal


def _dwell_rows(cal: Calibration, t: dict[str, pd.DataFrame]) -> None:
    d = t["dwell"]
    d4 = d[d["grid"] == 4]
    per_reading = d4.pivot_table(index="reading_id", columns="cell", values="dwell_frac")
    overall = t["dwell_overall"]
    o4 = overall[overall["grid"] == 4].sort_values("cell")
    cal.dwell4 = o4["mean"].to_numpy(float)
    top4 = sorted((np.argsort(cal.dwell4)[::-1][:4] + 1).tolist())
    shares = per_reading[list(CENTRAL_CELLS)].sum(axis=1).to_numpy()
    cal.rows.append(
        {"measure": f"dwell_central_share (top-4 cells {top4})", "paper": float("nan"), **summary_row(shares)}
    )
    if "dwell_by_radiologist" in t:
        b = t["dwell_by_radiologist"]
        b = b[b["grid"] == 4]
        cal.dwell_by_reader = b.pivot_table(index="radiologist", columns="cell", values="mean")


def _icc_rows(cal: Calibration, t: dict[str, pd.DataFrame]) -> None:
    icc = t.get("icc")
    if icc is None or icc.empty:
        return
    sub = icc[(icc["comparison"] == "inter_radiologist") & (icc["Type"] == "ICC(A,1)")]
    for _, r in sub.iterrows():
        cal.rows.append(
            {
                "measure": f"icc_A1_{r['axis']} (DTW path steps)",
                "paper": float("nan"),
                "mean": float(r["ICC"]),
                "ci_low": float(r["ci_low"]),
                "ci_high": float(r["ci_high"]),
                "n": int(r["n_targets"]),
                "n_nan": 0,
            }
        )


def phase_categories(root: Path, phase: int = 2) -> dict[str, int]:
    """CheXpert category -> images of REFLACX ``phase`` showing it (phantom truth; ``No Finding`` for normals)."""
    truth = load_truth(root)
    ids = {r.dicom_id for r in truth.readings.values() if r.phase == phase}
    out: dict[str, int] = {}
    for i in sorted(ids):
        cats = {f.chexpert for f in truth.images[i].findings} or {"No Finding"}
        for c in cats:
            out[c] = out.get(c, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def measure(root: Path, phase: int = 2) -> Calibration:
    """Calibration of the phantom at ``root`` on its multi-reader ``phase``."""
    return calibrate(multireader_readers(root, str(phase)), phase_categories(root, phase))


def _fmt(v: float) -> str:
    return "–" if not np.isfinite(v) else f"{v:.3f}"


def markdown(cal: Calibration) -> str:
    """The calibration table (phantom vs paper) and per-pair tables as markdown."""
    lines = [
        f"{cal.images} images, {cal.readings} readings.",
        "",
        "| measure | phantom mean | 95% CI (bootstrap) | n | paper |",
        "|---|---|---|---|---|",
    ]
    for r in cal.rows:
        lines.append(
            f"| {r['measure']} | {_fmt(r['mean'])} | [{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}] | {r['n']} "
            f"| {_fmt(r['paper'])} |"
        )
    lines += ["", "| pair | Pearson x | Pearson y | cosine | images |", "|---|---|---|---|---|"]
    cos = dict(zip(cal.cosine_pairs["pair"], cal.cosine_pairs["cosine"]))
    for _, p in cal.pearson_pairs.iterrows():
        lines.append(
            f"| {p['pair']} | {p['r_x']:.3f} | {p['r_y']:.3f} | {_fmt(cos.get(p['pair'], float('nan')))} "
            f"| {int(p['n'])} |"
        )
    lines += [
        "",
        "4x4 mean dwell fraction (cells 1..16 row-major): "
        + ", ".join(f"{i + 1}:{v:.3f}" for i, v in enumerate(cal.dwell4)),
    ]
    if cal.categories:
        lines += [
            "",
            "Images per CheXpert category (truth): "
            + ", ".join(f"{k} {v}" for k, v in cal.categories.items()),
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the calibration table of a phantom root."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("root", type=Path)
    p.add_argument("--phase", type=int, default=2)
    args = p.parse_args(argv)
    print(markdown(measure(args.root, args.phase)), end="")  # noqa: T201 - CLI output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: vectorised ICC over 1,100 DTW-aligned model/radiologist pairs vs looping pingouin.

Scenario (paper §3.2 scale: ~109 images × 5 radiologists × 2 axes ≈ 1,100 ICCs): 1,100 units,
each a DTW alignment of a random model centroid sequence (2–8 points) with a radiologist
sequence (2–8 points), quarter-scale px; one x-axis ICC table (path steps × {model, radiologist})
per unit. Ours: one ``icc_grouped`` call; reference: ``pingouin.intraclass_corr`` per unit.
Checks every ICC / F / p / CI (CI at pingouin's 2 dp), prints the speed ratio and writes
``reports/perf/icc.md``.

Run: ``.venv/bin/python benchmarks/bench_icc.py [--units 1100]``
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from gazex_bench.gaze.dtw import aligned_pairs
from gazex_bench.gaze.icc import icc_grouped
from gazex_bench.io import atomic_write_text

REPORT = Path(__file__).resolve().parents[1] / "reports" / "perf" / "icc.md"


def make_units(n_units: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Stacked (N, 2) x-ratings [model, radiologist] and the unit id of each path step."""
    rng = np.random.default_rng(seed)
    blocks, gid = [], []
    for u in range(n_units):
        rad = rng.uniform(0, 250, size=(int(rng.integers(2, 9)), 2))
        m = int(rng.integers(2, 9))
        mod = rad[rng.integers(0, len(rad), size=m)] + rng.normal(0, 15, size=(m, 2))
        a, b, _ = aligned_pairs(mod, rad)
        blocks.append(np.stack([a[:, 0], b[:, 0]], axis=1))
        gid.append(np.full(len(a), u))
    return np.concatenate(blocks), np.concatenate(gid)


def run_pingouin(x: np.ndarray, gid: np.ndarray) -> pd.DataFrame:
    """Loop pingouin 0.7.0 over units (reference)."""
    import pingouin as pg

    out = []
    for u in np.unique(gid):
        t = x[gid == u]
        n = len(t)
        long = pd.DataFrame({"t": np.repeat(np.arange(n), 2), "r": np.tile([0, 1], n), "v": t.ravel()})
        if n * 2 < 5:  # pingouin's anova needs >= 5 values
            out.append(None)
            continue
        out.append(pg.intraclass_corr(long, targets="t", raters="r", ratings="v").assign(group=u))
    return pd.concat([o for o in out if o is not None], ignore_index=True)


def compare(ours: pd.DataFrame, ref: pd.DataFrame) -> dict[str, float]:
    """Max abs differences on the units both computed."""
    m = ours.merge(ref, on=["group", "Type"], suffixes=("", "_pg"))
    ci = np.stack(m["CI95"].to_numpy())
    with np.errstate(invalid="ignore"):
        return {
            "units": float(m["group"].nunique()),
            "ICC": float(np.nanmax(np.abs(m["ICC"] - m["ICC_pg"]))),
            "F": float(np.nanmax(np.abs(m["F"] - m["F_pg"]) / np.abs(m["F_pg"]).clip(1e-12))),
            "pval": float(np.nanmax(np.abs(m["pval"] - m["pval_pg"]))),
            "CI_2dp_mismatches": float(
                ((m["ci_low"].round(2) != ci[:, 0]) & np.isfinite(ci[:, 0])).sum()
                + ((m["ci_high"].round(2) != ci[:, 1]) & np.isfinite(ci[:, 1])).sum()
            ),
            "nan_pattern_mismatches": float((m["ICC"].isna() != m["ICC_pg"].isna()).sum()),
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1100)
    args = ap.parse_args()
    x, gid = make_units(args.units)
    icc_grouped(x, gid)  # warm-up: scipy.stats import excluded, as pingouin's import is
    t0 = time.process_time()
    for _ in range(5):
        ours = icc_grouped(x, gid)
    t_ours = (time.process_time() - t0) / 5
    import pingouin  # noqa: F401  (import time excluded from the timing)

    t0 = time.process_time()
    ref = run_pingouin(x, gid)
    t_pg = time.process_time() - t0
    diff = compare(ours, ref)
    ratio = t_pg / t_ours
    print(
        f"units={args.units} steps={len(x)}  ours={t_ours * 1e3:.1f} ms  pingouin loop={t_pg:.2f} s  ratio={ratio:.0f}x"
    )
    print("max differences:", diff)
    lines = [
        "## ICC: vectorised numpy vs looping pingouin 0.7.0 (`benchmarks/bench_icc.py`)",
        "",
        f"- Machine: {platform.machine()}, Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}",
        f"- Workload: {args.units} DTW-aligned model/radiologist units (2–8 points each), {len(x)} path steps, k = 2, x axis",
        f"- `gazex_bench.gaze.icc_grouped` (one call, all six ICCs + F/p/CIs): **{t_ours * 1e3:.1f} ms**",
        f"- `pingouin.intraclass_corr` looped per unit: **{t_pg:.2f} s** ({t_pg / args.units * 1e3:.1f} ms/unit)",
        f"- Speed-up: **{ratio:.0f}×** (target ≥ 100×)",
        f"- Agreement on {int(diff['units'])} units: max |ΔICC| = {diff['ICC']:.1e}, max rel ΔF = {diff['F']:.1e}, "
        f"max |Δp| = {diff['pval']:.1e}, CI mismatches at pingouin's 2 dp = {int(diff['CI_2dp_mismatches'])}, "
        f"NaN-pattern mismatches = {int(diff['nan_pattern_mismatches'])}",
        "- Times are process CPU time (`time.process_time`), robust to other load on a shared machine.",
        "- Units with < 5 values (2 path steps) are skipped by pingouin (its ANOVA assertion); ours returns values.",
        "",
    ]
    atomic_write_text(REPORT, "\n".join(lines))
    print(f"wrote {REPORT}")


if __name__ == "__main__":
    main()

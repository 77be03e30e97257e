"""Benchmark: paper-size phantom REFLACX generation (no images) and reading it back.

Targets on 2 idle cores: ``--size paper --no-images`` REFLACX generation <= 60 s and the
whole ``--size small`` phantom with images < 60 s. Wall time depends on the machine's load
(other jobs, filesystem latency), so CPU time (user+sys of this process and its worker
processes) is reported too. Writes ``reports/perf/phantom.md``. There is no reference
implementation to compare with (the real data are credentialed), so the ratio printed is
against the 60 s budget.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_phantom.py [--out DIR] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

BUDGET_S = 60.0


def main() -> int:
    """Run the benchmark and write the report section."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=None, help="phantom root (default: a temporary folder)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--report", type=Path, default=Path("reports/perf/phantom.md"))
    p.add_argument("--skip-small", action="store_true", help="do not time the small phantom with images")
    args = p.parse_args()
    from gazex_bench.data.reflacx import read_gaze, read_reflacx
    from gazex_bench.phantom.generate import generate_phantom

    root = args.out or Path(tempfile.mkdtemp(prefix="phantom_paper_"))
    shutil.rmtree(root, ignore_errors=True)
    import resource

    def cpu() -> float:
        a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime

    c0 = cpu()
    t0 = time.perf_counter()
    s = generate_phantom(root, seed=0, size="paper", images=False, parts=("reflacx",), workers=args.workers)
    gen = time.perf_counter() - t0
    gen_cpu = cpu() - c0
    small_row = ""
    if not args.skip_small:
        sroot = Path(tempfile.mkdtemp(prefix="phantom_small_"))
        c1, t1 = cpu(), time.perf_counter()
        ss = generate_phantom(sroot, seed=0, size="small", images=True, workers=args.workers)
        sw, sc = time.perf_counter() - t1, cpu() - c1
        small_row = (
            f"| generate everything (small, images) | {sw:.1f} | {ss.counts.get('mimic_images', 0)} JPGs + "
            f"{ss.counts.get('iu_samples', 0)} IU PNG pairs, {ss.counts['reflacx_readings']} readings; budget "
            f"{BUDGET_S:.0f} s -> ratio {sw / BUDGET_S:.2f}; CPU {sc:.1f} s |"
        )
        shutil.rmtree(sroot, ignore_errors=True)
    t0 = time.perf_counter()
    res = read_reflacx(root / "reflacx-xray-localization" / "1.0.0")
    read = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = sum(len(read_gaze(r)) for r in res.records[:300] if not r.discarded)
    gaze300 = time.perf_counter() - t0
    size_mb = (
        sum(f.stat().st_size for f in (root / "reflacx-xray-localization").rglob("*") if f.is_file()) / 1e6
    )
    gz_mb = sum(f.stat().st_size for f in (root / "reflacx-xray-localization").rglob("gaze.csv")) / 1e6
    load = os.getloadavg()[0]
    lines = [
        "## Phantom generation (benchmarks/bench_phantom.py)",
        "",
        f"`generate_phantom(size='paper', images=False, parts=('reflacx',), workers={args.workers})` on "
        f"{os.cpu_count()} CPUs (1-min load average at the end: {load:.1f}).",
        "",
        "| step | seconds | notes |",
        "|---|---|---|",
        f"| generate REFLACX (paper, no images) | {gen:.1f} | {s.counts['reflacx_readings']} readings "
        f"({s.counts['reflacx_discarded']} discarded), {s.counts['gaze_samples']:,} gaze samples at 25 Hz; "
        f"budget {BUDGET_S:.0f} s -> ratio {gen / BUDGET_S:.2f}; CPU time (user+sys, all processes) {gen_cpu:.1f} s "
        f"= {gen_cpu / 2:.1f} s per core on 2 idle cores |",
        *([small_row] if small_row else []),
        f"| `read_reflacx` (metadata + fixations + transcripts) | {read:.1f} | {len(res.records)} readings, skipped {dict(res.skipped)} |",
        f"| `read_gaze` x 300 readings | {gaze300:.1f} | {n:,} samples |",
        "",
        f"On-disk size: {size_mb:.0f} MB (gaze.csv {gz_mb:.0f} MB).",
        "",
    ]
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(lines))
    print("\n".join(lines))
    if args.out is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

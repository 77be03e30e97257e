"""Handlers of ``gazex-bench demo`` (see :mod:`gazex_bench.cli.demo` for the arguments).

Imported only when one of these commands runs (``gazex_bench.cli`` resolves the
``"module:function"`` handler string), so project imports sit at module top.
"""

from __future__ import annotations

import argparse

from gazex_bench.demo import DemoPlan, run_demo
from gazex_bench.errors import UsageError


def _demo(args: argparse.Namespace) -> int:
    import dataclasses

    plan = DemoPlan(out=args.out, work=args.work, seed=args.seed, configs=args.configs, quiet=args.quiet)
    overrides = {
        k: v
        for k, v in (
            ("stage1_steps", args.stage1_steps),
            ("stage2_steps", args.stage2_steps),
            ("limit", args.limit),
            ("workers", args.workers),
            ("threads", args.threads),
            ("gaze_images", args.gaze_images),
        )
        if v is not None
    }
    for name, value in overrides.items():
        low = 0 if name.endswith("steps") or name == "gaze_images" else 1
        if value < low:
            raise UsageError(f"--{name.replace('_', '-')} must be >= {low}, got {value}")
    if overrides.get("gaze_images") == 0:  # 0 = every image
        overrides["gaze_images"] = None
    plan = dataclasses.replace(plan, **overrides)
    summary = run_demo(plan)
    print(f"\nGazeX Bench demo finished in {summary.seconds / 60:.1f} min")
    print(f"  tables:       {plan.out / 'tables' / 'tables.md'}")
    print(f"  figures:      {plan.out / 'figures'} ({len(summary.figures)} files)")
    print(f"  leaderboard:  {plan.out / 'leaderboards' / 'index.html'}")
    print(f"  protocol:     {plan.out / 'tables' / 'protocol.md'}")
    print(f"  summary:      {plan.out / 'summary.md'}")
    for name, why in summary.skipped_figures.items():
        print(f"  skipped {name}: {why}")
    for failure in summary.failures:
        print(f"  FAILED {failure}")
    return 1 if summary.failures else 0

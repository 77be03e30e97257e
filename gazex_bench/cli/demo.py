"""``gazex-bench demo``: phantom -> train tiny GazeX + baselines -> every task -> tables, figures, leaderboards."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``demo`` command."""
    p = sub.add_parser("demo", help="run the whole suite on the phantom (minutes, CPU)")
    p.add_argument("--out", type=Path, default=Path("runs/demo"),
                   help="where tables/figures/leaderboards go (default runs/demo, git-ignored; "
                        "--out reports/demo refreshes the committed copy)")
    p.add_argument("--work", type=Path, default=None, help="data, checkpoints, predictions (default: runs/demo/work)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--stage1-steps", type=int, default=None, help="gaze-pretraining steps of every gaze variant")
    p.add_argument("--stage2-steps", type=int, default=None, help="LoRA fine-tune steps of every variant and task")
    p.add_argument("--limit", type=int, default=None, help="samples per task and model")
    p.add_argument("--configs", type=Path, default=None, help="folder with tiny*.yaml (default: ./configs)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    import dataclasses

    from gazex_bench.demo import DemoPlan, run_demo

    plan = DemoPlan(out=args.out, work=args.work, seed=args.seed, configs=args.configs, quiet=args.quiet)
    overrides = {k: v for k, v in (("stage1_steps", args.stage1_steps), ("stage2_steps", args.stage2_steps),
                                   ("limit", args.limit)) if v is not None}
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

"""``gazex-bench figures --runs DIR... --out DIR``: the paper's figures from run records."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``figures`` command."""
    p = sub.add_parser("figures", help="Fig 2/3/4/6/7c and a case figure (PNG + PDF) from scored runs")
    p.add_argument("--runs", nargs="+", type=Path, required=True,
                   help="run directories, or directories containing run directories")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--ablation", nargs="*", default=(), metavar="MODEL",
                   help="model labels of the ablation variants for Fig 6 (default: all mimic-report runs)")
    p.set_defaults(handler=_figures)


def _figures(args: argparse.Namespace) -> int:
    from gazex_bench.errors import UsageError
    from gazex_bench.figures.build import build_figures
    from gazex_bench.tables.runs import find_runs

    runs = find_runs(args.runs)
    if not runs:
        raise UsageError("no scored runs (run.json) found under " + ", ".join(map(str, args.runs)))
    report = build_figures(runs, args.out, ablation_variants=args.ablation)
    for path in report.written:
        print(path)
    for name, why in report.skipped.items():
        print(f"skipped {name}: {why}")
    return 0

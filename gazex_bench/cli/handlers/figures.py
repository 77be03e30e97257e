"""Handlers of ``gazex-bench figures`` (see :mod:`gazex_bench.cli.figures` for the arguments).

Imported only when one of these commands runs (``gazex_bench.cli`` resolves the
``"module:function"`` handler string), so project imports sit at module top.
"""

from __future__ import annotations

import argparse

from gazex_bench.errors import UsageError
from gazex_bench.figures.build import build_figures
from gazex_bench.tables.runs import find_runs


def _figures(args: argparse.Namespace) -> int:
    runs = find_runs(args.runs)
    if not runs:
        raise UsageError("no scored runs (run.json) found under " + ", ".join(map(str, args.runs)))
    report = build_figures(runs, args.out, ablation_variants=args.ablation)
    for path in report.written:
        print(path)
    for name, why in report.skipped.items():
        print(f"skipped {name}: {why}")
    return 0

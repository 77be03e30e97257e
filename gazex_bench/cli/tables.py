"""``gazex-bench tables --runs DIR... --out DIR``: per-task tables from run records."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``tables`` command."""
    p = sub.add_parser("tables", help="per-task tables (CSV, Markdown, LaTeX) from scored runs")
    p.add_argument("--runs", nargs="+", type=Path, required=True,
                   help="run directories, or directories containing run directories")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.set_defaults(handler=_tables)


def _tables(args: argparse.Namespace) -> int:
    from gazex_bench.errors import UsageError
    from gazex_bench.tables.build import write_tables
    from gazex_bench.tables.runs import find_runs

    runs = find_runs(args.runs)
    if not runs:
        raise UsageError("no scored runs (run.json) found under " + ", ".join(map(str, args.runs)))
    paths = write_tables(runs, args.out)
    print(f"wrote {len(paths)} table files for {len({r.task for r in runs})} tasks to {args.out}")
    return 0

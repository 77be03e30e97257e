"""Handlers of ``gazex-bench tables`` (see :mod:`gazex_bench.cli.tables` for the arguments).

Imported only when one of these commands runs (``gazex_bench.cli`` resolves the
``"module:function"`` handler string), so project imports sit at module top.
"""

from __future__ import annotations

import argparse

from gazex_bench.errors import UsageError
from gazex_bench.tables.build import write_tables
from gazex_bench.tables.runs import find_runs


def _tables(args: argparse.Namespace) -> int:
    runs = find_runs(args.runs)
    if not runs:
        raise UsageError("no scored runs (run.json) found under " + ", ".join(map(str, args.runs)))
    paths = write_tables(runs, args.out)
    print(f"wrote {len(paths)} table files for {len({r.task for r in runs})} tasks to {args.out}")
    return 0

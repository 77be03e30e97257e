"""``gazex-bench tables --runs DIR... --out DIR``: per-task tables from run records."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``tables`` command."""
    p = sub.add_parser("tables", help="per-task tables (CSV, Markdown, LaTeX) from scored runs")
    p.add_argument(
        "--runs",
        nargs="+",
        type=Path,
        required=True,
        help="run directories, or directories containing run directories",
    )
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.set_defaults(handler="gazex_bench.cli.handlers.tables:_tables")

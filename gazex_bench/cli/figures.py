"""``gazex-bench figures --runs DIR... --out DIR``: the paper's figures from run records."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``figures`` command."""
    p = sub.add_parser("figures", help="Fig 2/3/4/6/7c and a case figure (PNG + PDF) from scored runs")
    p.add_argument(
        "--runs",
        nargs="+",
        type=Path,
        required=True,
        help="run directories, or directories containing run directories",
    )
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument(
        "--ablation",
        nargs="*",
        default=(),
        metavar="MODEL",
        help="model labels of the ablation variants for Fig 6 (default: all mimic-report runs)",
    )
    p.set_defaults(handler="gazex_bench.cli.handlers.figures:_figures")

"""``gazex-bench demo``: phantom -> train tiny GazeX + baselines -> every task -> tables, figures, leaderboards."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``demo`` command."""
    p = sub.add_parser("demo", help="run the whole suite on the phantom (minutes, CPU)")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("runs/demo"),
        help="where tables/figures/leaderboards go (default runs/demo, git-ignored; "
        "--out reports/demo refreshes the committed copy)",
    )
    p.add_argument(
        "--work", type=Path, default=None, help="data, checkpoints, predictions (default: runs/demo/work)"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--stage1-steps", type=int, default=None, help="gaze-pretraining steps of every gaze variant"
    )
    p.add_argument(
        "--stage2-steps", type=int, default=None, help="LoRA fine-tune steps of every variant and task"
    )
    p.add_argument("--limit", type=int, default=None, help="samples per task and model")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="training processes, then evaluation processes, side by side (default 2; results do not depend on it)",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads per training / evaluation process (default 1)",
    )
    p.add_argument(
        "--gaze-images",
        type=int,
        default=None,
        help="reflacx-gaze images scored, every reader of each (default 12; 0 = all images)",
    )
    p.add_argument("--configs", type=Path, default=None, help="folder with tiny*.yaml (default: ./configs)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler="gazex_bench.cli.handlers.demo:_demo")

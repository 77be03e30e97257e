"""``gazex-bench run | score | compare | ls``: the evaluation harness commands.

Thin wrappers over :mod:`gazex_bench.runner`; the handlers live in :mod:`gazex_bench.cli.handlers.run`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``run``, ``score``, ``compare`` and ``ls`` subcommands."""
    _register_run(subparsers)
    p = subparsers.add_parser("score", help="(re)score a run's stored predictions; no model needed")
    p.add_argument("--run", required=True, type=Path, help="run directory (runs/<run_id>)")
    p.add_argument(
        "--data-root",
        default=None,
        help="the data's new location if it moved since the run (checked against the run's fingerprint)",
    )
    p.add_argument("--wait", action="store_true", help="wait for another process using the run directory")
    _score_options(p)
    p.set_defaults(handler="gazex_bench.cli.handlers.run:_score")
    p = subparsers.add_parser(
        "compare", help="paired bootstrap (corpus metrics recomputed) + Wilcoxon + Holm"
    )
    p.add_argument("run_a", type=Path)
    p.add_argument("run_b", type=Path)
    p.add_argument("--n-boot", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print the JSON record instead of a table")
    p.add_argument("--out", type=Path, default=None, help="also write the JSON record to FILE (atomically)")
    p.add_argument(
        "--force",
        action="store_true",
        help="compare fine-tuned runs even if their downstream budgets differ (recorded in the output)",
    )
    p.set_defaults(handler="gazex_bench.cli.handlers.run:_compare")
    p = subparsers.add_parser("ls", help="list tasks, adapters and metrics with their conventions")
    p.add_argument("what", nargs="?", choices=("tasks", "adapters", "metrics"), default=None)
    p.set_defaults(handler="gazex_bench.cli.handlers.run:_ls")


def _register_run(subparsers: Any) -> None:
    p = subparsers.add_parser("run", help="run a model on a task: predict, score, write runs/<id>/")
    p.add_argument("--task", required=True, help="task name (gazex-bench ls tasks)")
    p.add_argument("--model", required=True, help="adapter name (gazex-bench ls adapters)")
    p.add_argument(
        "--model-arg",
        action="append",
        default=[],
        metavar="K=V",
        help="adapter constructor argument; V is parsed as JSON when possible (repeatable)",
    )
    p.add_argument(
        "--task-arg",
        action="append",
        default=[],
        metavar="K=V",
        help="task option, e.g. radiologist_map=CSV for reflacx-gaze (repeatable; part of the run id)",
    )
    p.add_argument("--data-root", default=None, help="dataset root (default: cached small phantom)")
    p.add_argument("--split", default=None, help="dataset split (default: the task's)")
    p.add_argument("--limit", type=int, default=None, help="evaluate only the first N samples")
    p.add_argument("--out", type=Path, default=Path("runs"), help="parent of run directories")
    p.add_argument("--run-id", default=None, help="run directory name (default: deterministic hash)")
    p.add_argument("--seed", type=int, default=0, help="run seed (part of the run id)")
    p.add_argument(
        "--num-shards",
        default="auto",
        help="split samples into N shards by id hash; 'auto' (default) = $WORLD_SIZE under "
        "accelerate/torchrun (rank 0 then merges and scores), else 1",
    )
    p.add_argument(
        "--shard-index",
        default=None,
        help="this process's shard (default: $RANK with --num-shards auto, else 0)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument(
        "--max-failures",
        default="all",
        help="generation failures tolerated before the run exits non-zero: 'all' (default: fail only "
        "when every sample failed), a count, or a percentage like 10%%",
    )
    p.add_argument(
        "--wait",
        action="store_true",
        help="if another process is running in the same run directory, wait for it instead of failing",
    )
    _score_options(p)
    p.set_defaults(handler="gazex_bench.cli.handlers.run:_run")


def _score_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples for CIs")
    p.add_argument("--ci-seed", type=int, default=0, help="bootstrap seed")
    p.add_argument(
        "--chexbert",
        type=Path,
        default=None,
        help="CheXbert checkpoint; its folder holds BERT config.json + vocab.txt (default: rule-based labeler)",
    )
    p.add_argument(
        "--meteor",
        choices=("auto", "jar", "nltk", "none"),
        default="auto",
        help="METEOR implementation for report tasks (auto: jar when Java is available)",
    )

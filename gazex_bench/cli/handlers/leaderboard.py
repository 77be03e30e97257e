"""Handlers of ``gazex-bench leaderboard`` (see :mod:`gazex_bench.cli.leaderboard` for the arguments).

Imported only when one of these commands runs (``gazex_bench.cli`` resolves the
``"module:function"`` handler string), so project imports sit at module top.
"""

from __future__ import annotations

import argparse

from gazex_bench.leaderboard.board import add_run, rebuild
from gazex_bench.leaderboard.store import Transaction
from gazex_bench.leaderboard.submission import check_directory, load_metadata, validate_submission
from gazex_bench.leaderboard.tasks import score_submission, task_expectation
from gazex_bench.tables.runs import find_runs


def _check(args: argparse.Namespace):
    check_directory(args.submission)
    meta_path = args.submission / "metadata.json"
    meta = load_metadata(meta_path)
    return validate_submission(
        args.submission, task_expectation(str(meta["task"]), args.data_root, source=meta_path)
    )


def _validate(args: argparse.Namespace) -> int:
    sub = _check(args)
    print(
        f"valid submission: {sub.metadata['model_name']} for {sub.metadata['task']} "
        f"({len(sub.predictions)} predictions)"
    )
    return 0


def _submit(args: argparse.Namespace) -> int:
    sub = _check(args)
    with Transaction(args.root) as txn:  # all or nothing: staged inside the root, renamed at the end
        entry_path = score_submission(sub, txn, args.data_root)
        rebuild(txn)
    print(f"accepted {sub.metadata['model_name']} for {sub.metadata['task']}: {entry_path}")
    return 0


def _add_run(args: argparse.Namespace) -> int:
    runs = find_runs(args.runs)
    with Transaction(args.root) as txn:
        for run in runs:
            add_run(txn.root, run, force=args.force, txn=txn)
        rebuild(txn)
    print(f"added {len(runs)} runs to {args.root}")
    return 0


def _build(args: argparse.Namespace) -> int:
    with Transaction(args.root) as txn:
        paths = rebuild(txn)
    print(f"rebuilt {len(paths)} files in {args.root}")
    return 0

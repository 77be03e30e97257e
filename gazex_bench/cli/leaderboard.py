"""``gazex-bench leaderboard validate|submit|add-run|build``.

* ``validate SUBMISSION [--data-root DIR]``: check a submission directory against the
  task named in its metadata (ids exactly the task's test ids, finite numbers, boxes
  inside the image, sizes, no binary payloads). Nothing is scored or written.
* ``submit SUBMISSION``: validate, score it with the ``predictions`` adapter, store the
  submission and its entry, rebuild the leaderboard.
* ``add-run RUN_DIR... [--force]``: add scored runs (runs from a dirty git tree are
  refused unless ``--force``).
* ``build``: rebuild ``<task>.csv`` files and ``index.html``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_ROOT = Path("leaderboards")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``leaderboard`` command group."""
    p = sub.add_parser("leaderboard", help="validate/submit submissions, add runs, rebuild leaderboards")
    lsub = p.add_subparsers(dest="lb_command", metavar="ACTION", required=True)
    for name, fn, help_ in (("validate", _validate, "check a submission directory"),
                            ("submit", _submit, "validate, score and add a submission")):
        q = lsub.add_parser(name, help=help_)
        q.add_argument("submission", type=Path, help="directory with metadata.json and predictions.jsonl")
        q.add_argument("--data-root", type=Path, default=None, help="dataset root (default: the phantom)")
        q.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="leaderboard folder")
        q.set_defaults(handler=fn)
    q = lsub.add_parser("add-run", help="add scored runs to the leaderboard")
    q.add_argument("runs", nargs="+", type=Path)
    q.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    q.add_argument("--force", action="store_true", help="accept runs made from a dirty git tree")
    q.set_defaults(handler=_add_run)
    q = lsub.add_parser("build", help="rebuild the CSVs and the static HTML page")
    q.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    q.set_defaults(handler=_build)


def _check(args: argparse.Namespace):
    from gazex_bench.leaderboard.submission import check_directory, load_metadata, validate_submission
    from gazex_bench.leaderboard.tasks import task_expectation

    check_directory(args.submission)
    meta_path = args.submission / "metadata.json"
    meta = load_metadata(meta_path)
    return validate_submission(args.submission, task_expectation(str(meta["task"]), args.data_root, source=meta_path))


def _validate(args: argparse.Namespace) -> int:
    sub = _check(args)
    print(f"valid submission: {sub.metadata['model_name']} for {sub.metadata['task']} "
          f"({len(sub.predictions)} predictions)")
    return 0


def _submit(args: argparse.Namespace) -> int:
    from gazex_bench.leaderboard.board import rebuild
    from gazex_bench.leaderboard.store import Transaction
    from gazex_bench.leaderboard.tasks import score_submission

    sub = _check(args)
    with Transaction(args.root) as txn:  # all or nothing: staged inside the root, renamed at the end
        entry_path = score_submission(sub, txn, args.data_root)
        rebuild(txn)
    print(f"accepted {sub.metadata['model_name']} for {sub.metadata['task']}: {entry_path}")
    return 0


def _add_run(args: argparse.Namespace) -> int:
    from gazex_bench.leaderboard.board import add_run, rebuild
    from gazex_bench.leaderboard.store import Transaction
    from gazex_bench.tables.runs import find_runs

    runs = find_runs(args.runs)
    with Transaction(args.root) as txn:
        for run in runs:
            add_run(txn.root, run, force=args.force, txn=txn)
        rebuild(txn)
    print(f"added {len(runs)} runs to {args.root}")
    return 0


def _build(args: argparse.Namespace) -> int:
    from gazex_bench.leaderboard.board import rebuild
    from gazex_bench.leaderboard.store import Transaction

    with Transaction(args.root) as txn:
        paths = rebuild(txn)
    print(f"rebuilt {len(paths)} files in {args.root}")
    return 0

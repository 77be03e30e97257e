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
    for name, fn, help_ in (
        ("validate", "gazex_bench.cli.handlers.leaderboard:_validate", "check a submission directory"),
        ("submit", "gazex_bench.cli.handlers.leaderboard:_submit", "validate, score and add a submission"),
    ):
        q = lsub.add_parser(name, help=help_)
        q.add_argument("submission", type=Path, help="directory with metadata.json and predictions.jsonl")
        q.add_argument("--data-root", type=Path, default=None, help="dataset root (default: the phantom)")
        q.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="leaderboard folder")
        q.set_defaults(handler=fn)
    q = lsub.add_parser("add-run", help="add scored runs to the leaderboard")
    q.add_argument("runs", nargs="+", type=Path)
    q.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    q.add_argument("--force", action="store_true", help="accept runs made from a dirty git tree")
    q.set_defaults(handler="gazex_bench.cli.handlers.leaderboard:_add_run")
    q = lsub.add_parser("build", help="rebuild the CSVs and the static HTML page")
    q.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    q.set_defaults(handler="gazex_bench.cli.handlers.leaderboard:_build")

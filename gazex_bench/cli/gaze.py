"""``gazex-bench gaze ...``: gaze preprocessing (and, later, gaze analyses).

COORDINATION NOTE (for the gaze-analyses helper): this module is owned by the gaze
preprocessing. To add ``gaze analyze`` (or more), write a function
``register_<name>(sub) -> None`` in your own module (e.g. ``gazex_bench/cli/gaze_analyze.py``)
that adds a subparser to ``sub`` and sets its handler, then add one line to
``_EXTRA_SUBCOMMANDS`` below. ``register`` stays small.

``gazex-bench gaze preprocess --data-root DIR --preset paper|gazex-code --out DIR
[--videos] [--limit N] [--workers N] [--sentences all|abnormal] [--mimic-jpg DIR]``
writes ``findings.jsonl`` (one :class:`~gazex_bench.gaze.types.FindingGaze` per line),
``summary.json`` (skip counts by reason, stats, preset) and, with ``--videos``,
``videos/<reading_id>/manifest.json`` + PNG frames.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from typing import Any

# (module, function) pairs called with the ``gaze`` subparsers object; see note above.
_EXTRA_SUBCOMMANDS: tuple[tuple[str, str], ...] = ()


def register(subparsers: Any) -> None:
    """Add the ``gaze`` command group."""
    gaze = subparsers.add_parser("gaze", help="gaze preprocessing and analyses")
    sub = gaze.add_subparsers(dest="gaze_command", metavar="SUBCOMMAND", parser_class=type(gaze))
    _register_preprocess(sub)
    for module, func in _EXTRA_SUBCOMMANDS:
        getattr(importlib.import_module(module), func)(sub)
    gaze.set_defaults(handler=lambda args: _no_subcommand(gaze))


def _no_subcommand(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _register_preprocess(sub: Any) -> None:
    p = sub.add_parser("preprocess", help="REFLACX -> per-finding gaze clusters, boxes, centroids (+ videos)")
    p.add_argument("--data-root", type=Path, required=True, help="data root (or the reflacx-xray-localization/1.0.0 folder)")  # fmt: skip
    p.add_argument(
        "--preset", default="paper", help="paper (Methods 4.1) or gazex-code (public GazeX scripts)"
    )
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument(
        "--videos", action="store_true", help="also write attention videos (PNG frames + manifest)"
    )
    p.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N readings")
    p.add_argument("--workers", type=int, default=1, help="worker processes (results do not depend on it)")
    p.add_argument(
        "--sentences", choices=("all", "abnormal"), default="all", help="which sentences are findings"
    )
    p.add_argument("--mimic-jpg", type=Path, default=None, metavar="DIR", help="mimic-cxr-jpg/<version> for video backgrounds")  # fmt: skip
    p.set_defaults(handler="gazex_bench.cli.handlers.gaze:_preprocess")

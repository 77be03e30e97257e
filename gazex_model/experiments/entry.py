"""Shared set-up of the experiment entry points (``python -m gazex_model.experiments.<name>``)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gazex_bench.io import atomic_write_json
from gazex_model.experiments.effect_stats import jsonable


def run_entry(
    name: str,
    args: argparse.Namespace,
    argv: list[str] | None,
    run_experiment: Callable[[argparse.Namespace, str], dict[str, Any] | None],
    write_report: Callable[[dict[str, Any], Path], Any],
) -> int:
    """Configure logging, run one experiment and write ``<reports>/<name>.json`` and ``.md``.

    Args:
        name: Module name under ``gazex_model.experiments`` (also the report files' stem).
        args: Parsed options; ``args.reports`` is the report folder.
        argv: The arguments as given to ``main`` (None: ``sys.argv[1:]``), recorded in the command string.
        run_experiment: ``(args, command) -> record`` (None: nothing to report, e.g. ``--train-only``).
        write_report: Writes the Markdown report of a record to a path.

    Returns:
        Exit code 0.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    command = f"python -m gazex_model.experiments.{name}" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:])
    )
    rec = run_experiment(args, command)
    if rec is not None:
        atomic_write_json(Path(args.reports) / f"{name}.json", jsonable(rec))
        write_report(rec, Path(args.reports) / f"{name}.md")
    return 0

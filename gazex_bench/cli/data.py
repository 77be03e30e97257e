"""``gazex-bench data ...``: inspect the dataset folders.

``gazex-bench data summary --root DIR [--json] [--reflacx DIR --mimic DIR --iu DIR --vqa DIR --ms-cxr DIR]
[--radiologist-map CSV]`` reads every dataset found and prints its counts. Data errors
are one line on stderr and exit code 2 (handled by the dispatcher).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

OVERRIDES: tuple[tuple[str, str, str], ...] = (
    ("--reflacx", "reflacx", "reflacx-xray-localization/1.0.0 folder"),
    ("--mimic", "mimic_jpg", "mimic-cxr-jpg/<version> folder"),
    ("--mimic-reports", "mimic_reports", "mimic-cxr/2.0.0 folder (raw reports under files/)"),
    ("--mimic-r2gen", "mimic_r2gen", "R2Gen mimic_cxr/annotation.json (or its folder)"),
    ("--iu", "iu", "iu_xray folder (R2Gen) or chest-xrays-indiana-university folder (Kaggle)"),
    ("--vqa", "vqa", "medical-cxr-vqa-dataset/1.0.0 folder (or the question csv)"),
    ("--ms-cxr", "ms_cxr", "ms-cxr/<version> folder (or the csv)"),
)


def register(subparsers: Any) -> None:
    """Add the ``data`` command group."""
    data = subparsers.add_parser("data", help="inspect dataset folders")
    sub = data.add_subparsers(dest="data_command", metavar="SUBCOMMAND", parser_class=type(data))
    summary = sub.add_parser("summary", help="read every dataset under a root and print counts")
    summary.add_argument("--root", type=Path, default=None, help="data root holding the dataset folders")
    summary.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    for flag, dest, what in OVERRIDES:
        summary.add_argument(
            flag, dest=dest, type=Path, default=None, metavar="DIR", help=f"override: {what}"
        )
    summary.add_argument(
        "--radiologist-map", type=Path, default=None, metavar="CSV", help="reading_id,radiologist"
    )
    summary.set_defaults(handler="gazex_bench.cli.handlers.data:_summary")
    data.set_defaults(handler=lambda args: _no_subcommand(data))


def _no_subcommand(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2

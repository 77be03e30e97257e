"""``gazex-bench data ...``: inspect the dataset folders.

``gazex-bench data summary --root DIR [--json] [--reflacx DIR --mimic DIR --iu DIR --vqa DIR --ms-cxr DIR]
[--radiologist-map CSV]`` reads every dataset found and prints its counts. Data errors
are one line on stderr and exit code 2 (handled by the dispatcher).
"""

from __future__ import annotations

import argparse
import json
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
        summary.add_argument(flag, dest=dest, type=Path, default=None, metavar="DIR", help=f"override: {what}")
    summary.add_argument("--radiologist-map", type=Path, default=None, metavar="CSV", help="reading_id,radiologist")
    summary.set_defaults(handler=_summary)
    data.set_defaults(handler=lambda args: _no_subcommand(data))


def _no_subcommand(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _summary(args: argparse.Namespace) -> int:
    from gazex_bench.data.discover import LOOKED_FOR, discover
    from gazex_bench.data.summary import summarize
    from gazex_bench.errors import UsageError

    overrides = {dest: getattr(args, dest) for _, dest, _ in OVERRIDES}
    if args.root is None and not any(overrides.values()):
        raise UsageError("data summary needs --root DIR or at least one dataset flag")
    paths = discover(args.root, **overrides)
    if not paths.found():
        looked = "; ".join(f"{k}: {', '.join(v)}" for k, v in LOOKED_FOR.items())
        raise UsageError(f"data root {args.root} contains no known dataset (looked for {looked})")
    result = summarize(paths, radiologist_map=args.radiologist_map)
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(format_summary(result))
    return 0


def format_summary(result: dict[str, Any]) -> str:
    """Human-readable rendering of :func:`gazex_bench.data.summary.summarize` output."""
    lines = [f"data root: {result['root']}"]
    for name in ("reflacx", "mimic", "iu", "vqa", "ms_cxr"):
        block = result[name]
        if block is None:
            lines.append(f"{name}: not found")
            continue
        lines.append(f"{name}: {result['paths'].get(name, '') or _paths_for(result, name)}")
        for key, value in block.items():
            lines.append(f"  {key}: {_fmt(value)}")
    return "\n".join(lines)


def _paths_for(result: dict[str, Any], name: str) -> str:
    return ", ".join(v for k, v in result["paths"].items() if k.startswith(name))


def _fmt(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) if value else "-"
    return str(value)

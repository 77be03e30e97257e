"""Handlers of ``gazex-bench data`` (see :mod:`gazex_bench.cli.data` for the arguments).

Imported only when one of these commands runs (``gazex_bench.cli`` resolves the
``"module:function"`` handler string), so project imports sit at module top.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from gazex_bench.cli.data import OVERRIDES
from gazex_bench.data.discover import LOOKED_FOR, discover
from gazex_bench.data.summary import summarize
from gazex_bench.errors import UsageError


def _summary(args: argparse.Namespace) -> int:
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

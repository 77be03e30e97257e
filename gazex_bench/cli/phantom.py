"""``gazex-bench phantom``: write the deterministic phantom datasets with known ground truth."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``phantom`` command."""
    p = subparsers.add_parser(
        "phantom",
        help="generate phantom REFLACX, MIMIC-CXR(-JPG), IU X-ray, Medical-CXR-VQA and MS-CXR data",
        description="Write synthetic datasets in their real on-disk layouts, plus phantom_truth/ (ground truth).",
    )
    p.add_argument("--out", type=Path, required=True, help="root folder to write (created)")
    p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p.add_argument(
        "--size", choices=("tiny", "small", "paper"), default="small", help="how much data (default small)"
    )
    p.add_argument(
        "--no-images", action="store_true", help="skip pixel files (JPG/PNG); everything else identical"
    )
    p.add_argument(
        "--parts",
        default="mimic,reflacx,iu,vqa,ms-cxr",
        help="comma-separated subset of mimic,reflacx,iu,vqa,ms-cxr (default all)",
    )
    p.add_argument(
        "--gaze-signal",
        choices=("informative", "decoupled"),
        default="informative",
        help="informative (default): gaze goes to the findings as they are dictated; decoupled: the same "
        "gaze stream aimed at decoys drawn independently of the image's findings (negative control)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default min(2, CPUs)); output is identical",
    )
    p.set_defaults(handler="gazex_bench.cli.handlers.phantom:_run")

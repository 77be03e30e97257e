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
    p.add_argument("--size", choices=("tiny", "small", "paper"), default="small", help="how much data (default small)")
    p.add_argument("--no-images", action="store_true", help="skip pixel files (JPG/PNG); everything else identical")
    p.add_argument("--parts", default="mimic,reflacx,iu,vqa,ms-cxr",
                   help="comma-separated subset of mimic,reflacx,iu,vqa,ms-cxr (default all)")
    p.add_argument("--gaze-signal", choices=("informative", "decoupled"), default="informative",
                   help="informative (default): gaze goes to the findings as they are dictated; decoupled: the same "
                        "gaze stream aimed at decoys drawn independently of the image's findings (negative control)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default min(2, CPUs)); output is identical")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from gazex_bench.phantom.generate import generate_phantom

    parts = tuple(x.strip() for x in str(args.parts).split(",") if x.strip())
    s = generate_phantom(args.out, seed=args.seed, size=args.size, images=not args.no_images, parts=parts,
                         workers=args.workers, gaze_signal=args.gaze_signal)
    total = sum(s.seconds.values())
    print(f"phantom {s.size} seed {s.seed} gaze-signal {args.gaze_signal} -> {s.root} ({total:.1f} s)")
    for k, v in sorted(s.counts.items()):
        print(f"  {k}: {v}")
    return 0

"""Handlers of ``gazex-bench phantom`` (see :mod:`gazex_bench.cli.phantom` for the arguments).

Imported only when one of these commands runs (``gazex_bench.cli`` resolves the
``"module:function"`` handler string), so project imports sit at module top.
"""

from __future__ import annotations

import argparse

from gazex_bench.phantom.generate import generate_phantom


def _run(args: argparse.Namespace) -> int:
    parts = tuple(x.strip() for x in str(args.parts).split(",") if x.strip())
    s = generate_phantom(
        args.out,
        seed=args.seed,
        size=args.size,
        images=not args.no_images,
        parts=parts,
        workers=args.workers,
        gaze_signal=args.gaze_signal,
    )
    total = sum(s.seconds.values())
    print(f"phantom {s.size} seed {s.seed} gaze-signal {args.gaze_signal} -> {s.root} ({total:.1f} s)")
    for k, v in sorted(s.counts.items()):
        print(f"  {k}: {v}")
    return 0

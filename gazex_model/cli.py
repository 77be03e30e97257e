"""``gazex-train``: train a GazeX variant (or a baseline) from a YAML config.

Usage::

    gazex-train --config configs/tiny.yaml [--data-root DIR] [--out DIR] [--set k=v ...] [--resume]

Without ``--data-root`` (and no ``data.root`` in the config) a phantom of
``data.phantom_size`` is generated once under the suite's cache dir
(``$GAZEX_BENCH_CACHE``, default ``~/.cache/gazex_bench``) and reused.
Multi-GPU: ``accelerate launch --config_file configs/accelerate/ddp.yaml -m gazex_model.cli ...``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from gazex_bench.errors import GazexError, UsageError


def build_parser() -> argparse.ArgumentParser:
    """The ``gazex-train`` argument parser."""
    p = argparse.ArgumentParser(prog="gazex-train", description="Train GazeX variants (Qwen2-VL + LoRA).")
    p.add_argument("--config", required=True, help="YAML config (configs/<name>.yaml)")
    p.add_argument("--data-root", default=None, help="data root (default: data.root, else a cached phantom)")
    p.add_argument("--out", default=None, help="run directory (default: runs/<name>)")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value, e.g. --set lora.r=8 (repeatable)",
    )
    p.add_argument("--no-cache", action="store_true", help="rebuild the training samples (no pickle cache)")
    p.add_argument("--resume", action="store_true", help="continue from the latest checkpoint in --out")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return p


def phantom_root(size: str, seed: int = 0) -> Path:
    """Cached phantom of ``size`` (generated on first use)."""
    from gazex_bench.runner.data_root import is_phantom, phantom_cache_root

    root = phantom_cache_root(size, seed)
    if not is_phantom(root):
        try:
            from gazex_bench.phantom.generate import generate_phantom
        except ImportError as exc:
            raise UsageError(f"no --data-root and the phantom generator is unavailable ({exc})") from None
        logging.getLogger(__name__).warning("generating a %s phantom under %s (once)", size, root)
        generate_phantom(root, size=size, seed=seed)
    return root


def run(args: argparse.Namespace) -> int:
    """Handler: load config, build data, train, print the run directory."""
    import json

    from gazex_model.config import load_config

    cfg = load_config(args.config, args.overrides)
    root = args.data_root or cfg.data.root or str(phantom_root(cfg.data.phantom_size))
    if args.data_root:
        cfg = load_config(args.config, [*args.overrides, f"data.root={args.data_root}"])
    out = Path(args.out or Path("runs") / cfg.name)
    result = train_config(cfg, root, out, cache=not args.no_cache, resume=args.resume)
    print(
        json.dumps(
            {
                "run_dir": str(result.run_dir),
                "steps": result.steps,
                "seconds": round(result.seconds, 1),
                "step_seconds_median": result.step_seconds_median,
                "final_losses": result.final_losses,
            }
        )
    )
    return 0


def train_config(cfg: Any, root: str | Path, out: Path, *, cache: bool = True, resume: bool = False) -> Any:
    """Build (or load cached) pools for ``cfg`` from ``root`` and train into ``out``; returns the RunResult.

    A tiny backbone (``model.backbone: tiny`` without ``init_from``) gets its tokenizer from
    :func:`~gazex_model.pools_cache.backbone_corpus` (all of the root's text, not the config's
    objectives), so every variant of one root and seed starts from the same backbone.
    """
    from gazex_bench.io import atomic_write_json
    from gazex_bench.runner.data_root import cache_dir
    from gazex_model.data import corpus_of
    from gazex_model.pools_cache import backbone_corpus, cached_pools, data_fingerprint
    from gazex_model.split import write_split
    from gazex_model.train import TrainData, train

    cdir = cache_dir() / "gazex_model" if cache else None
    pools = cached_pools(cfg, root, cdir)
    if pools.split is not None:
        write_split(pools.split, out / "split_manifest.json")
    summary = {
        "root": str(root),
        "fingerprint": data_fingerprint(root),
        "counts": pools.counts,
        "skipped": dict(pools.skipped),
    }
    builds_tiny = cfg.model.backbone == "tiny" and not cfg.model.init_from
    corpus = (
        backbone_corpus(cfg, root, cdir) if builds_tiny else corpus_of(pools.train) + corpus_of(pools.test)
    )
    result = train(cfg, out, TrainData(pools.train, corpus, summary), resume=resume)
    atomic_write_json(out / "data_summary.json", summary)
    return result


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``gazex-train``; GazexError -> one line on stderr, exit 2."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        return run(args)
    except GazexError as exc:
        print(f"gazex-train: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

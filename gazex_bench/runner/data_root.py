"""Which data a run reads: a user-given root, or the cached phantom by default.

Without ``--data-root`` the runner uses a *small* phantom generated on first use
under ``$GAZEX_BENCH_CACHE`` (default ``~/.cache/gazex_bench``)/``phantom-small-seed0-<tag>``
and reused afterwards; ``<tag>`` hashes the generator version and the size's entity counts, so a phantom cached by an
older version with other counts is not silently reused. A root is recorded as ``phantom`` when it holds the
phantom's ``phantom_truth/truth.json``, else as ``real``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.phantom.spec import PHANTOM_VERSION, SIZES

log = logging.getLogger(__name__)

DEFAULT_PHANTOM_SIZE = "small"
DEFAULT_PHANTOM_SEED = 0


@dataclass(frozen=True)
class DataRoot:
    """A resolved data root."""

    path: Path
    kind: str
    """``phantom`` or ``real``."""
    phantom: dict[str, Any] | None = None
    """``{"size", "seed", "generated_by"}`` for the default phantom; ``{}`` for a user phantom."""


def cache_dir() -> Path:
    """``$GAZEX_BENCH_CACHE`` or ``~/.cache/gazex_bench``."""
    env = os.environ.get("GAZEX_BENCH_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "gazex_bench"


def phantom_cache_root(size: str = DEFAULT_PHANTOM_SIZE, seed: int = DEFAULT_PHANTOM_SEED) -> Path:
    """Cache directory of the generated phantom of ``size`` and ``seed`` (see module docstring)."""
    import hashlib

    spec = SIZES.get(size)
    tag = hashlib.sha256(repr((PHANTOM_VERSION, spec)).encode()).hexdigest()[:8]
    return cache_dir() / f"phantom-{size}-seed{seed}-{tag}"


def is_phantom(root: Path) -> bool:
    """True when ``root`` was written by the phantom generator."""
    return (root / "phantom_truth" / "truth.json").is_file()


def resolve_data_root(arg: str | Path | None) -> DataRoot:
    """Resolve ``--data-root`` (or the cached default phantom when None).

    Raises:
        UsageError: the given root does not exist.
    """
    if arg is not None:
        root = Path(arg).expanduser().resolve()
        if not root.is_dir():
            raise UsageError(f"--data-root {arg} is not a directory")
        return DataRoot(root, "phantom" if is_phantom(root) else "real", {} if is_phantom(root) else None)
    root = phantom_cache_root()
    if not is_phantom(root):
        _generate_phantom(root)
    info = {"size": DEFAULT_PHANTOM_SIZE, "seed": DEFAULT_PHANTOM_SEED, "generated_by": "gazex_bench.phantom"}
    return DataRoot(root.resolve(), "phantom", info)


def _generate_phantom(root: Path) -> None:
    try:
        from gazex_bench.phantom.generate import generate_phantom  # lazy: +0.3-1.0 s per run (-X importtime)
    except ImportError as exc:
        raise UsageError(
            f"no --data-root given and the phantom generator is unavailable ({exc}); pass --data-root DIR"
        ) from None
    log.warning("generating the default %s phantom under %s (once)", DEFAULT_PHANTOM_SIZE, root)
    generate_phantom(root, size=DEFAULT_PHANTOM_SIZE, seed=DEFAULT_PHANTOM_SEED)

"""Checks and the content fingerprint of an ``hf-vlm`` checkpoint directory (no model load, no torch).

The fingerprint covers what decides the model's outputs: the SHA-256 of every small file
(config, generation config, processor / image-processor config, chat template, tokenizer files,
LoRA ``adapter_config.json`` and adapter weights up to :data:`HASH_LIMIT` bytes) and the size and
modification time (ns) of each large weight file (a re-saved shard gets a new mtime). A
checkpoint re-saved at the same path therefore gets a new run key and never reuses old
predictions.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".gguf")
HASH_LIMIT = 64 * 1024 * 1024
"""Files up to this size (bytes) are hashed; larger weight shards are keyed by size + mtime."""
_SKIP = {".git", "__pycache__", ".cache"}


def check_checkpoint(path: Path) -> str:
    """The config's ``model_type`` after checking the directory is a loadable checkpoint.

    Raises:
        UsageError: missing directory, ``config.json``, weights, or a config without ``model_type``.
    """
    if not path.is_dir():
        raise UsageError(f"hf-vlm: model directory not found: {path}")
    cfg = path / "config.json"
    if not cfg.is_file():
        raise UsageError(f"hf-vlm: {path} has no config.json (not a transformers checkpoint folder)")
    try:
        model_type = json.loads(cfg.read_text(encoding="utf-8")).get("model_type")
    except ValueError as exc:
        raise UsageError(f"hf-vlm: {cfg} is not valid JSON ({exc})") from None
    if not model_type:
        raise UsageError(f"hf-vlm: {cfg} has no 'model_type'")
    if not any(f.suffix in WEIGHT_SUFFIXES for f in path.iterdir() if f.is_file()):
        raise UsageError(
            f"hf-vlm: {path} has no weights (*.safetensors / *.bin); was the model saved with "
            "save_pretrained?"
        )
    return str(model_type)


def fingerprint(path: Path) -> dict[str, Any]:
    """``{"sha256": digest, "files": n, "bytes": total}`` over the directory's files (see module docstring)."""
    h = hashlib.sha256()
    n = total = 0
    for f in sorted(p for p in path.rglob("*") if p.is_file() and not _SKIP & set(p.relative_to(path).parts)):
        st = f.stat()
        rel = f.relative_to(path).as_posix()
        if st.st_size <= HASH_LIMIT:
            h.update(f"{rel}\0sha256\0{_sha256(f)}\n".encode())
        else:
            h.update(f"{rel}\0size-mtime\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        n += 1
        total += st.st_size
    return {"sha256": h.hexdigest(), "files": n, "bytes": total}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()

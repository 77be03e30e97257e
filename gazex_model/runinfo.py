"""Provenance recorded next to every run: git commit (+ dirty flag), versions, device."""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path
from typing import Any


def git_state(repo: str | Path | None = None) -> dict[str, Any]:
    """``{"commit": sha|None, "dirty": bool|None}`` of the repository holding this package.

    Read-only git calls (``rev-parse``, ``status --porcelain``); None when git or the repo
    is unavailable.
    """
    cwd = Path(repo) if repo is not None else Path(__file__).resolve().parent.parent
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": sha or None, "dirty": bool(status.strip())}


def versions() -> dict[str, str]:
    """Versions of the numerical stack (python, torch, transformers, peft, accelerate)."""
    out = {"python": platform.python_version()}
    for name in ("torch", "transformers", "peft", "accelerate", "tokenizers", "numpy"):
        try:
            mod = __import__(name)
            out[name] = str(getattr(mod, "__version__", "?"))
        except ImportError:
            out[name] = "missing"
    return out


def device_info() -> dict[str, Any]:
    """Device summary: CUDA device names or CPU threads."""
    import torch

    info: dict[str, Any] = {"cuda": torch.cuda.is_available(), "torch_threads": torch.get_num_threads()}
    if torch.cuda.is_available():
        info["gpus"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    else:
        info["cpu"] = platform.processor() or platform.machine()
    return info

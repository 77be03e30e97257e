"""The run specification, the deterministic run id and provenance (git, version).

``runs/<run_id>/spec.json`` is written once when a run starts and is what
``gazex-bench score --run DIR`` uses to rebuild the task data without the model.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gazex_bench import __version__
from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.io import atomic_write_json, read_json
from gazex_bench.runner.records import sha256_text

SPEC = "spec.json"
MODEL = "model.json"
RUN = "run.json"
SCORES = "scores.jsonl"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class RunSpec:
    """Everything that identifies a run (and nothing that does not)."""

    task: str
    model: str
    model_args: dict[str, Any] = field(default_factory=dict)
    split: str = "test"
    limit: int | None = None
    data_root: str = ""
    data_kind: str = "real"
    """``phantom`` or ``real``."""
    data_fingerprint: str = ""
    """:meth:`TaskData.content_sha256` of the evaluated samples."""
    phantom: dict[str, Any] | None = None
    """Phantom generator settings when ``data_kind == "phantom"``."""
    seed: int = 0
    model_key: dict[str, Any] | None = None
    """Content fingerprint an adapter declares for its args (``run_key`` hook), e.g. a predictions file's SHA-256."""
    task_args: dict[str, Any] = field(default_factory=dict)
    """``--task-arg`` options (part of the run id when any is given)."""
    label: str | None = None
    """Display name (``--model-arg label=...``); NOT part of the run id, not given to the adapter."""
    location_args: tuple[str, ...] = ()
    """Model args the adapter declares as locations (e.g. a run folder's ``path``) whose content its
    ``model_key`` covers: left out of the run id, so the same model evaluated from another folder
    (another clone, another ``--out``) keeps its run id."""

    def identity(self) -> dict[str, Any]:
        """The fields hashed into the run id (``task_args`` only when non-empty, so older ids stay valid)."""
        args = self.model_args
        if self.location_args and self.model_key is not None:
            args = {k: v for k, v in args.items() if k not in self.location_args}
        out = {
            "task": self.task,
            "model": self.model,
            "model_args": args,
            "split": self.split,
            "limit": self.limit,
            "data_fingerprint": self.data_fingerprint,
            "seed": self.seed,
            "model_key": self.model_key,
        }
        if self.task_args:
            out["task_args"] = self.task_args
        return out

    def run_id(self) -> str:
        """``<task>__<model>__<12 hex>``: same command + same data → same id (resume)."""
        digest = sha256_text(json.dumps(self.identity(), sort_keys=True, default=str))[:12]
        return f"{_slug(self.task)}__{_slug(self.model)}__{digest}"

    def to_json(self) -> dict[str, Any]:
        """JSON form written to spec.json."""
        return asdict(self)

    @classmethod
    def from_json(cls, path: Path, obj: dict[str, Any]) -> RunSpec:
        """Rebuild from spec.json.

        Raises:
            DataFormatError: unknown or missing keys.
        """
        try:
            return cls(**obj)
        except TypeError as exc:
            raise DataFormatError(path, f"not a run spec ({exc})") from None


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-." else "-" for c in text)[:40]


def read_spec(run_dir: Path) -> RunSpec:
    """Load ``run_dir/spec.json``.

    Raises:
        UsageError: the directory is not a run directory.
    """
    path = run_dir / SPEC
    if not path.is_file():
        raise UsageError(f"{run_dir} is not a run directory (no {SPEC})")
    obj = read_json(path)
    if not isinstance(obj, dict):
        raise DataFormatError(path, "not a run spec (expected a JSON object)")
    return RunSpec.from_json(path, obj)


def write_or_check_spec(run_dir: Path, spec: RunSpec) -> None:
    """Write spec.json, or check an existing one matches (resume).

    Raises:
        UsageError: the run directory already holds a different run.
    """
    path = run_dir / SPEC
    if path.is_file():
        old = read_spec(run_dir)
        if old.identity() != spec.identity():
            diff = sorted(k for k, v in spec.identity().items() if old.identity().get(k) != v)
            raise UsageError(
                f"{run_dir} holds a different run (differs in: {', '.join(diff)}); "
                "use another --run-id or --out"
            )
        # display name, model location or moved data root: not part of the identity, keep the latest
        if (old.label, old.model_args, old.data_root) != (spec.label, spec.model_args, spec.data_root):
            atomic_write_json(path, spec.to_json())
        return
    atomic_write_json(path, spec.to_json())


def git_info(start: Path | None = None) -> dict[str, Any]:
    """``{"commit": sha | None, "dirty": bool | None}`` of the source checkout."""
    cwd = start or Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10
        )
        if commit.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=20,
        )
        dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
        return {"commit": commit.stdout.strip(), "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def package_version() -> str:
    """The installed gazex_bench version."""
    return __version__

"""Shared fixtures of the model-adapter tests: the tiny checkpoints of ten VLM families."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def family_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All ten tiny checkpoints of :mod:`tiny_families`, built once per session (about 12 s)."""
    from tiny_families import FAMILIES, build  # type: ignore[import-not-found]

    root = tmp_path_factory.getbasetemp() / "hf-families"
    for fam in FAMILIES:
        if not (root / fam / "config.json").is_file():
            build(fam, root / fam)
    return root

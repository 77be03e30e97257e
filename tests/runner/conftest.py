"""Shared fixture: one tiny phantom per test session (generated once, reused across directories)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_phantom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Root of a tiny phantom (seed 0), generated on first use in the session's base temp dir."""
    from gazex_bench.phantom.generate import generate_phantom

    root = tmp_path_factory.getbasetemp() / "phantom-tiny-seed0"
    if not (root / "phantom_truth" / "truth.json").is_file():
        generate_phantom(root, size="tiny", seed=0, workers=1)
    return root

"""Shared tiny phantom for the phantom tests (generated once per session, single process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazex_bench.phantom.generate import PhantomSummary, generate_phantom


@pytest.fixture(scope="session")
def tiny_phantom(tmp_path_factory: pytest.TempPathFactory) -> PhantomSummary:
    """``--size tiny --seed 0`` with images, written once."""
    root: Path = tmp_path_factory.mktemp("phantom_tiny")
    return generate_phantom(root, seed=0, size="tiny", images=True, workers=1)

"""Test-wide settings: one CPU thread for numerical libraries and torch, offline hub."""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread() -> None:
    """Pin torch to one thread if (and only if) some test imported it."""
    import sys

    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


def pytest_configure(config: pytest.Config) -> None:
    """Set torch threads early when torch is importable (tests that build tiny models)."""
    try:
        import importlib.util

        if importlib.util.find_spec("torch") is not None:
            import torch

            torch.set_num_threads(1)
    except Exception:  # pragma: no cover - torch missing or broken: tests that need it fail themselves
        pass


@pytest.fixture(scope="session")
def tiny_phantom(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Root of a tiny phantom (seed 0), generated once per session and shared by all test areas.

    ``tests/phantom`` overrides this with its own fixture (it needs the generator's summary).
    """
    from gazex_bench.phantom.generate import generate_phantom

    root = tmp_path_factory.getbasetemp() / "phantom-tiny-seed0"
    if not (root / "phantom_truth" / "truth.json").is_file():
        generate_phantom(root, size="tiny", seed=0, workers=1)
    return root

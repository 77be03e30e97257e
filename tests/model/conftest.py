"""Fixtures for gazex_model tests: toy samples per objective and a tiny backbone dir."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from model_testkit import TEST_SHAPE, toy_corpus, toy_samples  # noqa: E402

from gazex_model.collate import Sample  # noqa: E402


@pytest.fixture(scope="session")
def pools() -> dict[str, list[Sample]]:
    return toy_samples()


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory, pools: dict[str, list[Sample]]) -> Path:
    """A saved tiny backbone (model + processor) directory."""
    from gazex_model.tiny import TinyShape, build_tiny_backbone, save_backbone

    torch.set_num_threads(1)
    model, proc = build_tiny_backbone(toy_corpus(pools), TinyShape(**TEST_SHAPE, image_side=84), seed=0)
    return save_backbone(model, proc, tmp_path_factory.mktemp("tiny_backbone"))

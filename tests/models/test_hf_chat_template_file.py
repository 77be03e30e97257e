"""The image-only (torchvision-free) processor fallback takes the chat template from the checkpoint's
own files: transformers 5.25 stopped passing ``chat_template.json`` to the fallback, which then
reported "no chat template" for every Qwen2-VL checkpoint (CI failure, 2026-12-03)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gazex_bench.errors import DataFormatError
from gazex_bench.models.hf_processor import checkpoint_chat_template

TEMPLATE = "{% for m in messages %}<|im_start|>{{ m['role'] }}{% endfor %}"


def test_jinja_file_wins_over_json(tmp_path: Path) -> None:
    (tmp_path / "chat_template.json").write_text(json.dumps({"chat_template": "json one"}))
    (tmp_path / "chat_template.jinja").write_text(TEMPLATE)
    assert checkpoint_chat_template(tmp_path) == TEMPLATE


def test_json_file_and_absent(tmp_path: Path) -> None:
    assert checkpoint_chat_template(tmp_path) is None
    (tmp_path / "chat_template.json").write_text(json.dumps({"chat_template": TEMPLATE}))
    assert checkpoint_chat_template(tmp_path) == TEMPLATE


@pytest.mark.parametrize("text", ["not json", json.dumps({"chat_template": 3}), json.dumps([1])])
def test_bad_json_names_file_and_field(tmp_path: Path, text: str) -> None:
    (tmp_path / "chat_template.json").write_text(text)
    with pytest.raises(DataFormatError) as err:
        checkpoint_chat_template(tmp_path)
    assert "chat_template.json" in str(err.value) and "chat_template" in str(err.value)

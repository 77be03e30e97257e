"""Registry rules (duplicates, lazy targets, did-you-mean, entry points) and --model-arg parsing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gazex_bench.errors import UsageError
from gazex_bench.models.protocols import require
from gazex_bench.models.registry import Registry, build_adapter_registry, create_adapter, parse_model_args
from gazex_bench.models.types import Capability

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "thirdparty_adapter"


def test_duplicate_name_is_refused() -> None:
    reg: Registry[object] = Registry("adapter")
    reg.register("a", "x:y")
    with pytest.raises(UsageError, match="registered twice"):
        reg.register("a", "x:z", source="entry-point:other")


def test_lazy_target_is_imported_on_get_only() -> None:
    reg: Registry[object] = Registry("adapter")
    reg.register("broken", "no_such_module_xyz:Thing")
    assert reg.names() == ["broken"]  # registering imported nothing
    with pytest.raises(UsageError, match="cannot be loaded"):
        reg.get("broken")


def test_unknown_name_did_you_mean() -> None:
    reg = build_adapter_registry(extra=[])
    with pytest.raises(UsageError, match="did you mean 'nearest-report'"):
        reg.get("nearest-reprot")


def test_parse_model_args_types() -> None:
    args = parse_model_args(
        [
            "max_new_tokens=64",
            "temperature=0.5",
            "greedy=true",
            "x=None",
            "path=/a/b=c",
            "ids=[1,2]",
            "name=qwen",
        ]
    )
    assert args == {
        "max_new_tokens": 64,
        "temperature": 0.5,
        "greedy": True,
        "x": None,
        "path": "/a/b=c",
        "ids": [1, 2],
        "name": "qwen",
    }
    with pytest.raises(UsageError, match="key=value"):
        parse_model_args(["oops"])
    with pytest.raises(UsageError, match="given twice"):
        parse_model_args(["a=1", "a=2"])


def test_bad_constructor_argument_is_usage_error() -> None:
    with pytest.raises(UsageError, match="bad --model-arg for adapter 'random'"):
        create_adapter("random", build_adapter_registry(extra=[]), sead=3)


def test_task_asks_only_for_its_capability() -> None:
    adapter = create_adapter("majority-answer", build_adapter_registry(extra=[]))
    require(adapter, Capability.VQA)
    with pytest.raises(UsageError, match="cannot do 'grounding' .*vqa"):
        require(adapter, Capability.GROUNDING)


def test_entry_point_adapter_registers_without_code_change(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FIXTURE))
    import importlib

    importlib.invalidate_caches()
    reg = build_adapter_registry()
    assert "thirdparty-echo" in reg
    entry = {e.name: e for e in reg.entries()}["thirdparty-echo"]
    assert entry.source == "entry-point:gazex-thirdparty-echo"
    adapter = create_adapter("thirdparty-echo", reg, answer="no")
    require(adapter, Capability.VQA)
    sys.modules.pop("gazex_thirdparty_echo", None)

"""hf-vlm on a tiny offline Qwen2-VL (~0.2 M params, built here) on every task it supports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from tiny_qwen import build_tiny_qwen2vl  # type: ignore[import-not-found]  # noqa: E402

from gazex_bench.models.registry import build_adapter_registry, create_adapter  # noqa: E402
from gazex_bench.models.types import Capability, ReportRequest, VqaRequest  # noqa: E402
from gazex_bench.runner.api import RunRequest, run  # noqa: E402
from gazex_bench.tasks.base import ScoreOptions  # noqa: E402
from gazex_bench.tasks.registry import BUILTIN_TASKS, build_task_registry  # noqa: E402

ARGS = {"max_new_tokens": 6, "batch_size": 2, "max_pixels": 112 * 112}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_qwen2vl(tmp_path_factory.mktemp("tiny-qwen2vl"))


def test_batched_generation_equals_one_by_one(tiny_model: Path, tiny_phantom: Path) -> None:
    images = sorted((tiny_phantom / "mimic-cxr-jpg").rglob("*.jpg"))[:2]
    adapter = create_adapter("hf-vlm", build_adapter_registry(extra=[]), path=str(tiny_model), **ARGS)
    reqs = [
        VqaRequest("a", (images[0],), "is there effusion?"),
        VqaRequest("b", (images[1],), "what abnormalities are seen in the left lower lobe area?"),
    ]
    batched = adapter.answer_questions(reqs)
    single = [adapter.answer_questions([r])[0] for r in reqs]
    assert [r.raw for r in batched] == [r.raw for r in single]
    assert all(r.prompt and "Question:" in r.prompt for r in batched)
    report = adapter.generate_reports([ReportRequest("c", (images[0],))])[0]
    assert report.raw is not None and report.error is None
    ident = adapter.identity()
    assert ident["generation"]["max_new_tokens"] == 6 and len(ident["checkpoint"]["sha256"]) == 64


def test_runs_every_supported_task(tiny_model: Path, tiny_phantom: Path, tmp_path: Path) -> None:
    tasks = build_task_registry()
    adapters = build_adapter_registry(extra=[])
    for name in BUILTIN_TASKS:
        if tasks.get(name).capability not in set(Capability):
            continue
        req = RunRequest(
            task=name,
            model="hf-vlm",
            model_args={"path": str(tiny_model), **ARGS},
            data_root=tiny_phantom,
            split="all",
            limit=3,
            out=tmp_path,
            quiet=True,
            score=ScoreOptions(n_boot=5, meteor="none"),
        )
        res = run(req, adapters=adapters)
        assert res.record is not None and res.record["dataset"]["n_evaluated"] == 3, name
        lines = [json.loads(x) for x in (res.run_dir / "predictions.jsonl").read_text().splitlines()]
        assert all(ln["raw"] is not None and len(ln["prompt_sha256"]) == 64 for ln in lines), name
        # random weights may produce unparsable boxes/points: that is an error, never a crash
        assert all(ln["error"] in (None, "no parsable output") for ln in lines), name

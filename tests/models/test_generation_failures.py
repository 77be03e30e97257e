"""Per-sample generation failures: counted by reason, never scored, retried on resume, threshold -> exit 2.

A stub VQA adapter (no model) fails the samples listed in ``FlakyAdapter.fail`` the way
``hf-vlm`` reports an exception from ``generate`` (:func:`generation_failed`), and answers
the rest with ``"no"``. Driven through the CLI (``gazex_bench.cli.main``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from gazex_bench.cli import main
from gazex_bench.models import registry
from gazex_bench.models.types import Capability, Response, VqaRequest, generation_failed


class FlakyAdapter:
    """Answers ``no``; fails the ids in ``fail`` (class attribute, set by the test)."""

    name = "flaky"
    capabilities = frozenset({Capability.VQA})
    fail: set[str] = set()
    calls: list[str] = []

    def identity(self) -> dict[str, Any]:
        return {"adapter": self.name}

    def answer_questions(self, requests: Sequence[VqaRequest]) -> list[Response]:
        out = []
        for r in requests:
            FlakyAdapter.calls.append(r.sample_id)
            if r.sample_id in self.fail:
                out.append(
                    generation_failed(r.sample_id, "generation_error", f"RuntimeError: boom on {r.sample_id}")
                )
            else:
                out.append(Response(r.sample_id, "no", "no"))
        return out


@pytest.fixture()
def flaky(monkeypatch: pytest.MonkeyPatch) -> type[FlakyAdapter]:
    monkeypatch.setitem(registry.BUILTIN_ADAPTERS, "flaky", FlakyAdapter)
    FlakyAdapter.fail, FlakyAdapter.calls = set(), []
    return FlakyAdapter


def _run(root: Path, out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    rc = main(
        [
            "run",
            "--task",
            "cxr-vqa",
            "--model",
            "flaky",
            "--data-root",
            str(root),
            "--split",
            "all",
            "--limit",
            "6",
            "--out",
            str(out),
            "--run-id",
            "r",
            "--quiet",
            "--n-boot",
            "5",
            *extra,
        ]
    )
    return rc, capsys.readouterr().err


def _ids(root: Path) -> list[str]:
    from gazex_bench.tasks.registry import get_task

    return [s.sample_id for s in get_task("cxr-vqa").load(root, split="all", limit=6).samples]


def test_failures_counted_not_scored_and_retried(
    flaky: type[FlakyAdapter], tiny_phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _ids(tiny_phantom)
    flaky.fail = set(ids[:2])
    rc, err = _run(tiny_phantom, tmp_path, capsys)
    assert rc == 0, err
    run_dir = tmp_path / "r"
    rec = json.loads((run_dir / "run.json").read_text())
    # 6 evaluated - 2 failures = 4 scored; failures are a drop reason, not empty answers
    assert rec["dataset"]["n_evaluated"] == 4 and rec["dataset"]["dropped"]["generation_failed"] == 2
    assert (
        rec["predictions"]["errors_by_reason"] == {"generation_error": 2}
        and rec["predictions"]["n_errors"] == 2
    )
    assert rec["metrics"]["accuracy"]["n"] == 4
    scored = [json.loads(x)["sample_id"] for x in (run_dir / "scores.jsonl").read_text().splitlines()]
    assert not set(scored) & flaky.fail
    # resume: only the two failures are generated again; now they succeed
    flaky.fail, flaky.calls = set(), []
    rc, err = _run(tiny_phantom, tmp_path, capsys)
    assert rc == 0 and sorted(flaky.calls) == sorted(ids[:2]), err
    rec = json.loads((run_dir / "run.json").read_text())
    assert rec["dataset"]["n_evaluated"] == 6 and rec["predictions"]["errors_by_reason"] == {}
    lines = [json.loads(x) for x in (run_dir / "predictions.jsonl").read_text().splitlines()]
    assert len(lines) == 6 and all("failure" not in ln for ln in lines)


def test_threshold_exits_with_first_error(
    flaky: type[FlakyAdapter], tiny_phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _ids(tiny_phantom)
    flaky.fail = set(ids)  # every sample fails: the default threshold ('all') stops the run
    rc, err = _run(tiny_phantom, tmp_path / "all", capsys)
    first = sorted(ids)[0]
    assert rc == 2 and len(err.strip().splitlines()) == 1, err
    assert "6 of 6 samples failed" in err and f"boom on {first}" in err
    assert not list((tmp_path / "all").rglob("run.json")) and not list(
        (tmp_path / "all").rglob("scores.jsonl")
    )
    flaky.fail = set(ids[:1])  # one failure over a threshold of 0
    rc, err = _run(tiny_phantom, tmp_path / "zero", capsys, "--max-failures", "0")
    assert rc == 2 and "1 of 6 samples failed" in err and len(err.strip().splitlines()) == 1, err
    rc, err = _run(
        tiny_phantom, tmp_path / "pct", capsys, "--max-failures", "20%"
    )  # floor(6 * 0.2) = 1 allowed
    assert rc == 0, err
    rc, err = _run(tiny_phantom, tmp_path / "bad", capsys, "--max-failures", "lots")
    assert rc == 2 and "--max-failures" in err and len(err.strip().splitlines()) == 1

"""Two-stage protocol end to end on a tiny phantom: stage 1 -> stage 2 -> scored run.json with lineage and budget.

Also: the no-gaze baseline (stage 2 from the bare backbone) shares GazeX's backbone and stage-2
budget; ``gazex-bench compare`` refuses two fine-tuned runs with different budgets (one line,
exit 2) unless ``--force``, which its record states.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

from model_testkit import tiny_overrides  # noqa: E402

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
SMALL = [
    *tiny_overrides(),
    "batch_size=2",
    "num_threads=1",
    "model.image_side=56",
    "data.frame_side=28",
    "data.max_frames=2",
    "generation.max_new_tokens=6",
    "data.max_samples_per_objective=8",
]


@pytest.fixture(scope="module")
def runs(tiny_phantom: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Stage 1 (GazeX, 3 steps); stage 2 VQA from it and from the bare backbone (2 steps); one 3-step no-gaze VQA."""
    import os

    from gazex_model.cli import train_config
    from gazex_model.config import load_config

    tmp = tmp_path_factory.mktemp("protocol")
    old = os.environ.get("GAZEX_BENCH_CACHE")
    os.environ["GAZEX_BENCH_CACHE"] = str(tmp / "cache")
    try:
        out = {
            "s1": tmp / "s1",
            "gazex": tmp / "gazex-vqa",
            "nogaze": tmp / "nogaze-vqa",
            "nogaze3": tmp / "ng3",
        }
        train_config(load_config(CONFIGS / "tiny.yaml", [*SMALL, "max_steps=3"]), tiny_phantom, out["s1"])
        vqa = CONFIGS / "tiny-downstream-vqa.yaml"
        train_config(
            load_config(vqa, [*SMALL, "max_steps=2", f"model.init_from={out['s1']}"]),
            tiny_phantom,
            out["gazex"],
        )
        for key, steps in (("nogaze", 2), ("nogaze3", 3)):
            train_config(
                load_config(vqa, [*SMALL, f"max_steps={steps}", "model.init_from=null"]),
                tiny_phantom,
                out[key],
            )
    finally:
        if old is None:
            os.environ.pop("GAZEX_BENCH_CACHE", None)
        else:
            os.environ["GAZEX_BENCH_CACHE"] = old
    return out


def _score(root: Path, run: Path, out: Path, task: str = "cxr-vqa") -> Path:
    from gazex_bench.models.registry import build_adapter_registry
    from gazex_bench.runner.api import RunRequest
    from gazex_bench.runner.api import run as run_task

    reg = build_adapter_registry([("gazex", "gazex_model.adapter:GazeXAdapter", "test")])
    req = RunRequest(
        task=task,
        model="gazex",
        model_args={"path": str(run), "device": "cpu"},
        data_root=root,
        limit=2,
        out=out,
        quiet=True,
    )
    return run_task(req, adapters=reg).run_dir


def test_scored_run_json_carries_lineage_and_budget(
    runs: dict[str, Path], tiny_phantom: Path, tmp_path: Path
) -> None:
    rec = json.loads((_score(tiny_phantom, runs["gazex"], tmp_path) / "run.json").read_text())
    lineage = rec["model"]["identity"]["training"]["lineage"]
    assert [e["stage"] for e in lineage] == [0, 1, 2] and lineage[0]["kind"] == "backbone"
    s1, s2 = lineage[1], lineage[2]
    assert s1["objectives"] == {"fvp": 4.0, "gtm": 1.0, "sda": 1.0} and s1["tasks"] == ["reflacx-gaze"]
    assert s1["budget"]["steps"] == 3 and sum(s1["seen"]["micro_batches"].values()) == 3  # one batch per step
    assert s1["budget"]["samples_seen"] == 3 * 2  # steps x batch_size x processes
    assert s2["objectives"] == {"vqa": 1.0} and s2["tasks"] == ["cxr-vqa"] and s2["method"] == "lora"
    assert s2["seen"] == {"micro_batches": {"vqa": 2}, "samples": {"vqa": 4}}
    assert (
        s2["config"]["model"]["init_from"] == str(runs["s1"]) and s2["seed"] == 0 and s2["wall_seconds"] > 0
    )
    assert s2["data"]["pools"]["vqa"]["n"] == 8 and len(s2["data"]["fingerprint"]) == 64
    training = rec["training"]
    assert training["regime"] == "fine-tuned" and training["steps"] == 2 and training["stage"] == 2
    assert training["label"] == "fine-tuned (stage 2, 2 steps)"
    assert training["budget"]["samples_seen"] == 4 and training["budget"]["lr"] == 0.005
    # the same stage-1 model is zero-shot on a report task (never trained on report data)
    from gazex_bench.runner.regime import training_block
    from gazex_model.lineage import read_record

    zs = training_block({"training": read_record(runs["s1"])}, "mimic-report")
    assert (
        zs["regime"] == "zero-shot"
        and zs["budget"] is None
        and zs["label"].startswith("zero-shot (3 training steps")
    )
    assert training_block({"training": read_record(runs["s1"])}, "reflacx-gaze")["regime"] == "pretrained"


def test_no_gaze_baseline_shares_backbone_and_budget(runs: dict[str, Path]) -> None:
    from gazex_model.lineage import read_record

    g, n = read_record(runs["gazex"])["lineage"], read_record(runs["nogaze"])["lineage"]
    assert [e["stage"] for e in n] == [0, 2]  # no stage 1
    assert g[0]["fingerprint"]["sha256"] == n[0]["fingerprint"]["sha256"]  # the same bare backbone
    assert g[-1]["budget"] == n[-1]["budget"]


def test_compare_refuses_different_budgets_unless_forced(
    runs: dict[str, Path], tiny_phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gazex_bench.cli import main

    a = _score(tiny_phantom, runs["gazex"], tmp_path / "r")
    b = _score(tiny_phantom, runs["nogaze3"], tmp_path / "r")
    same = _score(tiny_phantom, runs["nogaze"], tmp_path / "r")
    capsys.readouterr()
    assert main(["compare", str(a), str(b), "--n-boot", "20"]) == 2
    err = capsys.readouterr().err.strip()
    assert (
        err.count("\n") == 0
        and "different downstream budgets" in err
        and "steps 2 vs 3" in err
        and "--force" in err
    )
    assert (
        main(["compare", str(a), str(b), "--n-boot", "20", "--force", "--out", str(tmp_path / "c.json")]) == 0
    )
    check = json.loads((tmp_path / "c.json").read_text())["budget_check"]
    assert check["forced"] is True and check["same_budget"] is False
    assert main(["compare", str(a), str(same), "--n-boot", "20", "--out", str(tmp_path / "ok.json")]) == 0
    assert json.loads((tmp_path / "ok.json").read_text())["budget_check"] == {
        "regime_a": "fine-tuned (stage 2, 2 steps)",
        "regime_b": "fine-tuned (stage 2, 2 steps)",
        "same_budget": True,
        "differences": [],
        "forced": False,
    }


def test_run_id_ignores_the_model_folder(runs: dict[str, Path], tiny_phantom: Path, tmp_path: Path) -> None:
    import shutil

    moved = tmp_path / "elsewhere" / "nogaze"
    shutil.copytree(runs["nogaze"], moved)
    assert (
        _score(tiny_phantom, runs["nogaze"], tmp_path / "x").name
        == _score(tiny_phantom, moved, tmp_path / "y").name
    )
    assert (
        _score(tiny_phantom, runs["nogaze3"], tmp_path / "x").name
        != _score(tiny_phantom, moved, tmp_path / "y").name
    )


def _trained_tensors(run: Path) -> dict[str, bytes]:
    """Every trained tensor of a run (full weights or LoRA adapter + saved lm_head), as raw bytes."""
    from safetensors.torch import load_file

    out: dict[str, bytes] = {}
    for f in sorted([*run.glob("model/*.safetensors"), *run.glob("adapter/*.safetensors")]):
        out.update({f"{f.parent.name}/{k}": v.numpy().tobytes() for k, v in load_file(str(f)).items()})
    assert out, f"no trained weights under {run}"
    return out


def _losses(run: Path) -> list[tuple[int, dict[str, float]]]:
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    return [(r["step"], r["losses"]) for r in rows]  # step_s (wall time) is the only other varying field


def test_two_workers_train_exactly_what_one_process_trains(
    runs: dict[str, Path], tiny_phantom: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``run_plan(workers=2)``: stage 1 and the no-gaze fine-tune train concurrently in two spawned
    processes (fresh pools cache), the stage-2 fine-tune waits for its stage 1; weights and per-step
    losses equal the one-process runs of the fixture bit for bit (same seeds, one thread each)."""
    from gazex_model.protocol import dependencies, run_plan

    monkeypatch.setenv("GAZEX_BENCH_CACHE", str(tmp_path / "cache"))
    vqa = str(CONFIGS / "tiny-downstream-vqa.yaml")
    s1 = tmp_path / "s1"
    jobs = [
        {"config": str(CONFIGS / "tiny.yaml"), "out": str(s1), "set": [*SMALL, "max_steps=3"]},
        {
            "config": vqa,
            "out": str(tmp_path / "gazex"),
            "set": [*SMALL, "max_steps=2", f"model.init_from={s1}"],
        },
        {
            "config": vqa,
            "out": str(tmp_path / "nogaze"),
            "set": [*SMALL, "max_steps=2", "model.init_from=null"],
        },
    ]
    assert dependencies(jobs) == [None, 0, None]
    rows = run_plan(jobs, str(tiny_phantom), workers=2)
    assert [r["run_dir"] for r in rows] == [j["out"] for j in jobs] and not any(r["skipped"] for r in rows)
    assert rows[1]["started"] >= rows[0]["finished"]  # the fine-tune started after its stage 1 finished
    assert rows[2]["started"] < rows[0]["finished"]  # the independent one ran beside stage 1
    for key, out in (("s1", s1), ("gazex", tmp_path / "gazex"), ("nogaze", tmp_path / "nogaze")):
        assert _losses(out) == _losses(runs[key])
        assert _trained_tensors(out) == _trained_tensors(runs[key])
    again = run_plan(jobs, str(tiny_phantom), workers=2)  # finished jobs are skipped
    assert all(r["skipped"] for r in again)

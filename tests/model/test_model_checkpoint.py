"""Checkpoints hold the trainable weights only and resume exactly; warm-up scaling; DeepSpeed/FSDP set-up checks."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")

from model_testkit import tiny_overrides, toy_corpus  # noqa: E402

from gazex_bench.errors import UsageError  # noqa: E402
from gazex_model.checkpoint import latest_checkpoint  # noqa: E402
from gazex_model.config import load_config  # noqa: E402
from gazex_model.train import (  # noqa: E402
    TrainData,
    _configure_deepspeed,
    _optimizer,
    _warn_lost_backend,
    train,
)

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def _cfg(*extra: str):  # noqa: ANN202
    return load_config(
        CONFIGS / "tiny.yaml",
        [
            *tiny_overrides(),
            "num_threads=1",
            "batch_size=2",
            "save_every=2",
            "log_every=1",
            "method=lora",
            "warmup_steps=2",
            *extra,
        ],
    )


@pytest.mark.slow  # three short trainings: ~15 s idle, ~65 s on the loaded 2-core machine
def test_lora_checkpoint_is_adapter_only_and_resumes_exactly(pools: dict, tmp_path: Path) -> None:
    from safetensors import safe_open

    data = TrainData({k: pools[k] for k in ("fvp", "sda")}, toy_corpus(pools))
    train(_cfg("max_steps=4"), tmp_path / "a", data)
    train(_cfg("max_steps=2"), tmp_path / "b", data)
    ckpt = latest_checkpoint(tmp_path / "b")
    assert ckpt is not None and ckpt.name == "step_000002"
    with safe_open(str(ckpt / "model.safetensors"), "pt") as fh:
        keys = list(fh.keys())
    # only the LoRA tensors: r=8 A and B matrices of each targeted projection, none of the frozen base
    assert keys and all("lora_" in k for k in keys), keys[:3]
    assert {"optimizer.bin", "scheduler.bin", "random_states_0.pkl", "trainer_state.json"} <= {
        p.name for p in ckpt.iterdir()
    }
    train(_cfg("max_steps=4"), tmp_path / "b", data, resume=True)
    a = [json.loads(x) for x in (tmp_path / "a" / "metrics.jsonl").read_text().splitlines()]
    b = [json.loads(x) for x in (tmp_path / "b" / "metrics.jsonl").read_text().splitlines()]
    assert [x["step"] for x in b] == [1, 2, 3, 4]
    for x, y in zip(a, b):  # steps 3-4 come after the reload: same losses and learning rates
        assert x["losses"].keys() == y["losses"].keys() and x["lr"] == pytest.approx(y["lr"])
        assert all(abs(x["losses"][k] - y["losses"][k]) < 1e-5 for k in x["losses"]), (x, y)


def test_partial_checkpoint_is_ignored_and_wrong_one_refused(pools: dict, tmp_path: Path) -> None:
    run = tmp_path / "r"
    (run / "checkpoints" / "step_000009.tmp").mkdir(parents=True)  # an interrupted save
    (run / "checkpoints" / "step_000008").mkdir()  # no trainer_state.json: incomplete
    assert latest_checkpoint(run) is None
    data = TrainData({"fvp": pools["fvp"]}, toy_corpus(pools))
    train(_cfg("max_steps=2", "save_every=0"), tmp_path / "full", data)
    # a LoRA run cannot resume from a checkpoint of another shape (r=4): one clear error, not a silent partial load
    other = tmp_path / "other"
    train(_cfg("max_steps=2", "lora.r=4"), other, data)
    with pytest.raises(UsageError, match="tensors"):
        train(_cfg("max_steps=4"), other, data, resume=True)


def test_warmup_scales_with_processes(tiny_dir: Path) -> None:
    """With P processes accelerate steps the scheduler P times per optimiser step, so warm-up = warmup_steps x P.

    Hand check: linear warm-up to lr over W*P scheduler ticks; after k optimiser steps (k*P ticks) the lr is
    lr * k*P / (W*P) = lr * k / W, independent of P. With W = 4: after 2 optimiser steps lr = 0.5 * lr.
    """
    cfg = _cfg("warmup_steps=4", "scheduler=linear", "lr=0.01")
    for procs in (1, 8):
        param = torch.nn.Parameter(torch.zeros(1))
        _, sched = _optimizer(SimpleNamespace(parameters=lambda: [param]), cfg, 100, procs)
        for _ in range(2 * procs):  # two optimiser steps
            sched.step()
        assert sched.get_last_lr()[0] == pytest.approx(0.005)


def _fake_ds(config: dict, procs: int = 2) -> SimpleNamespace:
    plugin = SimpleNamespace(deepspeed_config=config)
    return SimpleNamespace(
        distributed_type=SimpleNamespace(value="DEEPSPEED"),
        num_processes=procs,
        state=SimpleNamespace(deepspeed_plugin=plugin),
    )


def test_deepspeed_auto_batch_is_filled_and_mismatch_refused() -> None:
    cfg = _cfg("batch_size=2", "grad_accum=8")
    acc = _fake_ds(
        {"train_micro_batch_size_per_gpu": "auto", "gradient_accumulation_steps": 8, "gradient_clipping": 1.0}
    )
    _configure_deepspeed(acc, cfg)
    assert acc.state.deepspeed_plugin.deepspeed_config["train_micro_batch_size_per_gpu"] == 2
    with pytest.raises(UsageError, match="gradient_accumulation_steps = 4"):
        _configure_deepspeed(_fake_ds({"gradient_accumulation_steps": 4}), cfg)


def test_fsdp_config_without_fsdp_warns(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("ACCELERATE_USE_FSDP", "true")
    acc = SimpleNamespace(distributed_type=SimpleNamespace(value="NO"), num_processes=1)
    with caplog.at_level(logging.WARNING, logger="gazex_model.train"):
        _warn_lost_backend(acc)
    assert "FSDP is NOT active" in caplog.text

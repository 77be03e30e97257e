"""Training loop: run artefacts, run-dir reload, resume, and the 2B recipe at tiny scale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from model_testkit import tiny_overrides, toy_corpus  # noqa: E402

from gazex_model.collate import encode_for_training  # noqa: E402
from gazex_model.config import load_config  # noqa: E402
from gazex_model.modeling import load_trained  # noqa: E402
from gazex_model.train import TrainData, train  # noqa: E402

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def _cfg(*extra: str):  # noqa: ANN202
    return load_config(
        CONFIGS / "tiny.yaml",
        [*tiny_overrides(), "num_threads=1", "batch_size=2", "save_every=2", "log_every=1", *extra],
    )


def test_run_writes_artefacts_and_reloads(pools: dict, tmp_path: Path) -> None:
    cfg = _cfg("max_steps=3", "method=lora")
    data = TrainData({k: pools[k] for k in ("fvp", "gtm", "sda")}, toy_corpus(pools))
    res = train(cfg, tmp_path / "run", data)
    run = tmp_path / "run"
    for name in (
        "resolved_config.yaml",
        "run_info.json",
        "metrics.jsonl",
        "adapter/adapter_config.json",
        "processor/processor_config.json",
        "base_model/config.json",
    ):
        assert (run / name).exists(), name
    info = json.loads((run / "run_info.json").read_text())
    assert "commit" in info["git"] and "dirty" in info["git"] and info["steps"] == 3
    lines = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert [x["step"] for x in lines] == [1, 2, 3]
    assert all(set(x["losses"]) <= {"fvp", "gtm", "sda"} for x in lines)
    assert res.steps == 3
    # the run directory reloads (base + adapter) deterministically, merged or not
    m1, proc = load_trained(run, cfg)
    m2, _ = load_trained(run, cfg, merge=True)
    enc = encode_for_training(proc, pools["fvp"])
    enc.pop("labels")
    with torch.no_grad():
        assert (m1(**enc).logits - m2(**enc).logits).abs().max() < 1e-5


def test_resume_matches_uninterrupted(pools: dict, tmp_path: Path) -> None:
    data = TrainData({k: pools[k] for k in ("fvp", "sda")}, toy_corpus(pools))
    straight = train(_cfg("max_steps=4", "method=full"), tmp_path / "a", data)
    train(_cfg("max_steps=2", "method=full"), tmp_path / "b", data)
    with pytest.raises(Exception, match="resume"):
        train(_cfg("max_steps=4", "method=full"), tmp_path / "b", data)
    resumed = train(_cfg("max_steps=4", "method=full"), tmp_path / "b", data, resume=True)
    a = [json.loads(x) for x in (tmp_path / "a" / "metrics.jsonl").read_text().splitlines()]
    b = [json.loads(x) for x in (tmp_path / "b" / "metrics.jsonl").read_text().splitlines()]
    assert len(a) == len(b) == 4
    for x, y in zip(a, b):
        assert x["losses"].keys() == y["losses"].keys()
        assert all(abs(x["losses"][k] - y["losses"][k]) < 1e-5 for k in x["losses"]), (x, y)
    assert resumed.steps == straight.steps == 4


def test_2b_recipe_runs_one_step_at_tiny_scale(tiny_dir: Path, pools: dict, tmp_path: Path) -> None:
    cfg = load_config(
        CONFIGS / "gazex-2b.yaml",
        [f"model.backbone={tiny_dir}", "max_steps=1", "num_threads=1", "model.image_side=84"],
    )
    assert cfg.method == "lora" and cfg.model.gradient_checkpointing and cfg.grad_accum == 8
    data = TrainData({k: pools[k] for k in ("fvp", "gtm", "sda")}, toy_corpus(pools))
    res = train(cfg, tmp_path / "run2b", data)
    assert res.steps == 1 and (tmp_path / "run2b" / "adapter" / "adapter_model.safetensors").is_file()
    assert not (tmp_path / "run2b" / "base_model").exists()  # a real checkpoint is referenced, not copied


def test_zero_shot_materialises_without_training(pools: dict, tmp_path: Path) -> None:
    cfg = load_config(CONFIGS / "tiny-zero-shot.yaml", tiny_overrides())
    res = train(cfg, tmp_path / "zs", TrainData({}, toy_corpus(pools)))
    assert res.steps == 0 and (tmp_path / "zs" / "base_model" / "config.json").is_file()
    model, _ = load_trained(tmp_path / "zs", cfg)
    assert sum(p.numel() for p in model.parameters()) < 5_000_000


def test_gradient_checkpointing_is_switched_on(tiny_dir: Path) -> None:
    from gazex_model.modeling import apply_method, load_for_run

    cfg = load_config(CONFIGS / "gazex-2b.yaml", [f"model.backbone={tiny_dir}", "num_threads=1"])
    model, _ = load_for_run(cfg, tiny_dir, "cpu")
    model = apply_method(model, cfg)
    base = model.get_base_model()
    flag = getattr(base, "is_activation_checkpointing", None)
    assert (flag if flag is not None else base.is_gradient_checkpointing) is True


def test_lora_modules_to_save_trains_and_restores_lm_head(tiny_dir: Path, tmp_path: Path) -> None:
    import torch

    from gazex_model.modeling import apply_method, load_for_run, save_trained

    cfg = load_config(
        CONFIGS / "tiny-lora.yaml",
        [f"model.backbone={tiny_dir}", "num_threads=1", "lora.modules_to_save=[lm_head]"],
    )
    model, proc = load_for_run(cfg, tiny_dir, "cpu")
    model = apply_method(model, cfg)
    trained = [n for n, p in model.named_parameters() if p.requires_grad and "lora_" not in n]
    assert trained and all("lm_head" in n for n in trained)
    with torch.no_grad():
        head = next(p for n, p in model.named_parameters() if p.requires_grad and "lm_head" in n)
        head.add_(1.0)  # a change only the saved lm_head copy can carry back
    save_trained(model, proc, cfg, tmp_path)
    again, _ = load_trained(tmp_path, cfg, merge=True)
    assert torch.allclose(again.get_output_embeddings().weight, head.detach())

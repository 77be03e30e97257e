"""Tiny backbone: processor, save/reload, LoRA reload + merge, per-objective optimisation."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from gazex_model.collate import encode_for_training  # noqa: E402
from gazex_model.loading import load_backbone  # noqa: E402
from gazex_model.tiny import mrope_section  # noqa: E402


def test_mrope_section_sums_to_half_head_dim() -> None:
    assert mrope_section(128) == [22, 21, 21]
    for hd in (8, 16, 32, 64, 128):
        assert sum(mrope_section(hd)) == hd // 2


def test_params_under_budget(tiny_dir: Path) -> None:
    model, _ = load_backbone(tiny_dir)
    assert sum(p.numel() for p in model.parameters()) < 5_000_000


def test_labels_cover_exactly_the_target(tiny_dir: Path, pools: dict) -> None:
    _, proc = load_backbone(tiny_dir)
    batch = pools["fvp"] + pools["sda"][:1]
    enc = encode_for_training(proc, batch)
    tok = proc.tokenizer
    for i, s in enumerate(batch):
        ids = enc["labels"][i][enc["labels"][i] != -100].tolist()
        assert tok.decode(ids) == s.target + "<|im_end|>"


def test_save_reload_identical_logits(tiny_dir: Path, pools: dict, tmp_path: Path) -> None:
    model, proc = load_backbone(tiny_dir)
    enc = encode_for_training(proc, pools["gtm"])
    enc.pop("labels")
    model.save_pretrained(tmp_path)
    proc.save_pretrained(tmp_path)
    model2, proc2 = load_backbone(tmp_path)
    enc2 = encode_for_training(proc2, pools["gtm"])
    enc2.pop("labels")
    for k in enc:
        assert torch.equal(enc[k], enc2[k]), k
    with torch.no_grad():
        assert torch.equal(model(**enc).logits, model2(**enc2).logits)


def test_lora_adapter_reload_and_merge(tiny_dir: Path, pools: dict, tmp_path: Path) -> None:
    from peft import LoraConfig, PeftModel, get_peft_model

    model, proc = load_backbone(tiny_dir)
    cfg = LoraConfig(
        r=4, lora_alpha=8, target_modules=r".*language_model.*\.(q_proj|v_proj|o_proj)", task_type="CAUSAL_LM"
    )
    pm = get_peft_model(model, cfg)
    torch.manual_seed(1)
    with torch.no_grad():  # move B away from zero so the adapter matters
        for n, p in pm.named_parameters():
            if "lora_B" in n:
                p.normal_(0, 0.5)
    pm.eval()
    enc = encode_for_training(proc, pools["fvp"])
    enc.pop("labels")
    with torch.no_grad():
        ref = pm(**enc).logits
        base_logits = load_backbone(tiny_dir)[0](**enc).logits
    assert (ref - base_logits).abs().max() > 1e-3
    pm.save_pretrained(tmp_path / "adapter")
    re = PeftModel.from_pretrained(load_backbone(tiny_dir)[0], tmp_path / "adapter").eval()
    with torch.no_grad():
        assert torch.allclose(re(**enc).logits, ref, atol=1e-6)
        merged = re.merge_and_unload()
        assert (merged(**enc).logits - ref).abs().max() < 1e-5


@pytest.mark.parametrize("objective", ["fvp", "gtm", "sda", "report", "vqa", "grounding"])
def test_one_step_lowers_objective_loss(tiny_dir: Path, pools: dict, objective: str) -> None:
    torch.manual_seed(0)
    model, proc = load_backbone(tiny_dir)
    model.train()
    enc = encode_for_training(proc, pools[objective])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    before = model(**enc).loss
    before.backward()
    opt.step()
    with torch.no_grad():
        after = model(**enc).loss
    assert after.item() < before.item() - 1e-3, (objective, before.item(), after.item())


def test_approx_length_matches_encoding(tiny_dir: Path, pools: dict) -> None:
    from gazex_model.collate import approx_length

    _, proc = load_backbone(tiny_dir)
    for objective in ("fvp", "gtm", "sda"):
        for s in pools[objective]:
            enc = encode_for_training(proc, [s])
            assert approx_length(proc, s) == enc["input_ids"].shape[1], (objective, s.task)


def test_stock_layout_checkpoint_loads_without_torchvision(tiny_dir: Path, tmp_path: Path) -> None:
    """A hub-style dir (preprocessor_config.json naming Qwen2VLProcessor, chat_template.json) loads."""
    import json
    import shutil

    d = tmp_path / "stock"
    shutil.copytree(tiny_dir, d)
    ip = json.loads((d / "processor_config.json").read_text())["image_processor"]
    ip.update(processor_class="Qwen2VLProcessor", image_processor_type="Qwen2VLImageProcessor")
    (d / "preprocessor_config.json").write_text(json.dumps(ip))
    (d / "processor_config.json").unlink()
    (d / "chat_template.json").write_text(
        json.dumps({"chat_template": (d / "chat_template.jinja").read_text()})
    )
    (d / "chat_template.jinja").unlink()
    _, proc = load_backbone(d)
    assert hasattr(proc, "video_processor") and proc.chat_template
    assert (
        proc.apply_chat_template([{"role": "user", "content": [{"type": "image"}]}], tokenize=False).count(
            "<|image_pad|>"
        )
        == 1
    )

"""hf-vlm on tiny random checkpoints of ten transformers VLM families (built offline, < 0.2 M params each).

Per family: the ids the adapter feeds to ``generate`` equal the family processor's own
encoding of the same one-turn conversation (BOS exactly once), batching only adds left
padding, and one task runs end to end through the runner (the family x task table in
docs/harness.md is :data:`FAMILY_TASK`).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from tiny_families import FAMILIES  # type: ignore[import-not-found]  # noqa: E402

from gazex_bench.models.registry import build_adapter_registry, create_adapter  # noqa: E402
from gazex_bench.models.types import VqaRequest  # noqa: E402
from gazex_bench.runner.api import RunRequest, run  # noqa: E402
from gazex_bench.tasks.base import ScoreOptions  # noqa: E402

FAMILY_TASK = {
    "qwen2_vl": "ms-cxr-grounding",
    "qwen2_5_vl": "cxr-vqa",
    "qwen3_vl": "mimic-report",
    "llava": "cxr-vqa",
    "llava_next": "iu-report",
    "llava_onevision": "ms-cxr-grounding",
    "idefics3": "cxr-vqa",
    "paligemma": "cxr-vqa",
    "gemma3": "mimic-report",
    "mllama": "cxr-vqa",
}
"""The task each family runs end to end here (docs/harness.md, family x task table)."""
STOCK = {"llava", "llava_next", "idefics3", "paligemma", "gemma3", "mllama"}
"""Families whose stock processor loads without torchvision (the others need the image-only path)."""
ARGS = {"max_new_tokens": 4, "batch_size": 2}


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 200 x 160 grey image (known resize arithmetic, see the Qwen test)."""
    import numpy as np
    from PIL import Image

    path = tmp_path_factory.mktemp("img") / "x.png"
    Image.fromarray((np.random.default_rng(0).random((160, 200)) * 255).astype("uint8")).save(path)
    return path


def _adapter(path: Path, **kw: Any) -> Any:
    return create_adapter("hf-vlm", build_adapter_registry(extra=[]), path=str(path), **{**ARGS, **kw})


def _reference_ids(family: str, path: Path, image: Path, text: str) -> list[int]:
    """The family processor's own ids for one conversation, built outside the adapter.

    Stock families: ``AutoProcessor`` + ``apply_chat_template(tokenize=True)`` (PaliGemma:
    ``processor(text=prefix, images=...)``). Video-needing families (no torchvision here): the
    chat template rendered by the tokenizer and tokenized without special tokens, with each image
    placeholder repeated as many times as the family documents (Qwen: grid_t*grid_h*grid_w /
    merge_size**2 from the image processor's grid; OneVision: the stock class's own count).
    """
    from PIL import Image
    from transformers import AutoImageProcessor, AutoProcessor, AutoTokenizer

    img = Image.open(image).convert("RGB")
    conv = [{"role": "user", "content": [{"type": "image", "image": img}, {"type": "text", "text": text}]}]
    if family in STOCK:
        proc = AutoProcessor.from_pretrained(path)
        if family == "paligemma":
            return list(proc(text="<image>" + text, images=[img])["input_ids"][0])
        return proc.apply_chat_template(conv, add_generation_prompt=True, tokenize=True, return_dict=True)[
            "input_ids"
        ][0]
    tok = AutoTokenizer.from_pretrained(path)
    template = json.loads((path / "chat_template.json").read_text())["chat_template"]
    rendered = tok.apply_chat_template(
        conv, chat_template=template, add_generation_prompt=True, tokenize=False
    )
    ip = AutoImageProcessor.from_pretrained(path)
    if family == "llava_onevision":
        from gazex_bench.models.hf_processor import load_processor

        proc = load_processor(path, family)  # stock class, video processor left out
        out = ip(images=[img], return_tensors="pt")
        n = proc._get_number_of_features(img.height, img.width, *out["pixel_values"][0][0].shape[-2:])
        return tok(rendered.replace("<image>", "<image>" * n), add_special_tokens=False)["input_ids"]
    grid = ip(images=[img])["image_grid_thw"][0]
    n = int(grid.prod()) // ip.merge_size**2
    return tok(rendered.replace("<|image_pad|>", "<|image_pad|>" * n), add_special_tokens=False)["input_ids"]


@pytest.mark.parametrize("family", list(FAMILIES))
def test_prompt_ids_equal_processor(family: str, family_dir: Path, image: Path) -> None:
    path = family_dir / family
    adapter = _adapter(path)
    texts = ["Is there effusion?", "What abnormalities are seen in the left lower lobe area of the lung?"]
    reqs = [VqaRequest(f"s{i}", (image,), q) for i, q in enumerate(texts)]
    prompts = [adapter.templates["vqa"].format(question=q) for q in texts]
    enc = adapter._backend.encode(reqs, prompts)
    rows = [ids[mask.bool()].tolist() for ids, mask in zip(enc["input_ids"], enc["attention_mask"])]
    assert all(enc["attention_mask"][:, -1] == 1), "left padding"
    tok = adapter._backend.processor.tokenizer
    for row, prompt in zip(rows, prompts):
        assert row == list(_reference_ids(family, path, image, prompt)), family
        if tok.bos_token_id is not None and tok.bos_token_id in row:  # BOS exactly once, never doubled
            assert row.count(tok.bos_token_id) == 1, family
    resp = adapter.answer_questions(reqs[:1])[0]
    assert resp.failure is None and resp.raw is not None, (family, resp.error)


def test_checkpoint_settings_and_template_win(family_dir: Path, image: Path, tmp_path: Path) -> None:
    """Qwen2-VL: the checkpoint's max_pixels (64*64) and chat_template.json are used unless overridden.

    smart_resize(h=160, w=200, factor=28, min=1024, max=4096): 168*196 > 4096, beta = sqrt(32000/4096)
    = 2.795 -> h = floor(160/2.795/28)*28 = 56, w = floor(200/2.795/28)*28 = 56 -> 4x4 patches of 14
    -> 16 / merge 2**2 = 4 image tokens. With max_pixels=12544: beta = sqrt(32000/12544) = 1.597 ->
    h = 84, w = 112 -> 6x8 patches = 48 / 4 = 12 tokens.
    """
    path = shutil.copytree(family_dir / "qwen2_vl", tmp_path / "q")
    tpl = json.loads((path / "chat_template.json").read_text())
    tpl["chat_template"] = tpl["chat_template"].replace(
        "You are a helpful assistant.", "You read chest films."
    )
    (path / "chat_template.json").write_text(json.dumps(tpl))
    req = [VqaRequest("a", (image,), "effusion?")]
    for kw, n_img in (({}, 4), ({"max_pixels": 12544}, 12)):
        adapter = _adapter(path, **kw)
        ids = adapter._backend.encode(req, ["effusion?"])["input_ids"][0].tolist()
        pad = adapter._backend.processor.tokenizer.convert_tokens_to_ids("<|image_pad|>")
        assert ids.count(pad) == n_img, kw
        seen = adapter.answer_questions(req)[0].prompt
        assert "You read chest films." in seen and "helpful assistant" not in seen
    assert adapter.identity()["overrides"] == {"max_pixels": 12544}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_family_runs_its_task(family: str, family_dir: Path, tiny_phantom: Path, tmp_path: Path) -> None:
    task = FAMILY_TASK[family]
    req = RunRequest(
        task=task,
        model="hf-vlm",
        model_args={"path": str(family_dir / family), **ARGS},
        data_root=tiny_phantom,
        split="all",
        limit=2,
        out=tmp_path,
        quiet=True,
        score=ScoreOptions(n_boot=5, meteor="none"),
    )
    res = run(req, adapters=build_adapter_registry(extra=[]))
    rec = res.record
    assert rec is not None and rec["dataset"]["n_evaluated"] == 2, family
    assert rec["predictions"]["errors_by_reason"].get("generation_error") is None, rec["predictions"]
    ident = rec["model"]["identity"]
    assert ident["model_type"] == family and ident["dtype"] == "float32" and ident["device"] == "cpu"
    lines = [json.loads(x) for x in (res.run_dir / "predictions.jsonl").read_text().splitlines()]
    assert all(ln["raw"] is not None and "failure" not in ln for ln in lines), family

"""hf-vlm failure classes through the CLI: exit 2, one line, nothing predicted or scored; checkpoint identity."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from gazex_bench.cli import main  # noqa: E402


def _run(root: Path, out: Path, capsys: pytest.CaptureFixture[str], *model_args: str) -> tuple[int, str, str]:
    argv = [
        "run",
        "--task",
        "cxr-vqa",
        "--model",
        "hf-vlm",
        "--data-root",
        str(root),
        "--split",
        "all",
        "--limit",
        "2",
        "--out",
        str(out),
        "--quiet",
        "--n-boot",
        "5",
        "--model-arg",
        "max_new_tokens=3",
    ]
    for a in model_args:
        argv += ["--model-arg", a]
    rc = main(argv)
    cap = capsys.readouterr()
    return rc, cap.err, cap.out


def _cases(fam: Path, tmp: Path) -> dict[str, tuple[list[str], str]]:
    no_cfg = shutil.copytree(fam / "qwen2_vl", tmp / "no_cfg")
    (no_cfg / "config.json").unlink()
    no_w = shutil.copytree(fam / "qwen2_vl", tmp / "no_weights")
    (no_w / "model.safetensors").unlink()
    no_proc = shutil.copytree(fam / "qwen3_vl", tmp / "no_proc")
    (no_proc / "preprocessor_config.json").unlink()
    bad_w = shutil.copytree(fam / "llava", tmp / "bad_weights")
    (bad_w / "model.safetensors").write_bytes(b"not a safetensors file")
    q = f"path={fam / 'qwen2_vl'}"
    return {
        "fp16_cpu": ([q, "dtype=fp16"], "dtype=float16 is not supported on cpu"),
        "bad_dtype": ([q, "dtype=float8"], "dtype must be one of"),
        "no_config": ([f"path={no_cfg}"], "has no config.json"),
        "no_weights": ([f"path={no_w}"], "has no weights"),
        "batch_0": ([q, "batch_size=0"], "batch_size must be >= 1"),
        "top_p_text": ([q, "top_p=lots"], "top_p must be a number"),
        "max_pixels_llava": (
            [f"path={fam / 'llava'}", "max_pixels=50000"],
            "not supported by LlavaImageProcessorPil",
        ),
        "unknown_option": ([q, "temprature=0.5"], "unknown model arg(s) temprature"),
        "unknown_preset": ([q, "preset=gpt5"], "unknown preset 'gpt5'"),
        "no_processor": ([f"path={no_proc}"], "Qwen3VLProcessor cannot be loaded"),
        "bad_weights": ([f"path={bad_w}"], "the model cannot be loaded"),
        "cuda_missing": ([q, "device=cuda"], "CUDA is not available"),
    }


def test_failure_classes_one_line_exit_2(
    family_dir: Path, tiny_phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import torch

    for case, (args, expect) in _cases(family_dir, tmp_path).items():
        if case == "cuda_missing" and torch.cuda.is_available():
            continue
        out = tmp_path / f"runs-{case}"
        rc, err, _ = _run(tiny_phantom, out, capsys, *args)
        assert rc == 2, (case, err)
        assert len(err.strip().splitlines()) == 1 and expect in err and "Traceback" not in err, (case, err)
        assert not list(out.rglob("run.json")) and not list(out.rglob("scores.jsonl")), case
        assert not any(p.stat().st_size for p in out.rglob("predictions*.jsonl")), case


def test_resaved_checkpoint_gets_a_new_run(
    family_dir: Path, tiny_phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same path, same command, new weights -> a new run id; nothing from the old run is reused."""
    from transformers import AutoModelForImageTextToText

    ckpt = shutil.copytree(family_dir / "qwen2_vl", tmp_path / "ckpt")
    out = tmp_path / "runs"
    rc, err, _ = _run(tiny_phantom, out, capsys, f"path={ckpt}")
    assert rc == 0, err
    rc, err, _ = _run(tiny_phantom, out, capsys, f"path={ckpt}")
    assert rc == 0 and "2 already done, 0 predicted" in err  # unchanged checkpoint: resumed
    (first,) = [p.parent for p in out.glob("*/run.json")]
    model = AutoModelForImageTextToText.from_pretrained(ckpt)
    with __import__("torch").no_grad():
        next(model.parameters()).add_(0.01)
    model.save_pretrained(ckpt)
    rc, err, _ = _run(tiny_phantom, out, capsys, f"path={ckpt}")
    assert rc == 0 and "0 already done, 2 predicted" in err, err
    runs = sorted(p.parent for p in out.glob("*/run.json"))
    assert len(runs) == 2 and first in runs
    recs = [json.loads((r / "run.json").read_text()) for r in runs]
    assert recs[0]["model"]["identity"]["checkpoint"] != recs[1]["model"]["identity"]["checkpoint"]
    assert all(r["model"]["identity"]["dtype"] == "float32" for r in recs)


def test_family_that_cannot_load_names_the_cause(
    tiny_phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SmolVLM here: the stock processor needs torchvision, its class needs ``num2words``: one line, both causes."""
    import importlib.util

    from tiny_families import build  # type: ignore[import-not-found]

    if importlib.util.find_spec("torchvision") or importlib.util.find_spec("num2words"):
        pytest.skip("SmolVLM's processor dependencies are installed here")
    ckpt = build("smolvlm", tmp_path / "smolvlm")
    capsys.readouterr()  # the build's progress bars
    rc, err, _ = _run(tiny_phantom, tmp_path / "runs", capsys, f"path={ckpt}")
    assert rc == 2 and len(err.strip().splitlines()) == 1, err
    assert "SmolVLMProcessor cannot be loaded" in err and "Torchvision" in err and "num2words" in err
    assert not list((tmp_path / "runs").rglob("run.json"))

"""A tiny random CheXbert in the released ``chexbert.pth`` layout (tests only; needs torch + transformers).

Source of the layout: stanfordmlgroup/CheXbert src/models/bert_labeler.py; metrics.md §1.4
(``module.`` prefixes, ``model_state_dict``, the position-id buffer).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
import transformers

from gazex_bench.metrics import chexbert

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "no", "pleural", "effusion", "small", "left", "."]


def tokenizer_dir(tmp_path: Path) -> Path:
    """``tmp_path/bert``: a 16-wide, 1-layer BERT config, a 11-token vocab and a lower-casing tokenizer config."""
    d = tmp_path / "bert"
    d.mkdir()
    (d / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    cfg = transformers.BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=520,
    )
    cfg.save_pretrained(d)
    (d / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True}), encoding="utf-8")
    return d


def checkpoint(tmp_path: Path, tok_dir: Path, drop: str | None = None) -> Path:
    """``tmp_path/chexbert.pth`` of a seeded random CheXbert (``drop``: leave out that state key)."""
    torch.manual_seed(0)
    cfg = transformers.BertConfig.from_pretrained(str(tok_dir), local_files_only=True)
    model = chexbert.build_model(cfg)
    state = {f"module.{k}": v for k, v in model.state_dict().items()}
    # the released file still carries the (now non-persistent) position-id buffer
    state["module.bert.embeddings.position_ids"] = torch.arange(cfg.max_position_embeddings).expand((1, -1))
    if drop:
        del state[drop]
    path = tmp_path / "chexbert.pth"
    torch.save({"model_state_dict": state, "epoch": 3}, path)
    return path


def chexbert_folder(tmp_path: Path) -> Path:
    """``chexbert.pth`` with its BERT ``config.json`` + ``vocab.txt`` in the same folder (the ``--chexbert`` layout)."""
    tok = tokenizer_dir(tmp_path)
    return checkpoint(tok, tok)

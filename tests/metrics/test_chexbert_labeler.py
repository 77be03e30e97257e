"""CheXbert loader/labeler with a tiny random BERT in the real chexbert.pth layout.

Source: stanfordmlgroup/CheXbert src/models/bert_labeler.py, src/label.py,
src/bert_tokenizer.py; metrics.md §1.4 (module. prefixes, model_state_dict, position_ids).
"""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from chexbert_kit import checkpoint as _checkpoint  # noqa: E402 - after importorskip on purpose
from chexbert_kit import tokenizer_dir as _tokenizer_dir  # noqa: E402 - after importorskip on purpose

from gazex_bench.data.records import CHEXPERT_LABELS  # noqa: E402
from gazex_bench.errors import DataFormatError, GazexError  # noqa: E402
from gazex_bench.metrics import chexbert  # noqa: E402


def test_load_and_label_tiny_model(tmp_path: Path) -> None:
    tok = _tokenizer_dir(tmp_path)
    ckpt = _checkpoint(tmp_path, tok)
    labeler = chexbert.ChexbertLabeler(ckpt, tok, batch_size=2)
    assert sum(p.numel() for p in labeler.model.parameters()) < 5_000_000
    out = labeler.label_reports(["No pleural effusion.", "small left effusion", ""])
    assert len(out) == 3
    for row in out:
        assert set(row) == set(CHEXPERT_LABELS)
        assert all(v in (None, 1.0, 0.0, -1.0) for v in row.values())
        assert row["No Finding"] in (None, 1.0)  # two-class head
    # deterministic (eval mode: dropout off)
    assert labeler.label_reports(["No pleural effusion."]) == out[:1]


def test_strict_load_rejects_missing_head(tmp_path: Path) -> None:
    tok = _tokenizer_dir(tmp_path)
    ckpt = _checkpoint(tmp_path, tok, drop="module.linear_heads.13.weight")
    with pytest.raises(DataFormatError, match="not a CheXbert checkpoint"):
        chexbert.load_chexbert(ckpt, tok)


def test_missing_files_raise_one_clear_error(tmp_path: Path) -> None:
    tok = _tokenizer_dir(tmp_path)
    with pytest.raises(GazexError, match="checkpoint not found"):
        chexbert.load_chexbert(tmp_path / "nope.pth", tok)
    ckpt = _checkpoint(tmp_path, tok)
    with pytest.raises(GazexError, match="tokenizer directory not found"):
        chexbert.load_chexbert(ckpt, tmp_path / "no_dir")


def test_class_mapping_and_order() -> None:
    # head order is CheXbert CONDITIONS (ECM first, No Finding last), not CHEXPERT_LABELS
    assert chexbert.CHEXBERT_CONDITIONS[0] == "Enlarged Cardiomediastinum"
    assert chexbert.CHEXBERT_CONDITIONS[-1] == "No Finding"
    assert set(chexbert.CHEXBERT_CONDITIONS) == set(CHEXPERT_LABELS)
    ids = [0, 1, 2, 3, 0, 0, 0, 0, 0, 2, 0, 0, 1, 1]
    out = chexbert.class_ids_to_labels(ids)
    assert out["Enlarged Cardiomediastinum"] is None  # 0 blank
    assert out["Cardiomegaly"] == 1.0  # 1 positive
    assert out["Lung Opacity"] == 0.0  # 2 negative
    assert out["Lung Lesion"] == -1.0  # 3 uncertain
    assert out["Pleural Effusion"] == 0.0 and out["Support Devices"] == 1.0 and out["No Finding"] == 1.0


def test_long_report_truncated_to_512(tmp_path: Path) -> None:
    tok_dir = _tokenizer_dir(tmp_path)
    tok = transformers.BertTokenizer.from_pretrained(str(tok_dir), local_files_only=True)
    ids = chexbert.encode_report(tok, " ".join(["effusion"] * 600))
    assert len(ids) == 512  # 511 + [SEP]
    assert ids[0] == tok.cls_token_id and ids[-1] == tok.sep_token_id and ids[-2] != tok.sep_token_id
    assert chexbert.encode_report(tok, "   \n ") == [tok.cls_token_id, tok.sep_token_id]
    short = chexbert.encode_report(tok, "small\nleft   effusion")
    assert short == [2, 8, 9, 7, 3]


def test_clean_state_dict_drops_only_position_ids() -> None:
    state = {"model_state_dict": {"module.bert.embeddings.position_ids": 1, "module.linear_heads.0.bias": 2}}
    assert chexbert.clean_state_dict(state) == {"linear_heads.0.bias": 2}

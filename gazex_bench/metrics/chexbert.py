"""CheXbert labeler (Smit et al., EMNLP 2020) from a local ``chexbert.pth``; never the hub.

Architecture (``stanfordmlgroup/CheXbert`` ``src/models/bert_labeler.py``): a
``bert-base-uncased`` :class:`~transformers.BertModel`, the [CLS] hidden state →
dropout(0.1) → 13 linear heads with 4 classes + 1 head with 2 classes (No Finding),
in :data:`CHEXBERT_CONDITIONS` order. Class ids: 0 blank, 1 positive, 2 negative,
3 uncertain → ``None``, ``1.0``, ``0.0``, ``-1.0`` (No Finding: 0 blank, 1 positive).

Checkpoint: ``torch.load(...)["model_state_dict"]`` with ``module.`` prefixes
(saved from ``DataParallel``). Loading strips the prefix, drops only
``bert.embeddings.position_ids`` (a non-persistent buffer in current transformers,
``PromptMRG#6``) and loads **strictly** — any other missing or unexpected key is an
error, unlike RGRG / f1chexbert's ``strict=False``.

Input preprocessing (``src/bert_tokenizer.py``): strip, newlines → space, collapse
whitespace; wordpieces via ``tokenizer.tokenize``; ``encode_plus`` adds [CLS]/[SEP];
longer than 512 ids → first 511 + [SEP]; empty report → ``[CLS] [SEP]``.

``torch`` and ``transformers`` are imported inside functions only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gazex_bench.errors import DataFormatError, GazexError

logger = logging.getLogger(__name__)

CHEXBERT_CONDITIONS: tuple[str, ...] = (
    "Enlarged Cardiomediastinum",
    "Cardiomegaly",
    "Lung Opacity",
    "Lung Lesion",
    "Edema",
    "Consolidation",
    "Pneumonia",
    "Atelectasis",
    "Pneumothorax",
    "Pleural Effusion",
    "Pleural Other",
    "Fracture",
    "Support Devices",
    "No Finding",
)
"""CheXbert head order (``src/constants.py`` ``CONDITIONS``) — differs from CHEXPERT_LABELS."""

CLASS_TO_VALUE: dict[int, float | None] = {0: None, 1: 1.0, 2: 0.0, 3: -1.0}
"""Head class id → CheXpert label value (``label.py``: blank→NaN, 3→−1, 2→0)."""

MAX_LEN = 512
DROPPED_KEYS: frozenset[str] = frozenset({"bert.embeddings.position_ids"})
LABELER_NAME = "chexbert (stanfordmlgroup/CheXbert, local chexbert.pth)"


def preprocess_report(text: str) -> str:
    """CheXbert's impression cleaning: strip, newlines → space, collapse whitespace."""
    return re.sub(r"\s+", " ", text.replace("\n", " ").strip()).strip()


def encode_report(tokenizer: Any, text: str) -> list[int]:
    """Token ids of one report exactly as CheXbert's ``tokenize`` builds them."""
    pieces = tokenizer.tokenize(preprocess_report(text))
    if not pieces:
        return [tokenizer.cls_token_id, tokenizer.sep_token_id]
    ids = tokenizer.convert_tokens_to_ids(pieces)
    ids = [tokenizer.cls_token_id] + list(ids) + [tokenizer.sep_token_id]
    if len(ids) > MAX_LEN:
        ids = ids[: MAX_LEN - 1] + [tokenizer.sep_token_id]
    return ids


def class_ids_to_labels(class_ids: Sequence[int]) -> dict[str, float | None]:
    """Map 14 head outputs (CheXbert order) to ``{observation: value}``."""
    if len(class_ids) != len(CHEXBERT_CONDITIONS):
        raise ValueError(f"expected {len(CHEXBERT_CONDITIONS)} class ids, got {len(class_ids)}")
    return {name: CLASS_TO_VALUE[int(c)] for name, c in zip(CHEXBERT_CONDITIONS, class_ids)}


def build_model(config: Any) -> Any:
    """The CheXbert ``bert_labeler`` module for a :class:`~transformers.BertConfig`."""
    import torch
    from transformers import BertModel

    class BertLabeler(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = BertModel(config)
            self.dropout = torch.nn.Dropout(0.1)
            hidden = int(
                config.hidden_size
            )  # = the pooler's in_features (BertPooler: Linear(hidden, hidden))
            heads = [torch.nn.Linear(hidden, 4, bias=True) for _ in range(13)]
            self.linear_heads = torch.nn.ModuleList(heads + [torch.nn.Linear(hidden, 2, bias=True)])

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> list[torch.Tensor]:
            hidden = self.bert(input_ids, attention_mask=attention_mask)[0]
            cls = self.dropout(hidden[:, 0, :])
            return [head(cls) for head in self.linear_heads]

    return BertLabeler()


def clean_state_dict(state: dict[str, Any]) -> dict[str, Any]:
    """Unwrap ``model_state_dict``, strip ``module.``, drop only the position-id buffer."""
    if "model_state_dict" in state:
        state = state["model_state_dict"]
    out = {}
    for key, value in state.items():
        name = key[len("module.") :] if key.startswith("module.") else key
        if name not in DROPPED_KEYS:
            out[name] = value
    return out


def _require(path: Path, what: str, is_dir: bool) -> None:
    ok = path.is_dir() if is_dir else path.is_file()
    if not ok:
        raise GazexError(
            f"CheXbert {what} not found: {path} (offline only: download chexbert.pth and the "
            "bert-base-uncased config.json + vocab.txt once and pass their local paths)"
        )


def load_chexbert(checkpoint: Path, tokenizer_dir: Path, device: str = "cpu") -> tuple[Any, Any]:
    """Load model + tokenizer from local files only.

    Args:
        checkpoint: ``chexbert.pth``.
        tokenizer_dir: Directory with the BERT ``config.json`` and ``vocab.txt``.
        device: Torch device string.

    Returns:
        ``(model in eval mode, BertTokenizer)``.

    Raises:
        GazexError: checkpoint or tokenizer directory missing.
        DataFormatError: the checkpoint does not match the architecture (strict load).
    """
    import torch
    from transformers import BertConfig, BertTokenizer

    checkpoint, tokenizer_dir = Path(checkpoint), Path(tokenizer_dir)
    _require(checkpoint, "checkpoint", is_dir=False)
    _require(tokenizer_dir, "tokenizer directory", is_dir=True)
    for name in ("config.json", "vocab.txt"):
        _require(tokenizer_dir / name, f"tokenizer file {name}", is_dir=False)
    config = BertConfig.from_pretrained(str(tokenizer_dir), local_files_only=True)
    tokenizer = BertTokenizer.from_pretrained(str(tokenizer_dir), local_files_only=True)
    model = build_model(config)
    raw = torch.load(checkpoint, map_location="cpu", weights_only=True)
    try:
        model.load_state_dict(clean_state_dict(raw), strict=True)
    except RuntimeError as exc:
        first = str(exc).splitlines()[0:3]
        raise DataFormatError(
            checkpoint, "not a CheXbert checkpoint for this config: " + " ".join(first)
        ) from None
    model.to(device).eval()
    logger.info("loaded CheXbert from %s", checkpoint)
    return model, tokenizer


class ChexbertLabeler:
    """Label reports with a local CheXbert checkpoint.

    Args:
        checkpoint: Path of ``chexbert.pth``.
        tokenizer_dir: Local directory with ``config.json`` and ``vocab.txt``.
        device: Torch device string.
        batch_size: Reports per forward pass.
    """

    metadata: dict[str, str] = {"labeler": LABELER_NAME}

    def __init__(
        self, checkpoint: Path, tokenizer_dir: Path, device: str = "cpu", batch_size: int = 16
    ) -> None:
        self.model, self.tokenizer = load_chexbert(checkpoint, tokenizer_dir, device)
        self.device = device
        self.batch_size = batch_size

    def class_ids(self, reports: Sequence[str]) -> list[list[int]]:
        """Argmax class id per report and head (CheXbert order)."""
        import torch

        out: list[list[int]] = []
        pad = self.tokenizer.pad_token_id or 0
        for start in range(0, len(reports), self.batch_size):
            encoded = [encode_report(self.tokenizer, r) for r in reports[start : start + self.batch_size]]
            width = max(len(e) for e in encoded)
            ids = torch.full((len(encoded), width), pad, dtype=torch.long)
            mask = torch.zeros((len(encoded), width), dtype=torch.long)
            for i, e in enumerate(encoded):
                ids[i, : len(e)] = torch.tensor(e)
                mask[i, : len(e)] = 1
            with torch.no_grad():
                logits = self.model(ids.to(self.device), mask.to(self.device))
            heads = torch.stack([lg.argmax(dim=1) for lg in logits], dim=1).cpu().tolist()
            out.extend(heads)
        return out

    def label_reports(self, reports: Sequence[str]) -> list[dict[str, float | None]]:
        """Label dicts ``{observation: 1.0 / 0.0 / -1.0 / None}`` per report."""
        return [class_ids_to_labels(ids) for ids in self.class_ids(reports)]

"""Named text-preprocessing conventions applied before BLEU / METEOR / ROUGE-L / CIDEr-D.

Conventions (see ``/work/shared/reference/metrics.md`` §1.1-1.3, §1.12):

``r2gen``
    R2Gen's ``Tokenizer.clean_report_mimic_cxr`` (``cuhksz-nlp/R2Gen``
    ``modules/tokenizers.py``) reproduced exactly, quirks included: the regex class
    ``[.,?;*!%^&_+():-\\[\\]{}]`` contains the *range* ``:``..``[`` (so ``< = > ? @``
    and upper case are deleted too), decimals lose their point (``4.5 cm`` ->
    ``45 cm``), ``/`` is deleted without a space, ``___`` blanks vanish, empty
    sentences survive, and ``""`` becomes ``" ."``. No PTB tokenizer. R2Gen's
    vocabulary truncation (``max_seq_length``) and ``<unk>`` mapping of rare words are
    *not* applied (they need the training vocabulary).
``r2gen-iu``
    R2Gen's ``clean_report_iu_xray`` (same, without the ``\\n`` / ``__`` handling).
``coco``
    pycocoevalcap ``COCOEvalCap`` flow: Stanford PTBTokenizer 3.4.1
    ``-preserveLines -lowerCase`` then drop its punctuation list, implemented in
    pure Python (:mod:`gazex_bench.metrics.ptb_tokenizer`), no Java needed.
``none``
    Text used as given (what calling the pycocoevalcap scorers directly does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gazex_bench.errors import UsageError
from gazex_bench.metrics.ptb_tokenizer import ptb_tokenize_captions

CONVENTION_R2GEN = "r2gen"
CONVENTION_R2GEN_IU = "r2gen-iu"
CONVENTION_COCO = "coco"
CONVENTION_NONE = "none"
CONVENTIONS: tuple[str, ...] = (CONVENTION_R2GEN, CONVENTION_R2GEN_IU, CONVENTION_COCO, CONVENTION_NONE)

CONVENTION_DESCRIPTIONS: dict[str, str] = {
    CONVENTION_R2GEN: "R2Gen clean_report_mimic_cxr (exact, quirks kept; no vocab truncation/<unk>)",
    CONVENTION_R2GEN_IU: "R2Gen clean_report_iu_xray (exact, quirks kept; no vocab truncation/<unk>)",
    CONVENTION_COCO: "pycocoevalcap PTBTokenizer (CoreNLP 3.4.1 -preserveLines -lowerCase, punctuation "
    "dropped), pure-Python port",
    CONVENTION_NONE: "no preprocessing (scorers split on whitespace)",
}

# Written as in R2Gen's source: '[.,?;*!%^&_+():-\[\]{}]' -> ':-\[' is the range ':'..'['.
_R2GEN_SENT_RE = re.compile("[.,?;*!%^&_+():-\\[\\]{}]")


def _r2gen_sentence(sent: str) -> str:
    s = sent.replace('"', "").replace("/", "").replace("\\", "").replace("'", "").strip().lower()
    return _R2GEN_SENT_RE.sub("", s)


def _r2gen_numbering(t: str) -> str:
    t = t.replace("1. ", "").replace(". 2. ", ". ").replace(". 3. ", ". ").replace(". 4. ", ". ")
    t = t.replace(". 5. ", ". ").replace(" 2. ", ". ").replace(" 3. ", ". ").replace(" 4. ", ". ")
    return t.replace(" 5. ", ". ")


def _r2gen_join(text: str) -> str:
    sentences = text.strip().lower().split(". ")
    # R2Gen filters with `sent_cleaner(sent) != []`, which is always true (str vs list).
    return " . ".join(_r2gen_sentence(s) for s in sentences) + " ."


def clean_report_mimic_cxr(report: str) -> str:
    """R2Gen ``clean_report_mimic_cxr``, character for character.

    Args:
        report: Raw report text.

    Returns:
        Cleaned, lower-cased text whose sentences are joined by ``" . "`` and end in ``" ."``.
    """
    t = report.replace("\n", " ")
    for _ in range(7):
        t = t.replace("__", "_")
    for _ in range(6):
        t = t.replace("  ", " ")
    for _ in range(8):
        t = t.replace("..", ".")
    return _r2gen_join(_r2gen_numbering(t))


def clean_report_iu_xray(report: str) -> str:
    """R2Gen ``clean_report_iu_xray``, character for character (see :func:`clean_report_mimic_cxr`)."""
    t = report
    for _ in range(3):
        t = t.replace("..", ".")
    return _r2gen_join(_r2gen_numbering(t))


def check_convention(convention: str) -> str:
    """Return ``convention`` if known, else raise :class:`UsageError`."""
    if convention not in CONVENTIONS:
        raise UsageError(f"unknown text convention {convention!r}; choose one of {', '.join(CONVENTIONS)}")
    return convention


def prepare_texts(texts: Sequence[str], convention: str) -> list[str]:
    """Apply a named convention to a list of texts.

    For ``coco`` the texts are tokenised as one stream in the given order, exactly
    as pycocoevalcap writes them to the jar (tokenisation of a line can, rarely,
    depend on the first word of the next line; see :mod:`ptb_tokenizer`).

    Args:
        texts: Raw texts.
        convention: One of :data:`CONVENTIONS`.

    Returns:
        Preprocessed texts, same length and order.
    """
    check_convention(convention)
    if convention == CONVENTION_R2GEN:
        return [clean_report_mimic_cxr(t) for t in texts]
    if convention == CONVENTION_R2GEN_IU:
        return [clean_report_iu_xray(t) for t in texts]
    if convention == CONVENTION_COCO:
        return ptb_tokenize_captions(texts)
    return list(texts)


def prepare_pairs(
    hyps: Sequence[str], refs: Sequence[Sequence[str]], convention: str
) -> tuple[list[str], list[list[str]]]:
    """Preprocess hypotheses and (multi-)references as COCOEvalCap does.

    pycocoevalcap tokenises all references in one call and all hypotheses in a
    second call; this function mirrors that (order: sample order, then reference order).

    Returns:
        ``(hyps, refs)`` preprocessed, same shapes.
    """
    flat = [r for rs in refs for r in rs]
    flat_out = prepare_texts(flat, convention)
    out_refs: list[list[str]] = []
    k = 0
    for rs in refs:
        out_refs.append(flat_out[k : k + len(rs)])
        k += len(rs)
    return prepare_texts(hyps, convention), out_refs

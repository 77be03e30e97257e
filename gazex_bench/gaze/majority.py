"""Majority-vote findings analysis (paper Fig. 7c; GazeX ``compare_gazex_radiologists_examination.py``).

Per image (REFLACX phases 1–2: ``reading_id[:4]``): reference = labels reported by at least
``threshold`` (GazeX ``majority_threshold=2``) of the readings of that image — each reading,
including the one being scored, votes once (GazeX behaviour). Each reading and each model is
scored against the reference: TP = reference ∩ reported, FN = reference − reported,
FP = reported − reference. With ``exclude_self=True`` a radiologist is scored against the
majority of the *other* readers (leave-self-out variant; not GazeX's default).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

MAJORITY_THRESHOLD = 2


def majority_reference(
    label_sets: Iterable[Iterable[str]], threshold: int = MAJORITY_THRESHOLD
) -> frozenset[str]:
    """Labels reported by at least ``threshold`` of the given readings (each votes once)."""
    votes = Counter(lab for s in label_sets for lab in set(s))
    return frozenset(lab for lab, v in votes.items() if v >= threshold)


def confusion(reported: Iterable[str], reference: frozenset[str]) -> dict[str, int]:
    """``{"TP", "FN", "FP"}`` counts of a label set vs the reference."""
    rep = set(reported)
    return {"TP": len(rep & reference), "FN": len(reference - rep), "FP": len(rep - reference)}


def _case_rows(
    img: str,
    rids: Sequence[str],
    readings: Mapping[str, Iterable[str]],
    models: Mapping[str, Mapping[str, Iterable[str]]] | None,
    radiologist: Mapping[str, str] | None,
    threshold: int,
    exclude_self: bool,
) -> list[dict[str, object]]:
    """TP/FN/FP rows of every reading and every model on one image group."""
    rows: list[dict[str, object]] = []
    ref = majority_reference((readings[r] for r in rids), threshold)
    for i, rid in enumerate(rids):
        src = radiologist.get(rid) if radiologist and radiologist.get(rid) else f"Radiologist_{i + 1}"
        r_ref = (
            majority_reference((readings[o] for o in rids if o != rid), threshold) if exclude_self else ref
        )
        rows.append(
            {
                "image_group": img,
                "source": src,
                "reading_id": rid,
                **confusion(readings[rid], r_ref),
                "n_reference": len(r_ref),
            }
        )
    for name, per_img in (models or {}).items():
        rows.append(
            {
                "image_group": img,
                "source": f"model:{name}",
                "reading_id": None,
                **confusion(per_img.get(img, ()), ref),
                "n_reference": len(ref),
            }
        )
    return rows


def _summary(per_case: pd.DataFrame) -> pd.DataFrame:
    """Summed TP/FN/FP per source with n_cases, precision, recall and F1 (NaN when undefined)."""
    s = per_case.groupby("source", sort=True)[["TP", "FN", "FP"]].sum()
    s["n_cases"] = per_case.groupby("source", sort=True).size()
    tp, fn, fp = s["TP"], s["FN"], s["FP"]
    s["precision"] = tp / (tp + fp).where(tp + fp > 0)
    s["recall"] = tp / (tp + fn).where(tp + fn > 0)
    s["f1"] = 2 * tp / (2 * tp + fp + fn).where(2 * tp + fp + fn > 0)
    return s.reset_index()


def majority_vote_table(
    readings: Mapping[str, Iterable[str]],
    models: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
    *,
    group: Callable[[str], str] = lambda rid: rid[:4],
    radiologist: Mapping[str, str] | None = None,
    threshold: int = MAJORITY_THRESHOLD,
    exclude_self: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-case and summed TP/FN/FP for every radiologist reading and model.

    Args:
        readings: ``reading_id → labels``.
        models: ``model name → image_group → labels`` (missing image = empty set, counted).
        group: Reading id → image group (default ``id[:4]``).
        radiologist: Optional ``reading_id → radiologist``; without it readers are named
            ``Radiologist_<i>`` by position within the image (GazeX convention).
        threshold: Minimum votes for the reference.
        exclude_self: Score each reading against the other readings' majority.

    Returns:
        ``(per_case, summary)``: per_case columns ``image_group, source, reading_id, TP, FN, FP,
        n_reference``; summary columns ``source, TP, FN, FP, n_cases, precision, recall, f1``.
    """
    by_img: dict[str, list[str]] = {}
    for rid in sorted(readings):
        by_img.setdefault(group(rid), []).append(rid)
    rows: list[dict[str, object]] = []
    for img, rids in sorted(by_img.items()):
        rows += _case_rows(img, rids, readings, models, radiologist, threshold, exclude_self)
    per_case = pd.DataFrame(
        rows, columns=["image_group", "source", "reading_id", "TP", "FN", "FP", "n_reference"]
    )
    return per_case, _summary(per_case)

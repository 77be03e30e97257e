"""gazex-rules CheXpert-labeler approximation: hand-labelled sentences + aggregation rules.

Source of the conventions: stanfordmlgroup/chexpert-labeler (stages/aggregate.py, phrase
lists, NegBio patterns), summarised in metrics.md §1.5. Run with ``-rP`` to see the
per-observation agreement table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gazex_bench.data.records import CHEXPERT_LABELS
from gazex_bench.metrics.chexpert_labeler import (
    LABELER_METADATA,
    Mention,
    aggregate,
    label_matrix,
    label_report,
    label_reports,
    normalize_report,
    split_sentences,
)
from gazex_bench.metrics.chexpert_rules.sentence_eval import ABBR  # fixture keys -> CheXpert names

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "chexpert_sentences.tsv"


def _load_fixture() -> list[tuple[str, dict[str, float | None]]]:
    rows = []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sentence, labels = line.split("\t")
        expected: dict[str, float | None] = {k: None for k in CHEXPERT_LABELS}
        if labels.strip() != "-":
            for item in labels.split(";"):
                key, value = item.strip().split("=")
                expected[ABBR[key]] = float(value)
        rows.append((sentence, expected))
    return rows


def test_fixture_size_and_coverage() -> None:
    rows = _load_fixture()
    assert len(rows) >= 150
    values = {(k, v) for _, exp in rows for k, v in exp.items() if v is not None}
    for obs in CHEXPERT_LABELS:  # every observation appears positive or negative somewhere
        assert (obs, 1.0) in values, obs
    for obs in ("Pleural Effusion", "Pneumonia", "Edema", "Cardiomegaly", "Atelectasis", "Pneumothorax"):
        assert (obs, -1.0) in values and (obs, 0.0) in values, obs


def test_sentence_agreement_per_observation() -> None:
    rows = _load_fixture()
    exact = 0
    per_obs = {k: 0 for k in CHEXPERT_LABELS}
    misses = []
    for sentence, expected in rows:
        got = label_report(sentence)
        exact += got == expected
        for k in CHEXPERT_LABELS:
            per_obs[k] += got[k] == expected[k]
        if got != expected:
            misses.append(
                (sentence, {k: (expected[k], got[k]) for k in CHEXPERT_LABELS if got[k] != expected[k]})
            )
    n = len(rows)
    print(f"\ngazex-rules vs hand labels: {exact}/{n} sentences exactly right ({exact / n:.1%})")
    for k in CHEXPERT_LABELS:
        print(f"  {k:<28s} {per_obs[k] / n:.3f}")
    for miss in misses:
        print("  MISS", miss)
    assert exact / n >= 0.95
    assert min(per_obs.values()) / n >= 0.97


def _m(obs: str, label: float, text: str = "x") -> Mention:
    return Mention(obs, 0, 1, text, label)


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ([0.0, -1.0], -1.0),  # aggregate.py case 1: {neg, unc} -> unc
        ([0.0, 1.0], 1.0),  # case 2: {neg, pos} -> pos
        ([-1.0, 1.0], 1.0),  # case 3: {unc, pos} -> pos
        ([1.0, 0.0, -1.0], -1.0),  # case 1 is checked first, so all three -> unc (original quirk)
        ([0.0, 0.0], 0.0),  # case 4: all the same
    ],
)
def test_aggregate_conflicts(labels: list[float], expected: float) -> None:
    out = aggregate([_m("Pleural Effusion", v) for v in labels])
    assert out["Pleural Effusion"] == expected


def test_aggregate_chf_and_no_finding() -> None:
    # CHF positive adds Cardiomegaly -1; "no cardiomegaly" (0) + that -1 -> -1 (case 1)
    out = aggregate([_m("Cardiomegaly", 0.0, "cardiomegaly"), _m("Edema", 1.0, "chf")])
    assert out["Cardiomegaly"] == -1.0 and out["Edema"] == 1.0 and out["No Finding"] is None
    # negated heart failure adds nothing
    out = aggregate([_m("Edema", 0.0, "heart failure")])
    assert out["Cardiomegaly"] is None and out["No Finding"] == 1.0
    # Support Devices positive does not switch No Finding off; an 'other' abnormality does
    assert aggregate([_m("Support Devices", 1.0)])["No Finding"] == 1.0
    out = aggregate([_m("No Finding", 1.0, "hernia")])
    assert out["No Finding"] is None and all(v is None for v in out.values())


def test_report_level_aggregation() -> None:
    report = "No pleural effusion. Small left pleural effusion is again seen.\nNo pneumothorax."
    out = label_report(report)
    assert out["Pleural Effusion"] == 1.0  # {0, 1} -> 1
    assert out["Pneumothorax"] == 0.0
    assert out["No Finding"] is None
    assert label_report("") == {k: (1.0 if k == "No Finding" else None) for k in CHEXPERT_LABELS}


def test_sentence_split_and_normalisation() -> None:
    text = "Mild cardiomegaly, 1.5 cm nodule. Effusion and/or atelectasis!  S/p CABG w/o complication"
    norm = normalize_report(text)
    assert "or atelectasis" in norm and "status post" in norm and "without" in norm
    assert split_sentences(norm) == [
        "mild cardiomegaly, 1.5 cm nodule",
        "effusion or atelectasis",
        "status post cabg without complication",
    ]
    # "and/or" -> "or" -> both uncertain (post-negation 'XXX or YYY' rule)
    out = label_report("Effusion and/or atelectasis.")
    assert out["Pleural Effusion"] == -1.0 and out["Atelectasis"] == -1.0


def test_batch_matrix_and_metadata() -> None:
    texts = ["No pneumothorax.", "Possible pneumonia."]
    assert label_reports(texts) == [label_report(t) for t in texts]
    mat = label_matrix(texts)
    assert mat.shape == (2, 14)
    j = CHEXPERT_LABELS.index("Pneumonia")
    assert mat[1, j] == -1.0 and np.isnan(mat[0, j])
    assert LABELER_METADATA["labeler"] == "gazex-rules (CheXpert-labeler approximation)"
    assert label_matrix([]).shape == (0, 14)

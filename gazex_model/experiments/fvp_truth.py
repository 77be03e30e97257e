"""Per-sample keys of the FVP evaluation: ids, the image (resampling unit) and the phantom's location truth.

Each held-out FVP sample is one dictated sentence of one REFLACX reading. Several readings (radiologists)
read the same image, so the image (the MIMIC ``dicom_id`` of the reading's metadata) is the unit a
bootstrap must resample. On a phantom, ``phantom_truth`` also says which finding a sentence mentions and
where its centre is, which gives the test of what a tie with the sentence-text lookup means
(:func:`atypical_distances`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gazex_bench.data.discover import discover
from gazex_bench.data.reflacx import read_reflacx
from gazex_bench.errors import DataFormatError
from gazex_bench.phantom.truth import load_truth
from gazex_bench.runner.data_root import is_phantom


def reading_images(root: str | Path) -> dict[str, str]:
    """``reading_id -> dicom_id`` from the REFLACX metadata of ``root`` (no fixations loaded)."""
    paths = discover(Path(root))
    if paths.reflacx is None:
        raise DataFormatError(
            str(root), "no REFLACX folder (reflacx-xray-localization/1.0.0) under the data root"
        )
    return {r.reading_id: r.dicom_id for r in read_reflacx(paths.reflacx, load_fixations=False).records}


def finding_centres(root: str | Path, samples: Sequence[Any]) -> list[tuple[float, float] | None]:
    """Quarter-scale ``(x, y)`` centre of the finding each sample's sentence mentions (phantom truth).

    None where the sentence mentions no finding (a normal or negative statement) or where ``root`` is
    not a phantom (real data has no such truth). Truth boxes and centres are original-image pixels;
    the FVP frame is the quarter-scale image, so the centre is divided by 4.
    """
    if not is_phantom(Path(root)):
        return [None] * len(samples)
    truth = load_truth(root)
    findings = truth.findings_by_id()
    out: list[tuple[float, float] | None] = []
    for s in samples:
        reading = truth.readings[s.meta["reading_id"]]
        fid = next((x.finding_id for x in reading.sentences if x.index == s.meta["sentence_index"]), None)
        if fid is None:
            out.append(None)
        else:
            cx, cy = findings[fid].center
            out.append((cx / 4.0, cy / 4.0))
    return out


def atypical_distances(
    test_sentences: Sequence[str],
    test_centres: Sequence[tuple[float, float] | None],
    train_sentences: Sequence[str],
    train_centres: Sequence[tuple[float, float] | None],
) -> list[float | None]:
    """Distance (quarter px) of each test finding from the typical location of its phrase.

    The phrase's typical location = the mean true centre of the training findings dictated with the
    same sentence text (what a phrase -> location lookup can know). None where the test sentence names
    no finding or its text never occurs with a finding in training (then the lookup has no phrase
    location to be wrong about).
    """
    by_text: dict[str, list[tuple[float, float]]] = {}
    for t, c in zip(train_sentences, train_centres):
        if c is not None:
            by_text.setdefault(t, []).append(c)
    out: list[float | None] = []
    for t, c in zip(test_sentences, test_centres):
        if c is None or t not in by_text:
            out.append(None)
        else:
            out.append(float(np.linalg.norm(np.asarray(c) - np.mean(by_text[t], axis=0))))
    return out


def sample_keys(root: str | Path, test: Sequence[Any], train: Sequence[Any]) -> list[dict[str, Any]]:
    """Ids and truth of each test sample: ``sample_id``, ``reading_id``, ``image_id``, ``sentence``,
    ``text_seen`` (the sentence text occurs in the training FVP samples), ``atypical_px``
    (:func:`atypical_distances`, None off the phantom)."""
    images = reading_images(root)
    missing = [s.meta["reading_id"] for s in test if s.meta["reading_id"] not in images]
    if missing:
        raise DataFormatError(
            str(root), f"reading {missing[0]} has no REFLACX metadata row", field="dicom_id"
        )
    seen = {s.meta["sentence"] for s in train}
    atyp = atypical_distances(
        [s.meta["sentence"] for s in test],
        finding_centres(root, test),
        [s.meta["sentence"] for s in train],
        finding_centres(root, train),
    )
    return [
        {
            "sample_id": s.sample_id,
            "reading_id": s.meta["reading_id"],
            "image_id": images[s.meta["reading_id"]],
            "sentence": s.meta["sentence"],
            "text_seen": s.meta["sentence"] in seen,
            "atypical_px": None if a is None else round(a, 4),
        }
        for s, a in zip(test, atyp)
    ]

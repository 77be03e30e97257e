"""Gaussian-map cosine similarity between raters (paper §3.2, Fig. 4b–c).

Every box of a finding (clusters + holistic/observation; GazeX 6-tuples, centre = centroid)
becomes an anisotropic Gaussian (:mod:`gazex_bench.gaze.similarity`, σ = side /
``box_sigma_divisor``). Levels:
    * finding — model prediction for a given reference finding vs that finding (setting 2);
    * case — a rater's map for an image = sum over all its findings' Gaussians;
    * category — sum over the rater's findings of one category on that image.
Comparisons: radiologist vs radiologist (same image, unordered pairs), model vs each reading,
and a shuffled-image null (model map of another image vs the reading, seeded). The model map
for a reading uses the model's predictions for that reading's findings (``given``, each in the
category of the reference finding given) when present, else its generated findings (in their
sentences' categories). Matrices over raters need radiologist identities.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from gazex_bench.gaze._stats import summary_row
from gazex_bench.gaze.inputs import ModelFinding, ModelImage, ReaderGaze
from gazex_bench.gaze.similarity import DEFAULT_BOX_SIGMA_DIVISOR, map_cosine_matrix
from gazex_bench.gaze.types import FindingGaze

Boxes = list[tuple[float, ...]]


def reader_finding_boxes(f: FindingGaze) -> Boxes:
    """6-tuples of a radiologist finding's clusters and holistic summary."""
    cl = [*f.clusters, *(() if f.holistic is None else (f.holistic,))]
    return [(*c.box, *c.centroid) for c in cl]


def model_finding_boxes(f: ModelFinding) -> Boxes:
    """6-tuples of a model finding's visual clues and observation."""
    return [tuple(b) for b in (*f.clusters, *(() if f.observation is None else (f.observation,)))]


def _reader_maps(r: ReaderGaze) -> dict[str | None, Boxes]:
    """Boxes per category (key None = whole case) of one reading."""
    out: dict[str | None, Boxes] = {None: []}
    for f, c in zip(r.findings, r.finding_categories):
        b = reader_finding_boxes(f)
        out[None] += b
        if c is not None:
            out.setdefault(c, []).extend(b)
    return out


def _model_maps(m: ModelImage, reader: ReaderGaze | None) -> dict[str | None, Boxes]:
    """Boxes per category (None = case) of a model for one reading (given, else generated).

    A given finding (setting 2) without a category of its own takes the category of the reference
    finding it was given (``reader.finding_categories``), so the category level compares the same
    findings as the case level; a generated one (setting 1) has its sentence's category.
    ``reader=None`` (shuffled donor): generated findings, else all given ones (no reference categories).
    """
    reading_id = None if reader is None else reader.reading_id
    fs = [f for f in m.given if f.reference is not None and f.reference[0] == reading_id] or list(m.generated)
    if not fs and reader is None:
        fs = list(m.given)
    ref_cat = (
        {}
        if reader is None
        else dict(zip((f.sentence_index for f in reader.findings), reader.finding_categories))
    )
    out: dict[str | None, Boxes] = {None: []}
    for f in fs:
        b = model_finding_boxes(f)
        out[None] += b
        cat = f.category
        if cat is None and f.reference is not None and f.reference[0] == reading_id:
            cat = ref_cat.get(f.reference[1])
        if cat is not None:
            out.setdefault(cat, []).extend(b)
    return out


def _pair_rows(
    a: dict[str | None, Boxes],
    b: dict[str | None, Boxes],
    shape: tuple[int, int],
    k: float,
    base: dict[str, str],
) -> list[dict[str, object]]:
    """Cosine of the two raters' maps per shared category (``ALL`` = every box), tagged with ``base``."""
    rows: list[dict[str, object]] = []
    for cat in [None, *sorted(c for c in set(a) & set(b) if c is not None)]:
        if a.get(cat) and b.get(cat):
            cos = map_cosine_matrix([a[cat], b[cat]], shape, box_sigma_divisor=k)[0, 1]
            rows.append({**base, "category": cat or "ALL", "cosine": float(cos)})
    return rows


def _rater_name(r: ReaderGaze) -> str:
    """A reader's label in the tables: the radiologist id when known, else the reading id."""
    return r.radiologist or r.reading_id


def _inter_reader_rows(
    img: str, rs: Sequence[ReaderGaze], shape: tuple[int, int], k: float
) -> list[dict[str, object]]:
    """Cosine rows of every pair of readings of one image (``inter_radiologist``)."""
    rows: list[dict[str, object]] = []
    for ra, rb in combinations(rs, 2):
        rows += _pair_rows(
            _reader_maps(ra),
            _reader_maps(rb),
            shape,
            k,
            {
                "comparison": "inter_radiologist",
                "image_group": img,
                "rater_a": _rater_name(ra),
                "rater_b": _rater_name(rb),
                "reading_b": rb.reading_id,
            },
        )
    return rows


def _model_vs_reader_rows(
    img: str,
    rs: Sequence[ReaderGaze],
    models: Mapping[str, Mapping[str, ModelImage]],
    shape: tuple[int, int],
    k: float,
    rng: np.random.Generator,
) -> list[dict[str, object]]:
    """Cosine rows of each model (own image and a shuffled donor image) vs every reading of one image."""
    rows: list[dict[str, object]] = []
    for mname, per_img in sorted(models.items()):
        others = sorted(g for g in per_img if g != img)
        for rb in rs:
            base = {
                "image_group": img,
                "rater_a": f"model:{mname}",
                "rater_b": _rater_name(rb),
                "reading_b": rb.reading_id,
            }
            if img in per_img:
                rows += _pair_rows(
                    _model_maps(per_img[img], rb),
                    _reader_maps(rb),
                    shape,
                    k,
                    {**base, "comparison": f"model:{mname}"},
                )
            if others:
                donor = per_img[others[int(rng.integers(len(others)))]]
                rows += _pair_rows(
                    _model_maps(donor, None),
                    _reader_maps(rb),
                    shape,
                    k,
                    {**base, "comparison": f"shuffled:{mname}"},
                )
    return rows


def cosine_pairs(
    readers: Sequence[ReaderGaze],
    models: Mapping[str, Mapping[str, ModelImage]],
    *,
    box_sigma_divisor: float = DEFAULT_BOX_SIGMA_DIVISOR,
    seed: int = 0,
) -> pd.DataFrame:
    """Case- and category-level cosine for every comparison pair (tidy).

    Returns:
        Columns ``comparison, image_group, rater_a, rater_b, reading_b, category, cosine``
        (category ``ALL`` = whole case). rater_a is a radiologist id / reading id or
        ``model:<name>``; rater_b is the reference reading's radiologist (or reading id).
    """
    k, rng = box_sigma_divisor, np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    by_img: dict[str, list[ReaderGaze]] = {}
    for r in sorted(readers, key=lambda r: r.reading_id):
        by_img.setdefault(r.image_group, []).append(r)
    for img, rs in sorted(by_img.items()):
        shape = (int(round(rs[0].height)), int(round(rs[0].width)))
        rows += _inter_reader_rows(img, rs, shape, k)
        rows += _model_vs_reader_rows(img, rs, models, shape, k, rng)
    return pd.DataFrame(
        rows, columns=["comparison", "image_group", "rater_a", "rater_b", "reading_b", "category", "cosine"]
    )


def finding_cosines(
    readers: Sequence[ReaderGaze],
    models: Mapping[str, Mapping[str, ModelImage]],
    *,
    box_sigma_divisor: float = DEFAULT_BOX_SIGMA_DIVISOR,
) -> pd.DataFrame:
    """Per-finding cosine of each model's prediction for a given reference finding."""
    index = {
        (r.reading_id, f.sentence_index): (r, f, c)
        for r in readers
        for f, c in zip(r.findings, r.finding_categories)
    }
    rows = []
    for mname, per_img in sorted(models.items()):
        for img, m in sorted(per_img.items()):
            for mf in m.given:
                hit = index.get(mf.reference) if mf.reference else None
                if hit is None or not model_finding_boxes(mf) or not reader_finding_boxes(hit[1]):
                    continue
                r, f, c = hit
                shape = (int(round(r.height)), int(round(r.width)))
                cos = map_cosine_matrix(
                    [model_finding_boxes(mf), reader_finding_boxes(f)],
                    shape,
                    box_sigma_divisor=box_sigma_divisor,
                )[0, 1]
                rows.append(
                    {
                        "comparison": f"model:{mname}",
                        "image_group": img,
                        "reading_id": r.reading_id,
                        "sentence_index": f.sentence_index,
                        "category": c,
                        "cosine": float(cos),
                    }
                )
    return pd.DataFrame(
        rows, columns=["comparison", "image_group", "reading_id", "sentence_index", "category", "cosine"]
    )


def cosine_summary(pairs: pd.DataFrame) -> pd.DataFrame:
    """Mean cosine with bootstrap CI per comparison × category."""
    rows = [
        summary_row(s["cosine"].to_numpy(), comparison=c, category=cat)
        for (c, cat), s in pairs.groupby(["comparison", "category"], sort=True)
    ]
    return pd.DataFrame(rows)


def cosine_matrix(pairs: pd.DataFrame) -> pd.DataFrame:
    """Long rater × rater matrix (both orders) of the mean cosine, per category, with n."""
    p = pairs[pairs["comparison"].isin(["inter_radiologist"]) | pairs["comparison"].str.startswith("model:")]
    both = pd.concat([p, p.rename(columns={"rater_a": "rater_b", "rater_b": "rater_a"})], ignore_index=True)
    g = both.groupby(["category", "rater_a", "rater_b"], sort=True)["cosine"]
    return pd.DataFrame({"mean": g.mean(), "n": g.size()}).reset_index()

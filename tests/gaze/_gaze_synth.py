"""Synthetic readings / model outputs for the gaze-alignment tests (quarter-scale frame)."""

from __future__ import annotations

import numpy as np

from gazex_bench.gaze.inputs import ModelFinding, ModelImage, ReaderGaze
from gazex_bench.gaze.types import FindingGaze, GazeCluster

W, H = 200.0, 160.0
CATS = ("Edema", "Pleural Effusion", "Cardiomegaly")


def _cluster(cid: int, cx: float, cy: float, half: float = 10.0) -> GazeCluster:
    return GazeCluster(cid, (cx, cy), (cx - half, cy - half, cx + half, cy + half), float(cid), 20)


def finding(reading_id: str, idx: int, centres: list[tuple[float, float]]) -> FindingGaze:
    """A finding with one cluster per centre and a holistic summary at their mean."""
    cl = tuple(_cluster(i, x, y) for i, (x, y) in enumerate(centres))
    mx, my = np.mean(centres, axis=0)
    return FindingGaze(
        reading_id,
        idx,
        f"finding {idx} .",
        0.0,
        1.0,
        (0.0, 1.0),
        cl,
        _cluster(-1, float(mx), float(my), 30.0),
        20 * len(centres),
        0,
    )


def make_readers(
    n_images: int = 4, n_readers: int = 3, seed: int = 0, identities: bool = True
) -> list[ReaderGaze]:
    """Readers of ``n_images`` images; readers share an image-specific pattern plus noise."""
    rng = np.random.default_rng(seed)
    out = []
    for g in range(n_images):
        base = rng.uniform([20, 20], [W - 20, H - 20], size=(12, 2))
        anchors = {c: rng.uniform([30, 30], [W - 30, H - 30], size=(2, 2)) for c in CATS}
        for j in range(n_readers):
            rid = f"P1{g:02d}R{j:06d}"
            xy = base + rng.normal(0, 8, size=base.shape)
            t0 = np.cumsum(rng.uniform(0.2, 0.5, size=len(xy)))
            cats = CATS[: 1 + (g + j) % 3]
            fs = tuple(
                finding(rid, i, [tuple(p + rng.normal(0, 5, 2)) for p in anchors[c]])
                for i, c in enumerate(cats)
            )
            out.append(
                ReaderGaze(
                    rid,
                    rid[:4],
                    f"rad{j}" if identities else None,
                    W,
                    H,
                    t0,
                    t0 + 0.15,
                    xy[:, 0],
                    xy[:, 1],
                    frozenset(cats[:2] if j else cats),
                    (20.0, 15.0, 180.0, 150.0),
                    fs,
                    tuple(cats),
                )
            )
    return out


def make_models(readers: list[ReaderGaze], name: str = "toy", seed: int = 1) -> list[ModelImage]:
    """A model that copies the first reader of each image with noise."""
    rng = np.random.default_rng(seed)
    out, seen = [], set()
    for r in readers:
        if r.image_group in seen:
            continue
        seen.add(r.image_group)

        def mf(f: FindingGaze, c: str | None, ref: tuple[str, int] | None) -> ModelFinding:
            cl = tuple(
                (*k.box, k.centroid[0] + rng.normal(0, 3), k.centroid[1] + rng.normal(0, 3))
                for k in f.clusters
            )
            return ModelFinding(cl, (*f.holistic.box, *f.holistic.centroid), c, ref)

        gen = tuple(mf(f, c, None) for f, c in zip(r.findings, r.finding_categories))
        given = tuple(
            mf(f, c, (q.reading_id, f.sentence_index))
            for q in readers
            if q.image_group == r.image_group
            for f, c in zip(q.findings, q.finding_categories)
        )
        traj = np.stack([r.x, r.y], axis=1) + rng.normal(0, 5, size=(len(r.x), 2))
        out.append(ModelImage(name, r.image_group, gen, given, traj, None, None, frozenset(r.labels)))
    return out

"""Category-level model rows of ``cosine_pairs`` come from the setting-2 predictions in their reference's category.

The ``reflacx-gaze`` task builds its setting-2 :class:`ModelFinding` s with a ``reference`` and no
category of their own (``tasks/reflacx_gaze/scoring.py``); the category level must then use the
category of the reference finding given, or Fig 4c gets no model bar (it had none in the demo).
"""

from __future__ import annotations

import numpy as np
from _gaze_synth import finding

from gazex_bench.gaze.cosine import cosine_pairs, model_finding_boxes, reader_finding_boxes
from gazex_bench.gaze.inputs import ModelFinding, ModelImage, ReaderGaze
from gazex_bench.gaze.similarity import map_cosine_matrix


def _reader(rid: str, cats: tuple[str | None, ...]) -> ReaderGaze:
    fs = tuple(finding(rid, i, [(40.0 + 60 * i, 50.0), (60.0 + 60 * i, 90.0)]) for i in range(len(cats)))
    t = np.array([0.0, 1.0])
    return ReaderGaze(
        rid,
        "P101",
        "rad1",
        200.0,
        160.0,
        t,
        t + 0.5,
        t * 0 + 50,
        t * 0 + 60,
        findings=fs,
        finding_categories=cats,
    )


def _copy(f, shift: float = 0.0) -> ModelFinding:  # noqa: ANN001
    boxes = [(b[0] + shift, b[1], b[2] + shift, b[3], b[4] + shift, b[5]) for b in reader_finding_boxes(f)]
    return ModelFinding(tuple(boxes[:-1]), boxes[-1], None, (f.reading_id, f.sentence_index))


def test_given_findings_take_their_reference_category() -> None:
    r = _reader("P101R000001", ("Edema", None))
    exact = ModelImage("m", "P101", given=(_copy(r.findings[0]), _copy(r.findings[1])))
    pairs = cosine_pairs([r], {"m": {"P101": exact}})
    rows = pairs[pairs["comparison"] == "model:m"].set_index("category")["cosine"]
    # identical boxes -> identical Gaussian maps -> cosine exactly 1 (up to float rounding), per case and per
    # category; the uncategorised finding (None) adds to ALL only
    assert sorted(rows.index) == ["ALL", "Edema"]
    assert abs(rows["Edema"] - 1.0) < 1e-12
    assert abs(rows["ALL"] - 1.0) < 1e-12
    shifted = ModelImage("m", "P101", given=(_copy(r.findings[0], 15.0), _copy(r.findings[1])))
    got = cosine_pairs([r], {"m": {"P101": shifted}})
    edema = got[(got["comparison"] == "model:m") & (got["category"] == "Edema")]["cosine"].item()
    # the Edema map is the shifted finding 0 alone against the reader's finding 0 alone
    m0 = model_finding_boxes(shifted.given[0])
    assert edema == map_cosine_matrix([m0, reader_finding_boxes(r.findings[0])], (160, 200))[0, 1] < 1.0


def test_own_category_wins_and_other_readings_references_are_not_used() -> None:
    r = _reader("P101R000001", ("Edema",))
    mine = _copy(r.findings[0])
    own = ModelImage(
        "m", "P101", given=(ModelFinding(mine.clusters, mine.observation, "Cardiomegaly", mine.reference),)
    )
    rows = cosine_pairs([r], {"m": {"P101": own}})
    assert set(rows[rows["comparison"] == "model:m"]["category"]) == {"ALL"}  # Cardiomegaly: reader has none
    other = _reader("P101R000002", ("Edema",))
    gen = ModelImage(
        "m", "P101", generated=(ModelFinding((), reader_finding_boxes(r.findings[0])[-1], None),)
    )
    rows = cosine_pairs([other], {"m": {"P101": gen}})
    assert set(rows[rows["comparison"] == "model:m"]["category"]) == {
        "ALL"
    }  # uncategorised generated finding

"""``predictions``: score outputs produced elsewhere, from a JSONL file keyed by sample id.

File format (one JSON object per line, UTF-8)::

    {"sample_id": "<dataset id>", "output": "<raw model text>"}               # text form
    {"sample_id": "<dataset id>", "parsed": <capability JSON>}               # structured form
    {"sample_id": "<dataset id>", "error": "<why this sample failed>"}       # a recorded failure

``parsed`` follows :func:`gazex_bench.models.types.parsed_to_json`: a string for
report/VQA, ``{"boxes": [{"box": [xmin, ymin, xmax, ymax], "score": s}], "heatmap": null}``
(original-image pixels) for grounding, ``{"clusters": [{"centroid": [x, y], "box": [...]}],
"points": [[x, y], ...]}`` (quarter-scale pixels) for gaze. With only ``output`` given,
grounding/gaze text is parsed by :mod:`gazex_bench.models.parsers` with ``coords``
(model arg ``pixel``/``quarter``/``norm1000``; default: norm1000 for grounding, quarter for gaze).

Follow-up stages of a task (:class:`~gazex_bench.tasks.base.AuxStage`) are answered from the same
file when it holds their rows. For ``reflacx-gaze`` setting 1 these are, per evaluated image
group, ``<image_group>/s1_report`` (the model's report) and ``<image_group>/s1/<k>`` (gaze for the
k-th sentence of that report, 0-based, as split by
:func:`gazex_bench.tasks.reflacx_gaze.labels.split_report`). A file without any stage row leaves the stage
unavailable, as for a model without the capability.

Validation happens before the first prediction, against the evaluated sample ids and stages:
missing, duplicate or extra ids, non-JSON lines and NaN / infinite numbers all raise
one :class:`~gazex_bench.errors.DataFormatError` naming the file and line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.io import read_jsonl
from gazex_bench.models.parsers import COORD_SYSTEMS, parse_output
from gazex_bench.models.protocols import Example
from gazex_bench.models.types import Capability, Request, Response, capability_of, parsed_from_json


class PredictionsAdapter:
    """Replays a predictions file as if it were a model."""

    name = "predictions"
    capabilities = frozenset(Capability)
    replays_stages = True
    """``set_references`` receives the task's aux stages and replays them from the file (rows for
    e.g. reflacx-gaze setting 1 are optional; without them the stages are unavailable)."""
    batch_size = 256

    def __init__(self, path: str | Path, coords: str | None = None) -> None:
        self.path = Path(path).expanduser()
        if not self.path.is_file():
            raise UsageError(f"predictions file not found: {self.path}")
        if coords is not None and coords not in COORD_SYSTEMS:
            raise UsageError(f"coords must be one of {', '.join(COORD_SYSTEMS)}, got '{coords}'")
        self.coords = coords
        self._rows: dict[str, tuple[int, dict[str, Any]]] = {}
        for lineno, obj in read_jsonl(self.path):
            sid = obj.get("sample_id")
            if not isinstance(sid, str) or not sid:
                raise DataFormatError(
                    self.path, "missing or empty 'sample_id'", row=lineno, field="sample_id"
                )
            if sid in self._rows:
                raise DataFormatError(
                    self.path, f"duplicate sample_id '{sid}' (first on line {self._rows[sid][0]})", row=lineno
                )
            self._rows[sid] = (lineno, obj)
        self._responses: dict[str, Response] = {}
        self._unavailable: dict[str, str] = {}

    @staticmethod
    def run_key(path: str | Path, coords: str | None = None) -> dict[str, Any]:
        """Part of the run id: the file's SHA-256, so an edited file gives a new run (no stale resume)."""
        p = Path(path).expanduser()
        if not p.is_file():
            raise UsageError(f"predictions file not found: {p}")
        return {"sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "coords": coords}

    def identity(self) -> dict[str, Any]:
        """Adapter name, file path and the file's SHA-256."""
        digest = hashlib.sha256(self.path.read_bytes()).hexdigest()
        return {
            "adapter": self.name,
            "path": str(self.path.resolve()),
            "sha256": digest,
            "coords": self.coords,
        }

    def set_references(self, examples: Sequence[Example], stages: Sequence[Any] = ()) -> None:
        """Validate the file against the evaluated ids and the task's aux stages (references unused).

        Each aux stage (:class:`~gazex_bench.tasks.base.AuxStage`) is replayed from the file: its
        requests follow from the earlier stages' rows, exactly as the runner will ask them. A stage
        with no row at all is unavailable (and so is every later stage); a stage with some rows must
        have all of them. Rows that no sample and no stage asks for are an error.

        Raises:
            DataFormatError: missing rows (naming the first one), extra rows, or a malformed row.
        """
        expected = [ex.request.sample_id for ex in examples]
        missing = [i for i in expected if i not in self._rows]
        if missing:
            raise DataFormatError(
                self.path, f"{len(missing)} evaluated sample(s) missing, e.g. '{missing[0]}'"
            )
        for ex in examples:
            self._responses[ex.request.sample_id] = self._decode(ex.request)
        asked = set(expected) | self._replay(stages)
        extra = sorted(set(self._rows) - asked)
        if extra:
            lineno = self._rows[extra[0]][0]
            raise DataFormatError(
                self.path,
                f"{len(extra)} sample id(s) not in the evaluated set, e.g. '{extra[0]}'",
                row=lineno,
            )

    def _replay(self, stages: Sequence[Any]) -> set[str]:
        """Decode every aux-stage row in stage order; returns the ids the stages ask for."""
        asked: set[str] = set()
        prior: dict[str, dict[str, Response]] = {}
        for st in stages:
            if self._unavailable:
                self._unavailable[st.name] = (
                    f"an earlier stage is unavailable ({next(iter(self._unavailable))})"
                )
                continue
            reqs = st.requests(prior)
            if reqs and not any(r.sample_id in self._rows for r in reqs):
                self._unavailable[st.name] = (
                    f"the predictions file has no rows for stage '{st.name}' (e.g. '{reqs[0].sample_id}')"
                )
                continue
            gaps = [r for r in reqs if r.sample_id not in self._rows]
            if gaps:
                hint = f" (finding {gaps[0].finding!r})" if getattr(gaps[0], "finding", None) else ""
                raise DataFormatError(
                    self.path,
                    f"stage '{st.name}': {len(gaps)} sample(s) missing, e.g. '{gaps[0].sample_id}'{hint}",
                )
            prior[st.name] = {r.sample_id: self._decode(r) for r in reqs}
            self._responses.update(prior[st.name])
            asked |= set(prior[st.name])
        return asked

    def stage_unavailable(self, name: str) -> str | None:
        """Why aux stage ``name`` cannot be answered from this file (None = it can); after set_references."""
        return self._unavailable.get(name)

    def _decode(self, request: Request) -> Response:
        lineno, obj = self._rows[request.sample_id]
        cap = capability_of(request)
        raw, err = obj.get("output", obj.get("raw")), obj.get("error")
        if raw is not None and not isinstance(raw, str):
            raise DataFormatError(self.path, "'output' must be a string", row=lineno, field="output")
        if err is not None and not isinstance(err, str):
            raise DataFormatError(self.path, "'error' must be a string", row=lineno, field="error")
        try:
            if obj.get("parsed") is not None:
                parsed = parsed_from_json(cap, obj["parsed"])
            elif raw is not None and err is None:
                parsed = parse_output(cap, raw, request, coords=self.coords)
            else:
                parsed = None
        except ValueError as exc:
            raise DataFormatError(
                self.path, str(exc), row=lineno, field=getattr(exc, "field", "parsed")
            ) from None
        if parsed is None and err is None:
            err = "no parsable output"
        return Response(request.sample_id, raw, parsed, err)

    def _answer(self, requests: Sequence[Request]) -> list[Response]:
        out = []
        for r in requests:
            if r.sample_id not in self._responses:  # called without set_references
                if r.sample_id not in self._rows:
                    raise DataFormatError(self.path, f"no prediction for sample '{r.sample_id}'")
                self._responses[r.sample_id] = self._decode(r)
            out.append(self._responses[r.sample_id])
        return out

    generate_reports = _answer
    answer_questions = _answer
    ground_phrases = _answer
    predict_gaze = _answer

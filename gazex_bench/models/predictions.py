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

Validation happens before the first prediction, against the evaluated sample ids:
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
    aux_stages = False
    """Answers only the task's own samples: follow-up stages (reflacx-gaze setting 1) are skipped."""
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
                raise DataFormatError(self.path, "missing or empty 'sample_id'", row=lineno, field="sample_id")
            if sid in self._rows:
                raise DataFormatError(
                    self.path, f"duplicate sample_id '{sid}' (first on line {self._rows[sid][0]})", row=lineno
                )
            self._rows[sid] = (lineno, obj)
        self._responses: dict[str, Response] = {}

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
        return {"adapter": self.name, "path": str(self.path.resolve()), "sha256": digest, "coords": self.coords}

    def set_references(self, examples: Sequence[Example]) -> None:
        """Validate the file against the evaluated ids (references are not used)."""
        expected = [ex.request.sample_id for ex in examples]
        missing = [i for i in expected if i not in self._rows]
        extra = sorted(set(self._rows) - set(expected))
        if missing:
            raise DataFormatError(self.path, f"{len(missing)} evaluated sample(s) missing, e.g. '{missing[0]}'")
        if extra:
            lineno = self._rows[extra[0]][0]
            raise DataFormatError(
                self.path, f"{len(extra)} sample id(s) not in the evaluated set, e.g. '{extra[0]}'", row=lineno
            )
        for ex in examples:
            self._responses[ex.request.sample_id] = self._decode(ex.request)

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
            raise DataFormatError(self.path, str(exc), row=lineno, field="parsed") from None
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

"""``gazex`` adapter for the gazex-bench harness (entry point ``gazex_bench.adapters``).

Usage: ``gazex-bench run --model gazex --model-arg path=runs/tiny-gazex ...``. Loads any run
directory of ``gazex-train`` (GazeX, ablations, baselines, downstream fine-tunes, zero-shot).

Capabilities: report, vqa, grounding, gaze. Frames: grounding boxes are returned in
original-image pixels (model output x4); gaze clusters/trajectories in the quarter-scale
frame. For a finding, the predicted clusters are the ``visual clues`` in order followed by
the ``observation`` (so the last cluster is the observation, whose centroid is what GazeX's
evaluation compares). Grounding confidences: exp(mean token log-prob) of the generation
for the first box, halved for every further box (documented ranking). Multi-view studies
use the first image. Unparseable outputs become error responses carrying the raw text.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.models.types import (
    Capability,
    GazePrediction,
    GazeRequest,
    Grounding,
    GroundingRequest,
    PredictedCluster,
    ReportRequest,
    Response,
    ScoredBox,
    VqaRequest,
    failed,
)

logger = logging.getLogger(__name__)


def _caps(spec: str | None) -> frozenset[Capability]:
    if not spec:
        return frozenset(Capability)
    try:
        return frozenset(Capability(s.strip()) for s in spec.split(",") if s.strip())
    except ValueError:
        raise UsageError(
            f"gazex: capabilities must be among {[c.value for c in Capability]}, got {spec!r}"
        ) from None


def _num(name: str, value: Any, cast: type, minimum: float) -> Any:
    """``cast(value)`` for a ``--model-arg``, or one UsageError naming it (not a number, or below ``minimum``)."""
    try:
        out = cast(value)
    except (TypeError, ValueError):
        raise UsageError(
            f"gazex: --model-arg {name} must be {'an integer' if cast is int else 'a number'}, got {value!r}"
        ) from None
    if out < minimum:
        raise UsageError(f"gazex: --model-arg {name} must be >= {minimum:g}, got {value!r}")
    return out


class GazeXAdapter:
    """Harness adapter around :class:`gazex_model.infer.GazeXModel`.

    Args:
        path: Run directory written by ``gazex-train``.
        device: ``auto`` / ``cpu`` / ``cuda[:i]``.
        max_new_tokens, batch_size: Override the run's ``generation`` settings.
        temperature: 0 = greedy (default); > 0 samples with ``top_p``.
        fvp_mbr_samples: Override the run's ``generation.fvp_mbr_samples`` (0 = plain decoding, as GazeX;
            K > 1 = minimum-Bayes-risk choice among K sampled FVP outputs, see :mod:`gazex_model.mbr`).
        capabilities: Comma-separated subset (default all four).
    """

    name = "gazex"
    capabilities: frozenset[Capability] = frozenset(Capability)
    location_args: tuple[str, ...] = ("path",)
    """Args naming where the model lives, not what it is: left out of the run id (``run_key`` covers the content)."""

    @staticmethod
    def run_key(path: str | None = None, **_: Any) -> dict[str, Any]:
        """Content fingerprint of the run directory's trained model (:func:`gazex_model.lineage.model_fingerprint`)."""
        from gazex_model.lineage import model_fingerprint

        if not path:
            raise UsageError("gazex needs --model-arg path=<gazex-train run directory>")
        return {"model_sha256": model_fingerprint(Path(path).expanduser())["sha256"]}

    def __init__(
        self,
        path: str | None = None,
        device: str = "auto",
        max_new_tokens: int | None = None,
        batch_size: int | None = None,
        temperature: float = 0.0,
        top_p: float = 1.0,
        seed: int = 0,
        capabilities: str | None = None,
        fvp_mbr_samples: int | None = None,
    ) -> None:
        from dataclasses import replace

        import torch

        from gazex_model.infer import GazeXModel
        from gazex_model.modeling import read_run_config

        if not path:
            raise UsageError("gazex needs --model-arg path=<gazex-train run directory>")
        self.path = Path(path).expanduser()
        cfg = read_run_config(self.path)
        gen = cfg.generation
        temp = _num("temperature", temperature, float, 0.0)
        gen = replace(
            gen,
            max_new_tokens=_num("max_new_tokens", max_new_tokens or gen.max_new_tokens, int, 1),
            batch_size=_num("batch_size", batch_size or gen.batch_size, int, 1),
            do_sample=temp > 0,
            temperature=temp if temp > 0 else 1.0,
            top_p=_num("top_p", top_p, float, 0.0),
            fvp_mbr_samples=gen.fvp_mbr_samples
            if fvp_mbr_samples is None
            else _num("fvp_mbr_samples", fvp_mbr_samples, int, 0),
        )
        self.seed = _num("seed", seed, int, 0)
        torch.manual_seed(self.seed)
        self.capabilities = _caps(capabilities)
        self.model = GazeXModel(self.path, device=device, generation=gen)
        self.batch_size = gen.batch_size
        """Requests per call from the harness (:func:`gazex_bench.models.protocols.adapter_hints`): the
        generation batch, so ``generation.batch_size`` is the batch the model really sees (the harness
        default of 8 would otherwise cap it)."""

    def identity(self) -> dict[str, Any]:
        """Run directory, config hash, git commit of the run, generation settings and the training record.

        ``training``: the run's ``training_record.json`` (lineage backbone -> stage 1 -> stage 2,
        budget, samples seen; :mod:`gazex_model.lineage`), None for runs trained before it existed.
        """
        from gazex_model.lineage import read_record

        cfg_file = self.path / "resolved_config.yaml"
        info_file = self.path / "run_info.json"
        info = json.loads(info_file.read_text()) if info_file.is_file() else {}
        return {
            "adapter": self.name,
            "path": str(self.path.resolve()),
            "training": read_record(self.path),
            "config_sha256": hashlib.sha256(cfg_file.read_bytes()).hexdigest(),
            "run_git": info.get("git"),
            "method": self.model.cfg.method,
            "backbone": self.model.cfg.model.backbone,
            "generation": asdict(self.model.generation),
            "seed": self.seed,
            "device": self.model.device,
        }

    # ------------------------------------------------------------------ capabilities

    def generate_reports(self, requests: Sequence[ReportRequest]) -> list[Response]:
        """Findings text per request (``instruction`` replaces the template when given)."""
        from gazex_model.collate import Sample
        from gazex_model.parse import parse_report

        samples = [
            Sample(
                "report",
                "report",
                r.sample_id,
                "<image>" + r.instruction if r.instruction else self.model.report_prompt(),
                "",
                image=self.model.image(r.image_paths[0]),
            )
            for r in requests
        ]
        out = []
        for r, g in zip(requests, self.model.generate(samples)):
            p = parse_report(g.text)
            out.append(
                Response(r.sample_id, g.text, p.value["text"], prompt=g.prompt)
                if p.ok
                else failed(r.sample_id, p.error or "unparseable", g.text, g.prompt)
            )
        return out

    def answer_questions(self, requests: Sequence[VqaRequest]) -> list[Response]:
        """Short answer per question."""
        res = self.model.answers([(r.image_paths[0], r.question) for r in requests])
        return [
            Response(r.sample_id, g.text, p.value["answer"], prompt=g.prompt)
            if p.ok
            else failed(r.sample_id, p.error or "unparseable", g.text, g.prompt)
            for r, (g, p) in zip(requests, res)
        ]

    def ground_phrases(self, requests: Sequence[GroundingRequest]) -> list[Response]:
        """Boxes in original-image pixels with confidences."""
        res = self.model.ground([(r.image_paths[0], r.phrase) for r in requests])
        out = []
        for r, (g, p) in zip(requests, res):
            if not p.ok:
                out.append(failed(r.sample_id, p.error or "unparseable", g.text, g.prompt))
                continue
            boxes = tuple(
                ScoredBox(tuple(v * 4.0 for v in b), g.confidence * 0.5**k)  # type: ignore[arg-type]
                for k, b in enumerate(p.value["boxes"])
            )
            out.append(Response(r.sample_id, g.text, Grounding(boxes=boxes), prompt=g.prompt))
        return out

    def predict_gaze(self, requests: Sequence[GazeRequest]) -> list[Response]:
        """Ordered clusters for a finding, or an inspection trajectory (quarter-scale pixels)."""
        out: dict[int, Response] = {}
        with_f = [(i, r) for i, r in enumerate(requests) if r.finding is not None]
        for (i, r), (g, p) in zip(with_f, self.model.fvp([(r.image_paths[0], r.finding) for _, r in with_f])):
            if not p.ok:
                out[i] = failed(r.sample_id, p.error or "unparseable", g.text, g.prompt)
                continue
            cl = [PredictedCluster(tuple(c), tuple(b)) for b, c in p.value["clusters"]]  # type: ignore[arg-type]
            obs = p.value["observation"]
            cl.append(
                PredictedCluster(tuple(obs[1]), tuple(obs[0]))
                if obs  # type: ignore[arg-type]
                else PredictedCluster(tuple(p.value["centroid"]))
            )  # type: ignore[arg-type]
            out[i] = Response(r.sample_id, g.text, GazePrediction(clusters=tuple(cl)), prompt=g.prompt)
        without = [(i, r) for i, r in enumerate(requests) if r.finding is None]
        for (i, r), (pts, sents) in zip(
            without, self.model.trajectories([r.image_paths[0] for _, r in without])
        ):
            raw = " ".join(sents)
            out[i] = (
                Response(r.sample_id, raw, GazePrediction(points=tuple(pts)))
                if pts
                else failed(r.sample_id, "no trajectory point parsed", raw)
            )
        return [out[i] for i in range(len(requests))]

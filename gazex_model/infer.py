"""Inference on a trained run directory: batched greedy generation + task helpers.

:class:`GazeXModel` loads any run written by :mod:`gazex_model.train` (LoRA, full or
zero-shot; tiny or 2B) and answers with the prompts of :mod:`gazex_model.prompts`. Images
are prepared exactly as in training (gray, /4, resized to ``model.image_side``). Outputs
are parsed by :mod:`gazex_model.parse`; coordinates stay in the quarter-scale frame here.

Whole-image inspection trajectory (no GazeX prompt produces coordinates for a whole
image): generate the report with :meth:`GazeXModel.inspection_prompt` (the report prompt the
run trained; GazeX's inspection prompt if it trained none), then run FVP on every generated
sentence in order; the trajectory is the concatenation of each sentence's predicted
cluster centroids followed by its observation centroid.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from gazex_model import prompts as P
from gazex_model.collate import Sample, encode_for_generation
from gazex_model.config import GenerationSettings
from gazex_model.data import model_image
from gazex_model.mbr import medoid_index
from gazex_model.parse import Parsed, map_points, parse_boxes, parse_fvp, parse_report, parse_seq, parse_vqa
from gazex_model.sources import load_quarter_gray

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Generated:
    """One generation: text, mean token log-probability (confidence), prompt."""

    text: str
    mean_logprob: float
    prompt: str

    @property
    def confidence(self) -> float:
        """``exp(mean token log-prob)`` in (0, 1]."""
        return float(math.exp(self.mean_logprob))


class GazeXModel:
    """A trained GazeX run ready for generation.

    Args:
        run_dir: Output directory of ``gazex-train``.
        device: ``cpu``, ``cuda``, ``cuda:1`` or ``auto``.
        generation: Decoding settings (default: the run's ``generation`` section).
    """

    def __init__(
        self, run_dir: str | Path, device: str = "auto", generation: GenerationSettings | None = None
    ) -> None:
        import torch

        from gazex_model.modeling import load_trained, read_run_config

        self.run_dir = Path(run_dir)
        self.cfg = read_run_config(self.run_dir)
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = device
        self.generation = generation or self.cfg.generation
        self.model, self.processor = load_trained(self.run_dir, self.cfg, device=device, merge=True)

    def settings(self) -> dict[str, Any]:
        """Generation settings + model identity (for run records)."""
        return {
            "run_dir": str(self.run_dir.resolve()),
            "name": self.cfg.name,
            "method": self.cfg.method,
            "backbone": self.cfg.model.backbone,
            "generation": asdict(self.generation),
            "device": self.device,
        }

    def image(self, path: str | Path) -> Any:
        """Model-input image array for an image file (training preprocessing)."""
        return model_image(load_quarter_gray(Path(path)), self.cfg.model.image_side)

    def generate(
        self, samples: Sequence[Sample], settings: GenerationSettings | None = None
    ) -> list[Generated]:
        """Batched generation (greedy unless the settings sample), in input order; ``settings``
        overrides the model's generation settings for this call."""
        out: list[Generated] = []
        g = settings or self.generation
        bs = max(1, g.batch_size)
        for i in range(0, len(samples), bs):
            out.extend(self._batch(list(samples[i : i + bs]), g))
        return out

    def _batch(self, batch: list[Sample], g: GenerationSettings) -> list[Generated]:
        import torch

        enc = encode_for_generation(self.processor, batch).to(self.device)
        kwargs: dict[str, Any] = {
            "max_new_tokens": g.max_new_tokens,
            "do_sample": g.do_sample,
            "num_beams": g.num_beams,
            "output_scores": True,
            "return_dict_in_generate": True,
        }
        if g.do_sample:
            kwargs.update(temperature=g.temperature, top_p=g.top_p)
        with torch.no_grad():
            res = self.model.generate(**enc, **kwargs)
        n_prompt = enc["input_ids"].shape[1]
        seqs = res.sequences[:, n_prompt:]
        scores = self.model.compute_transition_scores(res.sequences, res.scores, normalize_logits=True)
        tok = self.processor.tokenizer
        out = []
        for j, s in enumerate(batch):
            ids = seqs[j].tolist()
            stop = {tok.eos_token_id, tok.pad_token_id}
            n = next((k for k, t in enumerate(ids) if t in stop), len(ids))
            lp = scores[j, : max(n, 1)].float()
            mean_lp = float(lp[torch.isfinite(lp)].mean()) if torch.isfinite(lp).any() else -1e9
            out.append(Generated(tok.decode(ids[:n], skip_special_tokens=True), mean_lp, s.prompt))
        return out

    # ------------------------------------------------------------------ task helpers

    def _trained_on(self, objective: str) -> bool:
        return self.cfg.method != "none" and getattr(self.cfg.objectives, objective, 0.0) > 0

    def report_prompt(self) -> str:
        """REPORT if the run trained the plain report objective, else GazeX's image->report prompt."""
        return P.REPORT if self._trained_on("report") else P.GTM_IMAGE_REPORT

    def inspection_prompt(self) -> str:
        """Prompt of the whole-image report an inspection trajectory follows (:meth:`trajectories`).

        The report prompt the run trained (:meth:`report_prompt`: the plain report prompt, e.g. the
        gaze-alignment fine-tune, else GTM's image->report prompt), so a trajectory follows the same
        report that setting 1 of ``reflacx-gaze`` scores; GazeX's inspection prompt
        (``basic_examine_chest_xray.json``) when the run trained neither.
        """
        if self._trained_on("report") or self._trained_on("gtm"):
            return self.report_prompt()
        return P.INSPECT

    def reports(self, image_paths: Sequence[str | Path]) -> list[tuple[Generated, Parsed]]:
        """Findings text per image."""
        samples = [
            Sample("report", "report", str(p), self.report_prompt(), "", image=self.image(p))
            for p in image_paths
        ]
        return [(g, parse_report(g.text)) for g in self.generate(samples)]

    def answers(self, items: Sequence[tuple[str | Path, str]]) -> list[tuple[Generated, Parsed]]:
        """Short answer per ``(image_path, question)``."""
        samples = [
            Sample("vqa", "vqa", str(p), P.VQA.format(question=q), "", image=self.image(p)) for p, q in items
        ]
        return [(g, parse_vqa(g.text)) for g in self.generate(samples)]

    def fvp(self, items: Sequence[tuple[str | Path, str]]) -> list[tuple[Generated, Parsed]]:
        """Ordered gaze clusters + observation (quarter-scale px) for ``(image_path, finding sentence)`` pairs."""
        return self.decode_fvp(*self._fvp_samples(items))

    def decode_fvp(
        self, samples: Sequence[Sample], frames: Sequence[P.Frame]
    ) -> list[tuple[Generated, Parsed]]:
        """Generate + parse FVP ``samples`` (coordinates in quarter-scale px of each ``frames`` entry).

        Greedy unless ``generation.fvp_mbr_samples`` > 1: then that many sampled outputs per item and
        the minimum-Bayes-risk one (:func:`gazex_model.mbr.medoid_index`); all unparseable -> the first.
        """
        k = self.generation.fvp_mbr_samples
        if k <= 1:
            return [(g, self.to_px(parse_fvp(g.text), fr)) for g, fr in zip(self.generate(samples), frames)]
        import torch

        sampling = replace(self.generation, do_sample=True, num_beams=1)
        draws = []
        for j in range(k):
            torch.manual_seed(self.generation.mbr_seed + j)
            gens = self.generate(samples, sampling)
            draws.append([(g, self.to_px(parse_fvp(g.text), fr)) for g, fr in zip(gens, frames)])
        out = []
        for i in range(len(samples)):
            cands = [d[i] for d in draws]
            best = medoid_index([p.value["centroid"] if p.ok else None for _, p in cands])
            out.append(cands[best if best is not None else 0])
        return out

    def _fvp_samples(self, items: Sequence[tuple[str | Path, str]]) -> tuple[list[Sample], list[P.Frame]]:
        """FVP prompts for ``(image_path, finding)`` pairs + each image's quarter-scale ``(width, height)``."""
        quarters = [load_quarter_gray(Path(p)) for p, _ in items]
        samples = [
            Sample(
                "fvp",
                "fvp",
                str(p),
                P.FVP.format(sentence=f),
                "",
                image=model_image(q, self.cfg.model.image_side),
            )
            for (p, f), q in zip(items, quarters)
        ]
        return samples, [(float(q.shape[1]), float(q.shape[0])) for q in quarters]

    def _fvp_generate(self, items: Sequence[tuple[str | Path, str]]) -> list[tuple[Generated, P.Frame]]:
        """Greedy FVP generations + each image's quarter-scale ``(width, height)`` (grounding fallback)."""
        samples, frames = self._fvp_samples(items)
        return list(zip(self.generate(samples), frames))

    def to_px(self, parsed: Parsed, frame: P.Frame) -> Parsed:
        """FVP coordinates in the run's ``data.coord_format`` -> quarter-scale pixels."""
        fmt = self.cfg.data.coord_format
        if fmt in ("gazex", "fixed3"):
            return parsed
        return map_points(parsed, lambda pt: P.decode_point(pt, fmt, frame))

    def ground(self, items: Sequence[tuple[str | Path, str]]) -> list[tuple[Generated, Parsed]]:
        """Boxes (quarter scale) per ``(image_path, phrase)``: grounding prompt if trained on it, else FVP."""
        if not self._trained_on("grounding"):
            return [(g, self.to_px(parse_boxes(g.text), frame)) for g, frame in self._fvp_generate(items)]
        samples = [
            Sample("grounding", "grounding", str(p), P.GROUNDING.format(phrase=ph), "", image=self.image(p))
            for p, ph in items
        ]
        return [(g, parse_boxes(g.text)) for g in self.generate(samples)]

    def order(self, videos: Sequence[Any], sentence: str | None = None) -> list[tuple[Generated, Parsed]]:
        """SDA: ``<seq>`` order of shuffled frame videos ``(T, H, W, 3)`` uint8."""
        samples = [
            Sample(
                "sda",
                "sda",
                str(i),
                P.SDA_CLIP.format(n_frames=len(v), sentence=sentence)
                if sentence
                else P.SDA_GLOBAL.format(n_frames=len(v)),
                "",
                video=v,
            )
            for i, v in enumerate(videos)
        ]
        return [(g, parse_seq(g.text, len(v))) for g, v in zip(self.generate(samples), videos)]

    def trajectories(
        self, image_paths: Sequence[str | Path]
    ) -> list[tuple[list[tuple[float, float]], list[str]]]:
        """Inspection trajectory per image (see module docstring) and the sentences it follows."""
        samples = [
            Sample(
                "gtm",
                "inspect",
                str(p),
                self.inspection_prompt(),
                "",
                image=self.image(p),
            )
            for p in image_paths
        ]
        texts = [g.text for g in self.generate(samples)]
        out = []
        for path, text in zip(image_paths, texts):
            sents = [s.strip() + " ." for s in re.split(r"\s*\.\s*", text) if s.strip()][:12]
            pts: list[tuple[float, float]] = []
            for _, parsed in self.fvp([(path, s) for s in sents]):
                if parsed.ok:
                    pts.extend(c for _, c in parsed.value.get("clusters", []))
                    obs = parsed.value.get("observation")
                    pts.append(obs[1] if obs else parsed.value["centroid"])
            out.append((pts, sents))
        return out

"""Training configuration: frozen dataclasses loaded from YAML with strict keys.

A YAML file may start with ``extends: other.yaml`` (path relative to the file); the two
are deep-merged, the child winning. Unknown keys, wrong types and bad values raise
:class:`~gazex_bench.errors.UsageError` with one line naming the file and the key.
Command-line overrides use dotted keys: ``--set lora.r=16 --set objectives.sda=0``
(values parsed as YAML scalars).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gazex_bench.errors import UsageError

OBJECTIVES: tuple[str, ...] = ("fvp", "gtm", "sda", "report", "vqa", "grounding")
"""Objective groups a config can weight (sampling probabilities, normalised)."""

STAGE_OBJECTIVES: dict[int, frozenset[str]] = {
    1: frozenset({"fvp", "gtm", "sda"}),
    2: frozenset({"fvp", "report", "vqa", "grounding"}),
}
"""Objectives each protocol stage may weight (``stage: 0`` = unstaged, no check).

Stage 1 is gaze pretraining (GazeX's FVP + GTM + SDA, its ablations, the gaze-boxes baseline =
FVP only) from the bare backbone; stage 2 is the downstream fine-tune of a stage-1 run
(``model.init_from``) or of the bare backbone (the no-gaze baseline): reports, VQA, grounding,
or FVP targets for the gaze-alignment fine-tune."""


@dataclass(frozen=True)
class TinyModelSettings:
    """Shape of the tiny backbone (used when ``model.backbone == 'tiny'``)."""

    hidden_size: int = 128
    intermediate_size: int = 384
    num_hidden_layers: int = 3
    num_attention_heads: int = 4
    num_key_value_heads: int = 2
    vision_embed_dim: int = 64
    vision_depth: int = 2
    vision_num_heads: int = 2
    vocab_size: int = 1000


@dataclass(frozen=True)
class ModelSettings:
    """Backbone and numerics.

    ``backbone`` is ``tiny`` (built locally from the training text) or a local directory
    holding a Qwen2-VL checkpoint (e.g. ``/models/Qwen2-VL-2B-Instruct``).
    """

    backbone: str = "tiny"
    init_from: str | None = None
    """A finished run directory whose trained weights (LoRA merged) are the starting model
    (downstream fine-tuning of GazeX). Its tokenizer/processor are reused."""
    tiny: TinyModelSettings = field(default_factory=TinyModelSettings)
    image_side: int = 84
    """Model-input image side in pixels (area cap ``image_side**2``; multiple of 28)."""
    min_image_side: int = 56
    dtype: str = "auto"
    """auto (fp32 on CPU, bf16 on GPU) | float32 | bfloat16."""
    attn_implementation: str = "sdpa"
    gradient_checkpointing: bool = False
    max_length: int = 1024
    """Token cap per training sequence; longer samples are counted and skipped."""


@dataclass(frozen=True)
class LoraSettings:
    """LoRA on the language model (peft). ``method`` in :class:`TrainConfig` selects lora/full/none."""

    r: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: str = r".*language_model.*\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)"
    """Regex over module names (peft ``target_modules`` string form)."""
    modules_to_save: tuple[str, ...] = ()
    """Modules trained in full next to the adapter and saved with it (peft ``modules_to_save``,
    matched as name suffixes), e.g. ``[lm_head]``."""


@dataclass(frozen=True)
class ObjectiveWeights:
    """Sampling weight of each objective group (0 disables it)."""

    fvp: float = 1.0
    gtm: float = 1.0
    sda: float = 1.0
    report: float = 0.0
    vqa: float = 0.0
    grounding: float = 0.0

    def active(self) -> dict[str, float]:
        """Objectives with positive weight, in :data:`OBJECTIVES` order."""
        return {k: float(getattr(self, k)) for k in OBJECTIVES if getattr(self, k) > 0}


@dataclass(frozen=True)
class ObjectiveStart:
    """When each objective joins the mix, as a fraction of ``max_steps`` (0 = from the first step).

    A curriculum knob (ours; the paper mixes its objectives without a stated schedule): e.g.
    ``gtm: 0.5`` samples GTM batches only from step ``0.5 * max_steps`` on. Objectives that have
    not started yet are left out of the weighted choice.
    """

    fvp: float = 0.0
    gtm: float = 0.0
    sda: float = 0.0
    report: float = 0.0
    vqa: float = 0.0
    grounding: float = 0.0

    def steps(self, max_steps: int) -> dict[str, int]:
        """Objective -> first optimiser step (0-based) at which it may be sampled."""
        return {k: int(round(getattr(self, k) * max_steps)) for k in OBJECTIVES}


@dataclass(frozen=True)
class DataSettings:
    """Where the data come from and how samples are built."""

    root: str | None = None
    """Dataset root (REFLACX + MIMIC-CXR-JPG ...); None = generated phantom."""
    phantom_size: str = "small"
    gaze_preset: str = "gazex-code"
    max_frames: int = 8
    """Cap on frames per attention video (evenly subsampled, SDA keeps <= 9 by default)."""
    frame_side: int = 56
    """Side (pixels) of video frames fed to the model (square, multiple of 28)."""
    test_phase3: int = 350
    """Phase-3 readings in the test split at full REFLACX scale (scaled for smaller sets)."""
    split_seed: int = 0
    report_source: str = "reflacx"
    """Text for the ``report`` objective: reflacx (transcriptions) | mimic (R2Gen MIMIC annotation, train
    split) | iu (IU X-ray R2Gen annotation, train split: the paper's IU setting 1 fine-tune)."""
    workers: int = 1
    """Processes for the gaze preprocessing (results do not depend on it)."""
    max_samples_per_objective: int = 0
    coord_format: str = "gazex"
    """FVP target coordinates (:data:`gazex_model.prompts.COORD_FORMATS`): gazex (GazeX's int-cast quarter-scale px) |
    fixed3 (zero-padded to 3 digits, ours) | norm100 (2-digit 100 x 100 grid over the image, ours)."""
    """0 = all; else a seeded subsample per objective (fast smoke runs)."""
    radiologist_map: str | None = None
    """CSV ``reading_id,radiologist`` (the format of the gaze task's ``--task-arg radiologist_map``; a phantom
    writes it to ``phantom_truth/radiologists.csv``). Needed by ``exclude_radiologists``."""
    exclude_radiologists: str = ""
    """Comma-separated radiologists whose readings are left out of *training* (held-out-reader training); the
    test split is unchanged, so a model trained without a reader can be scored on that reader's test readings."""


@dataclass(frozen=True)
class GenerationSettings:
    """Inference settings (recorded with every prediction)."""

    max_new_tokens: int = 128
    do_sample: bool = False
    num_beams: int = 1
    temperature: float = 1.0
    top_p: float = 1.0
    batch_size: int = 8
    fvp_mbr_samples: int = 0
    """FVP only: 0/1 = the decoding above (greedy by default, as GazeX); K > 1 = draw K samples at
    ``temperature`` and keep the minimum-Bayes-risk one (:mod:`gazex_model.mbr`; ours)."""
    mbr_seed: int = 0
    """torch seed of the MBR samples (sample j uses ``mbr_seed + j``)."""


@dataclass(frozen=True)
class TrainConfig:
    """One training run (or a zero-shot one: ``method: none`` or ``max_steps: 0``)."""

    name: str = "gazex"
    stage: int = 0
    """Protocol stage: 1 = gaze pretraining, 2 = downstream fine-tune, 0 = unstaged (no check);
    see :data:`STAGE_OBJECTIVES` and docs/training.md ("Two-stage protocol")."""
    seed: int = 0
    method: str = "lora"
    """lora | full | none."""
    max_steps: int = 300
    batch_size: int = 4
    grad_accum: int = 1
    lr: float = 1e-3
    weight_decay: float = 0.0
    warmup_steps: int = 10
    scheduler: str = "cosine"
    max_grad_norm: float = 1.0
    log_every: int = 10
    save_every: int = 0
    """Checkpoint every N optimiser steps (0 = only at the end)."""
    keep_checkpoints: int = 2
    mixed_precision: str = "auto"
    """auto (no on CPU, bf16 on GPU) | no | bf16 | fp16."""
    num_threads: int = 0
    """torch CPU threads (0 = leave torch's default)."""
    model: ModelSettings = field(default_factory=ModelSettings)
    lora: LoraSettings = field(default_factory=LoraSettings)
    objectives: ObjectiveWeights = field(default_factory=ObjectiveWeights)
    objective_start: ObjectiveStart = field(default_factory=ObjectiveStart)
    data: DataSettings = field(default_factory=DataSettings)
    generation: GenerationSettings = field(default_factory=GenerationSettings)

    def validate(self, where: str = "config") -> None:
        """Raise UsageError for inconsistent values (one line)."""
        if self.method not in ("lora", "full", "none"):
            raise UsageError(f"{where}: method must be lora, full or none, got {self.method!r}")
        if self.method != "none" and self.max_steps > 0 and not self.objectives.active():
            raise UsageError(f"{where}: all objective weights are 0")
        if self.scheduler not in ("cosine", "linear", "constant"):
            raise UsageError(f"{where}: scheduler must be cosine, linear or constant")
        if self.data.report_source not in ("reflacx", "mimic", "iu"):
            raise UsageError(f"{where}: data.report_source must be reflacx, mimic or iu")
        self._validate_stage(where)
        if self.data.coord_format not in ("gazex", "fixed3", "norm100"):
            raise UsageError(
                f"{where}: data.coord_format must be gazex, fixed3 or norm100, got {self.data.coord_format!r}"
            )
        if self.data.exclude_radiologists.strip() and not self.data.radiologist_map:
            raise UsageError(
                f"{where}: data.exclude_radiologists needs data.radiologist_map (CSV reading_id,radiologist)"
            )
        starts = {k: getattr(self.objective_start, k) for k in OBJECTIVES}
        if any(not 0.0 <= v < 1.0 for v in starts.values()):
            raise UsageError(f"{where}: objective_start values must be fractions in [0, 1), got {starts}")
        active = self.objectives.active()
        if active and self.max_steps > 0 and min(starts[k] for k in active) > 0:
            raise UsageError(f"{where}: objective_start leaves the first steps without any objective")
        if self.generation.fvp_mbr_samples < 0:
            raise UsageError(f"{where}: generation.fvp_mbr_samples must be >= 0")
        if self.batch_size < 1 or self.grad_accum < 1:
            raise UsageError(f"{where}: batch_size and grad_accum must be >= 1")

    def _validate_stage(self, where: str) -> None:
        """Stage 1 weights only gaze objectives and starts from the backbone; stage 2 only downstream ones."""
        if self.stage == 0:
            return
        if self.stage not in STAGE_OBJECTIVES:
            raise UsageError(
                f"{where}: stage must be 0 (unstaged), 1 (gaze pretraining) or 2 (downstream), got {self.stage}"
            )
        extra = sorted(set(self.objectives.active()) - STAGE_OBJECTIVES[self.stage])
        if extra:
            raise UsageError(
                f"{where}: stage {self.stage} may not weight objective '{extra[0]}' "
                f"(allowed: {', '.join(sorted(STAGE_OBJECTIVES[self.stage]))})"
            )
        if self.stage == 1 and self.model.init_from:
            raise UsageError(f"{where}: stage 1 starts from the backbone; model.init_from must be empty")


def _coerce(value: Any, typ: Any, key: str, where: str) -> Any:
    """Check/convert a scalar YAML value against a dataclass field type."""
    origin = typing.get_origin(typ)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in typing.get_args(typ):
            return None
        typ = next(t for t in typing.get_args(typ) if t is not type(None))
    if typing.get_origin(typ) is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UsageError(f"{where}: key '{key}' must be a list of strings, got {value!r}")
        return tuple(value)
    if typ is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if typ is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
        raise UsageError(f"{where}: key '{key}' must be {typ.__name__}, got {value!r}")
    return value


def from_dict(cls: type, data: dict[str, Any], where: str, prefix: str = "") -> Any:
    """Build dataclass ``cls`` from ``data`` with strict key and type checks."""
    if not isinstance(data, dict):
        raise UsageError(f"{where}: key '{prefix.rstrip('.') or '<top>'}' must be a mapping")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise UsageError(f"{where}: unknown key '{prefix}{unknown[0]}' (known: {', '.join(sorted(names))})")
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        typ = hints[name]
        if dataclasses.is_dataclass(typ):
            kwargs[name] = from_dict(typ, value, where, f"{prefix}{name}.")
        else:
            kwargs[name] = _coerce(value, typ, prefix + name, where)
    return cls(**kwargs)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def read_yaml_chain(path: Path, depth: int = 0) -> dict[str, Any]:
    """Read a YAML config, resolving ``extends`` (relative to the file) recursively."""
    if depth > 8:
        raise UsageError(f"{path}: 'extends' chain deeper than 8")
    if not path.is_file():
        raise UsageError(f"{path}: config file not found")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: top level must be a mapping")
    parent = data.pop("extends", None)
    if parent is None:
        return data
    return _deep_merge(read_yaml_chain((path.parent / str(parent)).resolve(), depth + 1), data)


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Apply ``key.sub=value`` strings (values parsed as YAML) to a nested dict."""
    out = _deep_merge({}, data)
    for item in overrides:
        if "=" not in item:
            raise UsageError(f"--set {item!r}: expected key=value")
        key, raw = item.split("=", 1)
        try:
            value = yaml.safe_load(raw) if raw != "" else ""
        except yaml.YAMLError:
            value = raw
        node = out
        parts = key.strip().split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                raise UsageError(f"--set {item!r}: '{p}' is not a section")
        node[parts[-1]] = value
    return out


def load_config(path: str | Path | None, overrides: list[str] | None = None) -> TrainConfig:
    """Load a :class:`TrainConfig` from YAML (or defaults when ``path`` is None) + overrides."""
    data = read_yaml_chain(Path(path)) if path is not None else {}
    data = apply_overrides(data, overrides or [])
    where = str(path) if path is not None else "config"
    cfg = from_dict(TrainConfig, data, where)
    cfg.validate(where)
    return cfg


def config_to_dict(cfg: Any) -> dict[str, Any]:
    """Nested plain dict of a config dataclass (for resolved_config.yaml)."""
    return dataclasses.asdict(
        cfg, dict_factory=lambda kv: {k: list(v) if isinstance(v, tuple) else v for k, v in kv}
    )


def dump_config(cfg: TrainConfig) -> str:
    """YAML text of the fully resolved config (loadable again by :func:`load_config`)."""
    return yaml.safe_dump(config_to_dict(cfg), sort_keys=False)

"""Ground truth of the phantom: what real data never gives, written beside the datasets.

The phantom generator writes ``<root>/phantom_truth/`` next to (never inside) the
dataset folders:

* ``truth.json`` -- every image with its findings (kind, CheXpert category, side,
  zone, severity, box), every REFLACX reading with its radiologist, the finding each
  dictated sentence mentions and the attention target of each fixation, and the
  finding list that generated each MIMIC / IU report sample.
* ``radiologists.csv`` -- ``reading_id,radiologist`` (``rad1`` .. ``rad5``), the
  optional mapping file the REFLACX reader accepts.

Nothing in the suite's scoring path may read this: only oracle baselines and tests.

Coordinate frames: boxes are ``(xmin, ymin, xmax, ymax)`` in pixels of the original
image as written (the JPG / PNG, equal to the metadata ``Columns`` x ``Rows``),
origin top-left, x right, y down. Sides are the **patient's** side (radiological
convention: the patient's right is on the image left). Times are seconds from the
REFLACX audio start.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazex_bench.errors import DataFormatError
from gazex_bench.io import atomic_write_text

TRUTH_DIR = "phantom_truth"
TRUTH_FILE = "truth.json"
RADIOLOGISTS_FILE = "radiologists.csv"
TRUTH_FORMAT = "gazex-phantom-truth"
TRUTH_VERSION = 1

BoxInt = tuple[int, int, int, int]


@dataclass(frozen=True)
class TruthFinding:
    """One finding rendered into one image."""

    finding_id: str
    """``f"{image_id}/f{k}"`` -- unique over the whole phantom."""
    kind: str
    """Phantom kind: ``pleural_effusion``, ``cardiomegaly``, ``consolidation``, ``pneumonia``,
    ``lung_opacity``, ``atelectasis``, ``pneumothorax``, ``nodule``, ``mass``, ``edema``,
    ``support_device``."""
    chexpert: str
    """CheXpert category (a :data:`gazex_bench.data.records.CHEXPERT_LABELS` name)."""
    side: str
    """Patient side: ``left`` / ``right`` / ``bilateral`` / ``midline``."""
    zone: str
    """``upper`` / ``middle`` / ``lower`` / ``diffuse``."""
    severity: str
    """``mild`` / ``moderate`` / ``severe``."""
    descriptor: str
    """Type word (``patchy``, ``layering``, ``endotracheal tube``, ...), the VQA ``type`` answer."""
    hedged: bool
    """Reports state it with uncertainty (``possible ...``) -> CheXpert ``-1.0``."""
    box: BoxInt
    """Tight box of the rendered finding, original-image pixels."""
    center: tuple[float, float]
    """Centre of the rendered mask ``(x, y)``, original-image pixels."""
    extra_boxes: tuple[BoxInt, ...] = ()
    """Further boxes of a multi-part finding (e.g. bilateral edema: one per lung)."""


@dataclass(frozen=True)
class TruthImage:
    """One generated image (MIMIC frontal JPG or IU frontal PNG) and what it shows."""

    image_id: str
    """MIMIC ``dicom_id`` or the IU R2Gen id (``CXR0001_IM-0001``)."""
    dataset: str
    """``mimic-cxr`` or ``iu-xray``."""
    subject_id: str
    study_id: str
    width: int
    height: int
    view: str
    """``PA`` / ``AP``."""
    split: str
    """MIMIC split name (``train`` / ``validate`` / ``test``) or R2Gen (``train``/``val``/``test``) for IU."""
    findings: tuple[TruthFinding, ...]
    chest_box: BoxInt
    """Box around lungs and heart (what REFLACX radiologists draw)."""
    regions: Mapping[str, BoxInt] = field(default_factory=dict)
    """Anatomical region name -> box (``trachea``, ``right_upper_lung``, ``heart``, ...)."""

    @property
    def normal(self) -> bool:
        """True when the image has no finding."""
        return not self.findings


@dataclass(frozen=True)
class TruthSentence:
    """One dictated sentence of a REFLACX reading."""

    index: int
    text: str
    """As in ``transcription.txt`` (lower case, ends with ``.``)."""
    finding_id: str | None
    """The finding the sentence mentions, None for normal/negative statements."""
    t_start_s: float
    t_end_s: float


@dataclass(frozen=True)
class TruthReading:
    """One simulated REFLACX reading."""

    reading_id: str
    radiologist: str
    """``rad1`` .. ``rad5``."""
    dicom_id: str
    phase: int
    discarded: bool
    sentences: tuple[TruthSentence, ...]
    fixation_targets: tuple[str, ...]
    """Per fixation (file order): a ``finding_id``, ``decoy:<finding_id>`` (gaze on that finding's decoy,
    ``gaze_signal`` decoupled), ``off_image`` or an anatomical region name."""
    missed_finding_ids: tuple[str, ...] = ()
    """Findings of the image this radiologist did not report."""


@dataclass(frozen=True)
class TruthSample:
    """One report-generation sample (R2Gen entry) and the findings that generated it."""

    dataset: str
    """``mimic-cxr`` or ``iu-xray``."""
    sample_id: str
    """R2Gen ``id`` (MIMIC dicom_id / IU id); MIMIC samples without FINDINGS are included."""
    image_ids: tuple[str, ...]
    finding_ids: tuple[str, ...]
    kinds: tuple[str, ...]
    has_findings_section: bool = True


@dataclass(frozen=True)
class PhantomTruth:
    """Everything the phantom knows; see the module docstring for frames."""

    seed: int
    size: str
    images: Mapping[str, TruthImage]
    readings: Mapping[str, TruthReading]
    samples: Mapping[str, TruthSample]
    """Key ``f"{dataset}/{sample_id}"``."""
    gaze_signal: str = "informative"
    """``informative`` or ``decoupled`` (``gazex-bench phantom --gaze-signal``): whether the gaze
    around each dictated finding is on the finding or on a decoy (fixation targets ``decoy:<finding_id>``)."""

    @property
    def radiologists(self) -> dict[str, str]:
        """``reading_id -> radiologist`` for every reading."""
        return {rid: r.radiologist for rid, r in self.readings.items()}

    def findings_by_id(self) -> dict[str, TruthFinding]:
        """All findings of all images keyed by ``finding_id``."""
        return {f.finding_id: f for im in self.images.values() for f in im.findings}


# --------------------------------------------------------------------------- (de)serialisation


def _finding_to_json(f: TruthFinding) -> dict[str, Any]:
    return {
        "finding_id": f.finding_id,
        "kind": f.kind,
        "chexpert": f.chexpert,
        "side": f.side,
        "zone": f.zone,
        "severity": f.severity,
        "descriptor": f.descriptor,
        "hedged": f.hedged,
        "box": list(f.box),
        "center": [round(f.center[0], 2), round(f.center[1], 2)],
        "extra_boxes": [list(b) for b in f.extra_boxes],
    }


def _image_to_json(im: TruthImage) -> dict[str, Any]:
    return {
        "image_id": im.image_id,
        "dataset": im.dataset,
        "subject_id": im.subject_id,
        "study_id": im.study_id,
        "width": im.width,
        "height": im.height,
        "view": im.view,
        "split": im.split,
        "chest_box": list(im.chest_box),
        "regions": {k: list(v) for k, v in sorted(im.regions.items())},
        "findings": [_finding_to_json(f) for f in im.findings],
    }


def _reading_to_json(r: TruthReading) -> dict[str, Any]:
    return {
        "reading_id": r.reading_id,
        "radiologist": r.radiologist,
        "dicom_id": r.dicom_id,
        "phase": r.phase,
        "discarded": r.discarded,
        "sentences": [[s.index, s.text, s.finding_id, s.t_start_s, s.t_end_s] for s in r.sentences],
        "fixation_targets": list(r.fixation_targets),
        "missed_finding_ids": list(r.missed_finding_ids),
    }


def _sample_to_json(s: TruthSample) -> dict[str, Any]:
    return {
        "dataset": s.dataset,
        "sample_id": s.sample_id,
        "image_ids": list(s.image_ids),
        "finding_ids": list(s.finding_ids),
        "kinds": list(s.kinds),
        "has_findings_section": s.has_findings_section,
    }


def _box(v: Any) -> BoxInt:
    return (int(v[0]), int(v[1]), int(v[2]), int(v[3]))


def _finding_from_json(d: Mapping[str, Any]) -> TruthFinding:
    return TruthFinding(
        finding_id=d["finding_id"],
        kind=d["kind"],
        chexpert=d["chexpert"],
        side=d["side"],
        zone=d["zone"],
        severity=d["severity"],
        descriptor=d["descriptor"],
        hedged=bool(d["hedged"]),
        box=_box(d["box"]),
        center=(float(d["center"][0]), float(d["center"][1])),
        extra_boxes=tuple(_box(b) for b in d.get("extra_boxes", [])),
    )


def _image_from_json(d: Mapping[str, Any]) -> TruthImage:
    return TruthImage(
        image_id=d["image_id"],
        dataset=d["dataset"],
        subject_id=d["subject_id"],
        study_id=d["study_id"],
        width=int(d["width"]),
        height=int(d["height"]),
        view=d["view"],
        split=d["split"],
        chest_box=_box(d["chest_box"]),
        regions={k: _box(v) for k, v in d.get("regions", {}).items()},
        findings=tuple(_finding_from_json(f) for f in d["findings"]),
    )


def _reading_from_json(d: Mapping[str, Any]) -> TruthReading:
    sents = tuple(
        TruthSentence(index=int(s[0]), text=s[1], finding_id=s[2], t_start_s=float(s[3]), t_end_s=float(s[4]))
        for s in d["sentences"]
    )
    return TruthReading(
        reading_id=d["reading_id"],
        radiologist=d["radiologist"],
        dicom_id=d["dicom_id"],
        phase=int(d["phase"]),
        discarded=bool(d["discarded"]),
        sentences=sents,
        fixation_targets=tuple(d["fixation_targets"]),
        missed_finding_ids=tuple(d.get("missed_finding_ids", [])),
    )


def _sample_from_json(d: Mapping[str, Any]) -> TruthSample:
    return TruthSample(
        dataset=d["dataset"],
        sample_id=d["sample_id"],
        image_ids=tuple(d["image_ids"]),
        finding_ids=tuple(d["finding_ids"]),
        kinds=tuple(d["kinds"]),
        has_findings_section=bool(d.get("has_findings_section", True)),
    )


def truth_to_json(truth: PhantomTruth) -> str:
    """Serialise to compact, key-sorted JSON text (deterministic bytes)."""
    obj = {
        "format": TRUTH_FORMAT,
        "version": TRUTH_VERSION,
        "seed": truth.seed,
        "size": truth.size,
        "gaze_signal": truth.gaze_signal,
        "images": [_image_to_json(truth.images[k]) for k in sorted(truth.images)],
        "readings": [_reading_to_json(truth.readings[k]) for k in sorted(truth.readings)],
        "samples": [_sample_to_json(truth.samples[k]) for k in sorted(truth.samples)],
    }
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False, ensure_ascii=False) + "\n"


def write_truth(root: str | Path, truth: PhantomTruth) -> Path:
    """Write ``<root>/phantom_truth/{truth.json,radiologists.csv}`` atomically.

    Args:
        root: The phantom root (the folder holding the dataset folders).
        truth: What to write.

    Returns:
        The ``phantom_truth`` directory.
    """
    tdir = Path(root) / TRUTH_DIR
    atomic_write_text(tdir / TRUTH_FILE, truth_to_json(truth))
    lines = ["reading_id,radiologist"] + [
        f"{k},{truth.readings[k].radiologist}" for k in sorted(truth.readings)
    ]
    atomic_write_text(tdir / RADIOLOGISTS_FILE, "\n".join(lines) + "\n")
    return tdir


def load_truth(root: str | Path) -> PhantomTruth:
    """Load the phantom truth.

    Args:
        root: The phantom root, its ``phantom_truth`` folder, or the ``truth.json`` file.

    Returns:
        The :class:`PhantomTruth`.

    Raises:
        DataFormatError: file missing or not a phantom truth file of a known version.
    """
    p = Path(root)
    if p.is_dir():
        p = p / TRUTH_FILE if (p / TRUTH_FILE).is_file() else p / TRUTH_DIR / TRUTH_FILE
    if not p.is_file():
        raise DataFormatError(p, "phantom truth file not found (generate with `gazex-bench phantom`)")
    try:
        obj = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DataFormatError(p, f"not valid JSON ({exc})") from None
    if not isinstance(obj, dict) or obj.get("format") != TRUTH_FORMAT:
        raise DataFormatError(p, "not a phantom truth file", field="format")
    if obj.get("version") != TRUTH_VERSION:
        raise DataFormatError(p, f"unsupported truth version {obj.get('version')!r}", field="version")
    try:
        images = {d["image_id"]: _image_from_json(d) for d in obj["images"]}
        readings = {d["reading_id"]: _reading_from_json(d) for d in obj["readings"]}
        samples = {f"{d['dataset']}/{d['sample_id']}": _sample_from_json(d) for d in obj["samples"]}
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise DataFormatError(p, f"malformed truth entry ({exc!r})") from None
    signal = obj.get("gaze_signal", "informative")
    if signal not in ("informative", "decoupled"):
        raise DataFormatError(p, f"unknown gaze signal {signal!r}", field="gaze_signal")
    return PhantomTruth(
        seed=int(obj["seed"]),
        size=str(obj["size"]),
        images=images,
        readings=readings,
        samples=samples,
        gaze_signal=signal,
    )

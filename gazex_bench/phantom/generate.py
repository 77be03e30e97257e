"""Generate the whole phantom root: five datasets in their real layouts plus ``phantom_truth/``.

Deterministic: the same ``(seed, size, images)`` writes the same bytes (per-entity random
streams, fixed JPEG/PNG/gzip settings, no timestamps), whatever the number of worker
processes. Layout under ``out``::

    reflacx-xray-localization/1.0.0/   mimic-cxr-jpg/2.1.0/   mimic-cxr/2.0.0/files/
    mimic_cxr/annotation.json          iu_xray/               medical-cxr-vqa-dataset/1.0.0/
    ms-cxr/1.1.0/                      phantom_truth/
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from gazex_bench.errors import UsageError
from gazex_bench.phantom.entities import IuCase, Study, build_iu, build_study, render_iu, render_study
from gazex_bench.phantom.readings import GAZE_SIGNALS, assign_readings, run_reading
from gazex_bench.phantom.spec import KINDS, SIZES, SizeSpec
from gazex_bench.phantom.splits import balance_splits
from gazex_bench.phantom.truth import PhantomTruth, TruthImage, TruthReading, TruthSample, write_truth
from gazex_bench.phantom.write_mimic import (
    png_bytes,
    write_r2gen,
    write_report,
    write_study_images,
    write_tables,
)
from gazex_bench.phantom.write_others import write_iu, write_mscxr, write_vqa
from gazex_bench.phantom.write_reflacx import write_metadata

log = logging.getLogger(__name__)
T = TypeVar("T")
PARTS = ("mimic", "reflacx", "iu", "vqa", "ms-cxr")


@dataclass(frozen=True)
class PhantomSummary:
    """What one generation wrote."""

    root: Path
    seed: int
    size: str
    images: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _pmap(fn: Callable[[Any], T], items: Iterable[Any], workers: int) -> list[T]:
    """Order-preserving map, in worker processes when ``workers > 1``."""
    items = list(items)
    if workers <= 1 or len(items) < 16:
        return [fn(i) for i in items]
    with ProcessPoolExecutor(max_workers=workers) as ex:
        return list(ex.map(fn, items, chunksize=max(1, len(items) // (workers * 8))))


def _image_job(seed: int, root: Path, k: int) -> int:
    st = build_study(seed, k)
    front, lat = render_study(seed, st)
    write_study_images(root, st, front, lat)
    return 1 + (lat is not None)


def _iu_job(seed: int, k: int) -> tuple[str, tuple[bytes, bytes]]:
    case = build_iu(seed, k)
    front, lat = render_iu(seed, case)
    return case.uid, (png_bytes(front), png_bytes(lat))


def _reading_job(
    seed: int, root: Path, hz: float, gaze_signal: str, key: Any
) -> tuple[list[object], TruthReading, int]:
    return run_reading(seed, root, key, hz, gaze_signal)


def _mimic(
    root: Path, seed: int, studies: list[Study], images: bool, workers: int, counts: dict[str, int]
) -> None:
    if images:
        counts["mimic_images"] = sum(_pmap(partial(_image_job, seed, root), range(len(studies)), workers))
    for st in studies:
        write_report(root, st)
    write_tables(root, studies)
    counts["mimic_studies"] = len(studies)
    counts["r2gen_mimic_entries"] = write_r2gen(root, studies)
    counts["reports_without_findings"] = sum(not s.plan.has_findings_section for s in studies)


def _reflacx(
    root: Path,
    seed: int,
    spec: SizeSpec,
    studies: list[Study],
    workers: int,
    counts: dict[str, int],
    gaze_signal: str,
    phases: tuple[int, ...],
) -> dict[str, TruthReading]:
    keys = [
        replace(k, split=studies[k.study_index].split)
        for k in assign_readings(seed, spec)
        if k.phase in phases
    ]
    results = _pmap(partial(_reading_job, seed, root, spec.gaze_hz, gaze_signal), keys, workers)
    meta: dict[int, list[list[object]]] = {}
    for key, (row, _, _) in zip(keys, results):
        meta.setdefault(key.phase, []).append(row)
    write_metadata(root, meta)
    counts["reflacx_readings"] = len(keys)
    counts["reflacx_discarded"] = sum(k.discarded for k in keys)
    counts["gaze_samples"] = sum(r[2] for r in results)
    return {t.reading_id: t for _, t, _ in results}


def balanced_iu_cases(seed: int, spec: SizeSpec) -> list[IuCase]:
    """The IU cases of the size, splits balanced (:mod:`~gazex_bench.phantom.splits`)."""
    cases = [build_iu(seed, k) for k in range(spec.iu_samples)]
    splits = balance_splits(
        [c.split for c in cases], {"iu-report": [True] * len(cases)}, ("test", "train", "val")
    )
    return [c if c.split == sp else replace(c, split=sp) for c, sp in zip(cases, splits)]


def _iu(root: Path, seed: int, spec: SizeSpec, images: bool, workers: int) -> list[Any]:
    cases = balanced_iu_cases(seed, spec)
    pix = dict(_pmap(partial(_iu_job, seed), range(len(cases)), workers)) if images else None
    write_iu(root, cases, pix)
    return cases


def _truth_samples(studies: list[Study], cases: list[Any]) -> dict[str, TruthSample]:
    out = {}
    for st in studies:
        out[f"mimic-cxr/{st.dicom_id}"] = TruthSample(
            "mimic-cxr",
            st.dicom_id,
            (st.dicom_id,),
            st.finding_ids,
            tuple(f.kind for f in st.findings),
            st.plan.has_findings_section,
        )
    for c in cases:
        out[f"iu-xray/{c.uid}"] = TruthSample(
            "iu-xray", c.uid, (c.uid,), c.finding_ids, tuple(f.kind for f in c.findings)
        )
    return out


def generate_phantom(
    out: str | Path,
    *,
    seed: int = 0,
    size: str = "small",
    images: bool = True,
    parts: tuple[str, ...] = PARTS,
    workers: int | None = None,
    gaze_signal: str = "informative",
    reflacx_phases: tuple[int, ...] = (1, 2, 3),
) -> PhantomSummary:
    """Write the phantom datasets and their truth under ``out``.

    Args:
        out: Root folder (created).
        seed: Master seed.
        size: ``tiny`` | ``small`` | ``paper`` (see :data:`~gazex_bench.phantom.spec.SIZES`).
        images: Write pixel files (JPG/PNG); ``False`` skips them (everything else identical).
        parts: Subset of ``mimic``, ``reflacx``, ``iu``, ``vqa``, ``ms-cxr`` to write (truth is always written).
        workers: Processes for rendering/simulation (default ``min(2, cpu_count)``); output does not depend on it.
        gaze_signal: ``informative`` (default): the gaze before and while a finding is dictated
            is on the finding. ``decoupled``: that gaze goes to a decoy drawn from the phantom's
            finding distribution independently of the image's findings (same route, durations and
            dwell statistics; no information on where findings are): the negative control for
            gaze-supervised training. Recorded in ``phantom_truth/truth.json`` (``gaze_signal``).
        reflacx_phases: REFLACX phases to simulate (default all; e.g. ``(2,)`` writes only the
            multi-reader phase, for calibration tests). Readings of a phase never depend on the others.

    Returns:
        Counts of what was written and seconds per stage.

    Raises:
        UsageError: unknown size, part or gaze signal.
    """
    spec = _check(size, parts)
    if gaze_signal not in GAZE_SIGNALS:
        raise UsageError(f"unknown gaze signal {gaze_signal!r}; choose one of {', '.join(GAZE_SIGNALS)}")
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    counts: dict[str, int] = {}
    secs: dict[str, float] = {}
    t = time.perf_counter()
    studies = balanced_studies(seed, spec)
    secs["plan"] = time.perf_counter() - t
    stages = _stages(root, seed, spec, studies, images, workers, counts, gaze_signal, reflacx_phases)
    results = _run_stages(stages, parts, secs)
    cases = results.get("iu") or []
    counts["iu_samples"] = len(cases)
    t = time.perf_counter()
    _write_all_truth(root, seed, size, studies, cases, results.get("reflacx") or {}, gaze_signal)
    secs["truth"] = time.perf_counter() - t
    return PhantomSummary(root, seed, size, images, counts, secs)


MIMIC_REQUIREMENTS = ("ms-cxr-grounding", "mimic-report", "cxr-vqa")
"""Tasks whose samples come from MIMIC studies (scarcest first): each split holds >= 2 of their studies."""


def mimic_requirements(studies: list[Study]) -> dict[str, list[bool]]:
    """Per task of :data:`MIMIC_REQUIREMENTS`, which studies give it a sample.

    MS-CXR: a finding in one of its 8 categories; R2Gen (``mimic-report``): a FINDINGS section;
    Medical-CXR-VQA: every study (each has at least one absent-finding question).
    """
    return {
        "ms-cxr-grounding": [any(KINDS[f.kind].ms_cxr is not None for f in st.findings) for st in studies],
        "mimic-report": [st.plan.has_findings_section for st in studies],
        "cxr-vqa": [True] * len(studies),
    }


def balanced_studies(seed: int, spec: SizeSpec) -> list[Study]:
    """All MIMIC studies of the size, splits balanced over the tasks that use them (:mod:`~gazex_bench.phantom.splits`).

    Built whatever ``parts`` asks for, so the REFLACX ``split`` column never depends on it.
    """
    studies = [build_study(seed, k) for k in range(spec.mimic_studies)]
    splits = balance_splits(
        [st.split for st in studies], mimic_requirements(studies), ("test", "train", "validate")
    )
    return [st if st.split == sp else replace(st, split=sp) for st, sp in zip(studies, splits)]


def _check(size: str, parts: tuple[str, ...]) -> SizeSpec:
    """The size's spec; UsageError for an unknown size or part."""
    if size not in SIZES:
        raise UsageError(f"unknown phantom size {size!r}; choose one of {', '.join(SIZES)}")
    bad = set(parts) - set(PARTS)
    if bad:
        raise UsageError(f"unknown phantom part(s) {sorted(bad)}; choose from {', '.join(PARTS)}")
    return SIZES[size]


def _stages(
    root: Path,
    seed: int,
    spec: SizeSpec,
    studies: list[Study],
    images: bool,
    workers: int,
    counts: dict[str, int],
    gaze_signal: str,
    reflacx_phases: tuple[int, ...],
) -> list[tuple[str, Callable[[], Any]]]:
    """The dataset writers in their fixed order, each a ``(part name, thunk)`` (counts go into ``counts``)."""
    return [
        ("mimic", lambda: _mimic(root, seed, studies, images, workers, counts)),
        (
            "reflacx",
            lambda: _reflacx(root, seed, spec, studies, workers, counts, gaze_signal, reflacx_phases),
        ),
        ("iu", lambda: _iu(root, seed, spec, images, workers)),
        ("vqa", lambda: counts.__setitem__("vqa_rows", write_vqa(root, seed, studies))),
        ("ms-cxr", lambda: counts.__setitem__("ms_cxr_rows", write_mscxr(root, seed, studies))),
    ]


def _run_stages(
    stages: list[tuple[str, Callable[[], Any]]], parts: tuple[str, ...], secs: dict[str, float]
) -> dict[str, Any]:
    """Run the stages named in ``parts`` in order, timing each (seconds into ``secs``)."""
    results: dict[str, Any] = {}
    for name, fn in stages:
        if name in parts:
            t = time.perf_counter()
            results[name] = fn()
            secs[name] = time.perf_counter() - t
            log.info("phantom %s: %.2f s", name, secs[name])
    return results


def _write_all_truth(
    root: Path,
    seed: int,
    size: str,
    studies: list[Study],
    cases: list[Any],
    readings: dict[str, TruthReading],
    gaze_signal: str,
) -> None:
    """Write ``phantom_truth/`` for the studies, IU cases and readings generated."""
    images_truth: dict[str, TruthImage] = {st.dicom_id: st.truth() for st in studies}
    images_truth.update({c.uid: c.truth() for c in cases})
    write_truth(
        root, PhantomTruth(seed, size, images_truth, readings, _truth_samples(studies, cases), gaze_signal)
    )

"""Gaze analyses of GazeX Bench: preprocessing records and gaze-alignment analyses.

Light by design (numpy / scipy / pandas only, never torch). Public entry points:

* :func:`icc` — six ICC forms of an ``(n_targets, n_raters)`` table (pingouin 0.7.0 names);
  :func:`icc_table` (F, df, p, 95 % CIs), :func:`icc_batch`, :func:`icc_grouped`.
* :func:`dtw_path` — exact DTW path + distance, tslearn convention.
* :func:`gaussian_cosine` — cosine of two box-derived anisotropic Gaussian maps.
* :func:`run_gaze_alignment` — every alignment table (dwell, trajectories, ICC after DTW,
  Gaussian cosine, saliency with baselines, majority vote).
"""

from __future__ import annotations

import importlib
from typing import Any

# Eager (numpy-only) imports. ``icc`` must be bound here, after the submodule of the same
# name is loaded, so that ``gazex_bench.gaze.icc`` is the function, not the module.
from gazex_bench.gaze.dtw import dtw_distance, dtw_path
from gazex_bench.gaze.icc import ICC_TYPES, icc, icc_batch, icc_grouped, icc_table
from gazex_bench.gaze.similarity import gaussian_cosine, gaussian_cosine_closed_form, map_cosine_matrix

_EXPORTS: dict[str, str] = {
    "AlignmentConfig": "alignment",
    "GazeAlignmentResult": "alignment",
    "run_gaze_alignment": "alignment",
    "IDENTITY_UNAVAILABLE": "inputs",
    "ModelFinding": "inputs",
    "ModelImage": "inputs",
    "ReaderGaze": "inputs",
    "reader_from_reflacx": "inputs",
}


def __getattr__(name: str) -> Any:
    """Import the heavier (pandas/scipy) entry points lazily."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"gazex_bench.gaze.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'gazex_bench.gaze' has no attribute {name!r}")


__all__ = [
    "AlignmentConfig",
    "GazeAlignmentResult",
    "ICC_TYPES",
    "IDENTITY_UNAVAILABLE",
    "ModelFinding",
    "ModelImage",
    "ReaderGaze",
    "dtw_distance",
    "dtw_path",
    "gaussian_cosine",
    "gaussian_cosine_closed_form",
    "icc",
    "icc_batch",
    "icc_grouped",
    "icc_table",
    "map_cosine_matrix",
    "reader_from_reflacx",
    "run_gaze_alignment",
]

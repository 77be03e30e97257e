"""Named gaze-preprocessing presets sharing one implementation (:mod:`gazex_bench.gaze.preprocess`).

Two presets are defined (``datasets.md`` §6, ``docs/gaze_reference.md`` §3.5/§4/§6, paper Methods 4.1):

* ``paper`` -- the paper's prose (Methods 4.1): **fixations** whose start time lies in the
  2.5 s before the mention (mention = sentence start), one anisotropic Gaussian per
  fixation with sigma = 1 degree of visual angle (``angular_resolution_*`` px/deg), evaluated
  in a per-axis window of +-3 sigma, summed unweighted ("the resulting Gaussians are summed");
  DBSCAN on the map; per-cluster maps from the fixations assigned to each cluster; centroid =
  intensity-weighted centre inside the box; box = top 20 % of the non-zero map pixels.
  Coordinates are **continuous** quarter-scale pixels (pixel ``i`` covers ``[i, i+1)``,
  Gaussians are evaluated at pixel centres ``i + 0.5``).
* ``gazex-code`` -- the public GazeX scripts (``Generate_Attention_Videos_Phase_*.py``,
  ``Bounding_Box_Centroid_Phase_*.py``): **raw samples** from 2 s before the sentence start to
  its end, 5-95 % percentile trimming of x and of y, Gaussians centred on ``int(x/4)`` with
  sigma x1.5 (clustering) / x1.25 (cluster and holistic maps) in a square window of radius
  ``int(3 * max(sigma))``; cKDTree nearest-sample assignment; cluster box = log-normalised
  map > 0.1; holistic box = "top 20 %" of the log-normalised map over the whole image;
  clusters emitted only when a sentence has more than one. Coordinates are GazeX's
  **pixel indices** (a centroid of ``10.0`` is the centre of pixel column 10; boxes are
  inclusive first/last pixel indices) so numbers compare 1:1 with GazeX's CSVs.

Common to both: x1/4 downsampling (image shape ``(H // 4, W // 4)``, coordinates and sigma
/4); maps normalised by their maximum; pixels with normalised heat > 0.1 clustered by
DBSCAN(eps=0.3, min_samples=10) on ``[StandardScaler(x, y), 0.1 * heat]`` in row-major pixel
order; clusters ordered by mean timestamp.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from gazex_bench.errors import UsageError

Source = Literal["fixations", "samples"]
WindowUntil = Literal["mention_start", "sentence_end"]
WindowShape = Literal["rect", "square_max"]
CenterMode = Literal["exact", "trunc"]
Weight = Literal["duration", "none"]
GaussianForm = Literal["peak1", "pdf"]
Assignment = Literal["nearest_cluster_pixel", "nearest_sample_per_pixel"]
BoxRule = Literal["top_percent", "log_threshold", "top_percent_log_image"]
DbscanImpl = Literal["grid", "sklearn"]


@dataclass(frozen=True)
class GazePreset:
    """All knobs of the gaze preprocessing (units in each field's docstring).

    Build variants with :func:`dataclasses.replace`; validate with :meth:`check`.
    """

    name: str
    source: Source
    """``fixations`` (``fixations.csv``) or ``samples`` (raw ``gaze.csv``)."""
    window_before_s: float
    """Seconds before the sentence start where the window opens."""
    window_until: WindowUntil
    """Window end: the mention (= sentence start) or the sentence's last token end."""
    percentile_trim: tuple[float, float] | None
    """Keep points with x and y inside these percentiles of the window (GazeX: (5, 95))."""
    sigma_scale_cluster: float
    """Multiplier of sigma (1 degree) for the clustering map."""
    sigma_scale_map: float
    """Multiplier of sigma for the per-cluster and holistic maps."""
    center: CenterMode
    """``exact``: continuous centre, pixel centres at ``i + 0.5``; ``trunc``: ``int(x)``, index frame."""
    window_shape: WindowShape
    """``rect``: +-truncate*sigma per axis; ``square_max``: radius ``int(truncate * max(sigma))``."""
    assignment: Assignment
    """How gaze points are tied to DBSCAN clusters (see :mod:`gazex_bench.gaze.clusters`)."""
    cluster_box: BoxRule
    holistic_box: BoxRule
    min_clusters: int
    """Clusters are emitted only when a sentence has at least this many (GazeX: 2)."""
    weight: Weight = "none"
    """Per-point weight of its Gaussian: fixation duration (s) or 1."""
    gaussian: GaussianForm = "peak1"
    """``peak1``: ``exp(-...)`` (GazeX); ``pdf``: divided by ``2 pi sx sy`` (REFLACX)."""
    sigma_deg: float = 1.0
    """Sigma in degrees of visual angle (sigma_px = ppd * sigma_deg * scale)."""
    truncate: float = 3.0
    """Window radius in sigmas."""
    scale: float = 0.25
    """Image / coordinate downsampling factor (quarter scale)."""
    heat_threshold: float = 0.1
    """Pixels with max-normalised clustering heat > this are clustered."""
    dbscan_eps: float = 0.3
    dbscan_min_samples: int = 10
    intensity_weight: float = 0.1
    """Weight of the normalised heat as third DBSCAN feature."""
    dbscan_impl: DbscanImpl = "grid"
    """``grid``: exact fast equivalent of sklearn on pixel grids; ``sklearn``: sklearn itself."""
    box_top_percent: float = 20.0
    box_log_threshold: float = 0.1

    def check(self) -> GazePreset:
        """Raise :class:`UsageError` on inconsistent values; return self."""
        if self.window_before_s < 0 or self.truncate <= 0 or not 0 < self.scale <= 1:
            raise UsageError(f"preset {self.name!r}: window_before_s >= 0, truncate > 0, 0 < scale <= 1")
        if (
            self.percentile_trim is not None
            and not 0 <= self.percentile_trim[0] < self.percentile_trim[1] <= 100
        ):
            raise UsageError(f"preset {self.name!r}: percentile_trim must satisfy 0 <= lo < hi <= 100")
        if self.min_clusters < 1 or self.dbscan_min_samples < 1 or self.dbscan_eps <= 0:
            raise UsageError(
                f"preset {self.name!r}: min_clusters, dbscan_min_samples >= 1 and dbscan_eps > 0"
            )
        if self.assignment == "nearest_sample_per_pixel" and self.source != "samples":
            raise UsageError(f"preset {self.name!r}: nearest_sample_per_pixel needs source='samples'")
        return self

    @property
    def frame(self) -> str:
        """Output coordinate frame: ``continuous`` or ``index`` (quarter-scale pixels)."""
        return "continuous" if self.center == "exact" else "index"


PAPER = GazePreset(
    name="paper",
    source="fixations",
    window_before_s=2.5,
    window_until="mention_start",
    percentile_trim=None,
    sigma_scale_cluster=1.0,
    sigma_scale_map=1.0,
    center="exact",
    window_shape="rect",
    assignment="nearest_cluster_pixel",
    cluster_box="top_percent",
    holistic_box="top_percent",
    min_clusters=1,
)

GAZEX_CODE = GazePreset(
    name="gazex-code",
    source="samples",
    window_before_s=2.0,
    window_until="sentence_end",
    percentile_trim=(5.0, 95.0),
    sigma_scale_cluster=1.5,
    sigma_scale_map=1.25,
    center="trunc",
    window_shape="square_max",
    assignment="nearest_sample_per_pixel",
    cluster_box="log_threshold",
    holistic_box="top_percent_log_image",
    min_clusters=2,
)

PRESETS: dict[str, GazePreset] = {p.name: p for p in (PAPER, GAZEX_CODE)}


def get_preset(preset: str | GazePreset, **overrides: Any) -> GazePreset:
    """Return a preset by name (or pass one through), with optional field overrides.

    Raises:
        UsageError: unknown name or invalid values.
    """
    if isinstance(preset, str):
        if preset not in PRESETS:
            raise UsageError(f"unknown gaze preset {preset!r}; choose one of {sorted(PRESETS)}")
        preset = PRESETS[preset]
    return replace(preset, **overrides).check() if overrides else preset.check()  # .check() validates values

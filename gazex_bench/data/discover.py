"""Find the five datasets under one data root (PhysioNet / R2Gen / Kaggle folder names).

Folder names (``/work/shared/reference/datasets.md``; relative to the root):

===============  ==========================================================================
field            looked for
===============  ==========================================================================
reflacx          ``reflacx-xray-localization/1.0.0``
mimic_jpg        ``mimic-cxr-jpg/2.1.0``, then ``mimic-cxr-jpg/2.0.0``
mimic_reports    ``mimic-cxr/2.0.0`` (raw reports under ``files/``)
mimic_r2gen      ``mimic_cxr/annotation.json`` (images: ``mimic_cxr/images/`` if present,
                 else the JPG tree's ``files/``)
iu               ``iu_xray`` (with ``annotation.json``), then ``chest-xrays-indiana-university``
vqa              ``medical-cxr-vqa-dataset/1.0.0``
ms_cxr           ``ms-cxr/1.1.0``, then ``ms-cxr/0.1``
===============  ==========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from gazex_bench.errors import UsageError

LOOKED_FOR: dict[str, tuple[str, ...]] = {
    "reflacx": ("reflacx-xray-localization/1.0.0",),
    "mimic_jpg": ("mimic-cxr-jpg/2.1.0", "mimic-cxr-jpg/2.0.0"),
    "mimic_reports": ("mimic-cxr/2.0.0",),
    "mimic_r2gen": ("mimic_cxr/annotation.json",),
    "iu": ("iu_xray/annotation.json", "chest-xrays-indiana-university/indiana_reports.csv"),
    "vqa": ("medical-cxr-vqa-dataset/1.0.0",),
    "ms_cxr": ("ms-cxr/1.1.0", "ms-cxr/0.1"),
}
"""Candidates per dataset, in order of preference (a file candidate yields its folder, except R2Gen MIMIC)."""

ALIASES: dict[str, str] = {"mimic": "mimic_jpg", "ms-cxr": "ms_cxr", "mimic-reports": "mimic_reports"}
"""Override names accepted besides the field names (``mimic=`` is the MIMIC-CXR-JPG folder)."""

CLI_FLAGS: dict[str, str] = {
    "reflacx": "--reflacx",
    "mimic_jpg": "--mimic",
    "mimic_reports": "--mimic-reports",
    "mimic_r2gen": "--mimic-r2gen",
    "iu": "--iu",
    "vqa": "--vqa",
    "ms_cxr": "--ms-cxr",
}
"""Command-line flag that overrides each dataset folder."""


@dataclass(frozen=True)
class DataPaths:
    """Where each dataset lives (None = not found). All paths point at the dataset folder itself."""

    root: Path | None = None
    """The data root that was searched (None when only overrides were given)."""
    reflacx: Path | None = None
    """``reflacx-xray-localization/1.0.0``."""
    mimic_jpg: Path | None = None
    """``mimic-cxr-jpg/<version>`` (tables + ``files/`` JPG tree)."""
    mimic_reports: Path | None = None
    """``mimic-cxr/2.0.0`` (raw reports under ``files/``)."""
    mimic_r2gen: Path | None = None
    """R2Gen ``mimic_cxr/annotation.json`` (the file)."""
    mimic_r2gen_images: Path | None = None
    """Image root for ``mimic_r2gen`` ``image_path`` values."""
    iu: Path | None = None
    """R2Gen ``iu_xray`` folder or the Kaggle ``chest-xrays-indiana-university`` folder."""
    vqa: Path | None = None
    """``medical-cxr-vqa-dataset/1.0.0``."""
    ms_cxr: Path | None = None
    """``ms-cxr/1.1.0`` or ``ms-cxr/0.1``."""

    def found(self) -> dict[str, Path]:
        """Datasets that were found, by field name."""
        return {k: getattr(self, k) for k in LOOKED_FOR if getattr(self, k) is not None}


def discover(root: Path | None, **overrides: Path | str | None) -> DataPaths:
    """Locate every dataset under ``root``; ``overrides`` point directly at a dataset folder.

    Args:
        root: The data root (may be None when every needed dataset is overridden).
        **overrides: ``reflacx=``, ``mimic=``/``mimic_jpg=``, ``mimic_reports=``,
            ``mimic_r2gen=`` (annotation.json or its folder), ``iu=``, ``vqa=``,
            ``ms_cxr=``. None values are ignored.

    Raises:
        UsageError: the root or an override does not exist, or an unknown override name.
    """
    if root is not None and not Path(root).is_dir():
        raise UsageError(f"data root {root} is not a directory")
    found: dict[str, Path | None] = {name: _search(Path(root), name) if root else None for name in LOOKED_FOR}
    for key, value in overrides.items():
        if value is None:
            continue
        name = ALIASES.get(key, key)
        if name not in LOOKED_FOR:
            raise UsageError(f"unknown dataset override {key!r} (known: {', '.join(LOOKED_FOR)})")
        path = Path(value)
        if not path.exists():
            raise UsageError(f"{CLI_FLAGS[name]} {path} does not exist")
        if name == "mimic_r2gen" and path.is_dir():
            path = path / "annotation.json"
        found[name] = path
    images = _r2gen_images(found["mimic_r2gen"], found["mimic_jpg"])
    return DataPaths(root=Path(root) if root else None, mimic_r2gen_images=images, **found)


def _search(root: Path, name: str) -> Path | None:
    for rel in LOOKED_FOR[name]:
        cand = root / rel
        if not cand.exists():
            continue
        if name == "mimic_r2gen" or cand.is_dir():
            return cand
        return cand.parent
    return None


def _r2gen_images(annotation: Path | None, jpg: Path | None) -> Path | None:
    if annotation is None:
        return None
    local = annotation.parent / "images"
    if local.is_dir() or jpg is None:
        return local
    return jpg / "files"


def require(paths: DataPaths, name: str) -> Path:
    """The folder of dataset ``name`` (a :class:`DataPaths` field name), or a clear UsageError.

    Raises:
        UsageError: ``data root X has no <dataset> (looked for ...)``.
    """
    name = ALIASES.get(name, name)
    if name not in LOOKED_FOR:
        raise UsageError(f"unknown dataset {name!r} (known: {', '.join(LOOKED_FOR)})")
    value = getattr(paths, name)
    if value is None:
        looked = ", ".join(LOOKED_FOR[name])
        raise UsageError(
            f"data root {paths.root} has no {name} (looked for {looked}; or pass {CLI_FLAGS[name]} DIR)"
        )
    return cast("Path", value)


__all__ = ["ALIASES", "CLI_FLAGS", "LOOKED_FOR", "DataPaths", "discover", "require"]

"""One small registry class, used for adapters and tasks.

Entries are lazy ``"module:attr"`` targets (or objects); nothing is imported until
:meth:`Registry.get`. Duplicate names are an error. Unknown names raise
:class:`~gazex_bench.errors.UsageError` with a did-you-mean suggestion (difflib).

Adapters come from the built-ins below plus the entry-point group
``gazex_bench.adapters`` (``importlib.metadata.entry_points``): a third-party package
registers a model with, in its ``pyproject.toml``::

    [project.entry-points."gazex_bench.adapters"]
    my-model = "my_pkg.adapter:MyAdapter"

and ``gazex-bench run --model my-model`` finds it with no change here.
"""

from __future__ import annotations

import difflib
import importlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from gazex_bench.errors import UsageError
from gazex_bench.io import loads_json

T = TypeVar("T")
log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "gazex_bench.adapters"


@dataclass(frozen=True)
class Entry:
    """One registered name."""

    name: str
    target: Any
    """A ``"module:attr"`` string (imported on first use) or the object itself."""
    source: str = "builtin"
    """``builtin`` or ``entry-point:<distribution>``."""


class Registry(Generic[T]):
    """Name → lazily imported object, refusing duplicates.

    Args:
        kind: What is registered (``"adapter"``, ``"task"``), used in messages.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry] = {}
        self._loaded: dict[str, T] = {}

    def register(self, name: str, target: Any, *, source: str = "builtin") -> None:
        """Add ``name``; raises :class:`UsageError` if it is already registered."""
        if name in self._entries:
            prev = self._entries[name].source
            raise UsageError(f"{self.kind} '{name}' is registered twice ({prev} and {source})")
        self._entries[name] = Entry(name, target, source)

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._entries)

    def entries(self) -> list[Entry]:
        """Registered entries, sorted by name."""
        return [self._entries[n] for n in self.names()]

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def get(self, name: str) -> T:
        """Return the object for ``name``, importing a lazy target on first use.

        Raises:
            UsageError: unknown name (with did-you-mean) or a target that fails to import.
        """
        if name not in self._entries:
            raise UsageError(self.unknown_message(name))
        if name not in self._loaded:
            entry = self._entries[name]
            self._loaded[name] = _resolve(entry, self.kind)
        return self._loaded[name]

    def unknown_message(self, name: str) -> str:
        """``unknown <kind> 'x'; did you mean 'y'? (known: ...)``."""
        close = difflib.get_close_matches(name, self.names(), n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        return f"unknown {self.kind} '{name}'{hint} (known: {', '.join(self.names())})"


def _resolve(entry: Entry, kind: str) -> Any:
    if not isinstance(entry.target, str):
        return entry.target
    module_name, _, attr = entry.target.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in attr.split(".") if attr else []:
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise UsageError(
            f"{kind} '{entry.name}' ({entry.source}) cannot be loaded from '{entry.target}': {exc}"
        ) from None
    return obj


# --------------------------------------------------------------------------- adapters

BUILTIN_ADAPTERS: dict[str, str] = {
    "hf-vlm": "gazex_bench.models.hf_vlm:HfVlmAdapter",
    "predictions": "gazex_bench.models.predictions:PredictionsAdapter",
    "oracle": "gazex_bench.models.baselines.oracle:OracleAdapter",
    "random": "gazex_bench.models.baselines.random_baseline:RandomAdapter",
    "nearest-report": "gazex_bench.models.baselines.nearest_report:NearestReportAdapter",
    "empty-report": "gazex_bench.models.baselines.empty_report:EmptyReportAdapter",
    "majority-answer": "gazex_bench.models.baselines.majority_answer:MajorityAnswerAdapter",
    "chest-box": "gazex_bench.models.baselines.boxes:ChestBoxAdapter",
    "center-box": "gazex_bench.models.baselines.boxes:CenterBoxAdapter",
    "center-bias": "gazex_bench.models.baselines.center_bias:CenterBiasAdapter",
}
"""Adapters shipped with the suite (name → lazy target)."""


def build_adapter_registry(
    extra: Iterable[tuple[str, str, str]] | None = None,
) -> Registry[Any]:
    """Registry of built-in adapters plus the ``gazex_bench.adapters`` entry points.

    Args:
        extra: Additional ``(name, target, source)`` triples (tests); defaults to the
            installed entry points.
    """
    reg: Registry[Any] = Registry("adapter")
    for name, target in BUILTIN_ADAPTERS.items():
        reg.register(name, target)
    triples = list(extra) if extra is not None else _entry_point_triples()
    for name, target, source in triples:
        reg.register(name, target, source=source)
    return reg


def _entry_point_triples() -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(getattr(ep, "dist", None), "name", None) or "unknown"
        if (ep.name, ep.value) in seen:  # the same distribution found twice on sys.path
            continue
        seen.add((ep.name, ep.value))
        out.append((ep.name, ep.value, f"entry-point:{dist}"))
    return out


def create_adapter(name: str, registry: Registry[Any] | None = None, **model_args: Any) -> Any:
    """Construct adapter ``name`` with keyword ``model_args``.

    Raises:
        UsageError: unknown adapter, or arguments the adapter does not accept.
    """
    reg = registry if registry is not None else build_adapter_registry()
    factory = reg.get(name)
    try:
        return factory(**model_args)
    except TypeError as exc:
        raise UsageError(f"bad --model-arg for adapter '{name}': {exc}") from None


def parse_model_args(items: Sequence[str] | None, flag: str = "--model-arg") -> dict[str, Any]:
    """Parse ``k=v`` strings to typed values.

    ``v`` is read as JSON when it parses (``3`` → int, ``0.5`` → float, ``true`` →
    bool, ``null`` → None, ``[1,2]`` → list); ``True``/``False``/``None`` in Python
    spelling are accepted too; anything else stays a string (``path=/x/y``).

    Raises:
        UsageError: an item without ``=`` or a repeated key.
    """
    out: dict[str, Any] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key:
            raise UsageError(f"{flag} must look like key=value, got '{item}'")
        if key in out:
            raise UsageError(f"{flag} '{key}' given twice")
        out[key] = _typed(value.strip())
    return out


def _typed(value: str) -> Any:
    python_words = {"True": True, "False": False, "None": None}
    if value in python_words:
        return python_words[value]
    try:
        return loads_json(value)  # NaN, Infinity and 1e999 are not numbers here (kept as text)
    except ValueError:
        return value

"""The task registry: task name → lazily imported :class:`~gazex_bench.tasks.base.Task` class.

``iu-report`` is the paper's IU X-ray *setting 1* (official test split, fine-tuned
models); ``iu-report-zeroshot`` is *setting 2* (zero-shot, the whole dataset, used for
clinical efficacy because the test split has too few positives).
"""

from __future__ import annotations

from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.models.registry import Registry
from gazex_bench.tasks.base import Task

BUILTIN_TASKS: dict[str, str] = {
    "mimic-report": "gazex_bench.tasks.report.mimic:MimicReportTask",
    "iu-report": "gazex_bench.tasks.report.iu:IuReportTask",
    "iu-report-zeroshot": "gazex_bench.tasks.report.iu:IuReportZeroShotTask",
    "cxr-vqa": "gazex_bench.tasks.cxr_vqa:CxrVqaTask",
    "ms-cxr-grounding": "gazex_bench.tasks.ms_cxr_grounding:MsCxrGroundingTask",
    "reflacx-gaze": "gazex_bench.tasks.reflacx_gaze.task:ReflacxGazeTask",
}


def build_task_registry(extra: dict[str, Any] | None = None) -> Registry[Any]:
    """Registry of the built-in tasks (plus ``extra`` name → class/target, for tests)."""
    reg: Registry[Any] = Registry("task")
    for name, target in {**BUILTIN_TASKS, **(extra or {})}.items():
        reg.register(name, target)
    return reg


def get_task(
    name: str, registry: Registry[Any] | None = None, task_args: dict[str, Any] | None = None
) -> Task:
    """Instantiate task ``name`` with its ``--task-arg`` options.

    Raises:
        UsageError: unknown task (with did-you-mean) or unknown task option.
    """
    reg = registry if registry is not None else build_task_registry()
    return reg.get(name)(**(task_args or {}))


def task_class(name: str, registry: Registry[Any] | None = None) -> type[Task] | None:
    """The class of task ``name`` without instantiating it; None when unknown or unavailable."""
    reg = registry if registry is not None else build_task_registry()
    try:
        cls = reg.get(name)
    except UsageError:
        return None
    return cls if isinstance(cls, type) and issubclass(cls, Task) else None


def task_title(name: str) -> str:
    """Display title of task ``name`` (its declared :attr:`Task.title`, else the name)."""
    cls = task_class(name)
    return (cls.title or name) if cls is not None else name


def headline_metrics(name: str) -> tuple[str, ...]:
    """Metric keys task ``name`` shows in tables, figures and leaderboards (empty when unknown)."""
    cls = task_class(name)
    return tuple(cls.headline_metrics) if cls is not None else ()


def reference_baselines(name: str) -> tuple[str, ...]:
    """Adapters whose runs of task ``name`` are reference (``baseline``) rows."""
    cls = task_class(name)
    return tuple(cls.reference_baselines) if cls is not None else ()

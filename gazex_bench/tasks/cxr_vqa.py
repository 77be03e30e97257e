"""``cxr-vqa``: Medical-CXR-VQA, top-1 phrase-matching accuracy.

Samples: question–answer pairs of the split whose MIMIC-CXR-JPG frontal image exists
(others dropped as ``no_image``). Metric conventions from :mod:`gazex_bench.metrics.vqa`;
CIs are cluster-bootstrapped by study (many questions share one image).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from gazex_bench.data.cxr_vqa import read_cxr_vqa
from gazex_bench.data.discover import discover
from gazex_bench.metrics.vqa import vqa_accuracy
from gazex_bench.models.types import Capability, Response, VqaRequest
from gazex_bench.tasks.aggregate import mean_with_ci
from gazex_bench.tasks.base import ScoreOptions, ScoreResult, Task, TaskData, TaskSample
from gazex_bench.tasks.common import (
    dataset_folder,
    merge_counts,
    missing_image,
    select_split,
    take_samples,
    train_records,
)

VQA_CONVENTION = (
    "top1-phrase-match@gazex-bench-v1 (metrics/vqa.py: split on ',' and 'and', normalise, any overlap)"
)


class CxrVqaTask(Task):
    """Medical-CXR-VQA question answering."""

    name = "cxr-vqa"
    title = "Medical-CXR-VQA"
    description = "Medical-CXR-VQA: answer questions about MIMIC-CXR frontal images"
    headline_metrics = (
        "accuracy",
        "accuracy_abnormality",
        "accuracy_presence",
        "accuracy_location",
        "accuracy_level",
        "accuracy_type",
        "accuracy_view",
        "accuracy_yes_no",
    )
    reference_baselines = ("oracle", "random", "majority-answer")
    capability = Capability.VQA
    dataset = "vqa"
    default_split = "test"
    primary_metric = "accuracy"
    metric_conventions = {
        "accuracy": VQA_CONVENTION,
        **{
            f"accuracy_{t}": VQA_CONVENTION + f", question_type={t}"
            for t in ("abnormality", "presence", "view", "location", "level", "type")
        },
        "accuracy_yes_no": VQA_CONVENTION + ", reference answer yes/no",
    }

    def load(self, data_root: Path, *, split: str | None, limit: int | None) -> TaskData:
        """Read the question CSV and resolve frontal JPGs."""
        folder = dataset_folder(data_root, "vqa")
        jpg = discover(data_root).mimic_jpg
        result = read_cxr_vqa(folder, jpg_root=jpg)
        split = split or self.default_split
        chosen = select_split(result.records, split, lambda r: r.split, "Medical-CXR-VQA")
        dropped: dict[str, int] = {}
        samples = take_samples(chosen, _sample, lambda r: missing_image([r.image_path]), limit, dropped)
        train = [
            _sample(r)
            for r in train_records(result.records, lambda r: r.split)
            if missing_image([r.image_path]) is None
        ]
        return TaskData(
            tuple(samples),
            tuple(train),
            "medical-cxr-vqa",
            split,
            len(chosen),
            merge_counts(result.skipped, dropped),
        )

    def score(self, data: TaskData, responses: Mapping[str, Response], options: ScoreOptions) -> ScoreResult:
        """Per-question correctness (0/1) and accuracies with study-clustered CIs."""
        samples = data.samples
        preds = [_text(responses[s.sample_id]) for s in samples]
        refs = [str(s.reference) for s in samples]
        qtypes = [str(s.meta["question_type"]) for s in samples]
        groups = [s.group or s.sample_id for s in samples]
        res = vqa_accuracy(preds, refs, qtypes, groups)
        per = {s.sample_id: {"accuracy": float(c)} for s, c in zip(samples, res.correct)}
        metrics = {"accuracy": mean_with_ci(res.correct.astype(float).tolist(), options, groups)}
        for key, mask in [(f"accuracy_{t}", [q == t for q in qtypes]) for t in sorted(set(qtypes))] + [
            ("accuracy_yes_no", list(res.yes_no))
        ]:
            vals = [float(c) for c, m in zip(res.correct, mask) if m]
            if vals:
                metrics[key] = mean_with_ci(vals, options, [g for g, m in zip(groups, mask) if m])
        return ScoreResult(per, metrics)


def _text(resp: Response) -> str:
    return resp.parsed if isinstance(resp.parsed, str) and resp.error is None else ""


def _sample(r: object) -> TaskSample:
    request = VqaRequest(r.sample_id, (Path(r.image_path),), r.question)  # type: ignore[attr-defined]
    return TaskSample(
        r.sample_id,
        request,
        r.answer,
        group=r.study_id,  # type: ignore[attr-defined]
        meta={"question_type": r.question_type},
    )  # type: ignore[attr-defined]

"""Shared machinery of the report-generation tasks (MIMIC-CXR, IU X-ray).

Metrics: BLEU-1..4, METEOR, ROUGE-L, CIDEr-D from :mod:`gazex_bench.metrics.report`
(``score_reports``) under the task's text convention (``r2gen`` / ``r2gen-iu``), and
clinical efficacy (CE) precision / recall / F1 from :mod:`gazex_bench.metrics.clinical`
under ``paper-pos`` (primary CE), ``mic5-unc-pos`` and ``ex14-pos``, with labels from the
rule-based CheXpert labeler — or CheXbert when ``--chexbert`` gives a checkpoint.
See :mod:`gazex_bench.tasks.report.scoring` for the scoring code.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gazex_bench.metrics.clinical import EMPTY_RULE
from gazex_bench.metrics.registry import CE_CONVENTIONS, CE_MULTICLASS, NLG_KEYS, ce_key
from gazex_bench.models.types import Capability, ReportRequest, Response
from gazex_bench.tasks.base import ScoreOptions, ScoreResult, Task, TaskData, TaskSample
from gazex_bench.tasks.common import merge_counts, missing_image, select_split, take_samples, train_records
from gazex_bench.tasks.report.scoring import corpus_functions, score_report_task

NLG_METRICS = NLG_KEYS

_CE_SCOPE = {
    "paper-pos": "14 CheXpert labels incl. No Finding, positive only, example-based",
    "paper-pos-13": "13 CheXpert labels, No Finding left out, positive only, example-based",
    "mic5-unc-pos": "5 Miura labels, uncertain = positive, micro",
    "ex14-pos": "14 CheXpert labels incl. No Finding, positive only, example-based",
}


def report_conventions(text_convention: str) -> dict[str, str]:
    """Metric name → convention id for a report task."""
    nlg = {m: f"{m}@pycoco-corpus/{text_convention}" for m in NLG_METRICS}
    nlg["meteor"] = f"meteor@metrics/report.py/{text_convention}"
    ce = {}
    for conv in CE_CONVENTIONS:
        for part in ("precision", "recall", "f1"):
            ce[ce_key(part, conv)] = (
                f"ce_{part}@{conv} (metrics/clinical.py: {_CE_SCOPE[conv]}; {EMPTY_RULE}; "
                "labeler named per row: run.json analysis_status.ce_labeler)"
            )
    for part in ("precision", "recall", "f1", "accuracy"):
        ce[ce_key(part, CE_MULTICLASS)] = (
            f"ce_{part}@paper-multiclass (metrics/clinical.py: 4 classes pos/neg/unc/"
            "blank per observation, mean over observations)"
        )
    return {**nlg, **ce}


class ReportTask(Task):
    """A report-generation task over R2Gen-style :class:`ReportSample` records."""

    capability = Capability.REPORT
    text_convention = "r2gen"
    primary_metric = "bleu4"
    dataset_label = ""
    reference_baselines = ("oracle", "random", "nearest-report", "empty-report")

    def read_records(self, data_root: Path) -> Any:
        """Return a :class:`~gazex_bench.data.records.ReadResult` of ReportSample."""
        raise NotImplementedError

    def load(self, data_root: Path, *, split: str | None, limit: int | None) -> TaskData:
        """Read the annotation, select the split, drop samples without images."""
        result = self.read_records(data_root)
        split = split or self.default_split
        chosen = select_split(result.records, split, lambda r: r.split, self.dataset_label)
        dropped: dict[str, int] = {}
        samples = take_samples(chosen, _sample, _report_problem, limit, dropped)
        train = [
            _sample(r)
            for r in train_records(result.records, lambda r: r.split)
            if missing_image(r.image_paths) is None
        ]
        return TaskData(
            tuple(samples),
            tuple(train),
            self.dataset_label,
            split,
            len(chosen),
            merge_counts(result.skipped, dropped),
        )

    def score(self, data: TaskData, responses: Mapping[str, Response], options: ScoreOptions) -> ScoreResult:
        """NLG + CE metrics with bootstrap CIs (see :mod:`gazex_bench.tasks.report.scoring`)."""
        hyps = [_text(responses[s.sample_id]) for s in data.samples]
        refs = [str(s.reference) for s in data.samples]
        ids = [s.sample_id for s in data.samples]
        return score_report_task(ids, hyps, refs, self.text_convention, options)

    def corpus_functions(
        self, data: TaskData, responses: Mapping[str, Response], ids: list[str], options: ScoreOptions
    ) -> dict[str, Any]:
        """Corpus metrics on ``ids`` as functions of resample weights (for ``gazex-bench compare``)."""
        by_id = {s.sample_id: s for s in data.samples}
        refs = [str(by_id[i].reference) for i in ids]
        hyps = [_text(responses[i]) for i in ids]
        return corpus_functions(ids, hyps, refs, self.text_convention, options)


def _text(resp: Response) -> str:
    return resp.parsed if isinstance(resp.parsed, str) and resp.error is None else ""


def _sample(r: Any) -> TaskSample:
    request = ReportRequest(r.sample_id, tuple(Path(p) for p in r.image_paths))
    return TaskSample(r.sample_id, request, r.report, group=r.study_id or r.sample_id)


def _report_problem(r: Any) -> str | None:
    """Why a report sample cannot be evaluated (missing image, empty reference), or None."""
    return missing_image(r.image_paths) or ("empty_report" if not r.report.strip() else None)

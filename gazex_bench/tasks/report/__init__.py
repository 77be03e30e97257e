"""Report-generation tasks: ``mimic-report``, ``iu-report``, ``iu-report-zeroshot``.

* :mod:`.base` — :class:`~.base.ReportTask`: loading (R2Gen-style records), requests, metric
  conventions, reference baselines; a dataset subclass only names its reader.
* :mod:`.scoring` — NLG (metrics/report.py) + clinical efficacy with CIs, and the corpus
  functions ``gazex-bench compare`` resamples.
* :mod:`.mimic`, :mod:`.iu` — the dataset tasks.
"""

from gazex_bench.tasks.report.base import ReportTask
from gazex_bench.tasks.report.iu import IuReportTask, IuReportZeroShotTask
from gazex_bench.tasks.report.mimic import MimicReportTask

__all__ = ["IuReportTask", "IuReportZeroShotTask", "MimicReportTask", "ReportTask"]

"""Reader for Medical-CXR-VQA (PhysioNet ``medical-cxr-vqa-dataset`` 1.0.0).

Format: ``/work/shared/reference/datasets.md`` section 4. The question file is
``medical-cxr-vqa-questions.csv`` (what the authors' code opens) or
``medical_cxr_vqa_questions.csv`` (what the README says); both are accepted. Columns
are read by name (order UNVERIFIED); ``dicom_id`` and ``split`` are optional.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from gazex_bench.data._csv import check_unique, find_variant, read_table
from gazex_bench.data.mimic import mimic_jpg_path
from gazex_bench.data.records import VQA_QUESTION_TYPES, ReadResult, VqaSample, short_hash

QUESTION_FILES: tuple[str, ...] = ("medical-cxr-vqa-questions.csv", "medical_cxr_vqa_questions.csv")
REQUIRED: tuple[str, ...] = ("study_id", "subject_id", "question_type", "question", "answer")
OPTIONAL: tuple[str, ...] = ("dicom_id", "split")


def find_question_file(path_or_dir: Path) -> Path:
    """The question CSV itself, or the first of :data:`QUESTION_FILES` (``.gz`` allowed) in a folder."""
    path = Path(path_or_dir)
    return find_variant(path, QUESTION_FILES) if path.is_dir() else path


def read_cxr_vqa(path_or_dir: Path, *, jpg_root: Path | None = None) -> ReadResult[VqaSample]:
    """Read all question-answer pairs.

    Args:
        path_or_dir: The question CSV or the ``medical-cxr-vqa-dataset/1.0.0`` folder.
        jpg_root: MIMIC-CXR-JPG root; when given and the row has a ``dicom_id``,
            ``image_path`` is set to the JPG path (existence not checked: 780k rows).

    Returns:
        Samples in file order, ``sample_id = f"{study_id}/{short_hash(question)}"``.
        ``stats['<question_type>']`` counts pairs per type.

    Raises:
        DataFormatError: missing column (closest name suggested), unknown question type,
            empty question/answer, non-numeric id, duplicate (study, question).
    """
    path = find_question_file(path_or_dir)
    t = read_table(path)
    t.require(REQUIRED, optional=OPTIONAL)
    has_dicom, has_split = "dicom_id" in t.index, "split" in t.index
    seen: dict[object, int] = {}
    stats: Counter[str] = Counter()
    records = []
    for i in range(len(t)):
        study, subject = t.numeric_id(i, "study_id"), t.numeric_id(i, "subject_id")
        question = t.text(i, "question")
        qtype = t.choice(i, "question_type", VQA_QUESTION_TYPES)
        sid = f"{study}/{short_hash(question)}"
        check_unique(t, i, sid, seen, "question")
        dicom = (t.text(i, "dicom_id", allow_empty=True) or None) if has_dicom else None
        image = mimic_jpg_path(jpg_root, subject, study, dicom) if jpg_root is not None and dicom else None
        split = (t.text(i, "split", allow_empty=True) or None) if has_split else None
        records.append(
            VqaSample(sid, study, subject, dicom, qtype, question, t.text(i, "answer"), split, image)
        )
        stats[qtype] += 1
    return ReadResult(records=tuple(records), source=path, stats=stats)

"""Reliability (#17): unreadable images, runs with nothing left, CSV quoting, typed prediction files.

Each class is checked through the CLI: exit code, one stderr line naming file/row/field, no
traceback, and the data folder (hashes) and output folder unchanged except for counted skips.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_helpers import one_error_line, snapshot  # type: ignore[import-not-found]

RUN = ("run", "--model", "random", "--split", "all", "--n-boot", "5", "--quiet")


def _images(root: Path) -> list[Path]:
    return sorted((root / "mimic-cxr-jpg").rglob("*.jpg"))


def test_undecodable_images_are_counted_and_named(phantom_copy: Path, tmp_path: Path, gb: Callable) -> None:
    imgs = _images(phantom_copy)
    good = imgs[0].read_bytes()
    damaged = {
        imgs[0]: b"",
        imgs[1]: good[: len(good) // 2],
        imgs[2]: b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
        imgs[3]: good[:300] + bytes(2000) + good[2300:],
    }  # zero-byte, truncated, fake PNG, corrupt scan
    for p, data in damaged.items():
        p.write_bytes(data)
    before = snapshot(phantom_copy)
    out = tmp_path / "runs"
    rc, _, err = gb(*RUN, "--task", "cxr-vqa", "--data-root", phantom_copy, "--out", out)
    assert rc == 0, err
    (rec,) = [json.loads(p.read_text()) for p in out.glob("*/run.json")]
    ds = rec["dataset"]
    bad = ds["problem_files"]["bad_image"]
    named = {Path(p) for p in bad}
    used = named & set(damaged)
    assert used and ds["dropped"]["bad_image"] >= len(used)  # every question on a damaged image
    assert all(bad[str(p)] for p in used)  # each with the decoder's reason
    assert ds["n_evaluated"] + sum(ds["dropped"].values()) == ds["n_source"]  # nothing lost silently
    assert snapshot(phantom_copy) == before  # the data is only read


def test_open_image_names_the_file(tmp_path: Path) -> None:
    from gazex_bench.errors import DataFormatError
    from gazex_bench.images import open_image

    p = tmp_path / "x.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(DataFormatError, match=r"x.png: image does not decode"):
        open_image(p)


@pytest.mark.parametrize("task", ["mimic-report", "cxr-vqa", "ms-cxr-grounding", "reflacx-gaze"])
def test_no_image_in_place_stops_with_one_line(
    phantom_copy: Path, tmp_path: Path, gb: Callable, task: str
) -> None:
    for p in _images(phantom_copy):
        p.unlink()
    out = tmp_path / "runs"
    rc, _, err = gb(*RUN, "--task", task, "--data-root", phantom_copy, "--out", out)
    line = one_error_line(
        rc,
        err,
        f"task {task}: no sample to evaluate",
        "no_image",
        f"images expected under {phantom_copy / 'mimic-cxr-jpg'}",
    )
    assert "math domain" not in line
    assert snapshot(out) == {}  # no run directory, no spec.json


def test_metrics_on_no_sample_are_nan() -> None:
    from gazex_bench.metrics.report import score_reports

    res = score_reports({}, {}, meteor="none")
    assert all(math.isnan(v) for v in res.values.values())
    ci = res.bootstrap(n_resamples=5, cider_df="resample")["cider_d"]  # log(N) with N = 0 used to raise
    assert math.isnan(ci.value) and ci.n == 0


def test_unbalanced_quote_fails_at_its_row(phantom_copy: Path, tmp_path: Path, gb: Callable) -> None:
    csv_path = phantom_copy / "medical-cxr-vqa-dataset" / "1.0.0" / "medical-cxr-vqa-questions.csv"
    lines = csv_path.read_text().splitlines(keepends=True)
    lines[3] = (
        lines[3].replace(",which view", ',"which view', 1)
        if ",which view" in lines[3]
        else lines[3].replace(",is ", ',"is ', 1)
    )
    assert '"' in lines[3]
    csv_path.write_text("".join(lines))
    out = tmp_path / "runs"
    rc, _, err = gb(*RUN, "--task", "cxr-vqa", "--data-root", phantom_copy, "--out", out)
    one_error_line(rc, err, str(csv_path), "row 3", "field 'question'", "unbalanced quote")
    assert snapshot(out) == {}


def _grounding_ids(root: Path) -> list[str]:
    from gazex_bench.tasks.registry import get_task

    return [s.sample_id for s in get_task("ms-cxr-grounding").load(root, split="all", limit=None).samples]


BAD_PARSED = {  # what goes wrong -> (parsed JSON of the 2nd line, field named in the error)
    "box_as_list": ('{"boxes": [[10, 10, 50, 50]]}', "parsed.boxes[0]"),
    "huge_int": ('{"boxes": [{"box": [1' + "0" * 400 + ', 1, 2, 3], "score": 1}]}', "parsed.boxes[0].box[0]"),
    "bool_score": ('{"boxes": [{"box": [1, 1, 2, 3], "score": true}]}', "parsed.boxes[0].score"),
    "heatmap_object": ('{"boxes": [], "heatmap": {"rows": 2}}', "parsed.heatmap"),
    "heatmap_string_cell": ('{"boxes": [], "heatmap": [[0.1, "x"], [0.2, 0.3]]}', "parsed.heatmap[0][1]"),
    "ragged_heatmap": ('{"boxes": [], "heatmap": [[0.1, 0.2], [0.3]]}', "parsed.heatmap"),
    "boxes_object": ('{"boxes": {"box": [1, 1, 2, 3]}}', "parsed.boxes"),
    "overflow_float": ('{"boxes": [{"box": [1e999, 1, 2, 3]}]}', "parsed.boxes[0].box[0]"),
}


@pytest.mark.parametrize("case", sorted(BAD_PARSED))
def test_prediction_file_field_types(tiny_phantom: Path, tmp_path: Path, gb: Callable, case: str) -> None:
    ids = _grounding_ids(tiny_phantom)
    parsed, field = BAD_PARSED[case]
    ok = '{"sample_id": "%s", "parsed": {"boxes": [{"box": [10, 10, 50, 50], "score": 1.0}]}}\n'
    text = (
        ok % ids[0]
        + '{"sample_id": "%s", "parsed": %s}\n' % (ids[1], parsed)  # noqa: UP031
        + "".join(ok % i for i in ids[2:])
    )
    pred = tmp_path / "preds.jsonl"
    pred.write_text(text)
    out = tmp_path / "runs"
    rc, _, err = gb(
        "run",
        "--task",
        "ms-cxr-grounding",
        "--model",
        "predictions",
        "--model-arg",
        f"path={pred}",
        "--data-root",
        tiny_phantom,
        "--split",
        "all",
        "--out",
        out,
        "--n-boot",
        "5",
        "--quiet",
    )
    one_error_line(rc, err, str(pred), "row 2", f"field '{field}'")
    assert not list(out.glob("*/predictions.jsonl")) and not list(out.glob("*/run.json"))


def test_gaze_cluster_must_be_an_object() -> None:
    from gazex_bench.io import FieldValueError
    from gazex_bench.models.types import Capability, parsed_from_json

    with pytest.raises(FieldValueError, match="must be an object") as exc:
        parsed_from_json(Capability.GAZE, {"clusters": [[1, 2]]})
    assert exc.value.field == "parsed.clusters[0]"
    with pytest.raises(FieldValueError) as exc:
        parsed_from_json(Capability.GAZE, {"clusters": [{"centroid": [1, 10**400]}]})
    assert exc.value.field == "parsed.clusters[0].centroid[1]"


def test_metrics_grounding_huge_integer(tmp_path: Path, gb: Callable) -> None:
    ref, pred = tmp_path / "ref.jsonl", tmp_path / "pred.jsonl"
    ref.write_text('{"id": "a", "boxes": [[1, 1, 5, 5]], "width": 10, "height": 10}\n')
    pred.write_text('{"id": "a", "boxes": [[1' + "0" * 400 + ", 1, 5, 5]]}\n")
    rc, _, err = gb("metrics", "grounding", "--pred", pred, "--ref", ref)
    one_error_line(rc, err, str(pred), "row 1", "field 'boxes'")
    ref.write_text('{"id": "a", "boxes": [[1, 1, 5, 5]], "width": 1' + "0" * 400 + ', "height": 10}\n')
    pred.write_text('{"id": "a", "boxes": [[1, 1, 5, 5]]}\n')
    rc, _, err = gb("metrics", "grounding", "--pred", pred, "--ref", ref)
    one_error_line(rc, err, str(ref), "row 1", "field 'width'")


def test_overflowing_number_in_model_text_is_unparsable(
    tiny_phantom: Path, tmp_path: Path, gb: Callable
) -> None:
    ids = _grounding_ids(tiny_phantom)
    pred = tmp_path / "preds.jsonl"
    lines = [{"sample_id": i, "output": "[10, 10, 50, 50]"} for i in ids]
    lines[1]["output"] = "[1" + "0" * 400 + ", 1, 2, 3]"  # float() of these digits is inf
    pred.write_text("".join(json.dumps(x) + "\n" for x in lines))
    out = tmp_path / "runs"
    rc, _, err = gb(
        "run",
        "--task",
        "ms-cxr-grounding",
        "--model",
        "predictions",
        "--model-arg",
        f"path={pred}",
        "--model-arg",
        "coords=pixel",
        "--data-root",
        tiny_phantom,
        "--split",
        "all",
        "--out",
        out,
        "--n-boot",
        "5",
        "--quiet",
    )
    assert rc == 0, err
    (run,) = out.iterdir()
    rows = {
        json.loads(x)["sample_id"]: json.loads(x)
        for x in (run / "predictions.jsonl").read_text().splitlines()
    }
    assert rows[ids[1]]["parsed"] is None and rows[ids[1]]["error"] == "no parsable output"

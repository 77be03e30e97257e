"""Must-show: on a tiny phantom, each finding's gaze centroid lies in the finding's true box."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazex_bench.cli import main as cli_main
from gazex_bench.data.reflacx import read_reflacx
from gazex_bench.gaze.findings_io import read_findings_jsonl
from gazex_bench.gaze.preprocess import preprocess_dataset, primary_cluster
from gazex_bench.gaze.video import load_manifest


@pytest.fixture(scope="module")
def phantom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("phantom")
    assert (
        cli_main(["phantom", "--out", str(root), "--size", "tiny", "--parts", "reflacx", "--no-images"]) == 0
    )
    return root


def _inside(c: tuple[float, float], boxes: list) -> bool:
    # truth boxes are original pixels -> x1/4 (quarter-scale frame of FindingGaze)
    return any(b[0] / 4 <= c[0] <= b[2] / 4 and b[1] / 4 <= c[1] <= b[3] / 4 for b in boxes)


def test_primary_cluster_centroid_in_true_box(phantom: Path) -> None:
    from gazex_bench.phantom.truth import load_truth

    truth = load_truth(phantom)
    by_id = truth.findings_by_id()
    readings = read_reflacx(phantom / "reflacx-xray-localization" / "1.0.0").records
    recs = {
        (f.reading_id, f.sentence_index): f
        for f in preprocess_dataset(readings, "paper", keep_empty=True).records
    }
    n = hits = 0
    for rid, r in truth.readings.items():
        for s in r.sentences:
            if s.finding_id is None or s.finding_id in r.missed_finding_ids:
                continue
            tf = by_id[s.finding_id]
            main = primary_cluster(recs[(rid, s.index)])
            n += 1
            hits += main is not None and _inside(main.centroid, [tf.box, *tf.extra_boxes])
    assert n >= 5
    assert hits / n >= 0.9, f"{hits}/{n} centroids inside the true box"


def test_cli_preprocess_writes_jsonl_summary_and_videos(phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:  # fmt: skip
    out = tmp_path / "out"
    code = cli_main(["gaze", "preprocess", "--data-root", str(phantom), "--preset", "paper", "--out", str(out),
                     "--videos", "--limit", "4"])  # fmt: skip
    assert code == 0 and '"preset": "paper"' in capsys.readouterr().out
    findings = read_findings_jsonl(out / "findings.jsonl")
    assert findings and {f.reading_id for f in findings} <= {p.name for p in (out / "videos").iterdir()}
    m = load_manifest(out / "videos" / findings[0].reading_id / "manifest.json")
    mine = [f for f in findings if f.reading_id == m.reading_id]
    assert m.n_frames == sum(len(f.clusters) + 1 for f in mine)  # paper: sum_i (clusters_i + 1)
    assert m.frame_path(0).is_file() and m.image_source == "blank"


def test_cli_rejects_unknown_preset(phantom: Path, tmp_path: Path) -> None:
    assert (
        cli_main(["gaze", "preprocess", "--data-root", str(phantom), "--preset", "x", "--out", str(tmp_path)])
        == 2
    )

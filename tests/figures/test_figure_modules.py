"""Each figure module renders PNG + PDF from plain tables (no metric recomputation)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from gazex_bench.figures import case, fig2, fig3, fig4, fig6, fig7c
from gazex_bench.figures.case import CaseCluster


def _ok(paths: list[Path]) -> None:
    assert [p.suffix for p in paths] == [".png", ".pdf"]
    for p in paths:
        assert p.stat().st_size > 1000
    with Image.open(paths[0]) as im:
        assert im.width > 400 and im.height > 200


def _metric_rows() -> pd.DataFrame:
    rows = []
    for model, base in (("gazex", 0.4), ("random", 0.1)):
        for task, metrics in (
            ("mimic-report", fig2.REPORT_METRICS),
            ("iu-report", fig2.REPORT_METRICS),
            ("cxr-vqa", [f"accuracy_{t}" for t in fig2.VQA_TYPES]),
            ("ms-cxr-grounding", fig2.GROUNDING_METRICS),
        ):
            for i, m in enumerate(metrics):
                v = base + 0.02 * i
                rows.append(
                    dict(
                        task=task,
                        model=model,
                        kind="run",
                        metric=m,
                        value=v,
                        ci_low=v - 0.03,
                        ci_high=v + 0.03,
                        n=50,
                    )
                )
    return pd.DataFrame(rows)


def test_fig2(tmp_path: Path) -> None:
    _ok(fig2.render(_metric_rows(), tmp_path))


def test_fig3(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    dwell = pd.DataFrame(
        [
            dict(grid=n, row=r, col=c, dwell=rng.random() / n**2)
            for n in (4, 6, 8)
            for r in range(n)
            for c in range(n)
        ]
    )
    raters = ["rad1", "rad2", "rad3"]
    pearson = pd.DataFrame(
        [
            dict(axis=a, rater_a=x, rater_b=y, r=rng.uniform(0.3, 0.8))
            for a in "xy"
            for i, x in enumerate(raters)
            for y in raters[i + 1 :]
        ]
    )
    cats = pd.DataFrame(
        [
            dict(category=c, cell=k, dwell=rng.random())
            for c in ("Edema", "Pneumothorax")
            for k in range(1, 17)
        ]
    )
    disp = pd.DataFrame(
        [dict(t=t, rater=r, dispersion=20 + 5 * t) for r in raters for t in np.linspace(0, 1, 10)]
    )
    _ok(fig3.render(dwell, pearson, cats, disp, tmp_path))


def test_fig4_fig6_fig7c(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    pairs = pd.DataFrame(
        [
            dict(setting=s, axis=a, model_value=v + rng.normal(0, 5), rad_value=v)
            for s in (1, 2)
            for a in "xy"
            for v in rng.uniform(10, 120, 30)
        ]
    )
    icc = pd.DataFrame(
        [
            dict(setting=s, axis=a, form=f, value=0.6, ci_low=0.4, ci_high=0.75, n=30)
            for s in (1, 2)
            for a in "xy"
            for f in ("ICC(A,1)", "ICC(C,1)")
        ]
    )
    raters = ["rad1", "rad2", "gazex"]
    cos = pd.DataFrame(
        [dict(rater_a=a, rater_b=b, cosine=0.9) for i, a in enumerate(raters) for b in raters[i + 1 :]]
    )
    cat = pd.DataFrame(
        [
            dict(category=c, rater=r, cosine=0.8, ci_low=0.7, ci_high=0.9)
            for c in ("Edema", "Atelectasis")
            for r in raters
        ]
    )
    _ok(fig4.render(pairs, icc, cos, cat, tmp_path))
    per_cat = pd.DataFrame(
        [
            dict(variant=v, category=c, precision=0.5, recall=0.6, f1=0.55)
            for v in ("gazex", "no-fvp")
            for c in ("Edema", "Atelectasis", "Cardiomegaly")
        ]
    )
    overall = pd.DataFrame(
        [
            dict(variant=v, metric=m, value=0.3, ci_low=0.25, ci_high=0.35)
            for v in ("gazex", "no-fvp")
            for m in ("BLEU-4", "F1")
        ]
    )
    tests = pd.DataFrame([dict(variant="no-fvp", metric=m, p_holm=0.03) for m in ("BLEU-4", "F1")])
    _ok(fig6.render(per_cat, overall, tests, tmp_path))
    counts = pd.DataFrame([dict(source=s, TP=5, FN=2, FP=1, n_images=4) for s in ("rad1", "rad2", "gazex")])
    _ok(fig7c.render(counts, tmp_path))


def test_fig6_holm_label_never_prints_p_zero() -> None:
    # A bootstrap p of 0 only says p < 1/B; Holm over m = 3 metrics bounds the adjusted p by 3/B.
    row = pd.Series(dict(p_holm=0.0, n_boot=1000, n_tests=3))
    assert fig6.holm_label(row) == "p_Holm < 3/1000"
    assert fig6.holm_label(pd.Series(dict(p_holm=0.031, n_boot=1000, n_tests=3))) == "p_Holm = 0.031"
    assert fig6.holm_label(pd.Series(dict(p_holm=0.0))) == "p_Holm < 1/B"  # no B recorded: still a bound
    # schema-2 records: floored p, Holm over m = 11 all floored = 11/1000, flagged as a bound
    assert (
        fig6.holm_label(pd.Series(dict(p_holm=0.011, p_holm_is_bound=True, n_boot=1000)))
        == "p_Holm < 11/1000"
    )
    # a floored p that does not set the adjusted value (flag False) prints as a value
    assert (
        fig6.holm_label(pd.Series(dict(p_holm=0.011, p_holm_is_bound=False, n_boot=1000))) == "p_Holm = 0.011"
    )


def test_case_figure(tmp_path: Path) -> None:
    img = tmp_path / "x.png"
    Image.fromarray((np.random.default_rng(0).random((400, 360)) * 255).astype(np.uint8)).save(img)
    rad = [CaseCluster(0, 0, (30, 40), (20, 30, 40, 50)), CaseCluster(0, 1, (60, 50), None)]
    model = [CaseCluster(0, 0, (32, 42), (22, 32, 42, 52))]
    _ok(case.render(img, rad, model, "small left effusion .", "left effusion .", tmp_path))


def _bar_colours(ax) -> dict[str, tuple[float, ...]]:  # noqa: ANN001
    """Label -> face colour (RGBA) of every bar container in an axes, read back from the artists."""
    out = {}
    for cont in ax.containers:
        if hasattr(cont, "patches") and cont.patches:
            colours = {tuple(round(c, 6) for c in p.get_facecolor()) for p in cont.patches}
            assert len(colours) == 1, cont.get_label()  # one model = one colour within a panel
            out[cont.get_label()] = colours.pop()
    return out


def test_fig2_one_colour_per_model_in_every_panel() -> None:
    import matplotlib.pyplot as plt

    from gazex_bench.figures.style import ModelPalette

    rows = _metric_rows()
    # panel order differs on purpose: "random" first in VQA, "gazex" first elsewhere; plus an oracle
    vqa = rows["task"] == "cxr-vqa"
    rows = pd.concat([rows[vqa].iloc[::-1], rows[~vqa]], ignore_index=True)
    oracle = rows[rows["model"] == "gazex"].assign(model="oracle", value=1.0, ci_low=1.0, ci_high=1.0)
    rows = pd.concat([oracle, rows], ignore_index=True)
    fig = fig2.draw(rows, ModelPalette(rows["model"]))
    panels = [_bar_colours(ax) for ax in fig.axes]
    mimic, vqa_panel = panels[0], panels[3]
    assert set(mimic) == set(vqa_panel) == {"gazex", "random", "oracle"}
    for model in mimic:
        assert mimic[model] == vqa_panel[model], model
    assert len(set(mimic.values())) == 3  # distinct models, distinct colours
    r, g, b, _ = mimic["oracle"]
    assert r == g == b  # reference rows are grey
    plt.close(fig)


def _legend_styles(fig) -> dict[str, tuple]:  # noqa: ANN001
    """Legend label -> (face colour RGBA, hatch) of every entry of the figure's legends, read from the artists."""
    out = {}
    for leg in fig.legends:
        for handle, text in zip(leg.legend_handles, leg.get_texts()):
            if hasattr(handle, "get_hatch"):
                colour = tuple(round(c, 6) for c in handle.get_facecolor())
                out[text.get_text()] = (colour, handle.get_hatch() or "")
    return out


def test_fig2_references_distinct_in_legend_and_fixed_across_panels() -> None:
    """nearest-report, majority-answer, chest-box, ... once shared one grey in Fig 2's single legend: now
    no two legend entries share a (colour, hatch), and a reference keeps its style in every panel."""
    import matplotlib.pyplot as plt

    from gazex_bench.figures.style import REFERENCE_STYLES, ModelPalette

    rows = _metric_rows()
    refs = {
        "mimic-report": ("oracle", "nearest-report", "empty-report"),
        "iu-report": ("oracle", "nearest-report", "empty-report"),
        "cxr-vqa": ("oracle", "majority-answer"),
        "ms-cxr-grounding": ("oracle", "chest-box", "center-box"),
    }
    extra = [
        rows[(rows["model"] == "gazex") & (rows["task"] == task)].assign(model=ref, kind="reference")
        for task, names in refs.items()
        for ref in names
    ]
    rows = pd.concat([rows, *extra], ignore_index=True)
    fig = fig2.draw(rows, ModelPalette(rows["model"]))
    styles = _legend_styles(fig)
    assert {"gazex", "random", "oracle", "nearest-report", "majority-answer", "chest-box"} <= set(styles)
    assert len(set(styles.values())) == len(styles), styles  # no two entries look alike
    # and every reference's bars wear its legend style in each panel where it is drawn
    for ax in fig.axes:
        for cont in ax.containers:
            if hasattr(cont, "patches") and cont.patches and cont.get_label() in styles:
                p = cont.patches[0]
                got = (tuple(round(c, 6) for c in p.get_facecolor()), p.get_hatch() or "")
                assert got == styles[cont.get_label()], (ax.get_title(), cont.get_label())
    # the fixed table itself: every reference a distinct (grey, hatch) and a distinct grey
    assert len(set(REFERENCE_STYLES.values())) == len(REFERENCE_STYLES)
    assert len({g for g, _ in REFERENCE_STYLES.values()}) == len(REFERENCE_STYLES)
    plt.close(fig)


def test_case_labels_do_not_overlap() -> None:
    from gazex_bench.figures.case import label_positions

    # eight clusters on almost the same spot: every pair of label boxes must be separated
    pts = [(50.0 + 0.5 * i, 60.0 + 0.3 * i) for i in range(8)]
    sep = 5.0
    pos = label_positions(pts, sep)
    for i in range(len(pos)):
        for j in range(i):
            dx, dy = abs(pos[i][0] - pos[j][0]), abs(pos[i][1] - pos[j][1])
            assert dx >= 2.2 * sep or dy >= sep, (i, j, pos[i], pos[j])


def test_fig2_n_per_bar_and_ci_method_from_runs() -> None:
    """Each panel states its bars' shared n, a group with another shared n says it under its tick, a bar with
    another n than its group is labelled on the bar; the caption names the
    CI method the runs recorded, not a stock one; zero-shot rows of a task with fine-tunes go to Fig 6."""
    import matplotlib.pyplot as plt

    rows = _metric_rows()
    rows.loc[rows["metric"] == "accuracy_level", "n"] = 1  # a VQA type seen once keeps its own n
    rows.loc[(rows["metric"] == "accuracy_view") & (rows["model"] == "gazex"), "n"] = 7
    rows["ci_method"] = "percentile-bootstrap(unit=sample,n_boot=10,seed=0,level=0.95)"
    rows["regime"] = rows["model"].map({"gazex": "fine-tuned", "random": "none"})
    stage1 = rows[rows["model"] == "gazex"].assign(model="gazex, stage 1 only", regime="zero-shot")
    fig = fig2.draw(pd.concat([rows, stage1], ignore_index=True))
    vqa = next(ax for ax in fig.axes if ax.get_title().startswith("(c)"))
    assert vqa.get_title().endswith("n = 50 per bar unless marked")
    # "level": every bar has n=1 -> said under the tick; "view": gazex n=7 beside random's n=50 -> on the bar
    assert [t.get_text() for t in vqa.texts] == ["n=7"]
    ticks = [t.get_text() for t in vqa.get_xticklabels()]
    assert "level (n=1)" in ticks and "view" in ticks
    labels = {lab for ax in fig.axes for lab in ax.get_legend_handles_labels()[1]}
    assert "gazex" in labels and "gazex, stage 1 only" not in labels
    assert "CI method: percentile-bootstrap" in fig._suptitle.get_text()
    plt.close(fig)
    fig = fig2.draw(rows.drop(columns="ci_method"))
    assert "no CI recorded" in fig._suptitle.get_text()
    plt.close(fig)


def test_palette_one_distinct_colour_per_label() -> None:
    """13 demo-like labels (more than 7 hues): all colours distinct, a family shares a hue, greys for references."""
    from gazex_bench.figures.style import ModelPalette, model_family

    labels = [
        f"{v}{s}"
        for v in ("GazeX (tiny)", "GazeX w/o FVP (tiny)", "GazeX w/o GTM (tiny)", "GazeX w/o SDA (tiny)")
        for s in ("", ", stage 1 only")
    ] + ["No-gaze baseline (tiny)", "Gaze-boxes baseline (tiny)", "Gaze-boxes baseline (tiny), stage 1 only"]
    labels += [f"model {i}" for i in range(8)]  # more families than hues
    palette = ModelPalette(labels + ["oracle", "random"])
    colours = {lab: palette(lab) for lab in labels}
    assert len(set(colours.values())) == len(labels)
    assert model_family("GazeX (tiny), stage 1 only") == "GazeX (tiny)"
    # the same palette built from the labels in another order gives the same colours
    assert {lab: ModelPalette(reversed(labels))(lab) for lab in labels} == colours
    assert palette("oracle") != palette("random") and palette("oracle")[1:3] == palette("oracle")[3:5]


def test_fig4_names_recorded_ci_and_models_without_bars(tmp_path: Path) -> None:
    """Fig 4's caption takes the ICC CI method from the table; a model without per-disease rows is named."""
    import matplotlib.pyplot as plt

    icc = pd.DataFrame(
        [
            dict(
                setting=2,
                axis="x",
                form="ICC(A,1)",
                value=0.6,
                ci_low=0.4,
                ci_high=0.7,
                n=30,
                ci_method="percentile-bootstrap(unit=image,n_boot=50,seed=0,level=0.95)",
            )
        ]
    )
    assert fig4.icc_ci_caption(icc) == "method: percentile-bootstrap(unit=image,n_boot=50,seed=0,level=0.95)"
    assert fig4.icc_ci_caption(icc.drop(columns="ci_method")) == "CI method not recorded"
    cat = pd.DataFrame(
        [dict(category="Edema", rater="inter-radiologist", cosine=0.8, ci_low=0.7, ci_high=0.9)]
    )
    fig, ax = plt.subplots()
    fig4._per_category(ax, cat, fig4.ModelPalette(["gazex"]), models=["gazex"])
    assert any("no per-disease similarity" in t.get_text() and "gazex" in t.get_text() for t in ax.texts)
    plt.close(fig)


def test_fig6_inputs_put_stage1_rows_under_their_variant(tmp_path: Path) -> None:
    """A variant's zero-shot (stage-1) and fine-tuned rows share its family label (one colour, one order)."""
    import json

    from gazex_bench.figures.build import _fig6_inputs
    from gazex_bench.tables.runs import find_runs

    lineage = [{"stage": 1, "kind": "train", "tasks": ["reflacx-gaze"], "budget": {"steps": 2}}]
    for i, (label, regime) in enumerate(
        [("B (tiny), stage 1 only", "zero-shot"), ("A (tiny)", "fine-tuned"), ("B (tiny)", "fine-tuned")]
    ):
        d = tmp_path / f"r{i}"
        (d / "tables").mkdir(parents=True)
        rec = {
            "run_id": f"r{i}",
            "task": {"name": "mimic-report", "primary_metric": "bleu4"},
            "model": {"adapter": "gazex", "args": {"label": label}},
            "training": {"regime": regime, "stage": 1, "lineage": lineage},
            "metrics": {"bleu4": {"value": 0.1 * i, "n": 4, "ci_low": 0.0, "ci_high": 0.5}},
        }
        (d / "run.json").write_text(json.dumps(rec))
        (d / "tables" / "clinical_per_category.csv").write_text(
            "category,precision,recall,f1\nEdema,0.5,0.5,0.5\n"
        )
    per_cat, overall, _ = _fig6_inputs(find_runs([tmp_path]), ["A (tiny)", "B (tiny)"])
    assert list(zip(per_cat["variant"], per_cat["regime"])) == [
        ("A (tiny)", "fine-tuned"),
        ("B (tiny)", "zero-shot"),
        ("B (tiny)", "fine-tuned"),
    ]
    assert set(overall["variant"]) == {"A (tiny)", "B (tiny)"}


def test_fig4c_shared_image_count_under_the_tick_and_differing_counts_on_the_bar() -> None:
    """Edema: both bars from 7 images -> "Edema (7 img)" under the tick, no bar text; Atelectasis: 10 vs 9 images
    -> each bar says its own count; Pneumothorax: 1 image, no CI anywhere -> "(1 img, no CI)" once."""
    import matplotlib.pyplot as plt

    def row(cat: str, rater: str, k: int, ci: bool = True) -> dict:
        return dict(category=cat, rater=rater, cosine=0.5, ci_low=0.4 if ci else None,
                    ci_high=0.6 if ci else None, n=k, n_images=k)  # fmt: skip

    cat = pd.DataFrame(
        [
            row("Edema", "inter-radiologist", 7),
            row("Edema", "gazex", 7),
            row("Atelectasis", "inter-radiologist", 10),
            row("Atelectasis", "gazex", 9),
            row("Pneumothorax", "inter-radiologist", 1, ci=False),
            row("Pneumothorax", "gazex", 1, ci=False),
        ]
    )
    fig, ax = plt.subplots()
    fig4._per_category(ax, cat, fig4.ModelPalette(["gazex"]), models=["gazex"])
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["Atelectasis", "Edema (7 img)", "Pneumothorax (1 img, no CI)"]
    assert sorted(t.get_text() for t in ax.texts) == ["10 img", "9 img"]
    plt.close(fig)

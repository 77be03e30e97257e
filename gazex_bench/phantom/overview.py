"""Contact sheet of phantom images with finding boxes, one reading's scanpath and every reader's route.

Regenerate (writes a tiny phantom into a temporary folder first)::

    .venv/bin/python -m gazex_bench.phantom.overview --out reports/phantom/overview.png

Boxes: red = findings (truth, original-image pixels); the last tile of the top rows shows one
REFLACX reading's fixations (circles sized by duration, yellow = the 2.5 s before a finding's
mention); the bottom row shows the five radiologists' routes on one multi-reader image (path
coloured by normalised reading time, dark = start, bright = end).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from gazex_bench.data.reflacx import read_reflacx
from gazex_bench.phantom.generate import generate_phantom
from gazex_bench.phantom.truth import load_truth


def draw_sheet(root: Path, out: Path, n_images: int = 11) -> Path:
    """Draw the contact sheet of the phantom at ``root`` into ``out`` (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle
    from PIL import Image

    truth = load_truth(root)
    jpg = root / "mimic-cxr-jpg" / "2.1.0" / "files"
    images = [im for im in truth.images.values() if im.dataset == "mimic-cxr"]
    images.sort(key=lambda im: (-len(im.findings), im.image_id))
    fig = plt.figure(figsize=(16, 16.5))
    gs = fig.add_gridspec(4, 20, height_ratios=[1, 1, 1, 0.95])
    axes = [fig.add_subplot(gs[r, 5 * c : 5 * c + 5]) for r in range(3) for c in range(4)]
    for ax, im in zip(axes, images[:n_images]):
        path = jpg / f"p{im.subject_id[:2]}" / f"p{im.subject_id}" / f"s{im.study_id}" / f"{im.image_id}.jpg"
        ax.imshow(Image.open(path), cmap="gray", vmin=0, vmax=255)
        for f in im.findings:
            for b in (f.box, *f.extra_boxes):
                ax.add_patch(Rectangle((b[0], b[1]), b[2] - b[0], b[3] - b[1], fill=False, ec="red", lw=1.2))
            ax.text(
                f.box[0],
                f.box[1] - 3,
                f"{f.kind} ({f.side[0].upper()}{', ?' if f.hedged else ''})",
                color="yellow",
                fontsize=7,
            )
        ax.set_title(f"{im.view} {im.width}x{im.height} {'normal' if im.normal else ''}", fontsize=8)
        ax.axis("off")
    _scanpath(axes[-1], root, truth, read_reflacx, Image)
    _routes([fig.add_subplot(gs[3, 4 * k : 4 * k + 4]) for k in range(5)], root, truth, read_reflacx, Image)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=80)
    plt.close(fig)
    return out


def _scanpath(ax, root: Path, truth, read_reflacx, Image) -> None:  # noqa: ANN001 - plotting helper
    res = read_reflacx(root / "reflacx-xray-localization" / "1.0.0")
    fmap = truth.findings_by_id()

    def n_mentions(r) -> int:  # noqa: ANN001
        return sum(s.finding_id is not None for s in truth.readings[r.reading_id].sentences)

    r = max((r for r in res.records if not r.discarded), key=lambda r: (n_mentions(r), r.reading_id))
    im = truth.images[r.dicom_id]
    path = (
        root
        / "mimic-cxr-jpg"
        / "2.1.0"
        / "files"
        / r.image.split("/2.0.0/files/", 1)[1].replace(".dcm", ".jpg")
    )
    ax.imshow(Image.open(path), cmap="gray", vmin=0, vmax=255)
    fx = r.fixations
    ax.plot(fx.x_px, fx.y_px, "-", color="cyan", lw=0.5, alpha=0.6)
    mention = [
        (s.t_start_s, fs.finding_id)
        for s, fs in zip(r.sentences, truth.readings[r.reading_id].sentences)
        if fs.finding_id
    ]
    pre = [any(t - 2.5 <= ts < t for t, _ in mention) for ts in fx.t_start_s]
    ax.scatter(fx.x_px, fx.y_px, s=fx.duration_s * 120, c=["yellow" if p else "cyan" for p in pre], alpha=0.6)
    for f in im.findings:
        ax.add_patch(
            __import__("matplotlib.patches", fromlist=["Rectangle"]).Rectangle(
                (f.box[0], f.box[1]), f.box[2] - f.box[0], f.box[3] - f.box[1], fill=False, ec="red", lw=1.2
            )
        )
    ax.set_xlim(0, im.width), ax.set_ylim(im.height, 0)
    ax.set_title(
        f"{r.reading_id} ({truth.readings[r.reading_id].radiologist}) {len(fx)} fixations", fontsize=8
    )
    ax.axis("off")
    del fmap


def _routes(axes: list, root: Path, truth, read_reflacx, Image) -> None:  # noqa: ANN001 - plotting helper
    """Each radiologist's route on the multi-reader image with the most readings (phases 1-2)."""
    import matplotlib.pyplot as plt

    res = read_reflacx(root / "reflacx-xray-localization" / "1.0.0")
    groups: dict[str, list] = {}
    for r in res.records:
        if r.phase in (1, 2) and not r.discarded and r.fixations is not None:
            groups.setdefault(r.image_group, []).append(r)
    group = max(sorted(groups), key=lambda g: len(groups[g]))
    readers = sorted(groups[group], key=lambda r: truth.readings[r.reading_id].radiologist)
    im = truth.images[readers[0].dicom_id]
    path = (
        root
        / "mimic-cxr-jpg"
        / "2.1.0"
        / "files"
        / readers[0].image.split("/2.0.0/files/", 1)[1].replace(".dcm", ".jpg")
    )
    pix = Image.open(path)
    for ax, r in zip(axes, readers):
        fx = r.fixations
        on = (fx.x_px >= 0) & (fx.x_px < im.width)
        t = (fx.t_start_s[on] - fx.t_start_s[on][0]) / max(
            float(fx.t_start_s[on][-1] - fx.t_start_s[on][0]), 1e-9
        )
        ax.imshow(pix, cmap="gray", vmin=0, vmax=255)
        ax.plot(fx.x_px[on], fx.y_px[on], "-", color="white", lw=0.4, alpha=0.5)
        ax.scatter(
            fx.x_px[on], fx.y_px[on], s=fx.duration_s[on] * 60, c=t, cmap=plt.get_cmap("plasma"), alpha=0.85
        )
        for f in im.findings:
            for b in (f.box, *f.extra_boxes):
                ax.add_patch(
                    __import__("matplotlib.patches", fromlist=["Rectangle"]).Rectangle(
                        (b[0], b[1]), b[2] - b[0], b[3] - b[1], fill=False, ec="red", lw=1.0
                    )
                )
        ax.set_xlim(0, im.width), ax.set_ylim(im.height, 0)
        ax.set_title(
            f"{truth.readings[r.reading_id].radiologist}: route, {int(on.sum())} fixations", fontsize=8
        )
        ax.axis("off")
    for ax in axes[len(readers) :]:
        ax.axis("off")


def main(argv: list[str] | None = None) -> int:
    """Generate a tiny phantom (or use ``--root``) and draw the sheet."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path("reports/phantom/overview.png"))
    p.add_argument(
        "--root", type=Path, default=None, help="existing phantom root (default: generate tiny, seed 0)"
    )
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.root is not None:
        draw_sheet(args.root, args.out)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            generate_phantom(tmp, seed=args.seed, size="tiny", parts=("mimic", "reflacx"), workers=1)
            draw_sheet(Path(tmp), args.out)
    print(args.out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

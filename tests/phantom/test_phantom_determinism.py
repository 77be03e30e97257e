"""Same seed and size -> byte-identical trees (also with 2 workers); another seed differs."""

from __future__ import annotations

import hashlib
from pathlib import Path

from gazex_bench.phantom.generate import PhantomSummary, generate_phantom


def tree_hash(root: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``root``."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_identical_bytes(tiny_phantom: PhantomSummary, tmp_path: Path) -> None:
    again = generate_phantom(tmp_path / "again", seed=0, size="tiny", images=True, workers=2)
    assert tree_hash(again.root) == tree_hash(tiny_phantom.root)


def test_other_seed_differs_and_no_images_keeps_text(tiny_phantom: PhantomSummary, tmp_path: Path) -> None:
    other = tree_hash(generate_phantom(tmp_path / "s1", seed=1, size="tiny", images=False, workers=1).root)
    base = tree_hash(tiny_phantom.root)
    shared = set(base) & set(other)
    assert sum(base[k] != other[k] for k in shared) > 0.9 * len(shared)
    no_img = tree_hash(
        generate_phantom(tmp_path / "noimg", seed=0, size="tiny", images=False, workers=1).root
    )
    assert all(k.endswith((".jpg", ".png")) for k in set(base) - set(no_img))
    assert all(base[k] == v for k, v in no_img.items())

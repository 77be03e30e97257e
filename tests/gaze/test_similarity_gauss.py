"""Gaussian-map cosine: closed form (docs/gaze_reference.md §3.5), box conventions, vectorised matrix."""

from __future__ import annotations

import numpy as np
import pytest

from gazex_bench.gaze import gaussian_cosine, gaussian_cosine_closed_form, map_cosine_matrix
from gazex_bench.gaze.similarity import gaussian_maps, gaussian_params


def _box(mu: tuple[float, float], sigma: tuple[float, float], k: float = 4.0) -> tuple[float, ...]:
    """Box whose side is k*sigma, centred at mu (so that sigma = side / k)."""
    return (
        mu[0] - k * sigma[0] / 2,
        mu[1] - k * sigma[1] / 2,
        mu[0] + k * sigma[0] / 2,
        mu[1] + k * sigma[1] / 2,
    )


def test_divisor_and_six_tuple_centroid() -> None:
    b = (100.0, 100.0, 140.0, 180.0)
    p = gaussian_params([b], box_sigma_divisor=4.0)[0]
    assert tuple(p) == (120.0, 140.0, 10.0, 20.0)  # centre = box centre, sigma = side / 4
    p6 = gaussian_params([(*b, 110.0, 150.0)], box_sigma_divisor=6.0)[0]
    np.testing.assert_allclose(p6, (110.0, 150.0, 40 / 6, 80 / 6))  # explicit centroid
    assert gaussian_cosine(b, b, (300, 300)) == pytest.approx(1.0)
    # Shifting the centroid by 10 px in x (sigma 10 both): exp(-100/(2*200)) = exp(-0.25).
    assert gaussian_cosine((*b, 120.0, 140.0), (*b, 130.0, 140.0), (400, 400)) == pytest.approx(
        np.exp(-0.25), rel=1e-9
    )


def test_matrix_equals_dense_maps() -> None:
    groups = [[(10, 10, 50, 40)], [(20, 15, 60, 45), (70, 60, 90, 95)], [(5, 50, 30, 90, 12, 70)]]
    cos = map_cosine_matrix(groups, (100, 120))
    dense = []
    for g in groups:
        dense.append(gaussian_maps(gaussian_params(g), (100, 120)).sum(axis=0).ravel())
    d = np.array(dense)
    ref = (d @ d.T) / np.outer(np.linalg.norm(d, axis=1), np.linalg.norm(d, axis=1))
    np.testing.assert_allclose(cos, ref, rtol=1e-10)
    assert np.isnan(map_cosine_matrix([[], [(0, 0, 5, 5)]], (10, 10))[0, 1])


@pytest.mark.parametrize(
    ("sigma", "bound", "at_least"), [(1.0, 3e-4, 0.0), (1.5, 1e-6, 0.0), (0.5, 0.2, 0.15)]
)
def test_closed_form_validity_range(sigma: float, bound: float, at_least: float) -> None:
    # Pixel-centre sampling vs the integral: by Poisson summation the per-axis relative error of
    # sum_n g(n + d) is about 2 exp(-2 pi^2 v) for a Gaussian of variance v; the cosine's products
    # have v = sigma^2 / 2, so sigma = 0.5 px gives 2 exp(-2.47) = 0.17 and sigma = 1 px 1.4e-4.
    # Worst case over sub-pixel centres and offsets of up to 1 px (both Gaussians sigma on both axes).
    worst = 0.0
    for dx in np.linspace(0, 1, 11):
        for dy in np.linspace(0, 1, 11):
            for off in (0.0, 0.5, 1.0):
                a, b = (50 + dx, 50 + dy), (50 + dx + off, 50 + dy + off / 2)
                grid = gaussian_cosine(
                    _box(a, (sigma, sigma)), _box(b, (sigma, sigma)), (100, 100), min_sigma_px=0.5
                )
                worst = max(
                    worst, abs(grid - gaussian_cosine_closed_form(a, (sigma, sigma), b, (sigma, sigma)))
                )
    assert at_least <= worst <= bound

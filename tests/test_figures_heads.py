"""Notebook 02's figures: plot_head_outputs shades what leaves the pixel range on one scale, and
plot_bce_curves shows every curve whole, its legend beside the axes."""

import numpy as np
import pytest

from vae_keras.course import figures

pytestmark = [pytest.mark.usefixtures("close_figures"), pytest.mark.backend_independent]  # matplotlib only


def _strip(fig, row):
    """The reconstructions drawn in one row of plot_head_outputs (0: the test images)."""
    return fig.axes[row].images[0].get_array()


def test_plot_head_outputs_shades_on_from_the_range_ends_without_a_jump():
    originals = np.zeros((1, 1, 6, 1), dtype="float32")
    outputs = np.array([-0.01, -0.125, -0.25, -2.0, 1.125, 5.0], dtype="float32").reshape(1, 1, 6, 1)
    fig = figures.plot_head_outputs(originals, {"head": outputs})
    rgb = _strip(fig, 1)[0]
    blue, red = np.array((0.2, 0.4, 1.0)), np.array((1.0, 0.2, 0.2))
    np.testing.assert_allclose(rgb[0], 0.04 * blue, atol=1e-6)  # a hundredth below 0: nearly black
    np.testing.assert_allclose(rgb[1], 0.5 * blue, atol=1e-6)  # half-way to full colour
    np.testing.assert_allclose(rgb[2], blue, atol=1e-6)  # full at 0.25 below 0, and beyond
    np.testing.assert_allclose(rgb[3], blue, atol=1e-6)
    np.testing.assert_allclose(rgb[4], 0.5 * (1 + red), atol=1e-6)  # half-way from white to red
    np.testing.assert_allclose(rgb[5], red, atol=1e-6)
    assert "full at -0.25" in fig._suptitle.get_text() and "full at 1.25" in fig._suptitle.get_text()


def test_plot_head_outputs_draws_two_models_of_equal_error_alike_however_they_overshoot():
    # the same error size, one head overshooting 0 a little, the other not: nearly the same picture
    originals = np.zeros((2, 4, 4, 1), dtype="float32")
    noise = np.random.default_rng(0).normal(0, 0.02, originals.shape).astype("float32")
    fig = figures.plot_head_outputs(originals, {"bounded": np.abs(noise), "linear": noise}, full_colour=0.25)
    gap = np.abs(_strip(fig, 1) - _strip(fig, 2)).max()
    flat_blue = np.abs(figures.color_out_of_range(np.abs(noise)) - figures.color_out_of_range(noise)).max()
    assert gap < 0.3 < flat_blue, (gap, flat_blue)  # full blue for every pixel below 0 would differ by ~1


def test_plot_head_outputs_keeps_full_colour_positive():
    with pytest.raises(ValueError, match="full_colour must be a positive distance"):
        figures.plot_head_outputs(np.zeros((2, 4, 4, 1)), {"a": np.zeros((2, 4, 4, 1))}, full_colour=0)


def test_plot_bce_curves_shows_every_curve_whole_and_the_legend_off_the_axes():
    x_hat = np.linspace(-1, 0.999, 400)
    clipped = np.clip(x_hat, 1e-7, 1 - 1e-7)
    curves = {t: -(t * np.log(clipped) + (1 - t) * np.log(1 - clipped)) for t in (1.0, 0.5, 0.0, -1.0)}
    fig = figures.plot_bce_curves(x_hat, curves)
    [ax] = fig.axes
    low, high = ax.get_ylim()
    for target, loss in curves.items():
        assert low < loss.min() and loss.max() < high, (target, loss.min(), loss.max(), (low, high))
    assert low < 0 < high
    fig.canvas.draw()
    legend, axes_box = ax.get_legend().get_window_extent(), ax.get_window_extent()
    assert legend.x0 >= axes_box.x1, (legend, axes_box)  # to the right of the axes: it covers no curve

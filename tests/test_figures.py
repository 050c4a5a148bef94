"""The notebooks' own figures (vae_keras.course.figures): each returns a Figure that shows what it says."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from vae_keras.course import figures

pytestmark = pytest.mark.usefixtures("close_figures")


# --- plot_head_outputs (notebook 02) ------------------------------------------------------


def test_plot_head_outputs_draws_one_row_per_model_and_colours_what_leaves_the_range():
    originals = np.full((3, 4, 4, 1), 0.5, dtype="float32")
    overshoot = originals.copy()
    overshoot[0, 0, 0, 0], overshoot[1, 0, 0, 0] = -0.5, 1.5
    fig = figures.plot_head_outputs(originals, {"inside": originals, "outside": overshoot},
                                    samples={"inside": originals[:2], "outside": overshoot[:2]})
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 6  # three rows (test images and two models), two blocks each
    drawn = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    assert len(drawn) == 5  # the test images' row has no samples
    outside_strip = drawn[3]  # the "outside" row's reconstructions, three 4x4 images side by side
    assert outside_strip.shape == (4, 12, 3)
    np.testing.assert_allclose(outside_strip[0, 0], (0.2, 0.4, 1.0))  # below the range: blue
    np.testing.assert_allclose(outside_strip[0, 4], (1.0, 0.2, 0.2))  # above it: red
    np.testing.assert_allclose(outside_strip[1, 1], (0.5, 0.5, 0.5))  # inside: its grey level
    labels = [text.get_text() for ax in fig.axes for text in ax.texts]
    assert labels == ["test images", "inside", "outside"]


def test_plot_head_outputs_without_samples_has_one_block():
    originals = np.zeros((2, 4, 4), dtype="float32")
    fig = figures.plot_head_outputs(originals, {"a": originals})
    assert len(fig.axes) == 2 and all(ax.images for ax in fig.axes)


@pytest.mark.parametrize("reconstructions, samples, message", [
    ({}, None, "reconstructions is empty"),
    ({"a": np.zeros((3, 4, 4, 1))}, None, "of the originals' shape"),
    ({"a": np.zeros((2, 4, 4, 1))}, {"b": np.zeros((2, 4, 4, 1))}, "same row labels"),
])
def test_plot_head_outputs_refuses_mismatched_inputs(reconstructions, samples, message):
    with pytest.raises(ValueError, match=message):
        figures.plot_head_outputs(np.zeros((2, 4, 4, 1)), reconstructions, samples)


def test_plot_sample_sets_draws_one_panel_per_set_side_by_side():
    rng = np.random.default_rng(0)
    sets = {"VAE": rng.random((12, 28, 28, 1)), "autoencoder": rng.random((12, 28, 28))}
    fig = figures.plot_sample_sets(sets, ncols=4)
    panels = fig.subfigs
    assert [panel._suptitle.get_text() for panel in panels] == ["VAE", "autoencoder"]
    for panel, images in zip(panels, sets.values()):
        shown = [ax.images[0].get_array() for ax in panel.axes if ax.images]
        assert len(panel.axes) == 12 and len(shown) == 12
        np.testing.assert_array_equal(shown[5], images.reshape(12, 28, 28)[5])
    left, right = (panel.bbox.x0 for panel in panels)
    assert right > left  # side by side, not stacked
    with pytest.raises(ValueError, match="same number of images"):
        figures.plot_sample_sets({"a": rng.random((4, 28, 28)), "b": rng.random((5, 28, 28))})
    with pytest.raises(ValueError, match="empty"):
        figures.plot_sample_sets({})


# --- plot_upsampling_comparison (notebook 03) ----------------------------------------------


def test_plot_upsampling_comparison_draws_each_decoder_before_and_after_training():
    rng = np.random.default_rng(0)
    checkerboard = np.indices((28, 28)).sum(axis=0) % 2  # a period-2 pattern: all its energy at Nyquist
    overlaps = {"transpose": np.array([[1.0, 2.0], [2.0, 4.0]]), "upsample": np.full((2, 2), 9.0)}
    untrained = {"transpose": np.stack([checkerboard + 0.01 * rng.random((28, 28))] * 3)[..., None],
                 "upsample": rng.random((3, 28, 28, 1))}
    trained = {"transpose": rng.random((3, 28, 28, 1)), "upsample": rng.random((3, 28, 28))}
    fig = figures.plot_upsampling_comparison(overlaps, untrained, trained, n=2)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2 * 7  # two rows: ones, 2 untrained, spectrum, 2 trained, spectrum
    first_row = fig.axes[:7]
    assert [text.get_text() for text in first_row[0].texts] == ["1", "2", "2", "4", "transpose"]
    assert "Nyquist share" in first_row[3].get_title() and len(first_row[3].patches) == 2  # Nyquist row, column
    untrained_share = float(first_row[3].get_title().split("share ")[1].rstrip("%")) / 100
    assert untrained_share > 0.95  # the checkerboard's energy is (almost) all at the Nyquist frequency
    stretched = first_row[1].images[0].get_array()
    assert stretched.min() == 0 and stretched.max() == 1  # contrast stretched
    assert first_row[4].images[0].get_clim() == (0, 1)  # trained images are drawn as pixels
    with pytest.raises(ValueError, match="same row labels"):
        figures.plot_upsampling_comparison(overlaps, {"transpose": untrained["transpose"]}, trained)
    with pytest.raises(ValueError, match="at least n = 4"):
        figures.plot_upsampling_comparison(overlaps, untrained, trained, n=4)


# --- plot_pipeline (notebook 01) ----------------------------------------------------------


def test_plot_pipeline_draws_both_sources_of_z_feeding_one_decoder():
    fig = figures.plot_pipeline(head="sigmoid")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    boxes = {text.get_gid(): text for text in ax.texts if text.get_gid() and "->" not in text.get_gid()}
    assert set(boxes) == {"x", "encoder", "z_q", "z_p", "decoder", "head", "x_hat"}
    assert "q_\\phi" in boxes["encoder"].get_text() and "mathcal{N}(0, I)" in boxes["z_p"].get_text()
    assert "sigmoid" in boxes["head"].get_text()
    arrows = {child.get_gid() for child in ax.get_children() if getattr(child, "arrow_patch", None) is not None}
    assert arrows == {"x->encoder", "encoder->z_q", "z_q->decoder", "z_p->decoder", "decoder->head", "head->x_hat"}
    # Left to right: x, encoder, z, decoder, head, x̂; the two z sit one above the other.
    x_of = {key: text.get_position()[0] for key, text in boxes.items()}
    assert x_of["x"] < x_of["encoder"] < x_of["z_q"] == x_of["z_p"] < x_of["decoder"] < x_of["head"] < x_of["x_hat"]
    assert boxes["z_q"].get_position()[1] > boxes["decoder"].get_position()[1] > boxes["z_p"].get_position()[1]
    assert any("tanh" in text.get_text() for text in figures.plot_pipeline(head="tanh").axes[0].texts)


# --- plot_nll_against_k (notebook 05) ------------------------------------------------------


def test_plot_nll_against_k_draws_the_estimates_with_their_error_bars_and_the_elbo():
    estimates = {10: {"nll": 95.0, "mc_se": 0.05}, 1: {"nll": 100.0, "mc_se": 0.01}, 100: {"nll": 93.5, "mc_se": 0.1}}
    fig = figures.plot_nll_against_k(estimates, elbo=-100.2)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    line = [line for line in ax.lines if line.get_linestyle() == "-"][0]
    np.testing.assert_allclose(np.asarray(line.get_xdata(), float), [1, 10, 100])  # sorted by k
    np.testing.assert_allclose(np.asarray(line.get_ydata(), float), [100.0, 95.0, 93.5])
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and np.allclose(np.asarray(dashed[0].get_ydata(), float), 100.2)  # -ELBO
    bars = ax.collections[0].get_segments()  # the error bars: +-2 standard errors
    np.testing.assert_allclose([segment[:, 1] for segment in bars], [[99.98, 100.02], [94.9, 95.1], [93.3, 93.7]])
    assert "93.50 ± 0.100" in " ".join(text.get_text() for text in ax.texts)
    labels = ax.get_legend_handles_labels()[1]
    assert "at least what the ELBO misses" in labels  # the shaded area is a lower bound on the ELBO's gap
    without_elbo = figures.plot_nll_against_k(estimates).axes[0]  # -ELBO is then the k = 1 estimate
    assert np.allclose(np.asarray([line for line in without_elbo.lines if line.get_linestyle() == "--"][0].get_ydata(),
                                  float), 100.0)


@pytest.mark.parametrize("estimates, elbo, message", [
    ({}, -100.0, "at least one k"),
    ({1: {"nll": np.nan, "mc_se": 0.1}}, -100.0, "finite"),
    ({1: {"nll": 99.0, "mc_se": 0.1}}, np.inf, "finite"),
    ({10: {"nll": 99.0, "mc_se": 0.1}}, None, "must hold k = 1"),
])
def test_plot_nll_against_k_refuses_what_it_cannot_draw(estimates, elbo, message):
    with pytest.raises(ValueError, match=message):
        figures.plot_nll_against_k(estimates, elbo)


# --- plot_correlations and plot_learned_sigma (notebook 06) ---------------------------------

ROWS = np.random.default_rng(0).normal(size=(300, 4))
ROWS[:, 1] += ROWS[:, 0]  # one strong pair, correlation about 0.7


def test_plot_correlations_draws_the_difference_on_its_own_scale():
    generated = ROWS.copy()
    generated[:, 1] = ROWS[:, 1] + np.random.default_rng(1).normal(size=300)  # the pair weakened by about 0.2
    fig = figures.plot_correlations(ROWS, generated, ["a", "b", "c", "d"])
    real, gen, difference = (ax for ax in fig.axes if ax.images)
    assert real.images[0].get_clim() == gen.images[0].get_clim() == (-1, 1)
    largest = np.max(np.abs(np.asarray(difference.images[0].get_array())))
    low, high = difference.images[0].get_clim()
    assert low == -high and largest <= high < largest + 0.1  # its own scale: the largest gap, rounded up to a tenth
    colour_bars = [ax for ax in fig.axes if not ax.images]
    assert len(colour_bars) == 2 and any("own scale" in ax.get_ylabel() for ax in colour_bars)


def test_plot_learned_sigma_keeps_its_legend_off_the_bars():
    names = [f"feature {i}" for i in range(13)]
    for sigma in (np.linspace(0.2, 1.2, 13), np.linspace(0.9, 1.0, 13), np.full(13, 0.05)):
        fig = figures.plot_learned_sigma(sigma, names)
        renderer = fig.canvas.get_renderer()
        (ax,) = fig.axes
        legend = (fig.legends or [ax.get_legend()])[0].get_window_extent(renderer)
        assert not any(legend.overlaps(bar.get_window_extent(renderer)) for bar in ax.patches)
        assert not legend.overlaps(ax.get_window_extent(renderer))
        assert fig.bbox.contains(legend.x0, legend.y0) and fig.bbox.contains(legend.x1, legend.y1)

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
    ({"a": np.zeros((3, 4, 4, 1))}, None, "expected the originals' shape"),
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

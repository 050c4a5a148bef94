"""Figures: each function returns a matplotlib Figure with the expected panels."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from vae_keras import plotting
from vae_keras.decoders import build_dense_decoder

pytestmark = pytest.mark.usefixtures("close_figures")

IMAGES = np.random.default_rng(0).random((12, 28, 28, 1)).astype("float32")


def shown_images(fig):
    return [ax for ax in fig.axes if ax.images]


def test_image_grid_lays_images_out_in_rows():
    fig = plotting.image_grid(IMAGES, ncols=5, title="grid")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 15  # 3 rows of 5
    assert len(shown_images(fig)) == 12
    assert [text.get_text() for text in fig.texts] == ["grid"]  # the suptitle


def test_image_grid_accepts_images_without_channel():
    fig = plotting.image_grid(IMAGES[..., 0], ncols=4)
    assert len(shown_images(fig)) == 12
    assert shown_images(fig)[0].images[0].get_array().shape == (28, 28)


def test_plot_reconstructions_puts_originals_above_reconstructions():
    fig = plotting.plot_reconstructions(IMAGES, 1 - IMAGES, n=6)
    axes = shown_images(fig)
    assert len(fig.axes) == 12 and len(axes) == 12
    np.testing.assert_allclose(axes[0].images[0].get_array(), IMAGES[0, ..., 0])
    np.testing.assert_allclose(axes[6].images[0].get_array(), 1 - IMAGES[0, ..., 0])


def test_plot_samples_shows_every_sample():
    fig = plotting.plot_samples(IMAGES[:10], ncols=5)
    assert len(fig.axes) == 10 and len(shown_images(fig)) == 10


def test_plot_latent_manifold_draws_one_canvas_of_n_by_n_tiles(trained_vae):
    fig = plotting.plot_latent_manifold(trained_vae.decoder, n=5)
    assert len(fig.axes) == 1
    canvas = fig.axes[0].images[0].get_array()
    assert canvas.shape == (5 * 28, 5 * 28)
    assert canvas.min() >= 0 and canvas.max() <= 1


def test_plot_latent_manifold_needs_two_latent_dimensions():
    with pytest.raises(ValueError, match="latent_dim = 2; this decoder has 3"):
        plotting.plot_latent_manifold(build_dense_decoder(3))


def test_plot_latent_scatter_colours_points_by_label():
    z = np.random.default_rng(0).standard_normal((40, 2))
    labels = np.arange(40) % 10
    fig = plotting.plot_latent_scatter(z, labels)
    assert len(fig.axes) == 2  # the scatter and its colour bar
    points = fig.axes[0].collections[0]
    assert len(points.get_offsets()) == 40
    np.testing.assert_array_equal(points.get_array(), labels)


def test_plot_history_draws_one_panel_per_loss_with_validation_curves(trained):
    _, history = trained
    fig = plotting.plot_history(history)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "reconstruction_loss", "kl_loss"]
    assert all(len(ax.lines) == 2 for ax in fig.axes)  # train and validation


def test_plot_history_accepts_a_dict_without_validation():
    fig = plotting.plot_history({"loss": [3.0, 2.0], "kl_loss": [1.0, 0.5]})
    assert [ax.get_title() for ax in fig.axes] == ["loss", "kl_loss"]
    assert all(len(ax.lines) == 1 for ax in fig.axes)


def test_save_writes_a_png_and_closes_the_figure(tmp_path):
    fig = plotting.plot_samples(IMAGES[:4], ncols=4)
    path = plotting.save(fig, tmp_path / "samples.png")
    assert path == tmp_path / "samples.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not plt.fignum_exists(fig.number)

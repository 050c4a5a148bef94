"""Figures: each function returns a matplotlib Figure with the expected panels."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from vae_keras import plotting
from vae_keras.course import figures, widgets
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


def _code_showing_decoder():
    """A linear decoder whose image shows its code: pixel (0, 0) is z[0], pixel (0, 1) is z[1], the rest 0."""
    dense = keras.layers.Dense(784, use_bias=False)
    decoder = keras.Sequential([keras.Input((2,)), dense, keras.layers.Reshape((28, 28, 1))])
    dense.set_weights([np.eye(2, 784, dtype="float32")])
    return decoder


def test_plot_latent_manifold_labels_each_tile_with_the_z_it_decodes():
    """Issue 25: the tiles sit at prior quantiles, so an even axis from -1.96 to 1.96 mislabels them."""
    n = 7
    [ax] = plotting.plot_latent_manifold(_code_showing_decoder(), n=n).axes
    canvas = np.asarray(ax.images[0].get_array())
    z0 = canvas[0, ::28][:n]  # the first tile row, left to right: z[0] of each column
    z1 = canvas[::28, 1][:n][::-1]  # the first tile column, bottom to top: z[1] of each row
    from scipy.stats import norm

    np.testing.assert_allclose(z0, norm.ppf(np.linspace(0.025, 0.975, n)), rtol=1e-5)  # prior quantiles
    np.testing.assert_allclose(z1, z0, rtol=1e-5)
    assert [label.get_text() for label in ax.get_xticklabels()] == [f"{z:.2f}" for z in z0]
    assert [label.get_text() for label in ax.get_yticklabels()] == [f"{z:.2f}" for z in z1]
    # each tick at the centre of its tile, in the image's own coordinates
    left, right, bottom, top = ax.images[0].get_extent()
    centres = (np.arange(n) + 0.5) / n
    np.testing.assert_allclose((np.asarray(ax.get_xticks()) - left) / (right - left), centres)
    np.testing.assert_allclose((np.asarray(ax.get_yticks()) - bottom) / (top - bottom), centres)
    assert ax.get_xlim() == (left, right) and sorted(ax.get_ylim()) == sorted((bottom, top))


def test_plot_latent_manifold_needs_two_latent_dimensions():
    with pytest.raises(ValueError, match="use plot_samples for other sizes. Received: a decoder with latent_dim=3"):
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
    assert {ax.get_ylabel() for ax in fig.axes} == {"nats per image"}


def test_plot_history_labels_the_unit_it_is_given():
    fig = plotting.plot_history({"loss": [3.0, 2.0]}, unit="nats per row")
    assert fig.axes[0].get_ylabel() == "nats per row"


def test_save_writes_a_png_and_closes_the_figure(tmp_path):
    fig = plotting.plot_samples(IMAGES[:4], ncols=4)
    path = plotting.save(fig, tmp_path / "samples.png")
    assert path == tmp_path / "samples.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not plt.fignum_exists(fig.number)


def test_image_grid_writes_one_label_per_row():
    fig = plotting.image_grid(IMAGES, ncols=6, row_labels=["first", "second"])
    labels = [text.get_text() for ax in fig.axes for text in ax.texts]
    assert labels == ["first", "second"]
    assert fig.axes[0].texts and fig.axes[6].texts and not fig.axes[1].texts


def test_image_grid_needs_a_label_for_every_row():
    with pytest.raises(ValueError, match="one row label per row, 2. Received: 3 row_labels"):
        plotting.image_grid(IMAGES, ncols=6, row_labels=["a", "b", "c"])


def test_plot_latent_scatter_draws_the_prior_circle_when_asked():
    z = np.random.default_rng(0).standard_normal((20, 2))
    assert not plotting.plot_latent_scatter(z, np.arange(20) % 10).axes[0].patches
    [circle] = plotting.plot_latent_scatter(z, np.arange(20) % 10, circle=2.45).axes[0].patches
    assert circle.radius == 2.45 and circle.center == (0.0, 0.0)


def test_plot_latent_scatter_needs_two_latent_coordinates():
    with pytest.raises(ValueError, match=r"shape \(n, latent_dim >= 2\). Received: z.shape=\(20, 1\)"):
        plotting.plot_latent_scatter(np.zeros((20, 1)), np.zeros(20))


def test_plot_activations_draws_one_panel_per_activation():
    t = np.linspace(-3, 3, 31).astype("float32")
    fig = figures.plot_activations(t, {"ReLU": np.maximum(t, 0), "tanh": np.tanh(t)})
    assert [ax.get_title() for ax in fig.axes] == ["ReLU", "tanh"]
    curve = fig.axes[0].lines[-1]
    np.testing.assert_allclose(curve.get_ydata(), np.maximum(t, 0))


def test_plot_activations_refuses_a_curve_of_another_length():
    t = np.linspace(-3, 3, 31)
    with pytest.raises(ValueError, match=r"'ReLU' of the shape of t, \(31,\). Received: 'ReLU' of shape \(30,\)"):
        figures.plot_activations(t, {"ReLU": np.zeros(30)})


def test_plot_head_ranges_pairs_each_head_with_a_histogram_of_its_data():
    data = {"sigmoid": IMAGES, "tanh": 2 * IMAGES - 1}
    fig = figures.plot_head_ranges(data)
    assert len(fig.axes) == 4
    assert [ax.get_title() for ax in fig.axes[:2]] == ["sigmoid head", "tanh head"]
    tanh_curve = fig.axes[1].lines[0].get_ydata()
    assert tanh_curve.min() < -0.99 and tanh_curve.max() > 0.99
    assert all(ax.patches for ax in fig.axes[2:])  # the histograms' bars


def test_plot_head_ranges_refuses_an_unknown_head():
    with pytest.raises(ValueError, match=r"Received: unknown head\(s\) \['relu'\]"):
        figures.plot_head_ranges({"relu": IMAGES})


def test_plot_bce_curves_draws_a_curve_per_target_and_shades_negative_outputs():
    x_hat = np.linspace(-1, 0.99, 50)
    fig = figures.plot_bce_curves(x_hat, {1.0: -np.log(np.clip(x_hat, 1e-7, 1)), 0.0: np.zeros(50)})
    [ax] = fig.axes
    assert [line.get_label() for line in ax.lines[:2]] == ["target x = 1", "target x = 0"]
    assert len(ax.patches) == 1  # the clipped region x_hat <= 0
    assert not figures.plot_bce_curves(x_hat[25:], {0.0: np.zeros(25)}).axes[0].patches


def test_plot_bce_curves_needs_a_loss_per_output():
    with pytest.raises(ValueError, match="target 1 with one value per x_hat, 50. Received: 10 values"):
        figures.plot_bce_curves(np.linspace(0, 1, 50), {1.0: np.zeros(10)})


def test_color_out_of_range_marks_pixels_below_blue_and_above_red():
    images = np.array([[[-0.5, 0.0], [0.5, 1.5]]], dtype="float32")[..., None]  # (1, 2, 2, 1)
    rgb = figures.color_out_of_range(images)
    assert rgb.shape == (1, 2, 2, 3)
    assert rgb[0, 0, 0, 2] > rgb[0, 0, 0, 0]  # below: blue
    assert rgb[0, 1, 1, 0] > rgb[0, 1, 1, 2]  # above: red
    np.testing.assert_allclose(rgb[0, 0, 1], 0.0)  # in range: grey levels
    np.testing.assert_allclose(rgb[0, 1, 0], 0.5)
    np.testing.assert_allclose(figures.color_out_of_range(images * 2 - 1, (-1, 1))[0, 1, 0], 0.5)


def test_color_out_of_range_refuses_colour_images():
    with pytest.raises(ValueError, match=r"Received: images.shape=\(2, 4, 4, 3\)"):
        figures.color_out_of_range(np.zeros((2, 4, 4, 3)))


def test_plot_out_of_range_shows_histograms_and_a_coloured_strip():
    outputs = {"sigmoid head": IMAGES, "linear head": 1.4 * IMAGES - 0.2}
    fig = figures.plot_out_of_range(outputs, show="linear head", n=4)
    histogram, strip = fig.axes
    assert [text.get_text() for text in histogram.get_legend().get_texts()][:2] == list(outputs)
    assert strip.images[0].get_array().shape == (28, 4 * 28, 3)
    assert strip.get_title() == "linear head: blue < 0, red > 1"


def test_plot_out_of_range_needs_the_shown_set():
    with pytest.raises(ValueError, match="show='tanh' is not one of the outputs"):
        figures.plot_out_of_range({"linear": IMAGES}, show="tanh")


def test_plot_value_grids_writes_every_value():
    grids = {"ones": np.ones((3, 3)), "steps": np.arange(6.0).reshape(2, 3)}
    fig = figures.plot_value_grids(grids)
    assert [ax.get_title() for ax in fig.axes] == ["ones", "steps"]
    assert [text.get_text() for text in fig.axes[1].texts] == ["0", "1", "2", "3", "4", "5"]


def test_plot_value_grids_needs_2d_arrays():
    with pytest.raises(ValueError, match=r"'image' as a 2-D array \(H, W\). Received: 'image' of shape \(1, 3, 3\)"):
        figures.plot_value_grids({"image": np.ones((1, 3, 3))})


def test_plot_training_comparison_plots_losses_and_times(trained):
    _, history = trained
    fig = figures.plot_training_comparison({"a": history, "b": history.history}, {"a": 1.5, "b": 3.0})
    losses, times = fig.axes
    assert len(losses.lines) == 2 and len(losses.lines[0].get_xdata()) == len(history.history["val_loss"])
    assert [bar.get_height() for bar in times.patches] == [1.5, 3.0]


def test_plot_training_comparison_checks_its_inputs():
    with pytest.raises(ValueError, match="the same models in both"):
        figures.plot_training_comparison({"a": {"val_loss": [1.0]}}, {"b": 1.0})
    with pytest.raises(ValueError, match="The history of 'a' has no 'val_loss'"):
        figures.plot_training_comparison({"a": {"loss": [1.0]}}, {"a": 1.0})


def test_plot_checkerboard_spectra_has_a_row_per_set():
    checkerboard = np.indices((28, 28)).sum(axis=0) % 2 * np.ones((4, 1, 1))
    fig = figures.plot_checkerboard_spectra({"checkerboard": checkerboard[..., None], "digits": IMAGES}, n=2)
    assert [len(ax.images) for ax in fig.axes] == [1] * 6  # 2 images and a spectrum per row
    assert fig.axes[2].get_title().endswith("Nyquist share 100.0%")
    assert fig.axes[0].get_title() == "checkerboard"


def test_plot_checkerboard_spectra_needs_n_images():
    with pytest.raises(ValueError, match="Expected at least n = 3 images in 'few'. Received: 2 images"):
        figures.plot_checkerboard_spectra({"few": IMAGES[:2]}, n=3)


def test_plot_nll_by_k_draws_the_nll_under_minus_elbo():
    fig = figures.plot_nll_by_k({100: 90.0, 1: 95.0, 10: 92.0}, elbo=-95.5)
    [ax] = fig.axes
    nll_line, elbo_line = ax.lines
    np.testing.assert_array_equal(nll_line.get_xdata(), [1, 10, 100])
    np.testing.assert_array_equal(nll_line.get_ydata(), [95.0, 92.0, 90.0])
    assert elbo_line.get_ydata()[0] == 95.5
    assert ax.get_xscale() == "log"


def test_plot_nll_by_k_needs_values():
    with pytest.raises(ValueError, match="at least one k"):
        figures.plot_nll_by_k({}, elbo=-90.0)


def test_plot_active_units_sorts_the_variances():
    z_mean = np.random.default_rng(0).standard_normal((100, 5)) * np.array([0.01, 1.0, 0.1, 3.0, 0.3])
    fig = figures.plot_active_units({"model": z_mean})
    curve, threshold = fig.axes[0].lines
    np.testing.assert_allclose(curve.get_ydata(), np.sort(np.var(z_mean, axis=0))[::-1])
    assert threshold.get_ydata()[0] == 0.01


def test_plot_active_units_needs_codes_of_shape_n_by_latent_dim():
    with pytest.raises(ValueError, match=r"of shape \(n, latent_dim\). Received: z_mean.shape=\(100,\)"):
        figures.plot_active_units({"model": np.zeros(100)})


def _png_pixels(png):
    """The grey level of each pixel of PNG bytes: (H, W) in [0, 1]."""
    import io

    from matplotlib.image import imread

    return imread(io.BytesIO(bytes(png)), format="png")[..., 0]


def _sum_decoder(latent_dim):
    """A decoder whose image is sigmoid(sum of z) everywhere: easy to predict from the code."""
    z = keras.Input((latent_dim,))
    total = keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros", activation="sigmoid")(z)
    images = keras.layers.Reshape((4, 4, 1))(keras.layers.RepeatVector(16)(total))
    return keras.Model(z, images)


def test_latent_explorer_redraws_the_decoded_image_when_a_slider_moves():
    pytest.importorskip("ipywidgets")
    explorer = widgets.latent_explorer(_sum_decoder(2), interactive=True)
    assert len(explorer.sliders) == 2 and [s.description for s in explorer.sliders] == ["z[0]", "z[1]"]
    np.testing.assert_allclose(_png_pixels(explorer.image.value), 0.5, atol=1 / 255)  # z = 0: sigmoid(0)
    explorer.sliders[0].value, explorer.sliders[1].value = 1.0, 1.5
    pixels = _png_pixels(explorer.image.value)
    assert pixels.shape == (4 * 6, 4 * 6)  # each pixel drawn 6×6
    np.testing.assert_allclose(pixels, 1 / (1 + np.exp(-2.5)), atol=1 / 255)


def test_interpolation_explorer_shows_the_pixel_blend_and_the_decoded_path():
    pytest.importorskip("ipywidgets")
    x_a, x_b = np.zeros((4, 4, 1)), np.ones((4, 4, 1))
    explorer = widgets.interpolation_explorer(_sum_decoder(3), np.full(3, -1.0), np.full(3, 1.0),
                                               images=(x_a, x_b), interactive=True)
    explorer.slider.value = 0.25  # blend 0.25; z_t = -0.5 in every latent: sigmoid(-1.5)
    pixels = _png_pixels(explorer.image.value)
    assert pixels.shape == (24, 24 + 2 + 24)  # two images, a 2-pixel gap
    np.testing.assert_allclose(pixels[:, :24], 0.25, atol=1 / 255)
    np.testing.assert_allclose(pixels[:, -24:], 1 / (1 + np.exp(1.5)), atol=1 / 255)


def test_explorers_draw_a_closed_static_figure_without_widgets():
    explorer = widgets.latent_explorer(build_dense_decoder(2, hidden_units=(8,)), interactive=False)
    assert isinstance(explorer, Figure) and len(shown_images(explorer)) == 2 * 7
    assert explorer.number not in plt.get_fignums()  # closed: a notebook shows it once, as the cell's value
    path = widgets.interpolation_explorer(build_dense_decoder(2, hidden_units=(8,)), [0, 0], [1, 1],
                                           images=(IMAGES[0], IMAGES[1]), interactive=False, steps=5)
    assert len(shown_images(path)) == 2 * 5


def test_explorers_are_static_outside_a_kernel():
    assert not widgets.widgets_available()  # pytest runs no Jupyter kernel
    assert isinstance(widgets.latent_explorer(build_dense_decoder(2, hidden_units=(8,))), Figure)


def test_explorers_refuse_codes_of_the_wrong_size():
    decoder = build_dense_decoder(2, hidden_units=(8,))
    with pytest.raises(ValueError, match=r"starting code z of shape \(2,\). Received: z.shape=\(3,\)"):
        widgets.latent_explorer(decoder, z=np.zeros(3), interactive=False)
    with pytest.raises(ValueError, match=r"z_a and z_b of shape \(2,\). Received: z_a.shape=\(2,\), z_b.shape=\(3,\)"):
        widgets.interpolation_explorer(decoder, np.zeros(2), np.zeros(3), interactive=False)


def test_plot_sigma_sweep_draws_error_and_kl_against_sigma():
    fig = figures.plot_sigma_sweep([0.05, 0.1, 0.2], [0.12, 0.13, 0.15], [50.0, 30.0, 20.0],
                                    learned=(0.11, 0.11, 28.0))
    left, right = fig.axes
    assert left.get_xscale() == "log" and right.get_xscale() == "log"
    np.testing.assert_allclose(left.lines[0].get_ydata(), [0.12, 0.13, 0.15])
    np.testing.assert_allclose(left.lines[1].get_ydata(), [0.05, 0.1, 0.2])  # the line error = σ
    np.testing.assert_allclose(right.lines[0].get_ydata(), [50, 30, 20])
    assert [line.get_label() for line in right.lines] == ["σ fixed", "σ learned"]
    assert len(figures.plot_sigma_sweep([0.1], [0.1], [3.0]).axes[1].lines) == 1
    with pytest.raises(ValueError, match="one σ, error and KL per model. Received: 2, 1, 2"):
        figures.plot_sigma_sweep([0.1, 0.2], [0.1], [1.0, 2.0])


def test_plot_sigma_trace_draws_both_curves_per_epoch():
    ax = figures.plot_sigma_trace([0.5, 0.3, 0.2], [0.25, 0.2, 0.19]).axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.5, 0.3, 0.2])
    np.testing.assert_allclose(ax.lines[1].get_xdata(), [1, 2, 3])
    with pytest.raises(ValueError, match="one σ and one error per epoch"):
        figures.plot_sigma_trace([0.5, 0.3], [0.2])


# --- Tables of real-valued measurements (notebook 06) ----------------------------------------

TABLE = np.random.default_rng(0).normal(size=(200, 4)) * [1.0, 10.0, 0.1, 3.0]
NAMES = ["a", "b", "c", "d"]


def test_plot_learned_sigma_sorts_one_bar_per_feature():
    fig = figures.plot_learned_sigma([0.5, 0.1, 0.9, 0.3], NAMES)
    (ax,) = fig.axes
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([0.1, 0.3, 0.5, 0.9])
    assert [label.get_text() for label in ax.get_yticklabels()] == ["b", "d", "a", "c"]
    with pytest.raises(ValueError, match="one feature name per σ, 4. Received: 3 feature_names"):
        figures.plot_learned_sigma([0.5, 0.1, 0.9, 0.3], NAMES[:3])


def test_plot_marginals_draws_real_and_generated_per_feature():
    fig = figures.plot_marginals(TABLE, TABLE[:50] + 1, NAMES, features=[0, 3], ncols=3)
    drawn = [ax for ax in fig.axes if ax.patches]
    assert [ax.get_title() for ax in drawn] == ["a", "d"]
    assert len(drawn[0].patches) == 2 * 25  # two histograms of 25 bins
    with pytest.raises(ValueError, match=r"the same d. Received: real.shape=\(\d+, 4\), generated.shape=\(\d+, 3\)"):
        figures.plot_marginals(TABLE, TABLE[:, :3], NAMES)
    with pytest.raises(ValueError, match="Expected 4 feature names. Received: 2 feature_names"):
        figures.plot_marginals(TABLE, TABLE, NAMES[:2])


def test_plot_correlations_shows_both_matrices_and_their_difference():
    generated = TABLE.copy()
    generated[:, 1] = TABLE[:, 0] * 10
    fig = figures.plot_correlations(TABLE, generated, NAMES)
    heat_maps = shown_images(fig)
    assert len(heat_maps) == 3
    real, gen, difference = (np.asarray(ax.images[0].get_array()) for ax in heat_maps)
    np.testing.assert_allclose(real, np.corrcoef(TABLE, rowvar=False), atol=1e-12)
    np.testing.assert_allclose(difference, gen - real, atol=1e-12)
    assert gen[0, 1] == pytest.approx(1.0)
    assert "mean |Δ| off the diagonal" in heat_maps[2].get_title()
    with pytest.raises(ValueError, match="Expected 4 feature names. Received: 3 feature_names"):
        figures.plot_correlations(TABLE, generated, NAMES[:3])

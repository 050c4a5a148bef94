"""The numbers behind the notebooks' tables: tables, layer costs, spectra, diversity."""

import keras
import numpy as np
import pytest

from vae_keras.course import analysis
from vae_keras.decoders import build_conv_decoder, build_dense_decoder


def test_format_table_aligns_columns_and_formats_numbers():
    rows = [{"decoder": "dense", "parameters": 1234567, "loss": 150.256},
            {"decoder": "upsample", "parameters": 12, "loss": 9.0}]
    lines = analysis.format_table(rows, formats={"loss": ".1f"}).splitlines()
    assert lines[0].split() == ["decoder", "parameters", "loss"]
    assert lines[1].split() == ["dense", "1,234,567", "150.3"]
    assert lines[2].split() == ["upsample", "12", "9.0"]
    assert len({len(line) for line in lines}) == 1  # numbers right-aligned: every line equally long
    assert lines[1].startswith("dense ")  # text left-aligned


def test_format_table_defaults_to_two_decimals_for_floats():
    assert analysis.format_table([{"x": np.float32(0.5), "n": np.int64(3000)}]).splitlines()[1].split() == [
        "0.50", "3,000"]


@pytest.mark.parametrize("rows, formats, message", [
    ([], None, "at least one row"),
    ([{"a": 1}, {"b": 2}], None, r"columns \['a'\], in that order. Received: a row with \['b'\]"),
    ([{"a": 1}], {"c": ".1f"}, r"formats names columns \['c'\]"),
])
def test_format_table_refuses_bad_rows(rows, formats, message):
    with pytest.raises(ValueError, match=message):
        analysis.format_table(rows, formats)


def test_layer_table_lists_every_layer_with_its_parameters():
    decoder = build_dense_decoder(2, hidden_units=(8,))
    lines = analysis.layer_table(decoder).splitlines()
    assert len(lines) == 1 + len(decoder.layers) - 1  # header, then every layer but the input
    assert lines[1].split()[0] == "Dense" and lines[1].split()[-1] == str(2 * 8 + 8)
    assert "(None, 28, 28, 1)" in lines[-1]


def test_conv_multiply_adds_counts_input_positions_for_transposed_convolutions():
    inputs = keras.Input((7, 7, 4))
    transpose = keras.layers.Conv2DTranspose(2, 3, strides=2, padding="same")
    conv = keras.layers.Conv2D(2, 3, padding="same")
    conv(transpose(inputs))
    assert analysis.conv_multiply_adds(transpose) == 7 * 7 * 9 * 4 * 2
    assert analysis.conv_multiply_adds(conv) == 14 * 14 * 9 * 2 * 2
    with pytest.raises(ValueError, match="Conv2D or Conv2DTranspose layer. Received: layer of type Dense"):
        analysis.conv_multiply_adds(keras.layers.Dense(3))


def test_upsample_blocks_cost_four_times_the_transposed_ones():
    latent_dim = 4
    costs = {kind: analysis.upsampling_costs(build_conv_decoder(latent_dim, upsampling=kind))
             for kind in ("transpose", "upsample")}
    assert [row["layer"] for row in costs["transpose"]] == ["Conv2DTranspose"] * 2
    assert [row["layer"] for row in costs["upsample"]] == ["Conv2D"] * 2  # the head's Conv2D is not counted
    assert [row["output"] for row in costs["upsample"]] == ["(14, 14, 64)", "(28, 28, 32)"]
    total = {kind: sum(row["multiply-adds"] for row in rows) for kind, rows in costs.items()}
    assert total["upsample"] == 4 * total["transpose"]
    assert [row["parameters"] for row in costs["upsample"]] == [row["parameters"] for row in costs["transpose"]]


def test_upsampling_costs_needs_upsampling_layers():
    with pytest.raises(ValueError, match="has no upsampling layers"):
        analysis.upsampling_costs(build_dense_decoder(2))


def test_nyquist_share_is_one_for_a_checkerboard_and_zero_for_copied_pixels():
    checkerboard = (np.indices((28, 28)).sum(axis=0) % 2).astype("float32")
    blocks = np.kron(np.random.default_rng(0).random((14, 14)), np.ones((2, 2)))  # each value copied 2×2
    assert analysis.nyquist_share(checkerboard[None, ..., None]) == pytest.approx(1.0)
    assert analysis.nyquist_share(blocks[None]) == pytest.approx(0.0, abs=1e-12)
    assert analysis.nyquist_share(np.ones((2, 28, 28))) == 0.0  # no variation, no energy anywhere


def test_power_spectrum_removes_each_images_mean():
    images = np.random.default_rng(0).random((3, 8, 8, 1)) + np.arange(3)[:, None, None, None]
    power = analysis.power_spectrum(images)
    assert power.shape == (3, 8, 8)
    np.testing.assert_allclose(power[:, 0, 0], 0.0, atol=1e-9)


@pytest.mark.parametrize("images, message", [
    (np.zeros((2, 27, 28)), "even image size: crop or pad the images. Received: images of 27×28"),
    (np.zeros((2, 28, 28, 3)), r"shape \(n, H, W, 1\) or \(n, H, W\). Received: images.shape=\(2, 28, 28, 3\)"),
])
def test_nyquist_share_refuses_bad_images(images, message):
    with pytest.raises(ValueError, match=message):
        analysis.nyquist_share(images)


def test_diversity_is_the_mean_pairwise_distance():
    images = np.zeros((3, 2, 2))
    images[1, 0, 0], images[2, 0, 0] = 3.0, 4.0  # distances 3, 4 and 1
    assert analysis.diversity(images) == pytest.approx(8 / 3)
    assert analysis.diversity(np.ones((5, 2, 2))) == 0.0
    with pytest.raises(ValueError, match="pass at least 2. Received: 1 image"):
        analysis.diversity(images[:1])


def test_distance_from_prior_is_small_for_prior_samples_only():
    z = np.random.default_rng(0).standard_normal((20_000, 4))
    assert analysis.distance_from_prior(z) < 1e-3
    assert analysis.distance_from_prior(3 * z + 1) == pytest.approx(1 + np.log(3) ** 2, rel=0.01)
    with pytest.raises(ValueError, match=r"\(n, latent_dim\) with n >= 2. Received: z.shape=\(4,\)"):
        analysis.distance_from_prior(z[0])


@pytest.mark.parametrize("kernel_size, size", [(1, 2), (3, 2), (5, 2), (3, 3)])
def test_tied_transpose_kernel_makes_a_transposed_convolution_do_upsampling_then_convolution(kernel_size, size):
    rng = np.random.default_rng(0)
    kernel = rng.standard_normal((kernel_size, kernel_size, 3, 4)).astype("float32")
    bias = rng.standard_normal(4).astype("float32")
    x = rng.standard_normal((2, 5, 6, 3)).astype("float32")
    conv = keras.layers.Conv2D(4, kernel_size, padding="same")
    conv.build((None, 5 * size, 6 * size, 3))
    conv.set_weights([kernel, bias])
    copy_then_convolve = conv(keras.layers.UpSampling2D(size)(x))
    transpose = keras.layers.Conv2DTranspose(4, kernel_size + size - 1, strides=size, padding="same")
    transpose.build((None, 5, 6, 3))
    transpose.set_weights([analysis.tied_transpose_kernel(kernel, size), bias])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(transpose(x)), keras.ops.convert_to_numpy(copy_then_convolve),
                               atol=1e-4)


def test_tied_transpose_kernel_sums_the_flipped_kernel_over_a_box():
    kernel = np.arange(1.0, 10.0).reshape(3, 3)  # w[i, j] = 3i + j + 1
    tied = analysis.tied_transpose_kernel(kernel)
    assert tied.shape == (4, 4)
    assert tied[0, 0] == kernel[2, 2] and tied[3, 3] == kernel[0, 0]  # the corners: one weight each
    assert tied[1, 1] == kernel[1:, 1:].sum()  # an inner entry: a 2×2 block of the flipped kernel
    for a in range(2):  # every phase of the stride sums all nine weights: no checkerboard on a constant input
        for b in range(2):
            assert tied[a::2, b::2].sum() == kernel.sum()


@pytest.mark.parametrize("kernel, size, message", [
    (np.zeros((4, 4)), 2, "an odd kernel size.*Received: a 4×4 kernel"),
    (np.zeros((3, 3, 2)), 2, r"\(k_h, k_w, C_in, C_out\) or \(k_h, k_w\). Received: kernel.shape=\(3, 3, 2\)"),
    (np.zeros((3, 3)), 0, "size must be an int >= 1"),
])
def test_tied_transpose_kernel_refuses_what_it_cannot_tie(kernel, size, message):
    with pytest.raises(ValueError, match=message):
        analysis.tied_transpose_kernel(kernel, size)



def test_nearest_distance_is_the_mean_distance_to_the_closest_reference():
    reference = np.zeros((3, 2, 2))
    reference[1, 0, 0], reference[2, 0, 0] = 10.0, -10.0
    images = np.zeros((2, 2, 2))
    images[0, 0, 0], images[1, 0, 1] = 9.0, 4.0  # 1 from reference[1]; 4 from reference[0]
    assert analysis.nearest_distance(images, reference, batch_size=1) == pytest.approx(2.5)
    assert analysis.nearest_distance(reference, reference) == 0.0
    with pytest.raises(ValueError, match="same shape per image"):
        analysis.nearest_distance(images, np.zeros((3, 5)))


# --- affine_residuals, reconstruction_summary -----------------------------------------------

def _two_hidden(style):
    z = keras.Input(shape=(3,))
    if style == "linear":
        h = keras.layers.Dense(16)(keras.layers.Dense(8)(z))
    elif style == "argument":
        h = keras.layers.Dense(16, activation="tanh")(keras.layers.Dense(8, activation="relu")(z))
    elif style == "layers":
        h = keras.layers.LeakyReLU()(keras.layers.Dense(8)(z))
        h = keras.layers.Activation("elu")(keras.layers.Dense(16)(h))
    elif style == "ops":
        h = keras.ops.relu(keras.layers.Dense(8)(z))
        h = keras.activations.gelu(keras.layers.Dense(16)(h))
    else:  # the first hidden layer non-linear, the second not
        h = keras.layers.Dense(16)(keras.layers.Dense(8, activation="relu")(z))
    return keras.Model(z, keras.layers.Dense(5, activation="sigmoid")(h))


@pytest.mark.parametrize("style, nonlinear", [("linear", [False, False]), ("argument", [True, True]),
                                              ("layers", [True, True]), ("ops", [True, True]),
                                              ("half", [True, False])])
def test_affine_residuals_find_the_non_linearity_however_it_is_written(style, nonlinear):
    residuals = analysis.affine_residuals(_two_hidden(style))
    assert len(residuals) == 2
    assert [r > 1e-3 for r in residuals] == nonlinear, residuals
    assert all(r < 1e-5 for r, flag in zip(residuals, nonlinear) if not flag)


def test_affine_residuals_read_a_sequential_model_and_refuse_one_dense_layer():
    sequential = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4), keras.layers.ReLU(),
                                   keras.layers.Dense(3)])
    assert analysis.affine_residuals(sequential)[0] > 1e-3
    with pytest.raises(ValueError, match="at least two Dense layers. Received: a model with 1"):
        analysis.affine_residuals(keras.Sequential([keras.Input((2,)), keras.layers.Dense(4)]))


def test_reconstruction_summary_measures_in_pixels(trained_vae, digits):
    x = digits.x_test[:32]
    summary = analysis.reconstruction_summary(trained_vae, x, x)
    expected = np.sqrt(np.mean((trained_vae.reconstruct(x) - x) ** 2))
    assert summary["rms_error"] == pytest.approx(expected, rel=1e-5)
    assert summary["kl"] > 0 and summary["outside"] == 0.0  # a sigmoid head stays in [0, 1]
    doubled = analysis.reconstruction_summary(trained_vae, x, 2 * x, to_pixels=lambda out: 2 * out)
    assert doubled["rms_error"] == pytest.approx(2 * expected, rel=1e-5) and doubled["outside"] > 0
    sampled = analysis.reconstruction_summary(trained_vae, x, x, use_mean=False)
    assert sampled["rms_error"] != summary["rms_error"] and sampled["kl"] == pytest.approx(summary["kl"])
    with pytest.raises(ValueError, match="same examples. Received: len\\(x\\)=32, len\\(pixels\\)=31"):
        analysis.reconstruction_summary(trained_vae, x, x[:31])


# --- importance_weighted_estimates (notebook 05) -------------------------------------------


@pytest.fixture(scope="module")
def small_vae_and_images():
    from vae_keras import reference

    vae = reference.reference_dense_vae(latent_dim=3, hidden_units=(16, 16), seed=0)
    on = np.linspace(0.05, 0.4, 40)[:, None, None, None]  # images from sparse to dense: they differ in likelihood
    x = (np.random.default_rng(0).random((40, 28, 28, 1)) < on).astype("float32")
    return vae, x


def test_importance_weighted_estimates_agree_with_the_library_and_fall_with_k(small_vae_and_images):
    from vae_keras import evaluation

    vae, x = small_vae_and_images
    estimates = analysis.importance_weighted_estimates(vae, x, ks=[10, 1, 100], replicates=4, seed=1)
    assert list(estimates) == [1, 10, 100]
    nll = [estimates[k]["nll"] for k in estimates]
    assert nll[0] > nll[1] > nll[2], nll  # an untrained encoder leaves a wide gap for the samples to close
    for k, estimate in estimates.items():
        assert estimate["per_image"].shape == (40,)
        assert estimate["nll"] == pytest.approx(estimate["per_image"].mean())
        assert 0 < estimate["mc_se"]
        library = evaluation.importance_weighted_nll(vae, x, k=k, seed=3)
        # the library's estimate uses one group of k per image: its standard error is sqrt(K/k) times ours
        assert abs(library - estimate["nll"]) < 5 * estimate["mc_se"] * np.sqrt(1 + 4 * 100 / k), (k, library, estimate)
    assert estimates[1]["nll"] == pytest.approx(-evaluation.elbo(vae, x), abs=2.0)  # L_1 is the ELBO


def test_importance_weighted_estimates_standard_error_shrinks_like_one_over_root_samples(small_vae_and_images):
    vae, x = small_vae_and_images
    few = analysis.importance_weighted_estimates(vae, x, ks=[1, 4], replicates=4, seed=0)
    many = analysis.importance_weighted_estimates(vae, x, ks=[1, 4], replicates=64, seed=0)
    for k in (1, 4):
        assert many[k]["mc_se"] == pytest.approx(few[k]["mc_se"] / 4, rel=0.5)
    assert many[4]["image_se"] == pytest.approx(np.std(many[4]["per_image"], ddof=1) / np.sqrt(40))


@pytest.mark.parametrize("kwargs, message", [
    ({"ks": []}, r"Expected ks as a positive int or a sequence of them, e.g. 100 or \[1, 10, 100\]. Received: ks=\[\]"),
    ({"ks": [0, 10]}, r"Received: ks=\[0, 10\]"),
    ({"ks": 0}, r"Received: ks=0"),
    ({"ks": "10"}, r"Received: ks='10'"),
    ({"ks": [1.5]}, r"Received: ks=\[1.5\]"),
    ({"ks": [1, 3, 10]}, "must divide the largest"),
    ({"ks": [1, 10], "replicates": 1}, "replicates >= 2"),
])
def test_importance_weighted_estimates_refuses_what_it_cannot_estimate(small_vae_and_images, kwargs, message):
    vae, x = small_vae_and_images
    with pytest.raises(ValueError, match=message):
        analysis.importance_weighted_estimates(vae, x, **kwargs)


def test_importance_weighted_estimates_take_one_k_as_an_int(small_vae_and_images):
    vae, x = small_vae_and_images
    one = analysis.importance_weighted_estimates(vae, x, ks=4, replicates=2, seed=0)
    listed = analysis.importance_weighted_estimates(vae, x, ks=[4], replicates=2, seed=0)
    assert list(one) == [4] and one[4]["nll"] == listed[4]["nll"]


def test_importance_weighted_estimates_refuses_grey_images_for_a_bernoulli_model(small_vae_and_images):
    vae, x = small_vae_and_images
    with pytest.raises(ValueError, match="binary images"):
        analysis.importance_weighted_estimates(vae, x * 0.5, ks=[1])


def test_affine_residual_is_zero_for_an_affine_map_and_not_through_a_non_linearity():
    before = np.random.default_rng(0).standard_normal((200, 3))
    affine = before @ np.array([[1.0, -2.0], [0.5, 0.0], [3.0, 1.0]]) + 4.0
    assert analysis.affine_residual(before, affine) < 1e-9
    assert analysis.affine_residual(before, np.maximum(affine, 4.0)) > 0.1
    assert analysis.affine_residual(before, np.ones((200, 2))) == 0.0  # constant: nothing to explain

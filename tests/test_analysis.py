"""The numbers behind the notebooks' tables: tables, layer costs, spectra, diversity."""

import keras
import numpy as np
import pytest

from vae_keras import analysis
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
    ([{"a": 1}, {"b": 2}], None, r"columns \['a'\], in that order; got \['b'\]"),
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
    with pytest.raises(ValueError, match="Conv2D or Conv2DTranspose layer; got Dense"):
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
    (np.zeros((2, 27, 28)), "even image size; got 27×28"),
    (np.zeros((2, 28, 28, 3)), r"shape \(n, H, W, 1\) or \(n, H, W\); got \(2, 28, 28, 3\)"),
])
def test_nyquist_share_refuses_bad_images(images, message):
    with pytest.raises(ValueError, match=message):
        analysis.nyquist_share(images)


def test_diversity_is_the_mean_pairwise_distance():
    images = np.zeros((3, 2, 2))
    images[1, 0, 0], images[2, 0, 0] = 3.0, 4.0  # distances 3, 4 and 1
    assert analysis.diversity(images) == pytest.approx(8 / 3)
    assert analysis.diversity(np.ones((5, 2, 2))) == 0.0
    with pytest.raises(ValueError, match="got 1 image"):
        analysis.diversity(images[:1])


def test_distance_from_prior_is_small_for_prior_samples_only():
    z = np.random.default_rng(0).standard_normal((20_000, 4))
    assert analysis.distance_from_prior(z) < 1e-3
    assert analysis.distance_from_prior(3 * z + 1) == pytest.approx(1 + np.log(3) ** 2, rel=0.01)
    with pytest.raises(ValueError, match=r"\(n, latent_dim\) with n >= 2; got \(4,\)"):
        analysis.distance_from_prior(z[0])

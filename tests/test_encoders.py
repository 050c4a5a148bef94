"""Encoders: images (batch, 28, 28, 1) -> [z_mean, z_log_var, z], each (batch, latent_dim)."""

import keras
import numpy as np
import pytest
from keras import ops

from vae_keras.course import checks
from vae_keras.encoders import build_conv_encoder, build_dense_encoder
from vae_keras.layers import Sampling

ENCODERS = {
    "dense": lambda latent_dim: build_dense_encoder(latent_dim),
    "conv-maxpool": lambda latent_dim: build_conv_encoder(latent_dim, downsampling="maxpool"),
    "conv-strides": lambda latent_dim: build_conv_encoder(latent_dim, downsampling="strides"),
}


@pytest.mark.parametrize("kind", ENCODERS)
def test_encoder_returns_z_mean_z_log_var_and_z_of_latent_shape(kind):
    encoder = ENCODERS[kind](3)
    checks.check_encoder(encoder, latent_dim=3)
    images = np.random.default_rng(0).random((5, 28, 28, 1)).astype("float32")
    outputs = encoder(images)
    assert len(outputs) == 3
    z_mean, z_log_var, z = (ops.convert_to_numpy(t) for t in outputs)
    for t in (z_mean, z_log_var, z):
        assert t.shape == (5, 3) and np.all(np.isfinite(t))
    assert not np.allclose(z, z_mean)  # z is a sample around z_mean, not z_mean itself


@pytest.mark.parametrize("kind", ENCODERS)
def test_encoder_samples_z_with_a_sampling_layer(kind):
    encoder = ENCODERS[kind](3)
    assert isinstance(encoder.get_layer("z"), Sampling)


def test_conv_downsamplings_reach_seven_by_seven():
    for downsampling in ("maxpool", "strides"):
        encoder = build_conv_encoder(3, filters=(32, 64), downsampling=downsampling)
        flatten = next(layer for layer in encoder.layers if layer.name.startswith("flatten"))
        assert flatten.input.shape[1:] == (7, 7, 64)


def test_conv_encoders_differ_in_how_they_downsample():
    maxpool = build_conv_encoder(3, downsampling="maxpool")
    strides = build_conv_encoder(3, downsampling="strides")
    assert sum("max_pooling2d" in layer.name for layer in maxpool.layers) == 2
    assert not any("max_pooling2d" in layer.name for layer in strides.layers)


def test_seeded_encoder_reproduces_its_samples():
    images = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    first, second = build_dense_encoder(3, seed=3), build_dense_encoder(3, seed=3)
    second.set_weights(first.get_weights())
    np.testing.assert_array_equal(ops.convert_to_numpy(first(images)[2]), ops.convert_to_numpy(second(images)[2]))


@pytest.mark.parametrize("build, message", [
    (lambda: build_conv_encoder(3, downsampling="avgpool"),
     r"downsampling must be one of \('maxpool', 'strides'\). Received: downsampling='avgpool'"),
    (lambda: build_dense_encoder(3, activation="sigmoidal"), r"Received: activation='sigmoidal'"),
    (lambda: build_conv_encoder(3, activation="sigmoidal"), r"Received: activation='sigmoidal'"),
    (lambda: build_dense_encoder(2.5), r"latent_dim must be a positive integer. Received: latent_dim=2.5"),
    (lambda: build_conv_encoder(-1), r"latent_dim must be a positive integer. Received: latent_dim=-1"),
    (lambda: build_conv_encoder(3, strides=(2, 3)), r"strides must hold one entry, 1 or 2, per conv layer"),
    (lambda: build_conv_encoder(3, image_shape=(28, 28)), r"image_shape must be a tuple of 3 positive integers"),
    (lambda: build_dense_encoder(3, image_shape=(0,)), r"image_shape must be a tuple of positive integers"),
    (lambda: build_dense_encoder(3, hidden_units=(512, -1)), r"hidden_units must be a sequence of positive integers"),
    (lambda: build_conv_encoder(3, filters=(32, 2.5)), r"filters must be a sequence of positive integers"),
    (lambda: build_conv_encoder(3, dense_units=-5), r"dense_units must be an integer >= 0"),
    (lambda: build_dense_encoder(3, seed="zero"), r"seed must be None or an integer >= 0. Received: seed='zero'"),
])
def test_bad_encoder_arguments_raise_value_error(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_dense_encoder_defaults_narrow_with_relu():
    encoder = build_dense_encoder(2)
    dense = [layer for layer in encoder.layers if hasattr(layer, "units")]
    assert [layer.units for layer in dense] == [512, 256, 2, 2]
    assert [layer.get_config()["activation"] for layer in dense] == ["relu", "relu", "linear", "linear"]
    assert encoder.input_shape == (None, 28, 28, 1)


def test_the_hidden_activation_is_the_one_applied():
    """Not only the config: the layer's function is relu by default, and another when asked."""
    images = np.random.default_rng(0).standard_normal((4, 28, 28, 1)).astype("float32")
    for activation, function in (("relu", keras.activations.relu), ("tanh", keras.activations.tanh)):
        # relu is the default: build that one without naming it
        encoder = build_dense_encoder(2, activation=activation) if activation != "relu" else build_dense_encoder(2)
        first = next(layer for layer in encoder.layers if hasattr(layer, "units"))
        assert first.activation is function
        flat = images.reshape(4, -1)
        expected = function(flat @ ops.convert_to_numpy(first.kernel) + ops.convert_to_numpy(first.bias))
        np.testing.assert_allclose(ops.convert_to_numpy(first(flat)), ops.convert_to_numpy(expected), atol=1e-5)


def test_conv_encoder_defaults():
    encoder = build_conv_encoder(2)
    convs = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [layer.filters for layer in convs] == [32, 64]
    assert all(layer.activation is keras.activations.relu for layer in convs)
    assert sum(isinstance(layer, keras.layers.MaxPooling2D) for layer in encoder.layers) == 2
    dense = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [128, 2, 2] and dense[0].activation is keras.activations.relu


def test_seed_fixes_weights_and_noise_and_different_seeds_differ():
    images = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    first, again, other = build_dense_encoder(3, seed=3), build_dense_encoder(3, seed=3), build_dense_encoder(3, seed=4)
    for a, b in zip(first.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ops.convert_to_numpy(first(images)[2]), ops.convert_to_numpy(again(images)[2]))
    assert not np.array_equal(first.get_weights()[0], other.get_weights()[0])

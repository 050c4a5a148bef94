"""Encoders: images (batch, 28, 28, 1) -> [z_mean, z_log_var, z], each (batch, latent_dim)."""

import numpy as np
import pytest
from keras import ops

from vae_keras import checks
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


def test_unknown_downsampling_raises_value_error():
    with pytest.raises(ValueError, match="expected one of \\('maxpool', 'strides'\\)"):
        build_conv_encoder(3, downsampling="avgpool")

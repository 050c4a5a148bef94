"""The Sampling layer: z = z_mean + exp(½·z_log_var)·ε, ε ~ N(0, I)."""

import keras
import numpy as np
from keras import ops

from vae_keras.layers import Sampling


def sample(layer, z_mean, z_log_var):
    return ops.convert_to_numpy(layer([ops.convert_to_tensor(z_mean), ops.convert_to_tensor(z_log_var)]))


def test_output_has_the_shape_of_z_mean():
    z_mean = np.zeros((5, 3), "float32")
    assert sample(Sampling(seed=0), z_mean, z_mean).shape == (5, 3)
    assert Sampling().compute_output_shape([(None, 3), (None, 3)]) == (None, 3)


def test_vanishing_variance_gives_z_equal_to_z_mean():
    z_mean = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    z_log_var = np.full_like(z_mean, -60.0)  # σ = exp(-30) ≈ 1e-13
    np.testing.assert_allclose(sample(Sampling(seed=0), z_mean, z_log_var), z_mean, atol=1e-6)


def test_samples_have_the_requested_mean_and_variance():
    n = 50_000
    mean, variance = np.array([1.5, -2.0, 0.0], "float32"), np.array([0.25, 4.0, 1.0], "float32")
    z = sample(Sampling(seed=1), np.tile(mean, (n, 1)), np.tile(np.log(variance), (n, 1)))
    standard_error = np.sqrt(variance / n)
    assert np.all(np.abs(z.mean(axis=0) - mean) < 5 * standard_error)
    np.testing.assert_allclose(z.var(axis=0), variance, rtol=0.05)
    correlation = np.corrcoef(z.T)[0, 1]
    assert abs(correlation) < 0.05  # independent noise per latent dimension


def test_same_seed_reproduces_and_fresh_calls_draw_new_noise():
    z_mean = np.zeros((8, 2), "float32")
    first = sample(Sampling(seed=7), z_mean, z_mean)
    np.testing.assert_array_equal(first, sample(Sampling(seed=7), z_mean, z_mean))
    assert not np.allclose(first, sample(Sampling(seed=8), z_mean, z_mean))
    layer = Sampling(seed=7)
    assert not np.allclose(sample(layer, z_mean, z_mean), sample(layer, z_mean, z_mean))


def test_get_config_round_trip_keeps_seed_and_name():
    layer = Sampling(seed=42, name="z")
    config = layer.get_config()
    assert config["seed"] == 42
    copy = Sampling.from_config(config)
    assert copy.seed == 42 and copy.name == "z"
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert isinstance(restored, Sampling) and restored.seed == 42
    z_mean = np.zeros((4, 2), "float32")
    np.testing.assert_array_equal(sample(restored, z_mean, z_mean), sample(Sampling(seed=42), z_mean, z_mean))

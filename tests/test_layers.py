"""The Sampling layer: z = z_mean + exp(½·z_log_var)·ε, ε ~ N(0, I)."""

import keras
import numpy as np
from keras import ops

from vae_keras.layers import Sampling, derive_seed, kernel_initializers


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


# --- Seeds for a model's layers, without global state ---------------------------------------

def test_derived_seeds_are_reproducible_and_differ_by_purpose():
    assert derive_seed(3, "encoder") == derive_seed(3, "encoder")
    assert len({derive_seed(3, "encoder"), derive_seed(3, "decoder"), derive_seed(4, "encoder")}) == 3
    assert derive_seed(None, "encoder") is None


def test_kernel_initializers_give_each_layer_its_own_seed():
    first = [next(kernel_initializers(5, "decoder")) for _ in range(1)]
    supply = kernel_initializers(5, "decoder")
    seeds = [next(supply).seed for _ in range(4)]
    assert len(set(seeds)) == 4 and seeds[0] == first[0].seed
    assert next(kernel_initializers(None, "decoder")) == "glorot_uniform"


def test_seeded_builders_leave_the_global_random_state_alone():
    """build_vae(seed=...) seeds its own layers: Python's, NumPy's and Keras's global streams are untouched."""
    import random

    import vae_keras

    random.seed(11)
    np.random.seed(11)
    keras.utils.set_random_seed(11)
    expected = (random.random(), np.random.random(), float(ops.convert_to_numpy(keras.random.uniform(()))))
    random.seed(11)
    np.random.seed(11)
    keras.utils.set_random_seed(11)
    vae_keras.build_vae(seed=0)
    vae_keras.load("digits", max_train=8, max_test=8)
    got = (random.random(), np.random.random(), float(ops.convert_to_numpy(keras.random.uniform(()))))
    assert got == expected

"""Several JAX training steps in one compiled call (vae_keras.jax_scan), and when VAE uses it."""

import keras
import numpy as np
import pytest
from keras import ops

import vae_keras
from vae_keras import jax_scan

LOSS_NAMES = ("loss", "reconstruction_loss", "kl_loss")

needs_jax = pytest.mark.skipif(keras.backend.backend() != "jax", reason="lax.scan steps are JAX's")


def fit_with_steps_per_execution(digits, scan_steps, count_scans=False):
    """10 batches of 16 with 4 steps per call: two groups of 4, then a group of 2.

    Returns (vae, history, scanned_calls): how often a group of 4 went through one lax.scan.
    """
    vae = vae_keras.build_vae(binarize=True, seed=3)
    vae.scan_steps = scan_steps
    vae.compile(optimizer=keras.optimizers.Adam(1e-3), steps_per_execution=4)
    calls = []
    if count_scans:
        vae.make_train_function()
        run_steps = vae.train_function.run_steps
        vae.train_function.run_steps = lambda *args: calls.append(1) or run_steps(*args)
    history = vae.fit(digits.x_train[:160], epochs=2, batch_size=16, shuffle=False, verbose=0)
    return vae, history, len(calls)


@needs_jax
def test_scanned_steps_train_exactly_like_single_steps(digits):
    scanned, scanned_history, scans = fit_with_steps_per_execution(digits, scan_steps=True, count_scans=True)
    looped, looped_history, _ = fit_with_steps_per_execution(digits, scan_steps=False)
    assert scans == 4  # two full groups in each of two epochs
    assert not isinstance(looped.train_function, jax_scan.ScannedTrainFunction)
    for name in LOSS_NAMES:
        np.testing.assert_allclose(scanned_history.history[name], looped_history.history[name], rtol=1e-4)
    for a, b in zip(scanned.get_weights(), looped.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)
    # The seed generator advanced once per step in both, so the next noise is the same too.
    np.testing.assert_array_equal(ops.convert_to_numpy(scanned.seed_generator.state),
                                  ops.convert_to_numpy(looped.seed_generator.state))


def train_function_kind(scan_steps, steps_per_execution):
    vae = vae_keras.build_vae(seed=0)
    vae.scan_steps = scan_steps
    vae.compile(optimizer="adam", steps_per_execution=steps_per_execution)
    vae.make_train_function()
    return isinstance(vae.train_function, jax_scan.ScannedTrainFunction)


@needs_jax
def test_steps_are_scanned_by_default_only_on_an_accelerator():
    import jax

    assert train_function_kind("auto", 4) is (jax.default_backend() != "cpu")
    assert train_function_kind(True, 4)
    assert not train_function_kind(False, 4)
    assert not train_function_kind(True, 1)  # nothing to scan over


@needs_jax
def test_a_keras_that_scans_steps_itself_is_left_to_do_it(monkeypatch):
    monkeypatch.setattr(jax_scan, "keras_scans_steps", lambda: True)
    assert not train_function_kind(True, 4)


def test_keras_scans_steps_is_detected_by_feature(monkeypatch):
    from keras.src.trainers.data_adapters import data_adapter_utils

    assert jax_scan.keras_scans_steps() is hasattr(data_adapter_utils, "super_batch_iterator")
    monkeypatch.setattr(data_adapter_utils, "super_batch_iterator", lambda *args, **kwargs: None, raising=False)
    assert jax_scan.keras_scans_steps()


def test_scan_steps_is_a_setting_of_each_model():
    first, second = vae_keras.build_vae(seed=0), vae_keras.build_vae(seed=0)
    first.scan_steps = False
    assert second.scan_steps == "auto" and "scan_steps" not in vars(vae_keras.VAE)
    with pytest.raises(ValueError, match="scan_steps must be one of"):
        vae_keras.VAE(first.encoder, first.decoder, scan_steps="sometimes")

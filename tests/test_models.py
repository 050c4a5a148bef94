"""build_vae's compiling half: compile_vae, and the cosine learning-rate schedule."""

import keras
import numpy as np
import pytest
from keras import ops

import vae_keras
from vae_keras.models import compile_vae, cosine_decay


def test_cosine_decay_falls_from_the_rate_to_zero_over_the_run():
    schedule = cosine_decay(1e-3, epochs=10, steps_per_epoch=50)
    rates = [float(ops.convert_to_numpy(schedule(step))) for step in (0, 250, 500)]
    np.testing.assert_allclose(rates, [1e-3, 0.5e-3, 0.0], atol=1e-9)


@pytest.mark.parametrize("kwargs, message", [
    ({"learning_rate": 0.0, "epochs": 3, "steps_per_epoch": 5}, "learning_rate must be a positive number"),
    ({"learning_rate": 1e-3, "epochs": 0, "steps_per_epoch": 5}, "epochs must be a positive integer"),
    ({"learning_rate": 1e-3, "epochs": 3, "steps_per_epoch": 2.5}, "steps_per_epoch must be a positive integer"),
])
def test_cosine_decay_checks_its_numbers(kwargs, message):
    with pytest.raises(ValueError, match=message):
        cosine_decay(**kwargs)


def test_a_schedule_drives_the_optimizer(digits):
    vae = vae_keras.build_vae(learning_rate=cosine_decay(1e-2, epochs=2, steps_per_epoch=4), seed=0)
    vae.fit(digits.x_train[:256], epochs=2, batch_size=64, verbose=0)
    assert float(ops.convert_to_numpy(vae.optimizer.learning_rate)) == pytest.approx(0.0, abs=1e-9)


def test_compile_vae_runs_one_step_per_call_on_torch_and_checks_its_rate():
    vae = vae_keras.build_vae(seed=0)
    compile_vae(vae, 3e-3, steps_per_execution=4)
    assert vae.steps_per_execution == (1 if keras.backend.backend() == "torch" else 4)
    with pytest.raises(ValueError, match="learning_rate must be a positive number. Received: learning_rate=-1"):
        compile_vae(vae, -1)


def test_build_vae_refuses_a_likelihood_and_a_different_deprecated_alias():
    with pytest.raises(ValueError, match=r"Received: likelihood='gaussian', reconstruction='bce'"):
        vae_keras.build_vae(head="linear", likelihood="gaussian", reconstruction="bce")
    with pytest.warns(DeprecationWarning, match=r"build_vae\(reconstruction=...\) is deprecated"):
        vae = vae_keras.build_vae(head="linear", likelihood="gaussian", reconstruction="mse")
    assert vae.likelihood.name == "gaussian"


def test_build_vae_takes_the_head_from_the_decoder_it_builds():
    vae = vae_keras.build_vae("conv", "transpose", head="tanh", seed=0)
    assert (vae.head.name, vae.likelihood.name) == ("tanh", "gaussian")
    with pytest.raises(ValueError, match=r"Received: head='tanh', likelihood='bernoulli'"):
        vae_keras.build_vae(head="tanh", likelihood="bernoulli")

"""The reference VAEs (vae_keras.reference) and the likelihood benchmark's main function."""

import importlib.util
import json
from pathlib import Path

import keras
import numpy as np
import pytest

from vae_keras import VAE
from vae_keras.decoders import build_conv_decoder
from vae_keras.encoders import build_conv_encoder
from vae_keras.reference import reference_conv_vae, reference_dense_vae

BUILDERS = {"dense": reference_dense_vae, "conv": reference_conv_vae}
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def binary_images(n, seed=0):
    """Random {0, 1} images (n, 28, 28, 1), about 20% ones, like binarized digits."""
    return (np.random.default_rng(seed).random((n, 28, 28, 1)) < 0.2).astype("float32")


@pytest.fixture(scope="module")
def dense_vae():
    return reference_dense_vae(seed=0, learning_rate=3e-3, steps_per_execution=2)


@pytest.fixture(scope="module")
def conv_vae():
    # 1e-3: at 3e-3 its loss can spike for an epoch on these noise images (seen on TensorFlow and PyTorch)
    return reference_conv_vae(seed=0, learning_rate=1e-3, steps_per_execution=2)


@pytest.fixture(params=sorted(BUILDERS))
def reference(request):
    """(kind, vae): each reference model is built once for this module (building is slow under JAX)."""
    return request.param, request.getfixturevalue(f"{request.param}_vae")


def test_reference_model_is_a_compiled_bernoulli_vae(reference):
    kind, vae = reference
    assert isinstance(vae, VAE)
    assert vae.binarize and vae.likelihood.name == "bernoulli"
    assert vae.decoder.get_layer("output_head").get_config()["activation"] == "sigmoid"
    assert vae.optimizer is not None
    assert vae.latent_dim == {"dense": 50, "conv": 32}[kind]


def test_reference_model_outputs_probabilities(reference):
    _, vae = reference
    x_hat = keras.ops.convert_to_numpy(vae(binary_images(3)))
    assert x_hat.shape == (3, 28, 28, 1)
    assert np.all(x_hat >= 0.0) and np.all(x_hat <= 1.0)
    z_mean, z_log_var, z = (keras.ops.convert_to_numpy(t) for t in vae.encoder(binary_images(3)))
    assert z_mean.shape == z_log_var.shape == z.shape == (3, vae.latent_dim)


def test_reference_model_trains(reference):
    _, vae = reference
    history = vae.fit(binary_images(64), batch_size=16, epochs=3, shuffle=False, verbose=0)  # the same steps every run
    loss = history.history["loss"]
    assert np.all(np.isfinite(loss))
    # 784 pixels at p = 0.5 cost ~543 nats; a few steps already learn the 20% of ones
    assert loss[-1] < loss[0], history.history


def test_reference_model_round_trips_through_a_keras_file(tmp_path):
    vae = reference_dense_vae(latent_dim=2, seed=0)  # the conv model saves the same way, only slower
    vae.fit(binary_images(32), batch_size=16, epochs=1, verbose=0)
    path = tmp_path / "reference.keras"
    vae.save(path)
    restored = keras.models.load_model(path)
    assert isinstance(restored, VAE) and restored.binarize and restored.likelihood.name == "bernoulli"
    z = np.random.default_rng(1).standard_normal((2, 2)).astype("float32")
    np.testing.assert_allclose(restored.decode(z), vae.decode(z), atol=1e-6)


def test_reference_models_differ_by_seed_and_repeat_with_the_same_seed():
    first, again, other = (reference_dense_vae(latent_dim=2, seed=s).encoder.get_weights()[0] for s in (1, 1, 2))
    np.testing.assert_allclose(first, again)
    assert not np.allclose(first, other)


def test_reference_conv_vae_halves_the_image_in_every_other_layer(conv_vae):
    encoder_sizes = [layer.output.shape[1] for layer in conv_vae.encoder.layers if "conv" in layer.name]
    decoder_sizes = [layer.output.shape[1] for layer in conv_vae.decoder.layers if "conv" in layer.name]
    assert encoder_sizes == [28, 14, 14, 7]  # strides 1, 2, 1, 2
    assert decoder_sizes == [7, 14, 14, 28]  # and back


def test_conv_builders_want_one_stride_of_1_or_2_per_layer():
    with pytest.raises(ValueError, match="one entry, 1 or 2, per conv layer"):
        build_conv_encoder(3, filters=(8, 16), strides=(2,))
    with pytest.raises(ValueError, match="one entry, 1 or 2, per conv layer"):
        build_conv_decoder(3, filters=(8, 16), strides=(2, 3))


def load_benchmark(name="likelihood"):
    spec = importlib.util.spec_from_file_location(f"{name}_benchmark", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_likelihood_benchmark_runs_and_resumes(tmp_path, capsys):
    benchmark = load_benchmark()
    checkpoint = tmp_path / "run.keras"
    settings = ["--model", "dense", "--dataset", "digits", "--train-images", "256", "--k", "10",
                "--test-images", "32", "--checkpoint", str(checkpoint), "--json", str(tmp_path / "f.json")]
    first = benchmark.main(settings + ["--epochs", "1"])
    assert first["complete"] and first["epochs"] == 1
    assert np.isfinite(first["test_nll"]) and np.isfinite(first["test_elbo"])
    assert 0.0 < first["test_nll"] < 784 * np.log(2) + 50  # a binary image costs at most ~543 nats, plus slack
    assert first["test_nll"] <= -first["test_elbo"] + 5.0  # the k-sample bound is tighter than the ELBO
    assert "test NLL" in capsys.readouterr().out
    assert json.loads((tmp_path / "f.json").read_text())["k"] == 10

    second = benchmark.main(settings + ["--epochs", "2"])  # resumes: trains one more epoch only
    assert second["epochs"] == 2
    assert "Resuming" in capsys.readouterr().out
    assert second["train_seconds"] >= first["train_seconds"]  # rounded to 0.1 s: an epoch can take less
    state = json.loads((tmp_path / "run.keras.json").read_text())
    assert state["epochs"] == 2 and len(state["epoch_seconds"]) == 2


def test_likelihood_benchmark_needs_a_budget():
    with pytest.raises(SystemExit):
        load_benchmark().parse_args(["--model", "dense"])


def test_fit_speed_benchmark_times_every_way_of_running_the_steps(capsys):
    times = load_benchmark("fit_speed").main(["--model", "dense", "--images", "96", "--batch-size", "16",
                                              "--steps-per-execution", "2", "--rounds", "2"])
    expected = ["spe=1", "spe=2 loop", "spe=2 scan"] if keras.backend.backend() == "jax" else ["spe=1", "spe=2"]
    assert list(times) == expected
    assert all(len(seconds) == 2 and min(seconds) > 0 for seconds in times.values())
    assert "s/epoch" in capsys.readouterr().out

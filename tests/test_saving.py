"""A saved VAE loads in a new Python process, after `import vae_keras`, under either backend.

A load in the process that saved the model proves nothing: that process has imported every module
that registers the library's classes with Keras. So the models are saved once, here, and each load
runs in a fresh interpreter: one under this suite's backend (importing vae_keras before keras),
one under the other backend (importing keras first).
"""

import contextlib
import importlib.util
import io
import json
import os
import subprocess
import sys

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

import vae_keras
from vae_keras import reference
from vae_keras.__main__ import main
from vae_keras.decoders import build_dense_decoder
from vae_keras.encoders import build_dense_encoder

BACKEND = keras.backend.backend()
OTHER_BACKEND = "tensorflow" if BACKEND == "jax" else "jax"
IMPORTS = {"this": "import vae_keras\nimport keras", "other": "import keras\nimport vae_keras"}

# Loads every model of a folder; writes its float weights, what it decodes and what it is. argv: folder, label.
LOADER = """
{imports}
import json, os, sys, warnings
import numpy as np

folder, label = sys.argv[1], sys.argv[2]
z, report = np.load(os.path.join(folder, "z.npy")), {{}}
for name in json.load(open(os.path.join(folder, "names.json"))):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        vae = keras.saving.load_model(os.path.join(folder, name + ".keras"))
    np.savez(os.path.join(folder, f"{{name}}.{{label}}.npz"), decoded=vae.decode(z[:, :vae.latent_dim]),
             *[keras.ops.convert_to_numpy(v) for v in vae.weights if "float" in str(v.dtype)])
    report[name] = {{"class": type(vae).__module__ + "." + type(vae).__name__, "likelihood": vae.likelihood.name,
                    "head": vae.head and vae.head.name, "check_pairing": vae.check_pairing,
                    "warnings": [str(w.message) for w in caught if issubclass(w.category, UserWarning)]}}
json.dump(report, open(os.path.join(folder, label + ".json"), "w"))
"""


def own_parts_vae():
    """A VAE from a learner's parts: the library's encoder, a plain functional decoder (no known head)."""
    z = keras.Input(shape=(2,))
    images = keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="sigmoid")(z))
    return vae_keras.VAE(build_dense_encoder(2, hidden_units=(16,), seed=0), keras.Model(z, images),
                         likelihood="bernoulli", seed=0)


def unchecked_pairing_vae():
    """A tanh head feeding a Bernoulli likelihood, built on purpose with check_pairing=False."""
    with pytest.warns(UserWarning, match="check_pairing=False"):
        return vae_keras.VAE(build_dense_encoder(2, hidden_units=(16,), seed=0),
                             build_dense_decoder(2, hidden_units=(16,), head="tanh", seed=0),
                             likelihood="bernoulli", check_pairing=False)


MODELS = {
    "build_vae_dense": lambda: vae_keras.build_vae(seed=0),
    "build_vae_transpose": lambda: vae_keras.build_vae("conv", "transpose", latent_dim=3, seed=0),
    "build_vae_upsample": lambda: vae_keras.build_vae("conv", "upsample", head="tanh", seed=0),
    "reference_dense": lambda: reference.reference_dense_vae(latent_dim=3, hidden_units=(16, 16), seed=0),
    "reference_conv": lambda: reference.reference_conv_vae(latent_dim=2, seed=0),
    "own_parts": own_parts_vae,
    "unchecked_pairing": unchecked_pairing_vae,
}
NAMES = ("main_command", *MODELS)


def environment(backend):
    """The environment of a new process under `backend`; under JAX it shares this session's compilation
    cache (tests/conftest.py), so that it compiles the initializers it shares with this process once."""
    env = {**os.environ, "KERAS_BACKEND": backend}
    if backend == BACKEND == "jax":
        import jax

        env.update(JAX_COMPILATION_CACHE_DIR=jax.config.jax_compilation_cache_dir or "",
                   JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0", JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES="0")
    return env


def float_weights(vae):
    """The model's float variables (its seed generators' states aside), as NumPy arrays in order."""
    return [keras.ops.convert_to_numpy(v) for v in vae.weights if "float" in str(v.dtype)]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """(folder, expected): every model saved in folder, and its float weights and what it decodes.

    The weights are moved off their seeded initial values, so that a load which rebuilt the model
    without reading its weights would decode something else.
    """
    folder = tmp_path_factory.mktemp("saved")
    argv = ["train", "--epochs", "1", "--max-train", "64", "--max-test", "32", "--batch-size", "32", "--verbose", "0",
            "--output", str(folder / "main")]
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(argv) == 0  # the main command saves in this process; only the loads need a fresh one
    plt.close("all")
    os.replace(folder / "main" / "vae.keras", folder / "main_command.keras")
    z = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    np.save(folder / "z.npy", z)
    rng = np.random.default_rng(1)
    models = {"main_command": keras.saving.load_model(folder / "main_command.keras")}
    for name, build in MODELS.items():
        models[name] = build()
        for variable in models[name].encoder.trainable_weights + models[name].decoder.trainable_weights:
            variable.assign(variable + 0.05 * rng.standard_normal(variable.shape).astype("float32"))
        models[name].save(folder / f"{name}.keras")
    expected = {name: {"decoded": vae.decode(z[:, :vae.latent_dim]), "weights": float_weights(vae),
                       "likelihood": vae.likelihood.name, "head": vae.head and vae.head.name}
                for name, vae in models.items()}
    (folder / "names.json").write_text(json.dumps(list(NAMES)))
    return folder, expected


def load_in_a_new_process(folder, which):
    """Runs LOADER in a fresh interpreter, under this backend ("this") or the other ("other"); returns its report."""
    backend = BACKEND if which == "this" else OTHER_BACKEND
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"the {backend} backend is not installed")
    code = LOADER.format(imports=IMPORTS[which])
    result = subprocess.run([sys.executable, "-c", code, str(folder), which], cwd=folder, capture_output=True,
                            text=True, env=environment(backend))
    assert result.returncode == 0, result.stderr.strip().splitlines()[-1][:1000]  # the exception, without its config
    return json.loads((folder / f"{which}.json").read_text())


@pytest.fixture(scope="module")
def reports(saved):
    """The loaders' reports, one fresh process per backend, each run once for the whole module."""
    cache = {}

    def report(which):
        if which not in cache:
            cache[which] = load_in_a_new_process(saved[0], which)
        return cache[which]

    return report


@pytest.mark.parametrize("which", ["this", "other"], ids=[f"saved and loaded under {BACKEND}",
                                                          f"saved under {BACKEND}, loaded under {OTHER_BACKEND}"])
@pytest.mark.parametrize("name", NAMES)
def test_a_saved_model_loads_in_a_new_process_with_its_weights_and_decodes_the_same(saved, reports, name, which):
    folder, expected = saved
    loaded = reports(which)[name]
    assert loaded["class"] == "vae_keras.vae.VAE"
    assert (loaded["likelihood"], loaded["head"]) == (expected[name]["likelihood"], expected[name]["head"])
    arrays = np.load(folder / f"{name}.{which}.npz")
    weights = [arrays[f"arr_{i}"] for i in range(len(arrays.files) - 1)]
    assert len(weights) == len(expected[name]["weights"])
    for got, saved_weight in zip(weights, expected[name]["weights"]):
        np.testing.assert_array_equal(got, saved_weight, err_msg=name)
    tolerance = 1e-6 if which == "this" else 1e-4  # another backend's kernels round differently
    np.testing.assert_allclose(arrays["decoded"], expected[name]["decoded"], rtol=tolerance, atol=tolerance,
                               err_msg=name)


def test_a_model_built_with_check_pairing_false_reloads_as_such_and_warns_again(reports):
    loaded = reports("this")
    assert loaded["unchecked_pairing"]["check_pairing"] is False
    assert any("check_pairing=False" in message and "'bernoulli'" in message and "'tanh'" in message
               for message in loaded["unchecked_pairing"]["warnings"])
    assert all(loaded[name]["check_pairing"] is True for name in NAMES if name != "unchecked_pairing")
    assert not any("check_pairing" in message for name in NAMES if name != "unchecked_pairing"
                   for message in loaded[name]["warnings"])


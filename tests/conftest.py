"""Shared fixtures: a small slice of the embedded digits and one briefly trained VAE.

Training is the slow part of the suite (each new model is compiled once per backend),
so the tests that only use a trained model share a single one, trained once per session.
Tests must not train or otherwise change it; they save or copy it instead.

Under JAX every new model compiles its steps afresh, even when an identical model was
compiled a moment ago (the saved and loaded copies of one VAE, or the same architecture
built in two tests). A compilation cache for this session, keyed by the computation
itself, lets them share the work; it lives in a temporary folder removed at the end.

pytest-xdist's controller process loads this file too but runs no test, so it does not load the
backend (seconds of CPU for TensorFlow).
"""

import shutil
import tempfile

import pytest

import vae_keras

_JAX_CACHE = None


def runs_no_test(config):
    """True in pytest-xdist's controller process: its workers run the tests, each loading the backend."""
    return bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")


def pytest_configure(config):
    """Under JAX, a compilation cache for this process, set before any test module compiles anything."""
    global _JAX_CACHE
    if runs_no_test(config):
        return
    import keras

    if keras.backend.backend() == "jax":
        import jax

        _JAX_CACHE = tempfile.mkdtemp(prefix="vae_keras_jax_cache_")
        jax.config.update("jax_compilation_cache_dir", _JAX_CACHE)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)


def pytest_unconfigure(config):
    if _JAX_CACHE:
        shutil.rmtree(_JAX_CACHE, ignore_errors=True)


TRAIN_EPOCHS = 3


@pytest.fixture(scope="session")
def digits():
    """256 training and 64 test images of the embedded digits, float32 (N, 28, 28, 1) in [0, 1]."""
    return vae_keras.load("digits", max_train=256, max_test=64, seed=0)


@pytest.fixture(scope="session")
def binary_test(digits):
    """The 64 test images binarized once (seed 0): data the Bernoulli likelihood is a probability of."""
    return vae_keras.datasets.binarize(digits.x_test, seed=0)


@pytest.fixture(scope="session")
def trained(digits, binary_test):
    """(vae, history): a dense VAE (latent_dim 2, sigmoid head, Bernoulli likelihood) trained for 3
    epochs on dynamically binarized images, validated on the binarized test images."""
    vae = vae_keras.build_vae("dense", "dense", latent_dim=2, binarize=True, learning_rate=3e-3, seed=0)
    history = vae.fit(digits.x_train, epochs=TRAIN_EPOCHS, batch_size=32,
                      validation_data=(binary_test,), verbose=0)
    return vae, history


@pytest.fixture(scope="session")
def trained_vae(trained):
    return trained[0]


@pytest.fixture
def close_figures():
    """Closes every matplotlib figure a test opened."""
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


# Modules whose tests do not depend on the backend (file handling, NumPy, matplotlib, nbgrader):
# `make test` runs them once, under TensorFlow, and runs the rest under every backend.
BACKEND_INDEPENDENT = {"test_analysis", "test_assignments", "test_checks", "test_datasets", "test_figures",
                       "test_handout", "test_package", "test_plotting", "test_repository", "test_runtime",
                       "test_validation"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.stem in BACKEND_INDEPENDENT or item.get_closest_marker("tensorflow_only"):
            item.add_marker(pytest.mark.backend_independent)

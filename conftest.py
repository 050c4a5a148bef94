"""Settings for the whole test suite, unit tests and notebooks alike (nbval kernels inherit them)."""

import os

import pytest

os.environ.setdefault("VAE_KERAS_QUICK", "1")  # small data, few epochs: see vae_keras.runtime
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Groups for pytest-xdist's `--dist loadgroup`: a test keeps the group it names (each notebook's
    exercise grading is one); every other test is grouped with its file, so a notebook's cells run in
    order in one kernel and a module's expensive fixtures are built once."""
    for item in items:
        if not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))

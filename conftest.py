"""Settings for the whole test suite, unit tests and notebooks alike (nbval kernels inherit them)."""

import os

import pytest

os.environ.setdefault("VAE_KERAS_QUICK", "1")  # small data, few epochs: see vae_keras.runtime
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Under pytest-xdist (`-n 2 --dist loadgroup`), each notebook's cells run in order on one worker, in one kernel."""
    for item in items:
        path = item.nodeid.split("::")[0]
        if path.endswith(".ipynb"):
            item.add_marker(pytest.mark.xdist_group(path))

"""Settings for the whole test suite, unit tests and notebooks alike (nbval kernels inherit them)."""

import os

os.environ.setdefault("VAE_KERAS_QUICK", "1")  # small data, few epochs: see vae_keras.course.runtime
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

# A notebook's cells must run in order in one kernel: this plugin fails a cell that did not.
pytest_plugins = ["tests.notebook_order"]

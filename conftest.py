"""Settings for the whole test suite, unit tests and notebooks alike (nbval kernels inherit them)."""

import os

os.environ.setdefault("VAE_KERAS_QUICK", "1")  # small data, few epochs: see vae_keras.runtime
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

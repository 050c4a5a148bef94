"""Settings for the whole test suite, unit tests and notebooks alike (nbval kernels inherit them)."""

import os

os.environ.setdefault("VAE_KERAS_QUICK", "1")  # small data, few epochs: see vae_keras.course.runtime
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# One thread per TensorFlow operation (and per NumPy BLAS call) in every process of the suite: it runs
# several at once on few cores (workers, kernels, subprocesses), and its tiny models gain nothing from
# threads, which then compete. It takes about a quarter less CPU time (benchmarks/RESULTS.md).
for _name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

# A notebook's cells must run in order in one kernel: this plugin fails a cell that did not.
pytest_plugins = ["tests.notebook_order"]

"""Settings for the whole test suite, unit tests and notebooks alike (nbval kernels inherit them)."""

import os

os.environ.setdefault("VAE_KERAS_QUICK", "1")  # small data, few epochs: see vae_keras.course.runtime
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# One thread per TensorFlow operation (and per NumPy BLAS call) in every process of the suite: it runs
# several at once on few cores (workers, kernels, subprocesses), and its tiny models gain nothing from
# threads, which then compete. The TensorFlow leg took 774 CPU-s instead of 808 (benchmarks/RESULTS.md).
for _name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

# A notebook's cells must run in order in one kernel: this plugin fails a cell that did not.
pytest_plugins = ["tests.notebook_order"]

# The slowest scopes (a test module, or one notebook's grading class), slowest first, by their CPU time in
# the suite (benchmarks/RESULTS.md). Under `--dist loadscope` pytest-xdist hands them out first, so that none
# of them starts last while the other workers have nothing left to do. Only the order changes, never what runs.
SLOW_FIRST = [
    "tests/test_exercises.py::TestNotebook07",
    "tests/test_nbgrader_cli.py",
    "tests/test_main.py",
    "tests/test_exercises.py::TestNotebook04",
    "tests/test_exercises.py::TestNotebook01",
    "tests/test_saving.py",
    "tests/test_exercises.py::TestNotebook02",
    "tests/test_exercises.py::TestNotebook03",
    "tests/test_browser.py",
    "tests/test_vae.py",
    "tests/test_distribution.py",
    "tests/test_exercises.py::TestNotebook06",
    "tests/test_assignments.py",
]


def pytest_configure(config):
    # pytest-xdist >= 3.6 would order the scopes by their number of tests instead (a few slow tests last).
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items):
    rank = {scope: position for position, scope in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("[", 1)[0].rsplit("::", 1)[0], len(rank)))

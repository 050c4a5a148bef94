"""What the notebooks call while they run: quick mode, the settings that depend on it, and a
setup cell without the backend's log lines.

Quick mode (``VAE_KERAS_QUICK=1``, set by the test suite) shrinks data and epochs so that
every notebook runs in seconds; without it the notebooks train for real.
"""

import contextlib
import os
import sys

QUICK_ENV = "VAE_KERAS_QUICK"


def quick_mode():
    """Whether the environment asks for the small, fast version of every notebook.

    Returns:
        True when ``VAE_KERAS_QUICK`` is ``1``, ``true`` or ``yes`` (any case), else False.
    """
    return os.environ.get(QUICK_ENV, "").strip().lower() in ("1", "true", "yes")


def pick(full, quick):
    """Chooses a setting by mode, e.g. ``epochs = pick(30, 2)``.

    Args:
        full: the value for a real run.
        quick: the value in quick mode.

    Returns:
        `quick` in quick mode, else `full`.
    """
    return quick if quick_mode() else full


def load_course_data(name="mnist", max_train=None, max_test=None, quick_train=1024, quick_test=256, seed=0):
    """Loads the notebooks' dataset: all of it normally, a small slice in quick mode.

    Offline, `vae_keras.datasets.load` falls back to the embedded digits and says so.

    Args:
        name: a dataset name of `vae_keras.datasets.load` (``"mnist"``, ``"fashion_mnist"``, ``"digits"``).
        max_train, max_test: in full mode, keep only the first so many images of each split
            (None: all).
        quick_train, quick_test: in quick mode, the number of images of each split.
        seed: shuffles the embedded digits into train and test splits.

    Returns:
        A `vae_keras.datasets.Dataset`; its images have shape (N, 28, 28, 1), float32 in [0, 1].
    """
    from vae_keras.datasets import load

    return load(name, max_train=pick(max_train, quick_train), max_test=pick(max_test, quick_test), seed=seed)


def describe_setup():
    """Describes the Keras version, backend and mode, for the top of each notebook.

    Returns:
        One line, e.g. ``"Keras 3.6.0, backend tensorflow, full mode."``.
    """
    import keras

    mode = "QUICK mode (small data, few epochs)" if quick_mode() else "full mode"
    return f"Keras {keras.__version__}, backend {keras.backend.backend()}, {mode}."


@contextlib.contextmanager
def quiet_backend_logs():
    """Hides the backend's native log lines while the block runs, e.g. ``import keras``.

    TensorFlow and XLA write C++ log lines ("Could not find cuda drivers", oneDNN, cpu_feature_guard,
    ...) straight to the process's stderr file descriptor, whatever ``TF_CPP_MIN_LOG_LEVEL`` says.
    Inside the block that descriptor points to /dev/null; afterwards it is restored, so later errors
    show as usual. Python's own exceptions are not affected: one raised in the block still shows.
    On leaving, the block runs one tiny operation, if Keras was imported, so that the backend's
    one-time device set-up (and its log lines) happens inside it too.

    Example:
        with runtime.quiet_backend_logs():
            import keras
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
        if "keras" in sys.modules:
            sys.modules["keras"].ops.convert_to_numpy(sys.modules["keras"].ops.zeros((1,)))
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)

"""What the notebooks call while they run: quick mode, and the settings that depend on it.

Quick mode (``VAE_KERAS_QUICK=1``, set by the test suite) shrinks data and epochs so that
every notebook runs in seconds; without it the notebooks train for real.
"""

import os

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

"""Image datasets for the course, as float32 arrays of shape (N, 28, 28, 1) in [0, 1].

`load(name)` is the one entry point:

- ``"mnist"`` and ``"fashion_mnist"`` come from ``keras.datasets`` (they download once,
  e.g. on Colab), or from a local keras-format ``.npz`` named by ``path=`` or by the
  environment variable ``VAE_KERAS_MNIST_PATH`` / ``VAE_KERAS_FASHION_MNIST_PATH``.
  When the download fails (no network) we fall back to ``"digits"`` with a one-line note.
- ``"digits"`` is embedded: scikit-learn's 1,797 real handwritten digits (8×8), resized to
  20×20 and centred in 28×28 like MNIST. It needs no network.

The rest of the module moves images between the three ranges the course uses
([0, 1], [-1, 1], standardised) and draws binarized images for Bernoulli likelihoods.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

import numpy as np

IMAGE_SHAPE = (28, 28, 1)
KERAS_DATASETS = ("mnist", "fashion_mnist")
NAMES = KERAS_DATASETS + ("digits",)
DOWNLOAD_TIMEOUT_S = 15


@dataclass(frozen=True)
class Dataset:
    """Train and test images (N, 28, 28, 1) float32 in [0, 1], with integer labels (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    name: str
    source: str

    def __repr__(self):
        return (
            f"Dataset({self.name!r}: {len(self.x_train)} train, {len(self.x_test)} test "
            f"images of shape {self.x_train.shape[1:]}, from {self.source})"
        )


def load(name="mnist", path=None, max_train=None, max_test=None, seed=0):
    """Loads a dataset by name; returns a `Dataset` of float32 images in [0, 1].

    Args:
        name: "mnist", "fashion_mnist" or "digits" (embedded, no network).
        path: a local keras-format .npz (x_train, y_train, x_test, y_test) to read
            instead of downloading.
        max_train, max_test: keep only the first so many images of each split.
        seed: shuffles the embedded digits into train and test splits.
    """
    if name not in NAMES:
        raise ValueError(f"Unknown dataset {name!r}; expected one of {', '.join(NAMES)}.")
    if name == "digits":
        if path is not None:
            raise ValueError("The embedded 'digits' dataset takes no path.")
        splits, source = _load_digits(seed), "scikit-learn's load_digits, resized to 28x28"
    else:
        path = path or os.environ.get(f"VAE_KERAS_{name.upper()}_PATH")
        if path:
            splits, source = _load_npz(path), str(path)
        else:
            splits, source = _download(name)
            if splits is None:
                return load("digits", max_train=max_train, max_test=max_test, seed=seed)
    (x_train, y_train), (x_test, y_test) = splits
    return Dataset(
        x_train=to_unit_images(x_train[:max_train]),
        y_train=np.asarray(y_train[:max_train], dtype="int64"),
        x_test=to_unit_images(x_test[:max_test]),
        y_test=np.asarray(y_test[:max_test], dtype="int64"),
        name=name,
        source=source,
    )


def _download(name):
    """keras.datasets' own loader, with a bounded wait; (None, reason) when offline."""
    loader = getattr(__import__("keras").datasets, name)
    previous_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    try:
        return loader.load_data(), f"keras.datasets.{name}"
    except Exception as error:  # no network, a proxy, a truncated file: all mean "offline"
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        if len(reason) > 120:  # keep the cause, which comes last ("... -- Name or service not known")
            reason = "..." + reason[-117:]
        print(
            f"Could not download {name} ({reason}); "
            "falling back to the embedded 'digits' dataset (scikit-learn, 28x28)."
        )
        return None, reason
    finally:
        socket.setdefaulttimeout(previous_timeout)


def _load_npz(path):
    if not os.path.exists(path):
        raise ValueError(f"No such .npz file: {path!r}; expected a keras.datasets-format file.")
    with np.load(path) as data:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(data.files)
        if missing:
            raise ValueError(
                f"{path!r} lacks {sorted(missing)}; expected the keras.datasets layout "
                "(x_train, y_train, x_test, y_test)."
            )
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])


def _load_digits(seed, test_fraction=1 / 6):
    """scikit-learn's 8×8 digits (0..16) as MNIST-like 28×28 uint8 images."""
    from scipy.ndimage import zoom
    from sklearn.datasets import load_digits

    digits = load_digits()
    small = digits.images.astype("float32") / 16.0  # (1797, 8, 8) in [0, 1]
    resized = np.clip(zoom(small, (1, 2.5, 2.5), order=1), 0.0, 1.0)  # (1797, 20, 20)
    images = np.zeros((len(small), 28, 28), dtype="uint8")
    images[:, 4:24, 4:24] = np.round(resized * 255).astype("uint8")
    order = np.random.default_rng(seed).permutation(len(images))
    images, labels = images[order], digits.target[order]
    n_test = int(len(images) * test_fraction)
    return (images[n_test:], labels[n_test:]), (images[:n_test], labels[:n_test])


def to_unit_images(x):
    """uint8 (N, 28, 28) or (N, 28, 28, 1) in 0..255 -> float32 (N, 28, 28, 1) in [0, 1]."""
    x = np.asarray(x)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"Expected images of shape (N, 28, 28) or (N, 28, 28, 1); got {x.shape}.")
    if x.dtype == np.uint8:
        return x.astype("float32") / 255.0
    check_images(x, value_range=(0.0, 1.0))
    return x.astype("float32")


def check_images(x, value_range=(0.0, 1.0), shape=IMAGE_SHAPE, name="images"):
    """Raises ValueError unless x is a float array (N, *shape) with values in value_range."""
    if not hasattr(x, "shape") or not hasattr(x, "dtype"):
        raise ValueError(f"Expected {name} as a NumPy array; got {type(x).__name__}.")
    if tuple(x.shape[1:]) != tuple(shape):
        raise ValueError(f"Expected {name} of shape (N, {', '.join(map(str, shape))}); got {tuple(x.shape)}.")
    if not np.issubdtype(np.dtype(str(x.dtype)), np.floating):
        raise ValueError(f"Expected float {name} (e.g. float32); got dtype {x.dtype}. "
                         "Rescale integer pixels with vae_keras.datasets.to_unit_images.")
    if value_range is not None and len(x):
        low, high = float(np.min(x)), float(np.max(x))
        if not (np.isfinite(low) and np.isfinite(high)):
            raise ValueError(f"{name} contain NaN or infinite values.")
        if low < value_range[0] - 1e-6 or high > value_range[1] + 1e-6:
            raise ValueError(
                f"Expected {name} with values in [{value_range[0]:g}, {value_range[1]:g}]; "
                f"got values in [{low:.3g}, {high:.3g}]."
            )
    return x


# --- The three data ranges and their inverses --------------------------------------------

def to_symmetric(x):
    """[0, 1] -> [-1, 1], for a decoder with a tanh head."""
    return 2.0 * check_images(x, (0.0, 1.0)) - 1.0


def from_symmetric(x):
    """[-1, 1] -> [0, 1], to show what a tanh decoder generated."""
    return np.clip((np.asarray(x) + 1.0) / 2.0, 0.0, 1.0)


class Standardizer:
    """Zero mean, unit variance (one mean and std over all pixels of the training set).

    `transform` feeds a decoder with a linear head; `inverse_transform` denormalises what
    it generates back to [0, 1] pixels.
    """

    def __init__(self, mean=None, std=None):
        self.mean, self.std = mean, std

    def fit(self, x):
        x = check_images(x, (0.0, 1.0))
        self.mean, self.std = float(np.mean(x)), float(np.std(x))
        if self.std == 0.0:
            raise ValueError("Cannot standardise images whose pixels are all equal (std 0).")
        return self

    def transform(self, x):
        self._check_fitted()
        return ((check_images(x, (0.0, 1.0)) - self.mean) / self.std).astype("float32")

    def inverse_transform(self, x):
        self._check_fitted()
        return np.clip(np.asarray(x) * self.std + self.mean, 0.0, 1.0).astype("float32")

    def _check_fitted(self):
        if self.mean is None:
            raise ValueError("Call Standardizer.fit(x_train) before transform or inverse_transform.")


def binarize(x, seed=0):
    """One draw of x_bin ~ Bernoulli(x): float32 {0, 1} images of x's shape.

    For a fixed binarized test set. Training data is binarized afresh at every step
    inside `VAE.train_step` (dynamic binarization) with ``VAE(binarize=True)``.
    """
    x = check_images(x, (0.0, 1.0))
    rng = np.random.default_rng(seed)
    return (rng.random(x.shape, dtype="float32") < x).astype("float32")

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
DOWNLOAD_HOST = "storage.googleapis.com"  # where keras.datasets downloads MNIST and Fashion-MNIST from
CACHED_FILES = {"mnist": "mnist.npz", "fashion_mnist": "fashion-mnist"}  # what Keras leaves in its cache
SYMMETRIC = (0.5, 0.5)  # x = (p - 0.5) / 0.5 = 2p - 1 maps pixels p in [0, 1] to [-1, 1]


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
    """keras.datasets' own loader; (None, reason) when it cannot be reached.

    Before a first download we try to reach the server, waiting at most DOWNLOAD_TIMEOUT_S
    (a timeout on that one socket: nothing process-wide changes). A copy Keras cached
    earlier loads without the network.
    """
    loader = getattr(__import__("keras").datasets, name)
    reason = None if _in_keras_cache(name) else _unreachable(DOWNLOAD_HOST)
    if reason is None:
        try:
            return loader.load_data(), f"keras.datasets.{name}"
        except Exception as error:  # no network, a proxy, a truncated file: all mean "offline"
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    if len(reason) > 120:  # keep the cause, which comes last ("... -- Name or service not known")
        reason = "..." + reason[-117:]
    print(f"Could not download {name} ({reason}); "
          "falling back to the embedded 'digits' dataset (scikit-learn, 28x28).")
    return None, reason


def _unreachable(host, port=443):
    """None when a connection to host:port opens within DOWNLOAD_TIMEOUT_S, else why not."""
    try:
        with socket.create_connection((host, port), timeout=DOWNLOAD_TIMEOUT_S):
            return None
    except OSError as error:
        return f"cannot reach {host}: {error or type(error).__name__}"


def _in_keras_cache(name):
    """Whether keras.datasets has this dataset in its cache folder already (no download needed)."""
    folder = os.path.join(os.path.expanduser(os.environ.get("KERAS_HOME", os.path.join("~", ".keras"))), "datasets")
    return os.path.exists(os.path.join(folder, CACHED_FILES[name]))


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
    """uint8 pixels 0..255 -> float32 images in [0, 1].

    Args:
        x: uint8 (N, 28, 28) or (N, 28, 28, 1), or float images already in [0, 1].

    Returns:
        float32 (N, 28, 28, 1) in [0, 1].
    """
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
    """Raises ValueError unless x is a float array (N, *shape) with values in value_range.

    Args:
        x: the array to check.
        value_range: (low, high), or None for any finite values.
        shape: one example's shape.
        name: the argument's name, for the message.

    Returns:
        x, unchanged.
    """
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


# --- The three data ranges and the exact maps between them --------------------------------

def to_symmetric(x):
    """Pixels in [0, 1] -> [-1, 1], for a decoder with a tanh head.

    Args:
        x: float images (N, 28, 28, 1) in [0, 1].

    Returns:
        float32 array of x's shape, 2x − 1.
    """
    return Standardizer(*SYMMETRIC).transform(check_images(x, (0.0, 1.0)))


def from_symmetric(x):
    """[-1, 1] -> pixels: (x + 1) / 2, exactly; values outside [-1, 1] stay outside [0, 1].

    Args:
        x: an array, any shape.

    Returns:
        float32 array of x's shape. Use `clip_for_display` to show it as an image.
    """
    return Standardizer(*SYMMETRIC).inverse_transform(x)


def clip_for_display(x, low=0.0, high=1.0):
    """Clips values to [low, high] to show them as an image, and says how many were outside.

    Args:
        x: an array, any shape.
        low, high: the display range.

    Returns:
        (clipped, share): the clipped float32 array and the share of values that lay outside
        [low, high], a float in [0, 1].
    """
    x = np.asarray(x, dtype="float32")
    share = float(np.mean((x < low) | (x > high))) if x.size else 0.0
    return np.clip(x, low, high), share


class Standardizer:
    """The affine map x = (p − mean) / std and its exact inverse p = x·std + mean.

    `fit` computes mean and std from training data: one of each over all values (the course's
    images), or one per feature with per_feature=True (a table's columns). Given mean and std
    directly it is a fixed map, e.g. Standardizer(0.5, 0.5) maps [0, 1] to [-1, 1].

    Args:
        mean, std: the map's constants (scalars, or arrays of one example's shape), or None
            to fit them.
        per_feature: fit one mean and std per feature (over axis 0) instead of one overall.
    """

    def __init__(self, mean=None, std=None, per_feature=False):
        self.mean, self.std, self.per_feature = mean, std, per_feature

    def fit(self, x):
        """Computes mean and std from x (n, ...), n >= 2, finite; returns self."""
        x = np.asarray(x, dtype="float64")
        if x.ndim < 1 or len(x) < 2:
            raise ValueError(f"Standardizer.fit needs at least 2 examples. Received: x of shape {x.shape}")
        if not np.all(np.isfinite(x)):
            raise ValueError("Standardizer.fit needs finite values; x contains NaN or infinite values.")
        if self.per_feature:
            self.mean, self.std = x.mean(axis=0).astype("float32"), x.std(axis=0).astype("float32")
            constant = np.flatnonzero(np.ravel(self.std) == 0.0)
            if constant.size:
                raise ValueError(f"Cannot standardise features that are constant in x (std 0): "
                                 f"feature indices {constant.tolist()[:10]}.")
        else:
            self.mean, self.std = float(np.mean(x)), float(np.std(x))
            if self.std == 0.0:
                raise ValueError("Cannot standardise data whose values are all equal (std 0).")
        return self

    def transform(self, x):
        """(x − mean) / std, float32, same shape as x."""
        self._check_fitted()
        return ((np.asarray(x, dtype="float32") - self.mean) / self.std).astype("float32")

    def inverse_transform(self, x):
        """x·std + mean, float32, same shape as x: the exact inverse of `transform`, no clipping."""
        self._check_fitted()
        return (np.asarray(x, dtype="float32") * self.std + self.mean).astype("float32")

    def _check_fitted(self):
        if self.mean is None or self.std is None:
            raise ValueError("Call Standardizer.fit(x_train) before transform or inverse_transform.")


def binarize(x, seed=0):
    """One draw of x_bin ~ Bernoulli(x), for a fixed binarized test set.

    Training data is binarized afresh at every step inside `VAE.train_step` (dynamic
    binarization) with ``VAE(binarize=True)``.

    Args:
        x: float images (N, 28, 28, 1) in [0, 1].
        seed: seeds the draw.

    Returns:
        float32 {0, 1} images of x's shape.
    """
    x = check_images(x, (0.0, 1.0))
    rng = np.random.default_rng(seed)
    return (rng.random(x.shape, dtype="float32") < x).astype("float32")

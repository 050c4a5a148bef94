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
import zipfile
from dataclasses import dataclass

import numpy as np

from vae_keras.validation import check_bool, check_data, check_positive_int, check_seed

IMAGE_SHAPE = (28, 28, 1)
KERAS_DATASETS = ("mnist", "fashion_mnist")
NAMES = KERAS_DATASETS + ("digits",)
DOWNLOAD_TIMEOUT_S = 15
DOWNLOAD_HOST = "storage.googleapis.com"  # where keras.datasets downloads MNIST and Fashion-MNIST from
CACHED_FILES = {"mnist": "mnist.npz", "fashion_mnist": "fashion-mnist"}  # what Keras leaves in its cache
SYMMETRIC = (0.5, 0.5)  # x = (p - 0.5) / 0.5 = 2p - 1 maps pixels p in [0, 1] to [-1, 1]


@dataclass(frozen=True)
class Dataset:
    """Train and test images with their labels, as `load` returns them.

    Args:
        x_train: float32 training images (n_train, 28, 28, 1) in [0, 1].
        y_train: int64 labels (n_train,).
        x_test: float32 test images (n_test, 28, 28, 1) in [0, 1].
        y_test: int64 labels (n_test,).
        name: the dataset's name, e.g. "digits".
        source: where the images came from (a loader, or a file's path).
    """

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
    """Loads a dataset by name, as float32 images in [0, 1].

    Args:
        name: "mnist", "fashion_mnist" or "digits" (embedded, no network).
        path: a local keras-format .npz (x_train, y_train, x_test, y_test) to read
            instead of downloading.
        max_train: keep only the first so many training images (a positive int), or None for all.
        max_test: keep only the first so many test images (a positive int), or None for all.
        seed: shuffles the embedded digits into train and test splits (an int >= 0).

    Returns:
        A `Dataset`: images (N, 28, 28, 1) float32 in [0, 1] and int64 labels (N,) for each split.
    """
    if name not in NAMES:
        raise ValueError(f"name must be one of {NAMES}. Received: name={name!r}")
    for value, argument in ((max_train, "max_train"), (max_test, "max_test")):
        if value is not None:
            check_positive_int(value, argument)
    check_seed(seed)
    if name == "digits":
        if path is not None:
            raise ValueError(f"The embedded 'digits' dataset takes no path: drop it. Received: path={path!r}")
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
    y_train = _labels(y_train, len(x_train), f"y_train in {source}")
    y_test = _labels(y_test, len(x_test), f"y_test in {source}")
    return Dataset(
        x_train=to_unit_images(x_train[:max_train], name=f"x_train in {source}"),
        y_train=y_train[:max_train],
        x_test=to_unit_images(x_test[:max_test], name=f"x_test in {source}"),
        y_test=y_test[:max_test],
        name=name,
        source=source,
    )


def _labels(y, n_images, name):
    """Integer labels (n_images,) as int64; a ValueError when there are more or fewer."""
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != n_images or (y.size and y.dtype.kind not in "iu"):
        raise ValueError(f"Expected {name} as {n_images} integer labels, one per image, shape ({n_images},): "
                         f"check the file's arrays. Received: {name}.dtype={y.dtype}, {name}.shape={y.shape}")
    return y.astype("int64")


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
    if not os.path.isfile(path):
        raise ValueError(f"No such .npz file: pass the path of a keras.datasets-format file. Received: path={path!r}")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path!r} is not an .npz file (a zip of NumPy arrays): pass a keras.datasets-format "
                         f"file with x_train, y_train, x_test and y_test, as np.savez writes. Received: path={path!r}")
    with np.load(path, allow_pickle=False) as data:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(data.files)
        if missing:
            raise ValueError(
                f"{path!r} lacks {sorted(missing)}: save the keras.datasets layout "
                f"(x_train, y_train, x_test, y_test). Received: path={path!r} with arrays {sorted(data.files)}"
            )
        try:
            return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
        except ValueError:  # NumPy refuses pickled Python objects (allow_pickle=False)
            raise ValueError(f"{path!r} holds arrays of Python objects, which are not loaded (they could run code): "
                             f"save numeric arrays, uint8 images and integer labels. Received: path={path!r}") from None


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


def to_unit_images(x, name="images"):
    """uint8 pixels 0..255 -> float32 images in [0, 1].

    Args:
        x: uint8 (N, 28, 28) or (N, 28, 28, 1), or float images already in [0, 1]; N >= 1.
        name: the argument's name, for error messages.

    Returns:
        float32 (N, 28, 28, 1) in [0, 1].
    """
    pixels = isinstance(x, np.ndarray) and x.dtype == np.uint8
    if isinstance(x, np.ndarray) and x.dtype.kind in "iu" and not pixels:
        raise ValueError(f"Expected uint8 pixels 0..255 or float {name} in [0, 1]: convert pixels 0..255 with "
                         f"{name}.astype('uint8'), or scale them to [0, 1] yourself. Received: {name}.dtype={x.dtype}")
    x = check_data(x, name, integers=pixels)
    if x.ndim == 3:
        x = x[..., None]
    if x.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"Expected {name} of shape (N, 28, 28) or (N, 28, 28, 1): resize the images to 28×28. "
                         f"Received: {name}.shape={x.shape}")
    if pixels:
        return x.astype("float32") / 255.0
    return check_images(x, value_range=(0.0, 1.0), name=name).astype("float32")


def check_images(x, value_range=(0.0, 1.0), shape=IMAGE_SHAPE, name="images"):
    """Raises ValueError unless x is a float array (N, *shape), N >= 1, of finite values in value_range.

    The images' case of `vae_keras.validation.check_data`, which converts lists and names the fix.

    Args:
        x: the images, an array or a list of numbers.
        value_range: (low, high), or None for any finite values.
        shape: one example's shape.
        name: the argument's name, for the message.

    Returns:
        x as a NumPy array (x itself when it is one).
    """
    return check_data(x, name, shape=shape, value_range=value_range)


# --- The three data ranges and the exact maps between them --------------------------------

def to_symmetric(x):
    """Pixels in [0, 1] -> [-1, 1], for a decoder with a tanh head.

    Args:
        x: float images (N, 28, 28, 1) in [0, 1], N >= 1.

    Returns:
        float32 array of x's shape, 2x − 1.
    """
    return Standardizer(*SYMMETRIC).transform(check_images(x, (0.0, 1.0)))


def from_symmetric(x):
    """[-1, 1] -> pixels: (x + 1) / 2, exactly; values outside [-1, 1] stay outside [0, 1].

    Args:
        x: a non-empty array of finite numbers, (N, ...).

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
        mean: the map's offset (a number, or an array of one example's shape), or None to fit it.
        std: the map's scale, > 0 (a number, or an array of one example's shape), or None to fit it.
        per_feature: fit one mean and std per feature (over axis 0) instead of one overall.
    """

    def __init__(self, mean=None, std=None, per_feature=False):
        if (mean is None) != (std is None):
            raise ValueError("Give both mean and std (a fixed map), or neither (fit computes them). "
                             f"Received: mean={mean!r}, std={std!r}")
        if mean is not None:
            mean, std = _map_constant(mean, "mean"), _map_constant(std, "std")
            if np.any(np.asarray(std) <= 0):
                raise ValueError(f"std must be positive: the map divides by it. Received: std={std!r}")
        self.mean, self.std, self.per_feature = mean, std, check_bool(per_feature, "per_feature")

    def fit(self, x):
        """Computes mean and std from training data.

        Args:
            x: an array (n, ...), n >= 2, of finite numbers (integers too: e.g. a table's counts).

        Returns:
            self, fitted.
        """
        x = check_data(x, "x", integers=True, min_examples=2).astype("float64")
        if self.per_feature:
            self.mean, self.std = x.mean(axis=0).astype("float32"), x.std(axis=0).astype("float32")
            constant = np.flatnonzero(np.ravel(self.std) == 0.0)
            if constant.size:
                raise ValueError("Cannot standardise features that are constant in x (std 0): drop them, or use "
                                 f"per_feature=False. Received: x with constant features {constant.tolist()[:10]}")
        else:
            self.mean, self.std = float(np.mean(x)), float(np.std(x))
            if self.std == 0.0:
                raise ValueError("Cannot standardise data whose values are all equal (std 0): fit on data that "
                                 f"vary. Received: x with every value {self.mean:g}")
        return self

    def transform(self, x):
        """Maps data to standardised values.

        Args:
            x: a non-empty array (n, ...) of finite numbers; (n, *mean.shape) when the map has one
                mean per feature.

        Returns:
            (x − mean) / std, float32, of x's shape.
        """
        x = self._check(x)
        return ((x.astype("float32") - self.mean) / self.std).astype("float32")

    def inverse_transform(self, x):
        """Maps standardised values (e.g. a decoder's outputs) back to data: the exact inverse of `transform`.

        Args:
            x: a non-empty array (n, ...) of finite numbers; (n, *mean.shape) when the map has one
                mean per feature.

        Returns:
            x·std + mean, float32, of x's shape, not clipped.
        """
        x = self._check(x)
        return (x.astype("float32") * self.std + self.mean).astype("float32")

    def _check(self, x):
        if self.mean is None or self.std is None:
            raise ValueError("Call Standardizer.fit(x_train) before transform or inverse_transform. "
                             "Received: an unfitted Standardizer")
        shape = np.shape(self.mean) or None
        return check_data(x, "x", shape=shape, integers=True)


def _map_constant(value, name):
    """A Standardizer's mean or std given by the caller: a finite float, or a float32 array."""
    try:
        array = np.asarray(value, dtype="float32")
    except (TypeError, ValueError):
        array = None
    if array is None or array.size == 0 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a finite number or a non-empty array of them. Received: {name}={value!r}")
    return float(array) if array.ndim == 0 else array


def binarize(x, seed=0):
    """One draw of x_bin ~ Bernoulli(x), for a fixed binarized test set.

    Training data is binarized afresh at every step inside `VAE.train_step` (dynamic
    binarization) with ``VAE(binarize=True)``.

    Args:
        x: float images (N, 28, 28, 1) in [0, 1], N >= 1.
        seed: seeds the draw: None or an int >= 0.

    Returns:
        float32 {0, 1} images of x's shape.
    """
    x = check_images(x, (0.0, 1.0))
    check_seed(seed)
    rng = np.random.default_rng(seed)
    return (rng.random(x.shape, dtype="float32") < x).astype("float32")

"""Checks of the arguments that builders and models take, in Keras's style.

Each check passes quietly and returns the value, or raises ValueError naming the argument,
what was expected and what was received, e.g.

    latent_dim must be a positive integer. Received: latent_dim=0

`check_data` is the one check of the data every entry point takes (fit, evaluate, encode, decode,
the evaluation functions, the datasets helpers): it converts lists, and refuses other dtypes,
empty arrays, wrong shapes, NaN or infinite values and values outside a range, with messages
that say which argument, what was expected, what was received, and the fix, e.g.

    Expected float x (e.g. float32); got dtype uint8. Rescale integer pixels with
    vae_keras.datasets.to_unit_images.
"""

import math
import numbers

import numpy as np


def check_positive_int(value, name):
    """A positive integer (bools are not integers here).

    Args:
        value: what the caller passed.
        name: the argument's name, for the message.

    Returns:
        value, as an int.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer. Received: {name}={value!r}")
    return int(value)


def check_choice(value, choices, name):
    """One of `choices`.

    Args:
        value: what the caller passed.
        choices: the allowed values, a tuple.
        name: the argument's name, for the message.

    Returns:
        value.
    """
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}. Received: {name}={value!r}")
    return value


def check_strides(strides, filters):
    """The per-layer strides of a convolutional stack: each 1 or 2, one per entry of `filters`.

    Args:
        strides: None (every layer 2) or a sequence of 1s and 2s.
        filters: the layers' filter counts, one per layer.

    Returns:
        The strides, a tuple of len(filters) ints.
    """
    strides = (2,) * len(filters) if strides is None else tuple(strides)
    if len(strides) != len(filters) or any(s not in (1, 2) for s in strides):
        raise ValueError(f"strides must hold one entry, 1 or 2, per conv layer ({len(filters)} here). "
                         f"Received: strides={strides}")
    return strides


def check_non_negative_int(value, name):
    """An integer >= 0 (bools are not integers here).

    Args:
        value: what the caller passed.
        name: the argument's name, for the message.

    Returns:
        value, as an int.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0. Received: {name}={value!r}")
    return int(value)


def check_positive_number(value, name):
    """A finite number > 0 (bools are not numbers here).

    Args:
        value: what the caller passed.
        name: the argument's name, for the message.

    Returns:
        value, as a float.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (0 < value < math.inf):
        raise ValueError(f"{name} must be a positive number. Received: {name}={value!r}")
    return float(value)


def check_non_negative_number(value, name):
    """A finite number >= 0, e.g. the KL weight β (bools are not numbers here).

    Args:
        value: what the caller passed.
        name: the argument's name, for the message.

    Returns:
        value, as a float.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (0 <= value < math.inf):
        raise ValueError(f"{name} must be a finite number >= 0. Received: {name}={value!r}")
    return float(value)


def check_seed(seed, name="seed"):
    """None (unseeded) or an integer >= 0.

    Args:
        seed: what the caller passed.
        name: the argument's name, for the message.

    Returns:
        seed, as an int, or None.
    """
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"{name} must be None or an integer >= 0. Received: {name}={seed!r}")
    return int(seed)


def check_bool(value, name):
    """True or False.

    Args:
        value: what the caller passed.
        name: the argument's name, for the message.

    Returns:
        value, as a bool.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False. Received: {name}={value!r}")
    return bool(value)


def check_units(units, name, allow_empty=True):
    """A sequence of layer widths (or filter counts), each a positive integer.

    Args:
        units: what the caller passed, e.g. (512, 256).
        name: the argument's name, for the message.
        allow_empty: whether () (no such layers) is allowed.

    Returns:
        units, as a tuple of ints.
    """
    try:
        values = tuple(units)
    except TypeError:
        values = None
    if (values is None or (not values and not allow_empty)
            or any(isinstance(u, bool) or not isinstance(u, numbers.Integral) or u < 1 for u in values)):
        what = "a sequence of positive integers" + ("" if allow_empty else ", at least one")
        raise ValueError(f"{name} must be {what}. Received: {name}={units!r}")
    return tuple(int(u) for u in values)


def check_shape(shape, name, ndim=None):
    """One example's shape: a tuple of positive integers, e.g. (28, 28, 1) or (features,).

    Args:
        shape: what the caller passed.
        name: the argument's name, for the message.
        ndim: the number of dimensions it must have (3 for images (H, W, C)), or None for any.

    Returns:
        shape, as a tuple of ints.
    """
    values = tuple(shape) if _is_sequence(shape) else ()
    if (not values or (ndim is not None and len(values) != ndim)
            or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1 for v in values)):
        what = f"a tuple of {ndim} positive integers" if ndim else "a tuple of positive integers"
        example = " (height, width, channels)" if ndim == 3 else ""
        raise ValueError(f"{name} must be {what}{example}. Received: {name}={shape!r}")
    return tuple(int(v) for v in values)


def _is_sequence(value):
    return isinstance(value, (tuple, list)) or (isinstance(value, np.ndarray) and value.ndim == 1)


def check_data(x, name="x", shape=None, value_range=None, integers=False, min_examples=1, fix=None):
    """Checks the data an entry point is given, once, before any work, and returns it as an array.

    A list is converted to a float32 array first. A tf.data.Dataset, a generator or a Keras
    PyDataset is not checked here: what it yields is the caller's responsibility.

    Args:
        x: an array (NumPy, or a backend tensor), or a list of numbers.
        name: the argument's name, for the message.
        shape: one example's shape, e.g. (28, 28, 1); None accepts any (at least one axis).
        value_range: (low, high), the values x may hold (inclusive); None for any. Finiteness is
            always checked.
        integers: whether an integer dtype is accepted (as numbers, e.g. latent codes) instead of
            refused (as pixels 0..255 that need rescaling).
        min_examples: the fewest examples (rows along the first axis) x may hold.
        fix: a sentence on values outside value_range, added to that message after the advice
            derived from the values (e.g. "Rescale pixels 0..255 to [0, 1] ...").

    Returns:
        x as a NumPy array: the same object when it already was one.
    """
    array = _as_array(x, name)
    kind = array.dtype.kind
    if kind == "b":
        raise ValueError(f"Expected float {name} (e.g. float32); got dtype bool. "
                         f"Convert it with {name}.astype('float32').")
    if kind in "iu" and not integers:
        raise ValueError(f"Expected float {name} (e.g. float32); got dtype {array.dtype}. "
                         "Rescale integer pixels with vae_keras.datasets.to_unit_images.")
    if kind not in "fiu":
        raise ValueError(f"Expected {name} as an array of numbers (e.g. float32); got dtype {array.dtype}.")
    if array.ndim == 0:
        raise ValueError(f"Expected {name} as an array of examples along its first axis; got the scalar {array!r}.")
    if shape is not None and tuple(array.shape[1:]) != tuple(shape):
        raise ValueError(f"Expected {name} of shape (N, {', '.join(map(str, shape))}); got {tuple(array.shape)}."
                         + _shape_advice(array.shape, tuple(shape), name))
    if len(array) < min_examples or array.size == 0:
        what = "1 example" if min_examples <= 1 else f"{min_examples} examples"
        raise ValueError(f"Expected at least {what} in {name}; got {len(array)} "
                         f"(an array of shape {tuple(array.shape)}).")
    low, high = float(np.min(array)), float(np.max(array))  # one pass each; NaN shows in both
    if not (math.isfinite(low) and math.isfinite(high)):
        n_nan, n_inf = int(np.count_nonzero(np.isnan(array))), int(np.count_nonzero(np.isinf(array)))
        raise ValueError(f"Expected finite values in {name}; got {n_nan} NaN and {n_inf} infinite values. "
                         "Remove or replace them first.")
    if value_range is not None and (low < value_range[0] - 1e-6 or high > value_range[1] + 1e-6):
        advice = " ".join(part for part in (_range_advice(low, high, value_range), fix) if part)
        raise ValueError(f"Expected {name} with values in [{value_range[0]:g}, {value_range[1]:g}]; "
                         f"got values in [{low:.3g}, {high:.3g}]." + (f" {advice}" if advice else ""))
    return array


def _as_array(x, name):
    """x as a NumPy array; a list or tuple is converted to float32."""
    if isinstance(x, np.ndarray):
        return x
    if x is None:
        raise ValueError(f"Expected {name} as a NumPy array; got None.")
    if isinstance(x, (list, tuple)):
        try:
            return np.asarray(x, dtype="float32")
        except (TypeError, ValueError) as error:
            raise ValueError(f"Expected {name} as a NumPy array or a rectangular list of numbers; "
                             f"could not convert the {type(x).__name__} ({error}).") from None
    if hasattr(x, "__array__") and hasattr(x, "shape"):
        return np.asarray(x)  # a backend tensor (TensorFlow, JAX, PyTorch)
    raise ValueError(f"Expected {name} as a NumPy array; got {type(x).__name__}.")


def _shape_advice(got, expected, name):
    if tuple(got[1:]) + (1,) == expected:
        return f" Add the channel axis with {name}[..., None]."
    if tuple(got) == expected:
        return f" For one example, pass {name}[None]."
    return ""


def _range_advice(low, high, value_range):
    if tuple(value_range) == (0.0, 1.0):
        if low >= 0 and high <= 255:
            return "Rescale pixels 0..255 to [0, 1] (x / 255, or vae_keras.datasets.to_unit_images)."
        if low >= -1 - 1e-6 and high <= 1 + 1e-6:
            return "Map [-1, 1] data to [0, 1] with vae_keras.datasets.from_symmetric."
    return ""

"""Checks of the arguments that builders and models take, in Keras's style.

Each check passes quietly and returns the value, or raises ValueError naming the argument,
what was expected and what was received, e.g.

    latent_dim must be a positive integer. Received: latent_dim=0

`check_data` is the one check of the data every entry point takes (fit, evaluate, encode, decode,
the evaluation functions, the datasets helpers): it converts lists, and refuses other dtypes,
empty arrays, wrong shapes, NaN or infinite values and values outside a range, with messages
that say which argument, what was expected, what was received, and the fix, e.g.

    Expected float x (e.g. float32): rescale integer pixels with
    vae_keras.datasets.to_unit_images. Received: x.dtype=uint8

The VAE's own checks (`check_vae_arguments`, `check_model_data`, `check_fit_data`) are here too,
so that `vae_keras.vae` holds the model and nothing else. What follows from its head and likelihood
is checked in `vae_keras.heads`, which imports this module: `heads` builds on `datasets`, which
builds on this module, so nothing here should import `heads`.
"""

import math
import numbers

import numpy as np

# How far outside a range data may lie and still count as inside: a float32 rounding error
# (e.g. 1.0000001 after x / 255 or an inverse transform) is not a mistake.
RANGE_TOLERANCE = 1e-6


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
        raise ValueError(f"Expected float {name} (e.g. float32): convert it with {name}.astype('float32'). "
                         f"Received: {name}.dtype=bool")
    if kind in "iu" and not integers:
        raise ValueError(f"Expected float {name} (e.g. float32): rescale integer pixels with "
                         f"vae_keras.datasets.to_unit_images. Received: {name}.dtype={array.dtype}")
    if kind not in "fiu":
        raise ValueError(f"Expected {name} as an array of numbers (e.g. float32). Received: {name}.dtype={array.dtype}")
    if array.ndim == 0:
        raise ValueError(f"Expected {name} as an array of examples along its first axis: wrap one example as "
                         f"[{name}]. Received: {name}={array.item()!r}")
    if shape is not None and tuple(array.shape[1:]) != tuple(shape):
        raise ValueError(f"Expected {name} of shape (N, {', '.join(map(str, shape))})."
                         + _shape_advice(array.shape, tuple(shape), name)
                         + f" Received: {name}.shape={tuple(array.shape)}")
    if len(array) < min_examples or array.size == 0:
        what = "1 example" if min_examples <= 1 else f"{min_examples} examples"
        raise ValueError(f"Expected at least {what} in {name}: pass more rows along its first axis. "
                         f"Received: {name}.shape={tuple(array.shape)}")
    low, high = float(np.min(array)), float(np.max(array))  # one pass each; NaN shows in both
    if not (math.isfinite(low) and math.isfinite(high)):
        n_nan, n_inf = int(np.count_nonzero(np.isnan(array))), int(np.count_nonzero(np.isinf(array)))
        raise ValueError(f"Expected finite values in {name}: remove or replace the NaN and infinite values first. "
                         f"Received: {name} with {n_nan} NaN and {n_inf} infinite values")
    if value_range is not None and (low < value_range[0] - RANGE_TOLERANCE or high > value_range[1] + RANGE_TOLERANCE):
        advice = " ".join(part for part in (_range_advice(low, high, value_range), fix) if part)
        raise ValueError(f"Expected {name} with values in [{value_range[0]:g}, {value_range[1]:g}]."
                         + (f" {advice}" if advice else "")
                         + f" Received: {name} with values in [{low:.3g}, {high:.3g}]")
    return array


def _as_array(x, name):
    """x as a NumPy array; a list or tuple is converted to float32."""
    if isinstance(x, np.ndarray):
        return x
    if x is None:
        raise ValueError(f"Expected {name} as a NumPy array. Received: {name}=None")
    if isinstance(x, (list, tuple)):
        try:
            return np.asarray(x, dtype="float32")
        except (TypeError, ValueError) as error:
            raise ValueError(f"Expected {name} as a NumPy array or a rectangular list of numbers: make every row "
                             f"the same length ({error}). Received: {name} of type {type(x).__name__}") from None
    if hasattr(x, "__array__") and hasattr(x, "shape"):
        return np.asarray(x)  # a backend tensor (TensorFlow, JAX, PyTorch)
    raise ValueError(f"Expected {name} as a NumPy array. Received: {name} of type {type(x).__name__}")


def _shape_advice(got, expected, name):
    if tuple(got[1:]) + (1,) == expected:
        return f" Add the channel axis with {name}[..., None]."
    if tuple(got) == expected:
        return f" For one example, pass {name}[None]."
    return f" Reshape {name}, or build the model for examples of shape {tuple(got[1:])}."


def _range_advice(low, high, value_range):
    if tuple(value_range) == (0.0, 1.0):
        if low >= 0 and high <= 255:
            return "Rescale pixels 0..255 to [0, 1] (x / 255, or vae_keras.datasets.to_unit_images)."
        if low >= -1 - 1e-6 and high <= 1 + 1e-6:
            return "Map [-1, 1] data to [0, 1] with vae_keras.datasets.from_symmetric."
    return ""


# --- What a VAE is given -----------------------------------------------------------------------


def check_vae_arguments(encoder, decoder, beta, seed, scan_steps):
    """Checks the arguments of `VAE(...)` that do not concern the likelihood (`heads.check_likelihood_options`
    checks those).

    Args:
        as for `vae_keras.VAE`.
    """
    check_non_negative_number(beta, "beta")
    check_seed(seed)
    check_choice(scan_steps, ("auto", True, False), "scan_steps")
    check_parts_fit(encoder, decoder)


def check_likelihood_alias(likelihood, reconstruction, caller, stacklevel=2):
    """The likelihood, given as `likelihood=` or as its deprecated alias `reconstruction=` (a DeprecationWarning).

    Args:
        likelihood, reconstruction: what the caller was given: names or aliases, or None.
        caller: the function's name, for the messages, e.g. "VAE".
        stacklevel: where the DeprecationWarning points, counted from the caller of this function.

    Returns:
        The likelihood's name as given, or None when neither was given.
    """
    if reconstruction is None:
        return likelihood
    from vae_keras import losses

    if likelihood is not None and losses.get_likelihood(likelihood) != losses.get_likelihood(reconstruction):
        raise ValueError(f"Pass the likelihood once, as likelihood=... (reconstruction= is its deprecated alias). "
                         f"Received: likelihood={likelihood!r}, reconstruction={reconstruction!r}")
    import warnings

    warnings.warn(f"{caller}(reconstruction=...) is deprecated: pass likelihood=... instead.", DeprecationWarning,
                  stacklevel=stacklevel + 1)
    return reconstruction if likelihood is None else likelihood



def check_parts_fit(encoder, decoder):
    """Raises when the encoder and decoder cannot form a VAE: not models, other latent sizes,
    other data shapes. Parts whose shapes are not known in advance (subclassed models) pass."""
    import keras

    for part, name in ((encoder, "encoder"), (decoder, "decoder")):
        if not isinstance(part, keras.Model):
            raise TypeError(f"{name} must be a keras.Model. Received: {name} of type {type(part).__name__}")
    try:
        data_shape, encoded = tuple(encoder.input_shape), encoder.output_shape
        latent_shape, decoded = tuple(decoder.input_shape), tuple(decoder.output_shape)
    except (AttributeError, ValueError):
        return
    encoded = [tuple(shape) for shape in encoded] if isinstance(encoded, list) else [tuple(encoded)]
    if len(encoded) != 3 or any(len(shape) != 2 or shape != encoded[0] for shape in encoded):
        raise ValueError("The encoder must return [z_mean, z_log_var, z], each of shape (batch, latent_dim). "
                         f"Received: an encoder with outputs of shapes {encoded}")
    if len(latent_shape) != 2 or latent_shape[-1] != encoded[0][-1]:
        raise ValueError("The encoder and the decoder must have the same latent size: build both with the same "
                         f"latent_dim. Received: an encoder giving z of shape {encoded[0]}, a decoder taking "
                         f"{latent_shape}")
    if decoded[1:] != data_shape[1:]:
        raise ValueError("The decoder must produce data of the shape the encoder takes: build both with the same "
                         f"image_shape. Received: an encoder taking {data_shape}, a decoder producing {decoded}")


def is_array_like(x):
    """Whether x is data `check_data` takes (an array, a backend tensor, a list), not a dataset or generator."""
    return isinstance(x, (np.ndarray, list, tuple)) or (hasattr(x, "__array__") and hasattr(x, "shape"))


def check_model_data(vae, x, name="x"):
    """x checked against what `vae` models: its encoder's input shape and its likelihood's range.

    Args:
        vae: a `VAE`.
        x: data (n, *shape), an array (NumPy or a backend tensor) or a list of numbers.
        name: the argument's name, for the message.

    Returns:
        x as a NumPy array.
    """
    likelihood = vae.likelihood
    fix = None
    if likelihood.data_range == (0.0, 1.0):
        fix = (f"The {likelihood.name} likelihood models data in [0, 1]; data in other ranges need "
               "likelihood='gaussian' (with a tanh or linear head).")
    try:
        shape = tuple(vae.encoder.input_shape[1:])
    except (AttributeError, ValueError):
        shape = None  # a subclassed encoder: its input shape is not known in advance
    return check_data(x, name, shape=shape, value_range=likelihood.data_range, fix=fix)


def check_fit_data(vae, x, y, batch_size, epochs, validation_data, stacklevel=3):
    """Checks what `VAE.fit` is given, once, before any work.

    Arrays and lists are checked with `check_model_data` (a list comes back as an array); a
    tf.data.Dataset, a generator or a PyDataset is passed on unchecked. Data outside the range of
    the decoder's head train with a UserWarning (see `warn_if_head_cannot_reach`). On JAX with
    several devices, the batch size and the number of examples must split evenly across them.

    Returns:
        (x, validation_data), as `keras.Model.fit` takes them.
    """
    if is_array_like(x) or x is None:
        checked = check_model_data(vae, x, "x")
        warn_if_head_cannot_reach(vae, checked, "x", stacklevel=stacklevel + 1)
        x = checked if isinstance(x, (list, tuple)) else x  # a backend tensor stays where it is
    check_no_targets(y, "y")
    if batch_size is not None:
        check_positive_int(batch_size, "batch_size")
    check_positive_int(epochs, "epochs")
    if isinstance(validation_data, tuple) and validation_data:
        check_no_targets(validation_data[1] if len(validation_data) > 1 else None, "validation_data")
        validation_data = validation_data[0]
    if validation_data is not None and is_array_like(validation_data):
        validation_data = (check_model_data(vae, validation_data, "validation_data"),)
    check_batches_split_evenly(x, batch_size, validation_data)
    return x, validation_data


def check_no_targets(y, name="y"):
    """Raises ValueError when a VAE is given targets: it reconstructs its input."""
    if y is not None:
        raise ValueError(f"A VAE reconstructs its input, which is its own target: pass the data as x only. "
                         f"Received: {name} with a target of type {type(y).__name__}")


def check_batches_split_evenly(x, batch_size, validation_data):
    """On JAX, data parallelism splits every batch in equal shares: refuse data that would not split."""
    import keras

    from vae_keras.devices import replicas

    devices = replicas()
    if devices == 1 or keras.backend.backend() != "jax":
        return
    sizes = {"batch_size": batch_size or 32}
    if is_array_like(x):
        sizes["len(x)"] = len(x)
    if isinstance(validation_data, tuple) and is_array_like(validation_data[0]):
        sizes["len(validation_data)"] = len(validation_data[0])
    uneven = {name: size for name, size in sizes.items() if size % devices}
    if uneven:
        raise ValueError(
            f"Training on {devices} devices splits every batch in {devices} equal shares, so the batch size and "
            f"the number of examples must be multiples of {devices}: drop the last examples "
            f"(x[:len(x) // {devices} * {devices}]) or choose another batch size. Received: "
            + ", ".join(f"{name}={size}" for name, size in uneven.items()))


def warn_if_head_cannot_reach(vae, x, name, stacklevel=3):
    """A UserWarning when x lies outside the values the decoder's output head can produce.

    A lesson, not an error (e.g. [-1, 1] data, a sigmoid head and a Gaussian likelihood): the
    model trains, but cannot reconstruct the values its head never produces. No warning when
    the model was built without a head (a custom decoder: `vae.head` is None).
    """
    if vae.head is None:
        return
    low, high = vae.head.output_range
    data_low, data_high = vae.likelihood.data_range
    if low <= data_low and data_high <= high:
        return  # check_data has kept x inside the head's range already
    x_low, x_high = float(np.min(x)), float(np.max(x))
    if x_low >= low - RANGE_TOLERANCE and x_high <= high + RANGE_TOLERANCE:
        return
    better = "tanh" if x_low >= -1 - RANGE_TOLERANCE and x_high <= 1 + RANGE_TOLERANCE else "linear"
    import warnings

    warnings.warn(
        f"{name} holds values in [{x_low:.3g}, {x_high:.3g}], but the decoder's {vae.head.name!r} head produces "
        f"values in [{low:g}, {high:g}] only: the model cannot reconstruct the rest. Rescale the data to "
        f"the head's range, or use a head that covers them (head={better!r}).", UserWarning, stacklevel=stacklevel)


def warn_if_not_finite(outputs, model_name, stacklevel=3):
    """A RuntimeWarning when a model's outputs (a list of arrays) hold NaN or infinite values:
    its weights are probably not finite, e.g. after a diverged training."""
    if not all(np.all(np.isfinite(output)) for output in outputs):
        import warnings

        warnings.warn(f"The {model_name} model's outputs hold NaN or infinite values: its weights are probably "
                      "not finite (did training diverge?). Retrain it, e.g. with a smaller learning rate.",
                      RuntimeWarning, stacklevel=stacklevel)

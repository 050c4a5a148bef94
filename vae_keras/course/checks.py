"""Friendly checks for exercises: each passes quietly or raises AssertionError saying what
was expected and what came instead, e.g.

    decoder output has shape (None, 28, 28, 3); expected (None, 28, 28, 1)

Visible test cells in the notebooks call these; nbgrader counts an AssertionError as a
failed test and shows the message to the learner.
"""

import keras
import numpy as np
from keras import ops

from vae_keras.course import analysis


class requirement:
    """Names the requirement a block of checks grades: an error raised inside the block becomes an
    AssertionError with the requirement's label in front of its message, so the learner reads which
    stated rule failed (an answer that crashes keeps its own error, chained, for the traceback).

        with checks.requirement("R2"):
            checks.check_range(images, 0, 1, "decoded images")
        # AssertionError: R2: decoded images lie in [-0.3, 1]; expected values in [0, 1]

    Args:
        label: the requirement's label as the task numbers it, "R1", "R2", ...
    """

    def __init__(self, label):
        if not (isinstance(label, str) and label[:1] == "R" and label[1:].isdigit()):
            raise ValueError(f"Expected a requirement label such as 'R1'. Received: label={label!r}")
        self.label = label

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is None or not issubclass(kind, Exception) or str(error).startswith(f"{self.label}:"):
            return False
        if issubclass(kind, AssertionError):
            raise AssertionError(f"{self.label}: {error}") from None
        raise AssertionError(f"{self.label}: {kind.__name__}: {error}") from error  # the answer crashed here


def _numpy(x):
    return np.asarray(ops.convert_to_numpy(x))


def _shape_text(shape):
    return "(" + ", ".join("None" if s is None else str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


def check_shape(actual, expected, name="output"):
    """Checks that a shape matches the expected one.

    Args:
        actual: the shape, a sequence of sizes.
        expected: the expected shape; None in it matches any size.
        name: what has the shape, for the message.

    Raises:
        AssertionError: when the shapes differ, e.g. "output has shape (None, 3); expected (None, 2)".
    """
    actual = tuple(actual)
    matches = len(actual) == len(expected) and all(e is None or a == e for a, e in zip(actual, expected))
    assert matches, f"{name} has shape {_shape_text(actual)}; expected {_shape_text(expected)}"


def check_range(x, low, high, name="values"):
    """Checks that every value of x lies in [low, high] and is finite.

    Args:
        x: an array or tensor.
        low, high: the range's bounds.
        name: what the values are, for the message.

    Raises:
        AssertionError: when a value is not finite or lies outside [low, high].
    """
    x = _numpy(x)
    check_finite(x, name)
    assert x.min() >= low - 1e-6 and x.max() <= high + 1e-6, (
        f"{name} lie in [{x.min():.3g}, {x.max():.3g}]; expected values in [{low:g}, {high:g}]")


def check_finite(x, name="values"):
    """Checks that every value of x is finite.

    Args:
        x: an array or tensor.
        name: what the values are, for the message.

    Raises:
        AssertionError: when a value is NaN or infinite.
    """
    x = _numpy(x)
    assert np.all(np.isfinite(x)), f"{name} contain NaN or infinite values; expected finite numbers"


def check_close(actual, expected, name="result", rtol=1e-4, atol=1e-4):
    """Checks that actual has expected's shape and matches it to within rtol/atol.

    Args:
        actual: the result, an array or tensor.
        expected: the expected values.
        name: what the result is, for the message.
        rtol, atol: the relative and absolute tolerances, as in `np.allclose`.

    Raises:
        AssertionError: when the shapes differ or a value is off, giving the largest difference.
    """
    actual, expected = _numpy(actual), _numpy(expected)
    check_shape(actual.shape, expected.shape, name)
    worst = float(np.max(np.abs(actual - expected))) if actual.size else 0.0
    assert np.allclose(actual, expected, rtol=rtol, atol=atol), (
        f"{name} differs from the expected values by up to {worst:.4g}")


def check_differ(images, name="samples"):
    """Checks that no two of the images are identical (a generator that ignores its input fails).

    Args:
        images: n >= 2 images (n, ...).
        name: what the images are, for the message.

    Raises:
        AssertionError: when there are fewer than two images or two of them are identical.
    """
    flat = _numpy(images).reshape(len(images), -1)
    assert len(flat) >= 2, f"expected at least two {name} to compare. Received: len(images)={len(flat)}"
    distinct = len(np.unique(np.round(flat, 5), axis=0))
    assert distinct == len(flat), f"only {distinct} of the {len(flat)} {name} differ; expected all to differ"


def _declared(model, attribute):
    """model.input_shape or model.output_shape where the model declares it (functional, Sequential), else None."""
    try:
        return getattr(model, attribute)
    except (AttributeError, ValueError):
        return None


def _draws(shape, batch=2, seed=0):
    """A batch (batch, *shape) of N(0, 1) draws, float32."""
    return np.random.default_rng(seed).standard_normal((batch, *shape)).astype("float32")


def _call(model, x, name="model"):
    """model(x, training=False); an AssertionError naming the batch's shape when the call fails."""
    import warnings

    try:
        with warnings.catch_warnings():  # Keras's note on a subclassed model built by its first call
            warnings.filterwarnings("ignore", message=r"`build\(\)` was called on layer")
            return model(x, training=False)
    except Exception as error:
        shapes = ", ".join(_shape_text(np.shape(part)) for part in (x if isinstance(x, (list, tuple)) else [x]))
        raise AssertionError(f"{name} could not be called on a batch of shape {shapes}: "
                             f"{type(error).__name__}: {_error_text(error)}") from error


def _error_text(error):
    """An error's message without Keras's frame around it ("Exception encountered when calling ...",
    the arguments received) and without terminal colours."""
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()
    if text.startswith("Exception encountered when calling"):
        text = text.split("\n\n", 1)[-1]
    return text.split("\n\nArguments received by")[0].strip()


def _run_shapes(model, input_shape, name):
    """The output shape(s) of model called on 2 draws of input_shape, batch axis as None (a list for several)."""
    outputs = _call(model, _draws(tuple(input_shape)), name)
    if isinstance(outputs, dict):
        outputs = list(outputs.values())
    shapes = [(None, *tuple(part.shape)[1:]) if tuple(part.shape)[:1] == (2,) else tuple(part.shape)
              for part in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]
    return shapes if isinstance(outputs, (list, tuple)) else shapes[0]


def check_model_io(model, input_shape, output_shape, name="model"):
    """Checks that model takes input_shape and gives output_shape (batch dimension as None).

    A model that declares its input (functional, Sequential) is read from its shapes; any other (a
    subclassed `keras.Model`) is called on a batch of 2 draws (2, *input_shape).

    Args:
        model: a built Keras model, or a subclassed one.
        input_shape: one example's input shape, without the batch dimension.
        output_shape: one example's output shape, without the batch dimension.
        name: the model's name, for the message.

    Raises:
        AssertionError: when a shape differs, the model has more than one output, or it could not be
            called on a batch of input_shape.
    """
    declared = _declared(model, "input_shape")
    if declared is not None:
        check_shape(declared, (None, *input_shape), f"{name} input")
        outputs = model.output_shape
    else:
        outputs = _run_shapes(model, input_shape, name)
    if isinstance(outputs, list):
        raise AssertionError(f"{name} has {len(outputs)} outputs; expected one of shape "
                             f"{_shape_text((None, *output_shape))}")
    check_shape(outputs, (None, *output_shape), f"{name} output")


def check_decoder(decoder, latent_dim, image_shape=(28, 28, 1), value_range=None):
    """Checks that a decoder maps (None, latent_dim) to (None, *image_shape), values within value_range.

    The values are those of 8 codes drawn from 3·N(0, I), wider than the prior, so that a head that
    leaves value_range only for unusual codes is caught.

    Args:
        decoder: a built Keras model, or a subclassed one.
        latent_dim: the number of latents.
        image_shape: one image's shape, without the batch dimension.
        value_range: (low, high), or None to skip the range check.

    Raises:
        AssertionError: when a shape differs, the decoder could not be called on (batch, latent_dim),
            or decoded values are not finite or leave value_range.
    """
    check_model_io(decoder, (latent_dim,), image_shape, "decoder")
    z = np.random.default_rng(0).standard_normal((8, latent_dim)).astype("float32") * 3
    images = _numpy(_call(decoder, z, "decoder"))  # a direct call: no tf.function to trace
    check_finite(images, "decoded images")
    if value_range is not None:
        check_range(images, *value_range, name="decoded images")


def check_encoder(encoder, latent_dim, image_shape=(28, 28, 1)):
    """Checks that an encoder maps images to [z_mean, z_log_var, z], each (None, latent_dim).

    Args:
        encoder: a built Keras model, or a subclassed one (called on 2 draws (2, *image_shape)).
        latent_dim: the number of latents.
        image_shape: one image's shape, without the batch dimension.

    Raises:
        AssertionError: when the input shape differs, the encoder could not be called on images of
            image_shape, or the outputs are not three of that shape.
    """
    declared = _declared(encoder, "input_shape")
    if declared is not None:
        check_shape(declared, (None, *image_shape), "encoder input")
        outputs = encoder.output_shape
    else:
        outputs = _run_shapes(encoder, image_shape, "encoder")
    assert isinstance(outputs, list) and len(outputs) == 3, (
        "encoder should return three outputs [z_mean, z_log_var, z]")
    for label, shape in zip(("z_mean", "z_log_var", "z"), outputs):
        check_shape(shape, (None, latent_dim), f"encoder's {label}")


def check_widens(model, name="decoder"):
    """Checks that the model's Dense layers, read from its input on, never get narrower (a decoder widens).

    Args:
        model: a built Keras model.
        name: the model's name, for the message.

    Returns:
        The widths, the input's then each Dense layer's, e.g. [2, 256, 512, 784].

    Raises:
        AssertionError: when the model has no Dense layers or one is narrower than the one before.
    """
    import keras

    widths = [model.input_shape[-1]] + [layer.units for layer in model.layers
                                        if isinstance(layer, keras.layers.Dense)]
    text = " -> ".join(map(str, widths))
    assert len(widths) >= 2, f"{name} has no Dense layers; expected Dense layers that widen"
    assert all(a <= b for a, b in zip(widths, widths[1:])), (
        f"{name}'s Dense layers have widths {text}; expected each at least as wide as the one before")
    return widths


def code_names(function):
    """Every global name a function's code refers to, its nested functions' included.

    A test can check with it that an answer does not reach for a function the task rules out
    (e.g. `logsumexp`), even one written in C that no trace would see.

    Args:
        function: a Python function.

    Returns:
        A set of names (str).
    """
    names, codes = set(), [function.__code__]
    while codes:
        code = codes.pop()
        names |= set(code.co_names)
        codes += [const for const in code.co_consts if hasattr(const, "co_names")]
    return names


# --- Reading an answer's model and calls, for grading tests -----------------------------


_REARRANGING_LAYERS = ("Reshape", "Flatten")
_NORMALIZATION_LAYERS = ("BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization")
_NOISE_LAYERS = ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
                 "GaussianDropout", "AlphaDropout")
_PASS_THROUGH_LAYERS = _REARRANGING_LAYERS + _NORMALIZATION_LAYERS + _NOISE_LAYERS  # an activation folds across these
_ACTIVATION_LAYERS = {"Activation": None, "ReLU": "relu", "LeakyReLU": "leaky_relu", "ELU": "elu",
                      "PReLU": "prelu", "Softmax": "softmax"}
_STEP_ATTRIBUTES = ("units", "filters", "kernel_size", "strides", "padding", "size", "interpolation")
# Activations an answer may apply as a function between two layers (ops.relu(...)), tried in this order.
_ACTIVATION_FUNCTIONS = (
    ("relu", ops.relu), ("sigmoid", ops.sigmoid), ("tanh", ops.tanh), ("elu", ops.elu), ("selu", ops.selu),
    ("gelu", lambda x: ops.gelu(x, approximate=False)), ("gelu", lambda x: ops.gelu(x, approximate=True)),
    ("silu", ops.silu), ("softplus", ops.softplus), ("softsign", ops.softsign), ("relu6", ops.relu6),
    ("hard_sigmoid", ops.hard_sigmoid), ("hard_silu", ops.hard_silu), ("mish", keras.activations.mish),
    ("exponential", ops.exp), ("softmax", ops.softmax), ("log_softmax", ops.log_softmax),
)


def _activation_name(activation):
    return getattr(activation, "__name__", type(activation).__name__)


def _sublayers(model):
    """Every layer inside `model`, nested models' and layers' included, each once (InputLayers left out)."""
    return [layer for layer in model._flatten_layers(include_self=False, recursive=True)
            if not isinstance(layer, keras.layers.InputLayer)]


def _leaf_layers(model):
    """The layers inside `model` that hold no layers of their own: the ones that compute."""
    return [layer for layer in _sublayers(model) if not list(layer._flatten_layers(include_self=False))]


def _recording_calls(model, x, layers, name="model"):
    """Calls model(x, training=False) with each of `layers` recording its calls.

    Returns:
        (output, records): the model's output, and per call of one of `layers`, in the order they
        ran, a dict with "layer", "input" (its first argument) and "output".
    """
    records = []

    def recording(layer):
        original = layer.call

        def call(*args, **kwargs):
            inputs = args[0] if args else next(iter(kwargs.values()), None)
            output = original(*args, **kwargs)
            if _array(inputs) is not None or _array(output) is not None:  # not while Keras traces a build
                records.append({"layer": layer, "input": inputs, "output": output})
            return output

        return call

    layers = list({id(layer): layer for layer in layers}.values())
    if not (getattr(model, "built", True) and all(layer.built for layer in layers)):
        _call(model, x, name)  # a subclassed model builds itself on its first call, tracing it symbolically
    for layer in layers:
        object.__setattr__(layer, "call", recording(layer))
    try:
        output = _call(model, x, name)
    finally:
        for layer in layers:
            object.__delattr__(layer, "call")
    return output, records


def _array(x):
    """x as a NumPy array, or None for a list, a dict or a symbolic tensor."""
    if x is None or isinstance(x, (list, tuple, dict, keras.KerasTensor)):
        return None
    try:
        return _numpy(x)
    except Exception:  # a backend's tracer
        return None


def _function_between(before, after):
    """The element-wise activation f with after = f(before), values read in order (a reshape between is
    allowed): None when after equals before or when no activation of _ACTIVATION_FUNCTIONS fits."""
    before, after = _array(before), _array(after)
    if (before is None or after is None or before.size != after.size or before.shape[:1] != after.shape[:1]
            or not np.issubdtype(before.dtype, np.floating)):
        return None
    a, b = before.reshape(-1).astype("float64"), after.reshape(-1).astype("float64")
    if np.allclose(b, a, rtol=1e-5, atol=1e-6):
        return None
    for name, function in _ACTIVATION_FUNCTIONS:
        value = _numpy(function(before.astype("float32"))).reshape(-1)
        if np.allclose(b, value, rtol=1e-4, atol=1e-5):
            return name
    negative = a < -1e-3
    if negative.any() and np.allclose(b[~negative], np.where(a[~negative] > 0, a[~negative], b[~negative]), atol=1e-5):
        slopes = b[negative] / a[negative]
        if 0 < slopes.mean() < 1 and np.allclose(slopes, slopes.mean(), atol=1e-4):
            return "leaky_relu"
    return None


def _shape(x):
    x = x[0] if isinstance(x, (list, tuple)) and x else x
    return tuple(int(size) if size is not None else None for size in tuple(x.shape)[1:])


def _input_batch(model, input_shape, batch=4, seed=0):
    """A batch of N(0, 1) draws for `model`: of input_shape, or of the model's declared input."""
    if input_shape is None:
        declared = _declared(model, "input_shape")
        if declared is None:
            raise ValueError("layer_steps reads a model by calling it, and this model declares no input shape "
                             "(a subclassed keras.Model). Pass `x=` (a batch) or `input_shape=` (one example's "
                             f"shape, without the batch axis). Received: model={type(model).__name__}")
        if isinstance(declared, list):
            return [_draws(tuple(shape)[1:], batch, seed + k) for k, shape in enumerate(declared)]
        input_shape = tuple(declared)[1:]
    if any(size is None for size in input_shape):
        raise ValueError(f"layer_steps needs a fixed input shape; pass `x=` or `input_shape=`. "
                         f"Received: input_shape={_shape_text(input_shape)}")
    return _draws(tuple(input_shape), batch, seed)


def layer_steps(model, x=None, input_shape=None):
    """The layers of `model` that compute something, in the order they run, each with the activation it applies.

    The model is called once on `x`, and every layer that holds no layers of its own is read as it
    runs, so Sequential, functional, nested and subclassed models that compute alike read alike.
    An activation, whether a layer (Activation, ReLU, LeakyReLU, ELU, PReLU, Softmax) or a function
    applied between two layers (`ops.relu(h)`, found from the values), is folded into the step of the
    last computing layer before it when that layer's own activation is linear, across any Reshape,
    Flatten, normalization (BatchNormalization, LayerNormalization, GroupNormalization,
    UnitNormalization) or Dropout/SpatialDropout/GaussianNoise layers between them: `Conv2D(16, 3)`,
    `BatchNormalization()`, `ReLU()` reads as a Conv2D step with activation "relu" (and
    "normalization": "BatchNormalization"), followed by a BatchNormalization step.

    Args:
        model: a Keras model, any style.
        x: the batch to call it on, an array (batch, ...) (or a list for several inputs).
        input_shape: one example's shape, without the batch axis, when x is None: the model is called
            on 4 N(0, 1) draws of it. With neither, the model's declared input shape is used (a
            subclassed model declares none: pass one of them).

    Returns:
        A list of dicts, one per step: "layer" (the class name; "Activation" for a function that
        could not be folded), "output" (the output shape without the batch axis, from the run),
        "activation" (a name, "linear" when none), each of "units", "filters", "kernel_size",
        "strides", "padding", "size" and "interpolation" that the layer has, and "normalization"
        (the layer's class name) where an activation was folded across a normalization layer.

    Raises:
        ValueError: when no batch can be built (no x, no input_shape, no declared input).
        AssertionError: when the model could not be called on the batch.
    """
    if x is None:
        x = _input_batch(model, input_shape)
    output, records = _recording_calls(model, x, _leaf_layers(model))
    steps = []

    def fold(name, shape, kind):
        target, normalization = len(steps) - 1, None
        while target >= 0 and steps[target]["layer"] in _PASS_THROUGH_LAYERS:
            if steps[target]["layer"] in _NORMALIZATION_LAYERS:
                normalization = normalization or steps[target]["layer"]
            target -= 1
        if target >= 0 and steps[target]["activation"] == "linear":
            steps[target]["activation"] = name
            if normalization:
                steps[target]["normalization"] = normalization
        else:
            steps.append({"layer": kind, "output": shape, "activation": name})

    for index, record in enumerate(records):
        layer, kind, shape = record["layer"], type(record["layer"]).__name__, _shape(record["output"])
        if kind in _ACTIVATION_LAYERS:
            fold(_ACTIVATION_LAYERS[kind] or _activation_name(layer.activation), shape, kind)
        else:
            step = {"layer": kind, "output": shape,
                    "activation": _activation_name(layer.activation) if hasattr(layer, "activation") else "linear"}
            for attribute in _STEP_ATTRIBUTES:
                if hasattr(layer, attribute):
                    value = getattr(layer, attribute)
                    step[attribute] = tuple(value) if isinstance(value, list) else value
            steps.append(step)
        following = records[index + 1]["input"] if index + 1 < len(records) else output
        function = _function_between(record["output"], following)
        if function:
            fold(function, _shape(following), "Activation")
    return steps


def calls_into(modules, function, *args, **kwargs):
    """Runs function(*args, **kwargs) and notes which Python functions of `modules` it called.

    A test can check with it that an answer builds something itself rather than calling the
    library function that does it, however the answer reaches that function (an alias, an
    import, another builder that calls it).

    Args:
        modules: a module or package, or a list of them; a package stands for every module in it.
        function: the callable to run.
        *args, **kwargs: passed to `function`.

    Returns:
        (result, called): what `function` returned, and the sorted names ("module.function") of
        the functions of `modules` that ran during the call.
    """
    import os
    import sys

    modules = modules if isinstance(modules, (list, tuple)) else [modules]
    files, folders = set(), []
    for module in modules:
        path = os.path.realpath(module.__file__)
        if os.path.basename(path) == "__init__.py":
            folders.append(os.path.dirname(path) + os.sep)
        else:
            files.add(path)
    verdicts, called = {}, set()

    def inside(filename):
        if filename not in verdicts:
            path = os.path.realpath(filename)
            verdicts[filename] = path in files or any(path.startswith(folder) for folder in folders)
        return verdicts[filename]

    def profile(frame, event, arg):
        if event == "call" and inside(frame.f_code.co_filename):
            called.add(f"{frame.f_globals.get('__name__', '?')}.{frame.f_code.co_qualname}")

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        result = function(*args, **kwargs)
    finally:
        sys.setprofile(previous)
    return result, sorted(called)


# --- Distributions and memory, for grading samplers and measures ----------------------------


def check_standard_normal(z, name="codes", p_value=1e-4):
    """Checks that the rows of z look like independent draws from N(0, I): by moments, by how the
    latents vary together, and by the shape of the distribution.

    Each latent's mean must lie within 5 standard errors of 0 (5/√n) and its standard deviation
    within 5 standard errors of 1 (5/√(2n)); every correlation between two latents within 5/√n
    of 0; and a Kolmogorov-Smirnov test of all values against N(0, 1) must give a p-value above
    `p_value`, so a uniform or Laplace sampler scaled to mean 0 and std 1 fails too.

    Args:
        z: draws (n, d), n >= 100.
        name: what the draws are, for the message.
        p_value: the KS test's threshold.

    Raises:
        AssertionError: naming the first property that fails.
    """
    from scipy import stats

    z = np.asarray(_numpy(z), dtype="float64")
    assert z.ndim == 2 and len(z) >= 100, f"{name} have shape {z.shape}; expected (n, d) with n >= 100"
    check_finite(z, name)
    n, d = z.shape
    mean, std = z.mean(axis=0), z.std(axis=0)
    worst = int(np.argmax(np.abs(mean)))
    assert abs(mean[worst]) < 5 / np.sqrt(n), (
        f"latent {worst} of the {name} has mean {mean[worst]:.3f} over {n} draws; expected 0 (N(0, I))")
    worst = int(np.argmax(np.abs(std - 1.0)))
    assert abs(std[worst] - 1.0) < 5 / np.sqrt(2 * n), (
        f"latent {worst} of the {name} has standard deviation {std[worst]:.3f} over {n} draws; expected 1 (N(0, I))")
    if d > 1:
        correlations = np.corrcoef(z, rowvar=False)[np.triu_indices(d, 1)]
        assert np.max(np.abs(correlations)) < 5 / np.sqrt(n), (
            f"two latents of the {name} have correlation {correlations[np.argmax(np.abs(correlations))]:.3f}; "
            "expected independent latents (correlation 0)")
    test = stats.kstest(z.ravel(), stats.norm().cdf)
    assert test.pvalue > p_value, (
        f"the {name}' values are not distributed like N(0, 1): a Kolmogorov-Smirnov test finds them "
        f"{test.statistic:.3f} apart (p = {test.pvalue:.1e}), although their mean and spread may be right")


def peak_memory(function, *args, **kwargs):
    """Runs function(*args, **kwargs) and measures the most memory it held at once, NumPy arrays included.

    It uses `tracemalloc`, which sees Python's and NumPy's allocations (not a backend's tensors).

    Args:
        function: the callable to run.
        *args, **kwargs: passed to `function`.

    Returns:
        (result, peak): what `function` returned, and the peak of the memory allocated during the
        call beyond what was allocated before it, in bytes.
    """
    import tracemalloc

    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    try:
        result = function(*args, **kwargs)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        if not tracing:
            tracemalloc.stop()
    return result, max(int(peak), 0)


# --- Reading a dense stack by what it computes, for grading decoders ------------------------


def dense_layers(model):
    """The Dense layers of `model`, nested models' and layers' included, each once: for a functional or
    Sequential model in the order of its layers, for a subclassed one in the order its attributes were
    set (`dense_inputs` gives the order they run)."""
    return [layer for layer in _sublayers(model) if isinstance(layer, keras.layers.Dense)]


def dense_inputs(model, x):
    """Runs model(x) and records what each of its Dense layers received, nested models included.

    The layers are followed through the call itself, so a model built with Sequential, the
    functional API, nested models, a subclassed model or activations called as functions reads the same.

    Args:
        model: a Keras model, any style.
        x: its input, an array (batch, ...).

    Returns:
        (output, records): the model's output as a NumPy array, and a list, in the order the
        layers ran, of (layer, its input as a NumPy array (batch, units_in)).

    Raises:
        AssertionError: when the model could not be called on x.
    """
    output, records = _recording_calls(model, x, dense_layers(model))
    return _numpy(output), [(record["layer"], _numpy(record["input"])) for record in records]


def dense_head(records, head="sigmoid"):
    """What a head applied to the last Dense layer's affine map gives: `head`(input · kernel + bias),
    a NumPy array (batch, units), from `dense_inputs`'s records."""
    last, h = records[-1]
    logits = h @ _numpy(last.kernel) + (_numpy(last.bias) if last.use_bias else 0.0)
    return _numpy(keras.activations.get(head)(logits.astype("float32")))


def check_dense_stack(model, latent_dim, head="sigmoid", name="decoder", scale=3.0, seed=0):
    """Checks a stack of Dense layers by what it computes: a non-linearity after every hidden Dense
    layer, and an output that is `head` applied to the last Dense layer's affine map, reshaped.

    Between two Dense layers the map from the first one's input to the second one's input is
    fitted with the best affine map; it must leave a relative residual above 1e-3 (an affine map
    leaves ~1e-7), however the non-linearity is written. The model's output, flattened, must equal
    `head` of (the last Dense layer's input · kernel + bias), whether the head is that layer's
    `activation=`, an Activation layer or a function call.

    Args:
        model: a Keras model, any style, z (batch, latent_dim) -> (batch, ...).
        latent_dim: the input's size.
        head: the output activation, a name `keras.activations.get` knows.
        name: the model's name, for the messages.
        scale: the inputs are scale · N(0, I) draws.
        seed: seeds the draws.

    Returns:
        The Dense layers' widths, in the order they ran (the output head's last).

    Raises:
        AssertionError: naming the first property that fails.
    """
    layers = dense_layers(model)
    if not all(layer.built for layer in layers):  # a subclassed model builds its layers when first called
        _call(model, _draws((latent_dim,)), name)
    assert len(layers) >= 2, f"{name} has {len(layers)} Dense layer(s); expected hidden Dense layers and a Dense head"
    n = 2 * max(layer.kernel.shape[0] for layer in layers) + 64
    z = scale * np.random.default_rng(seed).standard_normal((n, latent_dim)).astype("float32")
    output, records = dense_inputs(model, z)
    assert records, f"{name} ran none of its Dense layers when called"
    widths = [layer.units for layer, _ in records]
    for k, ((layer, before), (_, after)) in enumerate(zip(records, records[1:]), start=1):
        residual = analysis.affine_residual(before, after)
        assert residual > 1e-3, (
            f"{name}'s Dense layer {k} ({layer.units} units) is followed by no non-linearity: the map from its "
            f"input to the next Dense layer's input is affine (residual {residual:.1e}); add an activation")
    last, expected = records[-1][0], dense_head(records, head)
    flat = output.reshape(len(output), -1)
    assert flat.shape == expected.shape and np.allclose(flat, expected, atol=1e-4), (
        f"{name}'s output is not a {head} of its last Dense layer ({last.units} units): expected the output "
        f"head {head}, applied to that layer's affine map, then only a reshape")
    return widths


# --- Calls to given functions, for grading tests that rule out a shortcut -------------------


class _Counting:
    """Stands in for a built-in function or a NumPy ufunc while `calls_to` runs: records each use (its
    methods', e.g. `np.logaddexp.reduce`, included), then does the original's work."""

    def __init__(self, original, record):
        self._original, self._record = original, record

    def __call__(self, *args, **kwargs):
        self._record()
        return self._original(*args, **kwargs)

    def __getattr__(self, name):
        attribute = getattr(self._original, name)
        if not callable(attribute):
            return attribute

        def method(*args, **kwargs):
            self._record()
            return attribute(*args, **kwargs)

        return method


def calls_to(targets, function, *args, **kwargs):
    """Runs function(*args, **kwargs) and notes which of `targets` it used, however it reached them.

    A test can check with it that an answer does the work itself rather than calling a function
    the task rules out, whatever the answer calls it (an alias, `from ... import ... as ...`, a
    helper of its own), and without blaming a helper of the student's that merely has a similar name.

    - Python functions (e.g. `scipy.special.logsumexp`, `statistics.fmean`) are recognised by their
      code object when they run, whoever calls them (`map`, `sorted(key=...)` included).
    - Built-in functions and methods (e.g. `math.dist`, `math.fsum`, `np.logaddexp.reduce`) by
      identity when they are called.
    - Built-in functions and NumPy ufuncs (e.g. `np.logaddexp`, `math.hypot`), whose calls from C
      (`map(math.hypot, ...)`, `functools.reduce(np.logaddexp, ...)`) no trace sees, are also replaced
      while the call runs by a counting stand-in: in their own module, in `numpy` and wherever
      `function`'s globals hold them. A copy bound elsewhere beforehand (another module's global) is
      seen only when called directly.

    Args:
        targets: a callable or a list of them.
        function: the Python function to run.
        *args, **kwargs: passed to `function`.

    Returns:
        (result, used): what `function` returned, and the sorted names of the targets it used.
    """
    import inspect
    import sys
    import types

    targets = list(targets) if isinstance(targets, (list, tuple, set)) else [targets]
    name_of = {id(target): getattr(target, "__qualname__", None) or getattr(target, "__name__", repr(target))
               for target in targets}
    codes, builtins, replaced = {}, {}, []
    for target in targets:
        unwrapped = inspect.unwrap(target) if callable(target) else target
        if hasattr(unwrapped, "__code__"):
            codes[unwrapped.__code__] = name_of[id(target)]
        else:
            builtins[id(target)] = name_of[id(target)]
            if isinstance(target, (np.ufunc, types.BuiltinFunctionType)):
                replaced.append(target)
    used = set()

    def profile(frame, event, arg):
        if event == "call" and frame.f_code in codes:
            used.add(codes[frame.f_code])
        elif event == "c_call":
            for candidate in (arg, getattr(arg, "__self__", None)):
                if candidate is not None and id(candidate) in builtins:
                    used.add(builtins[id(candidate)])

    patched = []  # (namespace dict, name, original)
    for target in replaced:
        stand_in = _Counting(target, lambda target=target: used.add(builtins[id(target)]))
        home = sys.modules.get(getattr(target, "__module__", None) or "")
        namespaces = {id(space): space for space in (vars(np), getattr(function, "__globals__", {}),
                                                     vars(home) if home is not None else {})}
        for namespace in namespaces.values():
            for name, value in list(namespace.items()):
                if value is target:
                    patched.append((namespace, name, value))
                    namespace[name] = stand_in
    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        result = function(*args, **kwargs)
    finally:
        sys.setprofile(previous)
        for namespace, name, original in reversed(patched):
            namespace[name] = original
    return result, sorted(used)


class GradientSteps:
    """Counts the gradient steps taken by the Keras optimizers made inside a `with` block: a training
    budget that does not depend on the machine, unlike a clock.

        with checks.GradientSteps() as steps:
            model = fit_something()
        steps.count(model)  # every optimizer made in the block, plus the model's own, each counted once

    Inside the block `keras.optimizers.Optimizer.__init__` also notes each new optimizer; it is restored
    on the way out, whatever happens.
    """

    def __enter__(self):
        self.optimizers, self._init = [], keras.optimizers.Optimizer.__init__
        init, made = self._init, self.optimizers

        def noting_init(optimizer, *args, **kwargs):
            init(optimizer, *args, **kwargs)
            made.append(optimizer)

        keras.optimizers.Optimizer.__init__ = noting_init
        return self

    def __exit__(self, *exc_info):
        keras.optimizers.Optimizer.__init__ = self._init
        return False

    def count(self, *models):
        """The steps of every optimizer made in the block and of the models' own optimizers, an int; an
        optimizer that shares another's step counter (a `LossScaleOptimizer`'s inner one) counts once."""
        optimizers = self.optimizers + [getattr(model, "optimizer", None) for model in models]
        counters = {id(optimizer.iterations): optimizer.iterations for optimizer in optimizers if optimizer is not None}
        return sum(int(_numpy(counter)) for counter in counters.values())

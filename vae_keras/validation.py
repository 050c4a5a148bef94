"""Checks of the arguments that builders and models take, in Keras's style.

Each check passes quietly and returns the value, or raises ValueError naming the argument,
what was expected and what was received, e.g.

    latent_dim must be a positive integer. Received: latent_dim=0
"""

import numbers


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

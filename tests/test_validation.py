"""Argument checks in Keras's style: the argument, what was expected, what was received."""

import numpy as np
import pytest

from vae_keras import validation


@pytest.mark.parametrize("value", [1, 7, np.int64(3)])
def test_positive_integers_pass(value):
    assert validation.check_positive_int(value, "latent_dim") == value


@pytest.mark.parametrize("value", [0, -2, 2.5, "3", None, True])
def test_other_values_are_not_positive_integers(value):
    with pytest.raises(ValueError, match=rf"latent_dim must be a positive integer. Received: latent_dim={value!r}"):
        validation.check_positive_int(value, "latent_dim")


def test_choice_names_the_argument_and_the_choices():
    assert validation.check_choice("b", ("a", "b"), "kind") == "b"
    with pytest.raises(ValueError, match=r"kind must be one of \('a', 'b'\). Received: kind='c'"):
        validation.check_choice("c", ("a", "b"), "kind")


@pytest.mark.parametrize("strides, filters, expected", [(None, (8, 16), (2, 2)), ((1, 2), (8, 16), (1, 2))])
def test_strides_default_to_two_per_layer(strides, filters, expected):
    assert validation.check_strides(strides, filters) == expected


@pytest.mark.parametrize("strides", [(2,), (2, 3), (1, 2, 2)])
def test_strides_need_one_entry_of_one_or_two_per_layer(strides):
    with pytest.raises(ValueError, match=r"strides must hold one entry, 1 or 2, per conv layer \(2 here\)"):
        validation.check_strides(strides, (8, 16))

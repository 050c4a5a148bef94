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


@pytest.mark.parametrize("check, value, message", [
    (validation.check_non_negative_int, -1, r"k must be an integer >= 0. Received: k=-1"),
    (validation.check_positive_number, 0.0, r"k must be a positive number. Received: k=0.0"),
    (validation.check_positive_number, float("inf"), r"k must be a positive number. Received: k=inf"),
    (validation.check_non_negative_number, float("nan"), r"k must be a finite number >= 0. Received: k=nan"),
    (validation.check_non_negative_number, True, r"k must be a finite number >= 0. Received: k=True"),
    (validation.check_seed, 1.5, r"k must be None or an integer >= 0. Received: k=1.5"),
    (validation.check_bool, 1, r"k must be True or False. Received: k=1"),
])
def test_number_checks_name_the_argument(check, value, message):
    with pytest.raises(ValueError, match=message):
        check(value, "k")


def test_number_checks_pass_good_values():
    assert validation.check_non_negative_int(0, "k") == 0
    assert validation.check_positive_number(np.float32(0.5), "k") == 0.5
    assert validation.check_non_negative_number(0, "beta") == 0.0
    assert validation.check_seed(None) is None and validation.check_seed(np.int64(3)) == 3
    assert validation.check_units([8, 16], "filters") == (8, 16)
    assert validation.check_shape([28, 28, 1], "image_shape", ndim=3) == (28, 28, 1)


def test_check_data_returns_an_array_unchanged_and_converts_lists():
    x = np.zeros((2, 3), "float32")
    assert validation.check_data(x, shape=(3,)) is x
    converted = validation.check_data([[1, 2, 3]], shape=(3,))
    assert converted.dtype == np.float32 and converted.shape == (1, 3)
    assert validation.check_data(np.arange(6).reshape(2, 3), integers=True).dtype.kind == "i"


@pytest.mark.parametrize("x, kwargs, message", [
    (np.zeros((2, 3), "int32"), {}, r"Expected float x \(e.g. float32\): rescale integer pixels.* Received: "
                                    r"x.dtype=int32"),
    (np.zeros((2, 3), bool), {}, r"convert it with x.astype\('float32'\). Received: x.dtype=bool"),
    (np.array(["a"]), {}, r"Expected x as an array of numbers"),
    (np.float32(1.0), {}, r"Expected x as an array of examples along its first axis: wrap one example as \[x\]. "
                        r"Received: x=1.0$"),
    (np.zeros((2, 3)), {"shape": (4,)}, r"Expected x of shape \(N, 4\). Reshape x, or build the model for examples "
                                        r"of shape \(3,\). "
     r"Received: x.shape=\(2, 3\)"),
    (np.zeros((1, 3)), {"min_examples": 2}, r"Expected at least 2 examples in x: .* Received: x.shape=\(1, 3\)"),
    (np.array([[np.nan, np.inf, -np.inf]]), {}, r"Expected finite values in x: .* Received: x with 1 NaN and 2 "
                                                r"infinite values"),
    (np.array([[2.0]]), {"value_range": (0.0, 1.0)}, r"Expected x with values in \[0, 1\]. Rescale pixels 0..255.* "
                                                     r"Received: x with values in \[2, 2\]"),
    (np.array([[2.0]]), {"value_range": (0.0, 1.0), "fix": "Do this."},
     r"Rescale .*\. Do this\. Received: x with values in \[2, 2\]$"),
    (np.array([[-5.0]]), {"value_range": (0.0, 1.0), "fix": "Do this."},
     r"Expected x with values in \[0, 1\]\. Do this\. Received: x with values in \[-5, -5\]$"),
    (None, {}, r"Expected x as a NumPy array. Received: x=None"),
    ({"a": 1}, {}, r"Expected x as a NumPy array. Received: x of type dict"),
])
def test_check_data_says_what_was_expected_what_was_received_and_the_fix(x, kwargs, message):
    with pytest.raises(ValueError, match=message):
        validation.check_data(x, "x", **kwargs)


@pytest.mark.parametrize("x", [np.array([[1.0 + 5e-7, 0.5]]), np.array([[-5e-7, 0.5]]),
                               np.array([[1.0000001]], "float32")])
def test_values_a_rounding_error_outside_the_range_count_as_inside(x):
    assert validation.check_data(x, value_range=(0.0, 1.0)) is x


@pytest.mark.parametrize("x", [np.array([[1.0 + 1e-4]]), np.array([[-1e-4]])])
def test_values_clearly_outside_the_range_are_refused(x):
    with pytest.raises(ValueError, match=r"Expected x with values in \[0, 1\]"):
        validation.check_data(x, value_range=(0.0, 1.0))


@pytest.mark.parametrize("bad, counts", [(np.inf, "0 NaN and 1 infinite"), (-np.inf, "0 NaN and 1 infinite"),
                                         (np.nan, "1 NaN and 0 infinite")])
def test_one_non_finite_value_anywhere_is_refused(bad, counts):
    for position in (0, 1, 2):
        x = np.full((1, 3), 0.5)
        x[0, position] = bad
        with pytest.raises(ValueError, match=rf"Received: x with {counts} values"):
            validation.check_data(x)

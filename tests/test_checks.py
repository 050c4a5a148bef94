"""Friendly checks: quiet on good input, an AssertionError that says what was expected otherwise."""

import re

import keras
import numpy as np
import pytest

from vae_keras.course import checks
from vae_keras.decoders import build_dense_decoder
from vae_keras.encoders import build_dense_encoder


def fails_with(message):
    """pytest.raises(AssertionError) matching the whole message exactly."""
    return pytest.raises(AssertionError, match=f"^{re.escape(message)}$")


def test_check_shape_treats_none_as_any_size():
    checks.check_shape((None, 28, 28, 1), (None, 28, 28, 1))
    checks.check_shape((32, 28, 28, 1), (None, 28, 28, 1))
    with fails_with("output has shape (32, 784); expected (None, 28, 28, 1)"):
        checks.check_shape((32, 784), (None, 28, 28, 1))
    with fails_with("z has shape (5,); expected (5, 2)"):
        checks.check_shape((5,), (5, 2), name="z")


def test_check_range_passes_inside_and_names_the_range_outside():
    checks.check_range(np.linspace(0, 1, 10), 0, 1)
    with fails_with("pixels lie in [-0.5, 1]; expected values in [0, 1]"):
        checks.check_range(np.linspace(-0.5, 1, 10), 0, 1, name="pixels")


def test_check_finite_catches_nan_and_inf():
    checks.check_finite(np.ones(3))
    for bad in (np.nan, np.inf):
        with fails_with("loss contain NaN or infinite values; expected finite numbers"):
            checks.check_finite(np.array([1.0, bad]), name="loss")
    with pytest.raises(AssertionError, match="NaN"):
        checks.check_range(np.array([0.5, np.nan]), 0, 1)


def test_check_close_compares_shape_then_values():
    checks.check_close(np.array([1.0, 2.0]), np.array([1.0, 2.00001]))
    with fails_with("kl has shape (3,); expected (2,)"):
        checks.check_close(np.zeros(3), np.zeros(2), name="kl")
    with fails_with("kl differs from the expected values by up to 0.5"):
        checks.check_close(np.array([1.0, 2.5]), np.array([1.0, 2.0]), name="kl")


def test_check_differ_wants_every_image_distinct():
    images = np.random.default_rng(0).random((4, 28, 28, 1))
    checks.check_differ(images)
    with fails_with("only 3 of the 4 samples differ; expected all to differ"):
        checks.check_differ(np.concatenate([images[:3], images[:1]]))
    with fails_with("expected at least two samples to compare. Received: len(images)=1"):
        checks.check_differ(images[:1])


def test_check_model_io_accepts_a_decoder_and_rejects_an_encoder():
    checks.check_model_io(build_dense_decoder(2), (2,), (28, 28, 1))
    with fails_with("model has 3 outputs; expected one of shape (None, 28, 28, 1)"):
        checks.check_model_io(build_dense_encoder(2), (28, 28, 1), (28, 28, 1))
    with fails_with("model input has shape (None, 2); expected (None, 3)"):
        checks.check_model_io(build_dense_decoder(2), (3,), (28, 28, 1))


def test_check_decoder_passes_a_matching_decoder():
    checks.check_decoder(build_dense_decoder(2), latent_dim=2, value_range=(0, 1))
    checks.check_decoder(build_dense_decoder(2, head="linear"), latent_dim=2)


def test_check_decoder_names_a_wrong_output_shape():
    three_channels = build_dense_decoder(2, image_shape=(28, 28, 3))
    with fails_with("decoder output has shape (None, 28, 28, 3); expected (None, 28, 28, 1)"):
        checks.check_decoder(three_channels, latent_dim=2)
    with fails_with("decoder input has shape (None, 2); expected (None, 4)"):
        checks.check_decoder(build_dense_decoder(2), latent_dim=4)


def test_check_decoder_names_values_outside_the_head_range():
    with pytest.raises(AssertionError, match=r"^decoded images lie in \[-.*\]; expected values in \[0, 1\]$"):
        checks.check_decoder(build_dense_decoder(2, head="tanh"), latent_dim=2, value_range=(0, 1))


def test_check_encoder_passes_a_matching_encoder_and_names_mismatches():
    checks.check_encoder(build_dense_encoder(2), latent_dim=2)
    with fails_with("encoder's z_mean has shape (None, 2); expected (None, 3)"):
        checks.check_encoder(build_dense_encoder(2), latent_dim=3)
    with fails_with("encoder should return three outputs [z_mean, z_log_var, z]"):
        checks.check_encoder(build_dense_decoder(2), latent_dim=2, image_shape=(2,))
    with fails_with("encoder input has shape (None, 2); expected (None, 28, 28, 1)"):
        checks.check_encoder(build_dense_decoder(2), latent_dim=2)


def test_check_widens_accepts_a_widening_decoder_and_rejects_a_narrowing_one():
    assert checks.check_widens(build_dense_decoder(2, hidden_units=(256, 512))) == [2, 256, 512, 784]
    with fails_with("decoder's Dense layers have widths 2 -> 512 -> 256 -> 784; "
                    "expected each at least as wide as the one before"):
        checks.check_widens(build_dense_decoder(2, hidden_units=(512, 256)))


def answer_with_a_nested_function(a):
    def inner(b):
        return np.logaddexp.reduce(b)
    return inner(a) + np.max(a)


def test_code_names_sees_the_names_a_function_and_its_nested_functions_use():
    names = checks.code_names(answer_with_a_nested_function)
    assert {"np", "logaddexp", "reduce", "max"} <= names
    assert "logsumexp" not in names


def test_layer_steps_fold_activation_layers_so_that_styles_read_alike():
    functional_input = keras.Input((4,))
    h = keras.layers.Dense(8, activation="relu")(functional_input)
    h = keras.layers.Reshape((2, 2, 2))(h)
    h = keras.layers.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu")(h)
    functional = keras.Model(functional_input, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
    sequential = keras.Sequential([
        keras.Input((4,)), keras.layers.Dense(8), keras.layers.Reshape((2, 2, 2)), keras.layers.ReLU(),
        keras.layers.Conv2DTranspose(3, 3, strides=2, padding="same"), keras.layers.Activation("relu"),
        keras.layers.Conv2D(1, 3, padding="same"), keras.layers.Activation("sigmoid")])
    steps = checks.layer_steps(functional)
    assert steps == checks.layer_steps(sequential)
    assert [(step["layer"], step["activation"]) for step in steps] == [
        ("Dense", "relu"), ("Reshape", "linear"), ("Conv2DTranspose", "relu"), ("Conv2D", "sigmoid")]
    assert steps[2]["output"] == (4, 4, 3) and steps[2]["strides"] == (2, 2) and steps[2]["filters"] == 3
    assert steps[0]["units"] == 8


def test_layer_steps_keep_an_activation_layer_that_follows_a_non_linearity():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh"), keras.layers.ReLU()])
    assert [(step["layer"], step["activation"]) for step in checks.layer_steps(model)] == [
        ("Dense", "tanh"), ("ReLU", "relu")]


def test_calls_into_names_the_library_functions_an_answer_called():
    from vae_keras import decoders

    def by_hand(latent_dim):
        return keras.Sequential([keras.Input((latent_dim,)), keras.layers.Dense(3)])

    builder = decoders.build_dense_decoder  # an alias still counts

    model, called = checks.calls_into([decoders], lambda: builder(2, hidden_units=(4,)))
    assert "vae_keras.decoders.build_dense_decoder" in called and model.output_shape == (None, 28, 28, 1)
    assert checks.calls_into(decoders, by_hand, 2)[1] == []
    assert checks.calls_into(keras, lambda size: size * 2, 7) == (14, [])  # a package: all its modules
    assert checks.calls_into(keras, by_hand, 2)[1]  # building layers runs Keras code


def test_check_standard_normal_sees_moments_correlations_and_shape():
    rng = np.random.default_rng(0)
    checks.check_standard_normal(rng.standard_normal((4000, 8)))
    with pytest.raises(AssertionError, match="mean 0.5"):
        checks.check_standard_normal(rng.random((4000, 8)))
    with pytest.raises(AssertionError, match="standard deviation 2"):
        checks.check_standard_normal(2.0 * rng.standard_normal((4000, 8)))
    shared = rng.standard_normal((4000, 1)) * np.ones((1, 8))  # every latent the same draw
    with pytest.raises(AssertionError, match="correlation 1.000"):
        checks.check_standard_normal(shared)
    uniform = np.sqrt(3.0) * (2.0 * rng.random((4000, 8)) - 1.0)  # mean 0 and std 1, but flat
    laplace = rng.laplace(size=(4000, 8)) / np.sqrt(2.0)
    for wrong_shape in (uniform, laplace):
        with pytest.raises(AssertionError, match="Kolmogorov-Smirnov"):
            checks.check_standard_normal(wrong_shape)
    with pytest.raises(AssertionError, match="expected \\(n, d\\) with n >= 100"):
        checks.check_standard_normal(rng.standard_normal((50, 2)))


def test_peak_memory_sees_a_large_numpy_array_and_not_a_small_one():
    def broadcast(a, b):
        return float(np.abs(a[:, None, :] - b[None, :, :]).sum())

    def loop(a, b):
        return float(sum(np.abs(row - b).sum() for row in a))

    a, b = np.ones((100, 784)), np.zeros((200, 784))
    (big, peak_big), (small, peak_small) = checks.peak_memory(broadcast, a, b), checks.peak_memory(loop, a, b)
    assert big == small == 100 * 200 * 784
    assert peak_big >= 100 * 200 * 784 * 8 > 20 * peak_small


def test_check_dense_stack_reads_what_the_layers_compute_however_they_are_written():
    from keras import ops

    nested = keras.Sequential([
        keras.Input((3,)),
        keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(32)]),
        keras.layers.LeakyReLU(),
        keras.layers.Dense(784),
        keras.layers.Activation("sigmoid"),
        keras.layers.Reshape((28, 28, 1)),
    ])
    assert checks.check_dense_stack(nested, 3) == [16, 32, 784]
    z = keras.Input((3,))
    h = ops.tanh(keras.layers.Dense(8)(keras.activations.elu(keras.layers.Dense(4)(z))))
    functions = keras.Model(z, keras.layers.Reshape((28, 28, 1))(ops.sigmoid(keras.layers.Dense(784)(h))))
    assert checks.check_dense_stack(functions, 3) == [4, 8, 784]
    functions(np.zeros((2, 3), "float32"))  # the layers' own call is back after the check


@pytest.mark.parametrize("hidden_activation, head, message", [
    (None, "sigmoid", r"Dense layer 1 \(16 units\) is followed by no non-linearity"),
    ("relu", "hard_sigmoid", "output is not a sigmoid of its last Dense layer"),
    ("relu", "softmax", "output is not a sigmoid of its last Dense layer"),
])
def test_check_dense_stack_names_a_missing_non_linearity_or_a_wrong_head(hidden_activation, head, message):
    z = keras.Input((3,))
    h = keras.layers.Dense(32, activation="relu")(keras.layers.Dense(16, activation=hidden_activation)(z))
    model = keras.Model(z, keras.layers.Dense(784, activation=head)(h))
    with pytest.raises(AssertionError, match=message):
        checks.check_dense_stack(model, 3)


# --- calls_to ----------------------------------------------------------------------------


def test_calls_to_sees_a_ruled_out_function_however_it_is_reached():
    import functools

    import scipy.special

    targets = [scipy.special.logsumexp, np.logaddexp, keras.ops.logsumexp]
    numpy_logaddexp = np.logaddexp
    lse = scipy.special.logsumexp  # an alias
    reduce = np.logaddexp.reduce  # a built-in method bound beforehand

    def helper(a):
        from numpy import logaddexp  # imported inside the answer

        return functools.reduce(logaddexp, a)

    answers = {
        "scipy, aliased": (lambda a: lse(a), ["logsumexp"]),
        "ufunc method": (lambda a: reduce(a), ["logaddexp"]),
        "ufunc called directly": (lambda a: functools.reduce(np.logaddexp, a), ["logaddexp"]),
        "imported in a helper": (helper, ["logaddexp"]),
        "keras.ops": (lambda a: keras.ops.logsumexp(a), ["logsumexp"]),
    }
    a = np.array([1.0, 2.0, 3.0])
    for label, (answer, expected) in answers.items():
        result, used = checks.calls_to(targets, answer, a)
        assert used == expected, label
        np.testing.assert_allclose(keras.ops.convert_to_numpy(result), np.log(np.sum(np.exp(a))), err_msg=label)
    assert np.logaddexp is numpy_logaddexp  # put back afterwards


def test_calls_to_does_not_blame_an_answer_for_a_name():
    import scipy.special

    def logsumexp(a):  # the student's own, named like the forbidden one
        top = np.max(a)
        return top + np.log(np.sum(np.exp(a - top)))

    result, used = checks.calls_to([scipy.special.logsumexp, np.logaddexp], lambda a: logsumexp(a), np.zeros(4))
    assert used == [] and result == pytest.approx(np.log(4.0))


def test_calls_to_puts_the_ufunc_back_when_the_answer_raises():
    original = np.logaddexp

    def broken(a):
        raise RuntimeError("a bug in the answer")

    with pytest.raises(RuntimeError, match="a bug"):
        checks.calls_to([np.logaddexp], broken, 1.0)
    assert np.logaddexp is original


# --- GradientSteps: a training budget counted in steps --------------------------------------------

def _tiny_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_gradient_steps_counts_one_fit_in_steps_not_epochs():
    x, y = np.zeros((40, 3), "float32"), np.zeros((40, 1), "float32")
    with checks.GradientSteps() as steps:
        model = _tiny_model()
        model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    assert steps.count(model) == 15  # 3 epochs of ceil(40 / 8) = 5 steps


def test_gradient_steps_adds_the_phases_of_a_recompiled_model_and_counts_each_optimizer_once():
    x, y = np.zeros((16, 3), "float32"), np.zeros((16, 1), "float32")
    with checks.GradientSteps() as steps:
        model = _tiny_model()
        model.fit(x, y, batch_size=8, epochs=2, verbose=0)  # 4 steps
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, batch_size=4, epochs=1, verbose=0)  # 4 more, on a second optimizer
    assert steps.count(model) == 8 and steps.count() == 8


def test_gradient_steps_sees_no_step_of_an_untrained_model_and_none_made_outside():
    outside = _tiny_model()
    outside.fit(np.zeros((8, 3), "float32"), np.zeros((8, 1), "float32"), batch_size=8, verbose=0)
    with checks.GradientSteps() as steps:
        model = _tiny_model()
    assert steps.count(model) == 0 and steps.count(outside) == 1


def test_gradient_steps_restores_the_optimizer_even_when_the_block_fails():
    before = keras.optimizers.Optimizer.__init__
    with pytest.raises(ValueError, match="boom"):
        with checks.GradientSteps():
            assert keras.optimizers.Optimizer.__init__ is not before
            raise ValueError("boom")
    assert keras.optimizers.Optimizer.__init__ is before

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


# --- requirement: a label in front of every failure inside the block ----------------------------------


def test_requirement_puts_its_label_in_front_of_an_assertion_and_passes_quietly_otherwise():
    with checks.requirement("R2") as block:
        checks.check_shape((None, 2), (None, 2))
    assert block.label == "R2"
    with fails_with("R2: output has shape (None, 3); expected (None, 2)"):
        with checks.requirement("R2"):
            checks.check_shape((None, 3), (None, 2))
    with fails_with("R12: R1: named by an inner block"):  # another label's message is not mistaken for its own
        with checks.requirement("R12"):
            raise AssertionError("R1: named by an inner block")
    with fails_with("R3: already labelled"):  # not labelled twice
        with checks.requirement("R3"):
            with checks.requirement("R3"):
                raise AssertionError("already labelled")


def test_requirement_names_a_crash_by_its_kind_and_keeps_it_for_the_traceback():
    with pytest.raises(AssertionError, match=r"^R4: ZeroDivisionError: division by zero$") as caught:
        with checks.requirement("R4"):
            _ = 1 / 0
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    with pytest.raises(AssertionError) as caught:
        with checks.requirement("R4"):
            raise AssertionError("a check")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    with pytest.raises(KeyboardInterrupt):  # not an answer's error: it goes through untouched
        with checks.requirement("R1"):
            raise KeyboardInterrupt


@pytest.mark.parametrize("label", ["R", "r1", "R1a", "1", 1, None, "S1"])
def test_requirement_refuses_a_label_that_is_not_r_and_a_number(label):
    with pytest.raises(ValueError, match="Expected a requirement label such as 'R1'"):
        checks.requirement(label)


# --- tolerances, exactly at their edges ---------------------------------------------------------------


def test_check_shape_refuses_a_shape_of_another_rank_or_a_fixed_size_that_differs():
    checks.check_shape([None, 4], (None, 4))  # any sequence
    with fails_with("output has shape (None, 4, 1); expected (None, 4)"):
        checks.check_shape((None, 4, 1), (None, 4))
    with fails_with("output has shape (None, 4); expected (None, 4, 1)"):
        checks.check_shape((None, 4), (None, 4, 1))
    with fails_with("output has shape (None, 4); expected (2, 4)"):  # None matches only where expected says so
        checks.check_shape((None, 4), (2, 4))


def test_check_range_allows_1e_6_beyond_each_end_and_no_more():
    checks.check_range(np.array([-0.9e-6, 0.5, 1 + 0.9e-6]), 0, 1)
    with pytest.raises(AssertionError, match=r"expected values in \[0, 1\]"):
        checks.check_range(np.array([-1.1e-6, 0.5]), 0, 1)
    with pytest.raises(AssertionError, match=r"expected values in \[0, 1\]"):
        checks.check_range(np.array([0.5, 1 + 1.1e-6]), 0, 1)
    with fails_with("x lie in [2, 3]; expected values in [-1, 1]"):
        checks.check_range(np.array([2.0, 3.0]), -1, 1, name="x")


def test_check_finite_names_minus_infinity_too():
    with fails_with("values contain NaN or infinite values; expected finite numbers"):
        checks.check_finite(np.array([0.0, -np.inf]))


def test_check_close_uses_its_tolerances_exactly():
    checks.check_close(np.array([0.0]), np.array([0.9e-4]))  # atol 1e-4
    with fails_with("result differs from the expected values by up to 0.00011"):
        checks.check_close(np.array([0.0]), np.array([1.1e-4]))
    checks.check_close(np.array([1000.0]), np.array([1000.09]))  # rtol 1e-4 of 1000, plus atol
    with pytest.raises(AssertionError, match="differs"):
        checks.check_close(np.array([1000.0]), np.array([1000.11]))
    checks.check_close(np.array([1.0]), np.array([1.4]), atol=0.5)
    checks.check_close(np.array([10.0]), np.array([14.0]), rtol=0.5, atol=0)
    with pytest.raises(AssertionError, match="differs"):
        checks.check_close(np.array([10.0]), np.array([14.0]), rtol=0.1, atol=0)
    checks.check_close(np.zeros((0, 3)), np.zeros((0, 3)))  # nothing to compare


def test_check_differ_rounds_to_five_decimals():
    images = np.random.default_rng(1).random((2, 4, 4, 1))
    checks.check_differ(images)
    with fails_with("only 1 of the 2 samples differ; expected all to differ"):
        checks.check_differ(np.stack([images[0], images[0] + 1e-7]))
    checks.check_differ(np.stack([images[0], images[0] + 1e-4]))


# --- models in any Keras style -------------------------------------------------------------------------


class SubclassedDecoder(keras.Model):
    """z (batch, latent_dim) -> images (batch, 28, 28, 1): hidden Dense layers, ops.relu, a sigmoid head."""

    def __init__(self, head="sigmoid", image_shape=(28, 28, 1)):
        super().__init__()
        self.hidden = [keras.layers.Dense(16), keras.layers.Dense(32)]
        self.out = keras.layers.Dense(int(np.prod(image_shape)), activation=head)
        self.image_shape = image_shape

    def call(self, z):
        h = z
        for layer in self.hidden:
            h = keras.ops.relu(layer(h))
        return keras.ops.reshape(self.out(h), (-1, *self.image_shape))


class SubclassedEncoder(keras.Model):
    def __init__(self, latent_dim, outputs=3):
        super().__init__()
        self.flatten, self.hidden = keras.layers.Flatten(), keras.layers.Dense(8, activation="relu")
        self.heads = [keras.layers.Dense(latent_dim) for _ in range(outputs)]

    def call(self, x):
        h = self.hidden(self.flatten(x))
        return [head(h) for head in self.heads]


class Broken(keras.Model):
    def call(self, z):
        raise ValueError("this answer is broken")


def test_check_model_io_calls_a_subclassed_model_on_a_batch():
    checks.check_model_io(SubclassedDecoder(), (3,), (28, 28, 1))
    checks.check_decoder(SubclassedDecoder(), latent_dim=3, value_range=(0, 1))
    with fails_with("model output has shape (None, 28, 28, 3); expected (None, 28, 28, 1)"):
        checks.check_model_io(SubclassedDecoder(image_shape=(28, 28, 3)), (3,), (28, 28, 1))
    with fails_with("model has 3 outputs; expected one of shape (None, 2)"):
        checks.check_model_io(SubclassedEncoder(2), (28, 28, 1), (2,))
    with pytest.raises(AssertionError, match=r"^decoded images lie in \[.*\]; expected values in \[0, 1\]$"):
        checks.check_decoder(SubclassedDecoder(head="linear"), latent_dim=3, value_range=(0, 1))


def test_check_model_io_says_a_model_could_not_be_called_and_why():
    with pytest.raises(AssertionError, match=r"^decoder could not be called on a batch of shape \(2, 3\): "
                                             r"ValueError: .*this answer is broken"):
        checks.check_model_io(Broken(), (3,), (28, 28, 1), name="decoder")
    built = SubclassedDecoder()
    built(np.zeros((1, 3), "float32"))  # built for 3 latents
    with pytest.raises(AssertionError, match=r"^decoder could not be called on a batch of shape \(2, 4\): ValueError"):
        checks.check_decoder(built, latent_dim=4)


def test_check_model_io_reads_an_unbuilt_sequential_model_by_calling_it():
    model = keras.Sequential([keras.layers.Dense(784), keras.layers.Reshape((28, 28, 1))])
    checks.check_model_io(model, (3,), (28, 28, 1))


def test_check_decoder_refuses_non_finite_images():
    class Infinite(keras.Model):
        def call(self, z):
            return keras.ops.log(keras.ops.zeros((keras.ops.shape(z)[0], 28, 28, 1)))

    with fails_with("decoded images contain NaN or infinite values; expected finite numbers"):
        checks.check_decoder(Infinite(), latent_dim=2)


def test_check_encoder_calls_a_subclassed_encoder():
    checks.check_encoder(SubclassedEncoder(2), latent_dim=2)
    with fails_with("encoder's z_mean has shape (None, 2); expected (None, 3)"):
        checks.check_encoder(SubclassedEncoder(2), latent_dim=3)
    with fails_with("encoder should return three outputs [z_mean, z_log_var, z]"):
        checks.check_encoder(SubclassedEncoder(2, outputs=2), latent_dim=2)
    with fails_with("encoder should return three outputs [z_mean, z_log_var, z]"):
        checks.check_encoder(SubclassedDecoder(), latent_dim=2, image_shape=(3,))
    with pytest.raises(AssertionError, match=r"^encoder could not be called on a batch of shape \(2, 28, 28, 1\)"):
        checks.check_encoder(Broken(), latent_dim=2)


def test_check_encoder_names_each_output_that_differs():
    class Uneven(keras.Model):
        def call(self, x):
            flat = keras.ops.reshape(x, (-1, 784))
            return [flat[:, :2], flat[:, :2], flat[:, :5]]

    with fails_with("encoder's z has shape (None, 5); expected (None, 2)"):
        checks.check_encoder(Uneven(), latent_dim=2)


def test_check_widens_accepts_equal_widths_and_refuses_a_model_without_dense_layers():
    assert checks.check_widens(build_dense_decoder(2, hidden_units=(64, 64))) == [2, 64, 64, 784]
    with fails_with("decoder has no Dense layers; expected Dense layers that widen"):
        checks.check_widens(keras.Sequential([keras.Input((2,)), keras.layers.Reshape((2, 1))]))


# --- layer_steps: the layers in the order they run ----------------------------------------------------


def _kinds(steps):
    return [(step["layer"], step["activation"]) for step in steps]


def test_layer_steps_read_a_subclassed_model_like_the_same_functional_one():
    z = keras.Input((3,))
    h = keras.layers.Dense(32, activation="relu")(keras.layers.Dense(16, activation="relu")(z))
    functional = keras.Model(z, keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="sigmoid")(h)))
    expected = checks.layer_steps(functional)
    assert _kinds(expected) == [("Dense", "relu"), ("Dense", "relu"), ("Dense", "sigmoid"), ("Reshape", "linear")]
    steps = checks.layer_steps(SubclassedDecoder(), input_shape=(3,))
    assert _kinds(steps) == _kinds(expected[:3])  # ops.reshape is no layer
    assert [step["output"] for step in steps] == [(16,), (32,), (784,)]
    x = np.ones((5, 3), "float32")
    assert checks.layer_steps(SubclassedDecoder(), x=x) == steps


def test_layer_steps_need_a_batch_or_a_shape_for_a_model_that_declares_no_input():
    with pytest.raises(ValueError, match=r"Pass `x=` \(a batch\) or `input_shape=`.*Received: model=SubclassedDecoder"):
        checks.layer_steps(SubclassedDecoder())
    variable = keras.Sequential([keras.Input((None, 3)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match=r"needs a fixed input shape.*Received: input_shape=\(None, 3\)"):
        checks.layer_steps(variable)
    assert checks.layer_steps(variable, x=np.ones((2, 5, 3), "float32"))[0]["output"] == (5, 2)


def test_layer_steps_say_when_the_model_could_not_be_called():
    with pytest.raises(AssertionError, match=r"^model could not be called on a batch of shape \(4, 3\): ValueError"):
        checks.layer_steps(Broken(), input_shape=(3,))
    layer = keras.layers.Dense(2)
    model = keras.Sequential([keras.Input((3,)), layer])
    with pytest.raises(AssertionError, match=r"could not be called on a batch of shape \(4, 5\)"):
        checks.layer_steps(model, input_shape=(5,))
    assert "call" not in vars(layer)  # the layer's own call is back


def test_layer_steps_follow_the_order_the_layers_run_not_the_order_they_were_made():
    class Backwards(keras.Model):
        def __init__(self):
            super().__init__()
            self.last, self.first = keras.layers.Dense(2), keras.layers.Dense(5, activation="tanh")

        def call(self, x):
            return self.last(self.first(x))

    model = Backwards()
    assert [step["units"] for step in checks.layer_steps(model, input_shape=(3,))] == [5, 2]
    assert all("call" not in vars(layer) for layer in (model.first, model.last))
    shared = keras.layers.Dense(3, activation="relu")
    x = keras.Input((3,))
    twice = keras.Model(x, shared(shared(x)))  # a layer used twice is a step twice
    assert _kinds(checks.layer_steps(twice)) == [("Dense", "relu"), ("Dense", "relu")]


def test_layer_steps_read_the_layers_inside_nested_models_and_custom_layers():
    class Block(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense, self.activation = keras.layers.Dense(6), keras.layers.ReLU()

        def call(self, x):
            return self.activation(self.dense(x))

    inner = keras.Sequential([keras.layers.Dense(4), keras.layers.ELU()])
    model = keras.Sequential([keras.Input((3,)), inner, Block(), keras.layers.Dense(2)])
    assert _kinds(checks.layer_steps(model)) == [("Dense", "elu"), ("Dense", "relu"), ("Dense", "linear")]
    assert [step["units"] for step in checks.layer_steps(model)] == [4, 6, 2]


def test_layer_steps_feed_a_model_with_two_inputs_one_batch_each():
    a, b = keras.Input((3,)), keras.Input((2,))
    model = keras.Model([a, b], keras.layers.Dense(4)(keras.layers.Concatenate()([a, b])))
    assert [(step["layer"], step["output"]) for step in checks.layer_steps(model)] == [
        ("Concatenate", (5,)), ("Dense", (4,))]


@pytest.mark.parametrize("layer, name", [
    (keras.layers.Activation("tanh"), "tanh"), (keras.layers.ReLU(), "relu"), (keras.layers.LeakyReLU(), "leaky_relu"),
    (keras.layers.ELU(), "elu"), (keras.layers.PReLU(), "prelu"), (keras.layers.Softmax(), "softmax"),
])
def test_layer_steps_fold_each_activation_layer(layer, name):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), layer])
    assert _kinds(checks.layer_steps(model)) == [("Dense", name)]


def test_layer_steps_keep_an_activation_layer_that_nothing_before_it_computes():
    model = keras.Sequential([keras.Input((3,)), keras.layers.ReLU(), keras.layers.Dense(2)])
    assert _kinds(checks.layer_steps(model)) == [("ReLU", "relu"), ("Dense", "linear")]
    model = keras.Sequential([keras.Input((2, 2)), keras.layers.Flatten(), keras.layers.ReLU()])
    assert _kinds(checks.layer_steps(model)) == [("Flatten", "linear"), ("ReLU", "relu")]


def _conv_between(middle, rank=2):
    shape, conv = {1: ((6, 4), keras.layers.Conv1D), 2: ((6, 6, 4), keras.layers.Conv2D),
                   3: ((4, 4, 4, 4), keras.layers.Conv3D)}[rank]
    return keras.Sequential([keras.Input(shape), conv(4, 3, padding="same"), middle, keras.layers.ReLU()])


# Layers made in the test, not at import: a layer with a seed generator starts the backend, and
# benchmarks/mutation.py forks processes from one that has imported this module.
@pytest.mark.parametrize("make, rank, normalization", [
    (lambda: keras.layers.BatchNormalization(), 2, "BatchNormalization"),
    (lambda: keras.layers.LayerNormalization(), 2, "LayerNormalization"),
    (lambda: keras.layers.GroupNormalization(groups=2), 2, "GroupNormalization"),
    (lambda: keras.layers.UnitNormalization(), 2, "UnitNormalization"),
    (lambda: keras.layers.Dropout(0.3), 2, None),
    (lambda: keras.layers.SpatialDropout1D(0.3), 1, None),
    (lambda: keras.layers.SpatialDropout2D(0.3), 2, None),
    (lambda: keras.layers.SpatialDropout3D(0.3), 3, None),
    (lambda: keras.layers.GaussianNoise(0.1), 2, None),
    (lambda: keras.layers.GaussianDropout(0.1), 2, None),
    (lambda: keras.layers.AlphaDropout(0.1), 2, None),
    (lambda: keras.layers.Flatten(), 2, None),
    (lambda: keras.layers.Reshape((36, 4)), 2, None),
])
def test_layer_steps_fold_an_activation_across_normalization_dropout_and_reshaping(make, rank, normalization):
    middle = make()
    conv, between = checks.layer_steps(_conv_between(middle, rank))
    assert (conv["activation"], conv.get("normalization")) == ("relu", normalization)
    assert (between["layer"], between["activation"]) == (type(middle).__name__, "linear")


def test_layer_steps_record_a_normalization_only_where_an_activation_was_folded_across_it():
    model = keras.Sequential([keras.Input((6, 6, 2)), keras.layers.Conv2D(4, 3, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.ReLU()])
    steps = checks.layer_steps(model)
    assert _kinds(steps) == [("Conv2D", "relu"), ("BatchNormalization", "linear"), ("ReLU", "relu")]
    assert "normalization" not in steps[0]


def test_layer_steps_record_each_attribute_a_layer_has():
    model = keras.Sequential([
        keras.Input((2,)), keras.layers.Dense(3 * 3 * 2), keras.layers.Reshape((3, 3, 2)),
        keras.layers.UpSampling2D(size=(2, 3), interpolation="bilinear"),
        keras.layers.Conv2DTranspose(5, (3, 2), strides=(1, 2), padding="valid", activation="elu")])
    dense, reshape, up, conv = checks.layer_steps(model)
    assert dense == {"layer": "Dense", "output": (18,), "activation": "linear", "units": 18}
    assert reshape == {"layer": "Reshape", "output": (3, 3, 2), "activation": "linear"}
    assert up == {"layer": "UpSampling2D", "output": (6, 9, 2), "activation": "linear", "size": (2, 3),
                  "interpolation": "bilinear"}
    assert conv == {"layer": "Conv2DTranspose", "output": (8, 18, 5), "activation": "elu", "filters": 5,
                    "kernel_size": (3, 2), "strides": (1, 2), "padding": "valid"}


class _Between(keras.Model):
    """Dense(8), then `function` applied in call, then Dense(2)."""

    def __init__(self, function, activation=None):
        super().__init__()
        self.function = function
        self.first, self.second = keras.layers.Dense(8, activation=activation), keras.layers.Dense(2)

    def call(self, x):
        return self.second(self.function(self.first(x)))


@pytest.mark.parametrize("function, name", [
    (keras.ops.relu, "relu"), (keras.ops.sigmoid, "sigmoid"), (keras.ops.tanh, "tanh"), (keras.ops.elu, "elu"),
    (keras.ops.selu, "selu"), (keras.activations.gelu, "gelu"), (keras.ops.gelu, "gelu"), (keras.ops.silu, "silu"),
    (keras.ops.softplus, "softplus"), (keras.ops.softsign, "softsign"), (keras.ops.relu6, "relu6"),
    (keras.ops.hard_sigmoid, "hard_sigmoid"), (keras.ops.hard_silu, "hard_silu"), (keras.activations.mish, "mish"),
    (keras.ops.exp, "exponential"), (keras.ops.softmax, "softmax"), (keras.ops.log_softmax, "log_softmax"),
    (lambda h: keras.ops.leaky_relu(h, 0.1), "leaky_relu"), (keras.layers.LeakyReLU(0.3), "leaky_relu"),
])
def test_layer_steps_find_an_activation_applied_as_a_function(function, name):
    keras.utils.set_random_seed(0)  # weights that take some values past relu6's 6 (random ones may not)
    x = 4.0 * np.random.default_rng(2).standard_normal((16, 3)).astype("float32")  # past relu6's 6
    steps = checks.layer_steps(_Between(function), x=x)
    assert _kinds(steps) == [("Dense", name), ("Dense", "linear")]


@pytest.mark.parametrize("function", [lambda h: 2.0 * h, lambda h: h + 1.0, lambda h: keras.ops.abs(h),
                                      lambda h: keras.ops.maximum(h, 0.5)])
def test_layer_steps_take_no_other_function_for_an_activation(function):
    steps = checks.layer_steps(_Between(function), input_shape=(3,))
    assert _kinds(steps) == [("Dense", "linear"), ("Dense", "linear")]


def test_layer_steps_keep_a_function_that_follows_a_non_linearity_as_its_own_step():
    steps = checks.layer_steps(_Between(keras.ops.relu, activation="tanh"), input_shape=(3,))
    assert _kinds(steps) == [("Dense", "tanh"), ("Activation", "relu"), ("Dense", "linear")]
    assert steps[1]["output"] == (8,)


def test_layer_steps_find_the_head_applied_after_the_last_layer():
    z = keras.Input((3,))
    h = keras.layers.Dense(784)(z)
    images = keras.layers.Reshape((28, 28, 1))(h)
    model = keras.Model(z, images * 0 + keras.ops.sigmoid(keras.layers.Reshape((28, 28, 1))(h)))
    assert _kinds(checks.layer_steps(keras.Model(z, keras.ops.sigmoid(h))))[-1] == ("Dense", "sigmoid")
    assert checks.layer_steps(model)[0]["layer"] == "Dense"


# --- dense layers of any style ------------------------------------------------------------------------


def test_dense_layers_find_the_dense_layers_of_subclassed_models_and_custom_layers():
    class Holder(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = keras.layers.Dense(7)

        def call(self, x):
            return self.inner(x)

    class Model(keras.Model):
        def __init__(self):
            super().__init__()
            self.a, self.holder, self.flat = keras.layers.Dense(5), Holder(), keras.layers.Flatten()

        def call(self, x):
            return self.holder(self.a(self.flat(x)))

    model = Model()
    assert [layer.units for layer in checks.dense_layers(model)] == [5, 7]
    output, records = checks.dense_inputs(model, np.ones((2, 3), "float32"))
    assert output.shape == (2, 7)
    assert [(layer.units, inputs.shape) for layer, inputs in records] == [(5, (2, 3)), (7, (2, 5))]
    assert [layer.units for layer in checks.dense_layers(build_dense_decoder(2, hidden_units=(8,)))] == [8, 784]


def test_check_dense_stack_reads_a_subclassed_decoder_before_it_was_ever_called():
    assert checks.check_dense_stack(SubclassedDecoder(), 3) == [16, 32, 784]

    class Crashing(SubclassedDecoder):
        def call(self, z):
            raise ValueError("this answer is broken")

    with fails_with("your decoder could not be called on a batch of shape (2, 3): ValueError: this answer is broken"):
        checks.check_dense_stack(Crashing(), 3, name="your decoder")


def test_check_dense_stack_wants_two_dense_layers_that_run():
    with fails_with("decoder has 1 Dense layer(s); expected hidden Dense layers and a Dense head"):
        one_layer = keras.Sequential([keras.Input((3,)), keras.layers.Dense(784, activation="sigmoid")])
        checks.check_dense_stack(one_layer, 3)

    class Idle(keras.Model):
        def __init__(self):
            super().__init__()
            self.a, self.b = keras.layers.Dense(4), keras.layers.Dense(784)
            self.a.build((None, 3)), self.b.build((None, 4))

        def call(self, z):
            return keras.ops.zeros((keras.ops.shape(z)[0], 28, 28, 1))

    with fails_with("decoder ran none of its Dense layers when called"):
        checks.check_dense_stack(Idle(), 3)


def test_check_dense_stack_refuses_a_clip_after_the_head_and_accepts_a_mild_non_linearity():
    z = keras.Input((3,))
    h = keras.layers.Dense(16, activation="relu")(z)
    clipped = keras.Model(z, keras.ops.clip(keras.layers.Dense(784, activation="sigmoid")(h), 0.25, 0.75))
    with pytest.raises(AssertionError, match="output is not a sigmoid of its last Dense layer"):
        checks.check_dense_stack(clipped, 3)
    h = keras.layers.Dense(16, activation=lambda x: keras.ops.leaky_relu(x, 0.99))(z)  # residual about 3e-3 > 1e-3
    mild = keras.Model(z, keras.layers.Dense(784, activation="sigmoid")(h))
    assert checks.check_dense_stack(mild, 3, seed=1) == [16, 784]
    linear = keras.Model(z, keras.layers.Dense(784, activation="tanh")(keras.layers.Dense(16)(z)))
    with pytest.raises(AssertionError, match=r"Dense layer 1 \(16 units\) is followed by no non-linearity"):
        checks.check_dense_stack(linear, 3, head="tanh")


# --- calls_to: the standard library's shortcuts ---------------------------------------------------------

import math  # noqa: E402
import statistics  # noqa: E402

distance = math.dist  # bound in this module's globals before the answer runs


def test_calls_to_sees_the_standard_librarys_functions_however_they_are_called():
    import functools

    targets = [math.dist, math.hypot, math.fsum, statistics.fmean]
    a, b = [0.0, 3.0], [4.0, 0.0]
    answers = {
        "math.dist": (lambda: math.dist(a, b), ["dist"]),
        "an alias in the answer's globals": (lambda: distance(a, b), ["dist"]),
        "dist through map": (lambda: list(map(math.dist, [a], [b]))[0], ["dist"]),
        "an alias through map": (lambda: list(map(distance, [a], [b]))[0], ["dist"]),
        "hypot through map": (lambda: math.sqrt(sum(h * h for h in map(math.hypot, [4.0], [3.0]))), ["hypot"]),
        "fsum through reduce": (lambda: functools.reduce(lambda s, v: s + v, [math.fsum([5.0])]), ["fsum"]),
        "statistics.fmean through map": (lambda: 5.0 * list(map(statistics.fmean, [[1.0, 1.0]]))[0],
                                         ["fmean", "fsum"]),  # fmean sums with fsum
        "by hand": (lambda: sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5, []),
    }
    for label, (answer, expected) in answers.items():
        result, used = checks.calls_to(targets, answer)
        assert used == expected and result == pytest.approx(5.0), label
    assert math.dist is distance and math.hypot(3.0, 4.0) == 5.0  # put back afterwards


def test_calls_to_puts_a_builtin_back_when_the_answer_raises_and_leaves_classes_alone():
    from fractions import Fraction

    original = math.dist

    def broken():
        list(map(math.dist, [[0.0]], [[1.0]]))
        raise RuntimeError("a bug in the answer")

    with pytest.raises(RuntimeError, match="a bug"):
        checks.calls_to([math.dist], broken)
    assert math.dist is original and distance is original
    result, _ = checks.calls_to([Fraction], lambda: isinstance(Fraction(1, 2), Fraction))  # not replaced
    assert result is True


def test_calls_to_does_not_blame_a_function_of_the_answer_named_like_a_builtin():
    def dist(p, q):
        return sum((x - y) ** 2 for x, y in zip(p, q)) ** 0.5

    assert checks.calls_to(math.dist, lambda: dist([0.0, 3.0], [4.0, 0.0])) == (5.0, [])


# --- calls_into, check_standard_normal and peak_memory at their edges ------------------------------


def test_calls_into_a_module_file_sees_only_that_module():
    from vae_keras import decoders, encoders

    _, called = checks.calls_into(encoders, lambda: decoders.build_dense_decoder(2, hidden_units=(4,)))
    assert called == []
    _, called = checks.calls_into([encoders, decoders], lambda: decoders.build_dense_decoder(2, hidden_units=(4,)))
    assert called and all(name.startswith("vae_keras.decoders.") for name in called)


def _whitened(n, d, seed=0):
    """n draws (n, d) with sample mean exactly 0, standard deviation exactly 1 and correlations exactly 0."""
    z = np.random.default_rng(seed).standard_normal((n, d))
    z -= z.mean(axis=0)
    return z @ np.linalg.inv(np.linalg.cholesky(np.atleast_2d(np.cov(z, rowvar=False, bias=True)))).T


def test_check_standard_normal_uses_five_standard_errors_exactly():
    n, z = 4000, _whitened(4000, 4)
    mean_edge, std_edge = 5 / np.sqrt(n), 5 / np.sqrt(2 * n)
    for factor, passes in ((0.98, True), (1.02, False)):
        shifted, scaled, mixed = z.copy(), z.copy(), z.copy()
        shifted[:, 1] += factor * mean_edge
        scaled[:, 2] *= 1 + factor * std_edge
        r = factor * mean_edge
        mixed[:, 3] = r * z[:, 0] + np.sqrt(1 - r * r) * z[:, 3]
        for sample, words in ((shifted, "latent 1 of the codes has mean"),
                              (scaled, "latent 2 of the codes has standard deviation"),
                              (mixed, "two latents of the codes have correlation")):
            if passes:
                checks.check_standard_normal(sample, p_value=0.0)
            else:
                with pytest.raises(AssertionError, match=words):
                    checks.check_standard_normal(sample, p_value=0.0)
    scaled = z.copy()
    scaled[:, 2] *= 1 - 1.02 * std_edge  # too narrow fails too
    with pytest.raises(AssertionError, match="standard deviation"):
        checks.check_standard_normal(scaled, p_value=0.0)


def test_check_standard_normal_uses_the_p_value_threshold_it_is_given():
    from scipy import stats

    base = _whitened(4000, 8)
    near = _whitened(4000, 8) + 0.046 * np.tanh(3 * base)  # a KS p-value of about 3e-4
    near = (near - near.mean(axis=0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(near, rowvar=False, bias=True))).T
    p = stats.kstest(near.ravel(), stats.norm().cdf).pvalue
    assert 1e-4 < p < 1e-3
    checks.check_standard_normal(near)  # default threshold 1e-4
    with pytest.raises(AssertionError, match="Kolmogorov-Smirnov"):
        checks.check_standard_normal(near, p_value=1e-3)


def test_check_standard_normal_wants_at_least_100_draws_and_takes_a_single_latent():
    checks.check_standard_normal(_whitened(100, 1))
    with fails_with("codes have shape (99, 2); expected (n, d) with n >= 100"):
        checks.check_standard_normal(_whitened(99, 2))
    with fails_with("codes have shape (200,); expected (n, d) with n >= 100"):
        checks.check_standard_normal(np.zeros(200))
    with pytest.raises(AssertionError, match="NaN"):
        checks.check_standard_normal(np.full((200, 2), np.nan))


def test_peak_memory_leaves_a_running_trace_on():
    import tracemalloc

    tracemalloc.start()
    try:
        result, peak = checks.peak_memory(lambda: np.ones(10**6).sum())
        assert tracemalloc.is_tracing() and result == 10**6 and peak >= 8 * 10**6
    finally:
        tracemalloc.stop()
    result, peak = checks.peak_memory(lambda: 3)
    assert result == 3 and 0 <= peak < 10**5 and not tracemalloc.is_tracing()


def test_dense_head_applies_the_head_to_the_last_dense_layers_affine_map():
    head = keras.layers.Dense(5, bias_initializer=keras.initializers.Constant(0.7))  # a bias, so its sign counts
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), head])
    x = np.random.default_rng(0).standard_normal((6, 3)).astype("float32")
    output, records = checks.dense_inputs(model, x)
    np.testing.assert_allclose(checks.dense_head(records, "linear"), output, atol=1e-5)
    np.testing.assert_allclose(checks.dense_head(records, "sigmoid"), 1 / (1 + np.exp(-output)), atol=1e-5)


# --- what a mutation run found untested (benchmarks/mutation.py): each edge both ways -------------------


def test_check_model_io_calls_a_subclassed_model_in_inference_mode_without_keras_build_warning():
    import warnings

    class TrainingShy(SubclassedDecoder):
        def __init__(self):
            super().__init__()
            self.spare = keras.layers.Dense(2)  # never called: Keras warns that build() left it unbuilt

        def call(self, z, training=None):
            assert not training, "called in training mode"
            return super().call(z)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        checks.check_model_io(TrainingShy(), (3,), (28, 28, 1))
    assert not [w for w in caught if "build()" in str(w.message)]


@pytest.mark.parametrize("pack", [list, tuple])
def test_a_failed_call_on_several_inputs_names_each_inputs_shape(pack):
    class TwoInputs(keras.Model):
        def call(self, inputs):
            raise ValueError("this answer is broken")

    x = pack([np.zeros((4, 3), "float32"), np.zeros((4, 2), "float32")])
    with fails_with("model could not be called on a batch of shape (4, 3), (4, 2): ValueError: this answer is broken"):
        checks.layer_steps(TwoInputs(), x=x)


def test_check_encoder_takes_the_tuple_a_subclassed_encoder_returns():
    class TupleEncoder(SubclassedEncoder):
        def call(self, x):
            return tuple(super().call(x))

    checks.check_encoder(TupleEncoder(2), 2)
    with pytest.raises(AssertionError, match="three outputs"):
        checks.check_encoder(TupleEncoder(2, outputs=2), 2)


def test_check_decoder_tries_codes_wider_than_the_prior():
    class Recording(SubclassedDecoder):
        def call(self, z):
            codes.append(z)
            return super().call(z)

    codes = []
    checks.check_decoder(Recording(), 16)
    z = np.asarray(keras.ops.convert_to_numpy(codes[-1]))
    assert z.shape == (8, 16) and 2.5 < z.std() < 3.5


def test_check_widens_accepts_a_single_dense_layer():
    assert checks.check_widens(keras.Sequential([keras.Input((2,)), keras.layers.Dense(784)])) == [2, 784]


def test_layer_steps_read_a_layer_that_takes_a_list_after_a_computing_layer():
    z = keras.Input((3,))
    added = keras.layers.Add()([keras.layers.Dense(4)(z), keras.layers.Dense(4)(z)])
    model = keras.Model(z, keras.layers.Dense(2)(added))
    assert [step["layer"] for step in checks.layer_steps(model)] == ["Dense", "Dense", "Add", "Dense"]


def test_layer_steps_list_the_layers_inside_a_model_never_the_model_itself():
    class OpsOnly(keras.Model):
        def call(self, x):
            return keras.ops.relu(x)

    assert checks.layer_steps(OpsOnly(), input_shape=(3,)) == []


class _Split(keras.layers.Layer):
    """Splits its input's features into two parts, returned as a list or a tuple."""

    def __init__(self, pack):
        super().__init__()
        self.pack = pack

    def call(self, x):
        return self.pack([x[:, :2], x[:, 2:]])


@pytest.mark.parametrize("pack", [list, tuple])
def test_layer_steps_give_a_layer_with_several_outputs_its_first_outputs_shape(pack):
    class Model(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense, self.split, self.out = keras.layers.Dense(5), _Split(pack), keras.layers.Dense(1)

        def call(self, x):
            first, _ = self.split(self.dense(x))
            return self.out(first)

    steps = checks.layer_steps(Model(), input_shape=(3,))
    assert [(step["layer"], step["output"]) for step in steps] == [("Dense", (5,)), ("_Split", (2,)), ("Dense", (1,))]


@pytest.mark.parametrize("function", [
    lambda h: keras.ops.relu(h) + 5e-5,  # relu within 1e-4 where it is 0, but not within 1e-5
    lambda h: 1.0005 * keras.ops.tanh(h),  # tanh within a relative 1e-3, but not 1e-4
    lambda h: keras.ops.where(h > 0, 2.0 * h, 0.3 * h),  # leaky on the negative side only
    lambda h: keras.ops.where(h > 0, h + 5e-5, 0.3 * h),  # positive side off by 5e-5
    lambda h: keras.ops.where(h > 0, h, 0.3 * h + 3e-4 * h * h),  # a slope that bends by a few 1e-4
])
def test_layer_steps_take_no_near_miss_for_an_activation(function):
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(2).standard_normal((16, 3)).astype("float32")
    steps = checks.layer_steps(_Between(function), x=x)
    assert _kinds(steps) == [("Dense", "linear"), ("Dense", "linear")]


def test_layer_steps_find_a_leaky_relu_from_small_values():
    keras.utils.set_random_seed(0)
    x = 2e-3 * np.random.default_rng(2).standard_normal((16, 3)).astype("float32")  # between -1e-2 and 1e-2
    steps = checks.layer_steps(_Between(lambda h: keras.ops.leaky_relu(h, 0.3)), x=x)
    assert _kinds(steps) == [("Dense", "leaky_relu"), ("Dense", "linear")]


def test_check_dense_stack_draws_scale_times_normal_codes_more_than_its_widest_layer():
    class Wide(keras.Model):
        """3 -> Dense(300, relu) -> Dense(300, relu) -> Dense(784, sigmoid), recording its inputs."""

        def __init__(self):
            super().__init__()
            self.hidden = [keras.layers.Dense(300, activation="relu") for _ in range(2)]
            self.out = keras.layers.Dense(784, activation="sigmoid")

        def call(self, z):
            codes.append(z)
            return self.out(self.hidden[1](self.hidden[0](z)))

    codes = []
    assert checks.check_dense_stack(Wide(), 3) == [300, 300, 784]  # as many draws as 300 inputs would fit exactly
    assert 2.8 < np.std(keras.ops.convert_to_numpy(codes[-1])) < 3.2
    checks.check_dense_stack(Wide(), 3, scale=1.0)
    assert 0.9 < np.std(keras.ops.convert_to_numpy(codes[-1])) < 1.1


def test_check_dense_stack_builds_a_subclassed_decoder_whose_layers_are_built_in_part():
    class HalfBuilt(SubclassedDecoder):
        def __init__(self):
            super().__init__()
            self.hidden[0].build((None, 3))

    assert checks.check_dense_stack(HalfBuilt(), 3) == [16, 32, 784]


def test_check_dense_stack_refuses_a_head_shifted_by_5e_4():
    z = keras.Input((3,))
    h = keras.layers.Dense(784)(keras.layers.Dense(16, activation="relu")(z))
    with pytest.raises(AssertionError, match="output is not a sigmoid of its last Dense layer"):
        checks.check_dense_stack(keras.Model(z, keras.ops.sigmoid(h) + 5e-4), 3)


def test_calls_into_and_calls_to_take_tuples_and_sets_and_put_the_profiler_back():
    import sys

    from vae_keras import decoders

    previous = sys.getprofile()
    _, called = checks.calls_into((decoders,), lambda: decoders.build_dense_decoder(2, hidden_units=(4,)))
    assert called and sys.getprofile() is previous
    for targets in ((math.dist,), {math.dist}):
        assert checks.calls_to(targets, lambda: math.dist([0.0], [1.0])) == (1.0, ["dist"])
        assert sys.getprofile() is previous


def test_calls_to_names_a_method_by_its_qualified_name_and_passes_a_ufuncs_plain_attributes():
    result, used = checks.calls_to([statistics.NormalDist.cdf], lambda: statistics.NormalDist().cdf(0.0))
    assert (result, used) == (0.5, ["NormalDist.cdf"])
    result, used = checks.calls_to([np.logaddexp], lambda: np.logaddexp.nin + float(np.logaddexp.reduce([0.0, 0.0])))
    assert result == pytest.approx(2 + np.log(2)) and used == ["logaddexp"]


def test_peak_memory_counts_only_what_the_call_adds_to_a_running_trace():
    import tracemalloc

    tracemalloc.start()
    try:
        kept = np.ones(10**6)  # 8 MB held before and during the call
        np.ones(4 * 10**6).sum()  # a 32 MB peak before the call
        _, peak = checks.peak_memory(lambda: 3)
        assert 0 <= peak < 10**5 and kept.sum() == 10**6
    finally:
        tracemalloc.stop()


def test_calls_to_sees_a_ufunc_and_its_method_run_in_another_thread():
    from concurrent.futures import ThreadPoolExecutor

    def in_a_thread(function, *args):  # the profiler watches this thread only: the stand-in counts the worker's
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(function, *args).result()

    for answer in (lambda: in_a_thread(np.logaddexp.reduce, [0.0, 0.0]), lambda: in_a_thread(np.logaddexp, 0.0, 0.0)):
        result, used = checks.calls_to([np.logaddexp], answer)
        assert result == pytest.approx(np.log(2)) and used == ["logaddexp"]

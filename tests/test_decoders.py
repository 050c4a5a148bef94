"""Decoders: z (batch, latent_dim) -> images (batch, 28, 28, 1), in the range of their head."""

import keras
import numpy as np
import pytest
from keras import ops

from vae_keras.course import checks
from vae_keras.decoders import build_conv_decoder, build_dense_decoder
from vae_keras.heads import HEADS, head_of
from vae_keras.layers import ACTIVATIONS

KINDS = {
    "dense": lambda **kwargs: build_dense_decoder(2, **kwargs),
    "transpose": lambda **kwargs: build_conv_decoder(2, upsampling="transpose", **kwargs),
    "upsample": lambda **kwargs: build_conv_decoder(2, upsampling="upsample", **kwargs),
}


def decode(decoder, z):
    return ops.convert_to_numpy(decoder(z))


def latent_vectors(n=8, scale=1.0, seed=0):
    return (scale * np.random.default_rng(seed).standard_normal((n, 2))).astype("float32")


@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("kind", KINDS)
def test_decoder_output_shape_and_range_follow_the_head(kind, head):
    decoder = KINDS[kind](head=head)
    checks.check_model_io(decoder, (2,), (28, 28, 1), "decoder")
    images = decode(decoder, latent_vectors(scale=1000.0))  # large z drives the head to its limits
    assert images.shape == (8, 28, 28, 1)
    assert np.all(np.isfinite(images))
    low, high = HEADS[head].output_range
    assert images.min() >= low and images.max() <= high
    if head == "sigmoid":
        assert images.min() < 0.05 and images.max() > 0.95  # reaches both ends of [0, 1]
    elif head == "tanh":
        assert images.min() < -0.95 and images.max() > 0.95  # reaches both ends of [-1, 1]
    else:
        assert np.abs(images).max() > 10.0  # a linear head is unbounded


@pytest.mark.parametrize("kind", KINDS)
def test_linear_head_outputs_the_logits_unchanged(kind):
    decoder = KINDS[kind](head="linear")
    z = latent_vectors()
    logits = decode(decoder, z)
    for head, squash in (("sigmoid", lambda t: 1 / (1 + np.exp(-t))), ("tanh", np.tanh)):
        squashed = KINDS[kind](head=head)
        squashed.set_weights(decoder.get_weights())
        np.testing.assert_allclose(decode(squashed, z), squash(logits), atol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_decoded_images_depend_on_z(kind):
    decoder = KINDS[kind]()
    checks.check_differ(decode(decoder, latent_vectors()), "decoded images")


def test_dense_decoder_widens_towards_the_image():
    decoder = build_dense_decoder(2, hidden_units=(256, 512))
    widths = [layer.units for layer in decoder.layers if hasattr(layer, "units")]
    assert widths == [256, 512, 784]


@pytest.mark.parametrize("upsampling, layer_name", [("transpose", "conv2d_transpose"), ("upsample", "up_sampling2d")])
def test_conv_decoder_doubles_a_seven_by_seven_map_twice(upsampling, layer_name):
    decoder = build_conv_decoder(2, upsampling=upsampling)
    reshape = next(layer for layer in decoder.layers if layer.name.startswith("reshape"))
    assert reshape.output.shape[1:] == (7, 7, 64)
    upsamplers = [layer for layer in decoder.layers if layer.name.startswith(layer_name)]
    assert [layer.output.shape[1:3] for layer in upsamplers] == [(14, 14), (28, 28)]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_hidden_activation_builds_a_working_decoder(activation):
    decoder = build_dense_decoder(2, activation=activation)
    images = decode(decoder, latent_vectors())
    assert images.shape == (8, 28, 28, 1) and images.min() >= 0 and images.max() <= 1


def test_dense_decoder_defaults_widen_with_relu_to_a_sigmoid_head():
    decoder = build_dense_decoder(2)
    dense = [layer for layer in decoder.layers if hasattr(layer, "units")]
    assert [layer.units for layer in dense] == [256, 512, 784]
    assert [layer.get_config()["activation"] for layer in dense[:-1]] == ["relu", "relu"]
    assert all(layer.activation is keras.activations.relu for layer in dense[:-1])  # the function applied
    assert decoder.get_layer("output_head").get_config()["activation"] == "sigmoid"
    assert decoder.output_shape == (None, 28, 28, 1)


def test_dense_decoder_applies_its_hidden_activation():
    z = latent_vectors(scale=3.0)
    for activation, function in (("relu", keras.activations.relu), ("elu", keras.activations.elu)):
        # relu is the default: build that one without naming it
        decoder = build_dense_decoder(2, activation=activation) if activation != "relu" else build_dense_decoder(2)
        first = decoder.layers[1]
        expected = function(z @ ops.convert_to_numpy(first.kernel) + ops.convert_to_numpy(first.bias))
        np.testing.assert_allclose(decode(first, z), ops.convert_to_numpy(expected), atol=1e-5)


def test_conv_decoder_defaults():
    decoder = build_conv_decoder(2)
    dense = [layer for layer in decoder.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [128, 7 * 7 * 64]
    transposes = [layer for layer in decoder.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert [layer.filters for layer in transposes] == [64, 32]  # upsampling="transpose"
    assert all(layer.activation is keras.activations.relu for layer in dense + transposes)
    assert decoder.get_layer("output_head").get_config()["activation"] == "sigmoid"


@pytest.mark.parametrize("build", [lambda seed: build_dense_decoder(2, seed=seed),
                                   lambda seed: build_conv_decoder(2, seed=seed)])
def test_seed_fixes_the_initial_weights(build):
    first, again, other = build(5), build(5), build(6)
    for a, b in zip(first.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    kernels = [(a, b) for a, b in zip(first.get_weights(), other.get_weights()) if a.ndim > 1]
    assert all(not np.array_equal(a, b) for a, b in kernels)


@pytest.mark.parametrize("kwargs, message", [
    ({"head": "softmax"}, r"head must be one of \('sigmoid', 'tanh', 'linear'\). Received: head='softmax'"),
    ({"activation": "swish-ish"}, r"activation must be one of .* Received: activation='swish-ish'"),
    ({"upsampling": "bilinear"}, r"upsampling must be one of \('transpose', 'upsample'\). "
                                 r"Received: upsampling='bilinear'"),
    ({"image_shape": (30, 30, 1)}, r"must be divisible by 4"),
    ({"latent_dim": 0}, r"latent_dim must be a positive integer. Received: latent_dim=0"),
    ({"filters": ()}, r"filters must be a sequence of positive integers, at least one. Received: filters=\(\)"),
    ({"dense_units": 2.5}, r"dense_units must be an integer >= 0. Received: dense_units=2.5"),
    ({"image_shape": (28, 28)}, r"image_shape must be a tuple of 3 positive integers \(height, width, channels\)"),
    ({"seed": -2}, r"seed must be None or an integer >= 0. Received: seed=-2"),
])
def test_bad_decoder_choices_raise_value_error(kwargs, message):
    kwargs = {"latent_dim": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        build_conv_decoder(**kwargs)


def test_dense_decoder_rejects_unknown_head():
    with pytest.raises(ValueError, match="head must be one of"):
        build_dense_decoder(2, head="relu")


@pytest.mark.parametrize("kwargs, message", [
    ({"hidden_units": (256, 0)}, r"hidden_units must be a sequence of positive integers"),
    ({"hidden_units": 256}, r"hidden_units must be a sequence of positive integers. Received: hidden_units=256"),
    ({"image_shape": (28, 28, 0)}, r"image_shape must be a tuple of positive integers"),
    ({"activation": "softmax"}, r"activation must be one of"),
])
def test_bad_dense_decoder_arguments_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_dense_decoder(2, **kwargs)


@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_decoder_names_its_head_in_its_config(kind, head):
    decoder = KINDS[kind](head=head)
    assert head_of(decoder) is HEADS[head]
    assert head_of(keras.Model.from_config(decoder.get_config())) is HEADS[head]  # what a saved model holds


def test_a_decoder_of_your_own_has_no_known_head():
    z = keras.Input(shape=(2,))
    decoder = keras.Model(z, keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="sigmoid")(z)))
    assert head_of(decoder) is None

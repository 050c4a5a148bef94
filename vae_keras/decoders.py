"""Decoders g_θ(z): latent vectors (batch, latent_dim) -> images (batch, 28, 28, 1).

Each decoder mirrors an encoder: where the encoder narrows, the decoder widens. Its last
layer, the output head, matches the range of the data it must produce:

    head       data range        reconstruction loss
    sigmoid    [0, 1]            "bce" (Bernoulli)
    tanh       [-1, 1]           "mse" (Gaussian)
    linear     standardised      "mse" (Gaussian)
"""

import math

import keras
from keras import layers

from vae_keras.encoders import _check_strides

IMAGE_SHAPE = (28, 28, 1)
HEADS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "linear": (-math.inf, math.inf)}
MATCHED_LOSS = {"sigmoid": "bce", "tanh": "mse", "linear": "mse"}
UPSAMPLINGS = ("transpose", "upsample")
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu", "gelu", "silu")


def build_dense_decoder(latent_dim=2, image_shape=IMAGE_SHAPE, hidden_units=(256, 512),
                        activation="relu", head="sigmoid", name="decoder"):
    """Dense layers that widen (e.g. 2 -> 256 -> 512 -> 784), each an affine map and a
    non-linearity, then the output head and a reshape to the image."""
    _check_choices(activation, head)
    z = keras.Input(shape=(latent_dim,), name="z")
    h = z
    for units in hidden_units:
        h = layers.Dense(units, activation=activation)(h)
    h = layers.Dense(math.prod(image_shape), name="logits")(h)
    h = layers.Activation(head, name="output_head")(h)
    images = layers.Reshape(image_shape, name="images")(h)
    return keras.Model(z, images, name=name)


def build_conv_decoder(latent_dim=2, image_shape=IMAGE_SHAPE, filters=(64, 32), dense_units=128,
                       upsampling="transpose", activation="relu", head="sigmoid", strides=None,
                       name="decoder"):
    """Dense to a 7×7 feature map, then blocks that double it (7 -> 14 -> 28), then the head.

    upsampling: "transpose" (Conv2DTranspose with strides 2, learned upsampling) or
    "upsample" (UpSampling2D, a fixed nearest-neighbour copy, then Conv2D).
    strides: one per entry of filters, 2 (double the image) or 1 (keep its size); by default
        every block doubles it.
    """
    _check_choices(activation, head)
    if upsampling not in UPSAMPLINGS:
        raise ValueError(f"Unknown upsampling {upsampling!r}; expected one of {UPSAMPLINGS}.")
    strides = _check_strides(strides, filters)
    scale = 2 ** strides.count(2)
    if image_shape[0] % scale or image_shape[1] % scale:
        raise ValueError(f"Image size {image_shape[:2]} must be divisible by {scale}, the upsampling factor.")
    start = (image_shape[0] // scale, image_shape[1] // scale, filters[0])
    z = keras.Input(shape=(latent_dim,), name="z")
    h = z
    if dense_units:
        h = layers.Dense(dense_units, activation=activation)(h)
    h = layers.Dense(math.prod(start), activation=activation)(h)
    h = layers.Reshape(start)(h)
    for n, stride in zip(filters, strides):
        if upsampling == "transpose" or stride == 1:
            h = layers.Conv2DTranspose(n, 3, strides=stride, padding="same", activation=activation)(h)
        else:
            h = layers.UpSampling2D(2)(h)
            h = layers.Conv2D(n, 3, padding="same", activation=activation)(h)
    h = layers.Conv2D(image_shape[-1], 3, padding="same", name="logits")(h)
    images = layers.Activation(head, name="output_head")(h)
    return keras.Model(z, images, name=name)


def _check_choices(activation, head):
    if head not in HEADS:
        raise ValueError(f"Unknown output head {head!r}; expected one of {tuple(HEADS)}.")
    if activation not in ACTIVATIONS:
        raise ValueError(f"Unknown hidden activation {activation!r}; expected one of {ACTIVATIONS}.")

"""Decoders g_θ(z): latent vectors (batch, latent_dim) -> data (batch, *shape).

The shape is (28, 28, 1) for the course's images, or (features,) for a table (dense decoder).

Each decoder mirrors an encoder: where the encoder narrows, the decoder widens. Its last
layer, the output head, matches the range of the data it must produce; `vae_keras.heads`
holds what each head implies (data range, likelihood, scaling). That layer is named
`heads.HEAD_LAYER`, so the decoder's config (saved with it) says its head: `heads.head_of(decoder)`.
"""

import math

import keras
from keras import layers

from vae_keras.datasets import IMAGE_SHAPE
from vae_keras.heads import HEAD_LAYER, HEADS
from vae_keras.layers import ACTIVATIONS, kernel_initializers
from vae_keras.validation import (
    check_choice,
    check_non_negative_int,
    check_positive_int,
    check_seed,
    check_shape,
    check_strides,
    check_units,
)

UPSAMPLINGS = ("transpose", "upsample")


def build_dense_decoder(latent_dim=2, image_shape=IMAGE_SHAPE, hidden_units=(256, 512),
                        activation="relu", head="sigmoid", seed=None, name="decoder"):
    """Dense layers that widen (e.g. 2 -> 256 -> 512 -> 784), each an affine map and a
    non-linearity, then the output head and a reshape to the data's shape.

    Args:
        latent_dim: size of z.
        image_shape: one example's shape, (28, 28, 1) for MNIST or (features,) for a table.
        hidden_units: the widths of the hidden Dense layers, in order.
        activation: the hidden layers' activation, one of `vae_keras.layers.ACTIVATIONS`.
        head: the output head, one of `vae_keras.heads.HEADS`.
        seed: seeds the initial weights (None: unseeded).
        name: the model's name.

    Returns:
        A `keras.Model`: z (batch, latent_dim) -> x̂ (batch, *image_shape).
    """
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    image_shape = check_shape(image_shape, "image_shape")
    hidden_units = check_units(hidden_units, "hidden_units")
    check_choice(activation, ACTIVATIONS, "activation")
    check_choice(head, tuple(HEADS), "head")
    check_seed(seed)
    kernels = kernel_initializers(seed, name)
    z = keras.Input(shape=(latent_dim,), name="z")
    h = z
    for units in hidden_units:
        h = layers.Dense(units, activation=activation, kernel_initializer=next(kernels))(h)
    h = layers.Dense(math.prod(image_shape), name="logits", kernel_initializer=next(kernels))(h)
    h = layers.Activation(head, name=HEAD_LAYER)(h)
    images = layers.Reshape(image_shape, name="images")(h)
    return keras.Model(z, images, name=name)


def build_conv_decoder(latent_dim=2, image_shape=IMAGE_SHAPE, filters=(64, 32), dense_units=128,
                       upsampling="transpose", activation="relu", head="sigmoid", strides=None,
                       seed=None, name="decoder"):
    """Dense to a small feature map (7×7 for 28×28 images), blocks that double it (7 -> 14 -> 28),
    then a 3×3 Conv2D with the output head.

    Args:
        latent_dim: size of z.
        image_shape: one image's shape (H, W, C); H and W divisible by the upsampling factor.
        filters: the filters of each upsampling block, in order.
        dense_units: width of the first Dense layer (0 or None: none).
        upsampling: "transpose" (Conv2DTranspose with strides 2, learned upsampling) or
            "upsample" (UpSampling2D, a fixed nearest-neighbour copy, then Conv2D).
        activation: the hidden layers' activation, one of `vae_keras.layers.ACTIVATIONS`.
        head: the output head, one of `vae_keras.heads.HEADS`.
        strides: one per entry of filters, 2 (double the image) or 1 (keep its size);
            by default every block doubles it.
        seed: seeds the initial weights (None: unseeded).
        name: the model's name.

    Returns:
        A `keras.Model`: z (batch, latent_dim) -> images (batch, H, W, C).
    """
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    image_shape = check_shape(image_shape, "image_shape", ndim=3)
    filters = check_units(filters, "filters", allow_empty=False)
    check_non_negative_int(dense_units or 0, "dense_units")  # 0 or None: no Dense layer
    check_choice(upsampling, UPSAMPLINGS, "upsampling")
    check_choice(activation, ACTIVATIONS, "activation")
    check_choice(head, tuple(HEADS), "head")
    check_seed(seed)
    strides = check_strides(strides, filters)
    scale = 2 ** strides.count(2)
    if image_shape[0] % scale or image_shape[1] % scale:
        raise ValueError(f"image_shape's height and width must be divisible by {scale}, the upsampling factor "
                         f"of strides {strides}. Received: image_shape={tuple(image_shape)}")
    kernels = kernel_initializers(seed, name)
    start = (image_shape[0] // scale, image_shape[1] // scale, filters[0])
    z = keras.Input(shape=(latent_dim,), name="z")
    h = z
    if dense_units:
        h = layers.Dense(dense_units, activation=activation, kernel_initializer=next(kernels))(h)
    h = layers.Dense(math.prod(start), activation=activation, kernel_initializer=next(kernels))(h)
    h = layers.Reshape(start)(h)
    for n, stride in zip(filters, strides):
        if upsampling == "transpose" or stride == 1:
            h = layers.Conv2DTranspose(n, 3, strides=stride, padding="same", activation=activation,
                                       kernel_initializer=next(kernels))(h)
        else:
            h = layers.UpSampling2D(2)(h)
            h = layers.Conv2D(n, 3, padding="same", activation=activation, kernel_initializer=next(kernels))(h)
    h = layers.Conv2D(image_shape[-1], 3, padding="same", name="logits", kernel_initializer=next(kernels))(h)
    images = layers.Activation(head, name=HEAD_LAYER)(h)
    return keras.Model(z, images, name=name)

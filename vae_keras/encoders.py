"""Encoders q(z|x): data (batch, *shape) -> [z_mean, z_log_var, z], each (batch, latent_dim).

The shape is (28, 28, 1) for the course's images, or (features,) for a table (dense encoder).
"""

import keras
from keras import layers

from vae_keras.datasets import IMAGE_SHAPE
from vae_keras.layers import ACTIVATIONS, Sampling, derive_seed, kernel_initializers
from vae_keras.validation import (
    check_choice,
    check_non_negative_int,
    check_positive_int,
    check_seed,
    check_shape,
    check_strides,
    check_units,
)

DOWNSAMPLINGS = ("maxpool", "strides")


def build_dense_encoder(latent_dim=2, image_shape=IMAGE_SHAPE, hidden_units=(512, 256),
                        activation="relu", seed=None, name="encoder"):
    """Flatten, then Dense layers that narrow (e.g. 784 -> 512 -> 256) towards the latent space.

    Args:
        latent_dim: size of z.
        image_shape: one example's shape, (28, 28, 1) for MNIST or (features,) for a table.
        hidden_units: the widths of the hidden Dense layers, in order.
        activation: the hidden layers' activation, one of `vae_keras.layers.ACTIVATIONS`.
        seed: seeds the initial weights and the sampling noise (None: unseeded).
        name: the model's name.

    Returns:
        A `keras.Model`: x (batch, *image_shape) -> [z_mean, z_log_var, z], each (batch, latent_dim).
    """
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    image_shape = check_shape(image_shape, "image_shape")
    hidden_units = check_units(hidden_units, "hidden_units")
    check_choice(activation, ACTIVATIONS, "activation")
    check_seed(seed)
    kernels = kernel_initializers(seed, name)
    images = keras.Input(shape=image_shape, name="images")
    h = layers.Flatten()(images)
    for units in hidden_units:
        h = layers.Dense(units, activation=activation, kernel_initializer=next(kernels))(h)
    return _latent_head(images, h, latent_dim, kernels, seed, name)


def build_conv_encoder(latent_dim=2, image_shape=IMAGE_SHAPE, filters=(32, 64), dense_units=128,
                       downsampling="maxpool", activation="relu", strides=None, seed=None, name="encoder"):
    """Conv2D blocks that halve the image each time (28 -> 14 -> 7), then a Dense layer.

    Args:
        latent_dim: size of z.
        image_shape: one image's shape (H, W, C).
        filters: the filters of each Conv2D block, in order.
        dense_units: width of the Dense layer after the blocks (0 or None: none).
        downsampling: "maxpool" (Conv2D, then MaxPooling2D) or "strides" (Conv2D with strides 2).
        activation: the hidden layers' activation, one of `vae_keras.layers.ACTIVATIONS`.
        strides: one per entry of filters, 2 (halve the image) or 1 (keep its size);
            by default every block halves it.
        seed: seeds the initial weights and the sampling noise (None: unseeded).
        name: the model's name.

    Returns:
        A `keras.Model`: images (batch, H, W, C) -> [z_mean, z_log_var, z], each (batch, latent_dim).
    """
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    image_shape = check_shape(image_shape, "image_shape", ndim=3)
    filters = check_units(filters, "filters", allow_empty=False)
    check_non_negative_int(dense_units or 0, "dense_units")  # 0 or None: no Dense layer
    check_choice(downsampling, DOWNSAMPLINGS, "downsampling")
    check_choice(activation, ACTIVATIONS, "activation")
    check_seed(seed)
    strides = check_strides(strides, filters)
    kernels = kernel_initializers(seed, name)
    images = keras.Input(shape=image_shape, name="images")
    h = images
    for n, stride in zip(filters, strides):
        if stride == 1 or downsampling == "maxpool":
            h = layers.Conv2D(n, 3, padding="same", activation=activation, kernel_initializer=next(kernels))(h)
            if stride == 2:
                h = layers.MaxPooling2D(2)(h)
        else:
            h = layers.Conv2D(n, 3, strides=2, padding="same", activation=activation,
                              kernel_initializer=next(kernels))(h)
    h = layers.Flatten()(h)
    if dense_units:
        h = layers.Dense(dense_units, activation=activation, kernel_initializer=next(kernels))(h)
    return _latent_head(images, h, latent_dim, kernels, seed, name)


def _latent_head(images, h, latent_dim, kernels, seed, name):
    """Two linear heads for the Gaussian's parameters, and a sample z from it."""
    z_mean = layers.Dense(latent_dim, name="z_mean", kernel_initializer=next(kernels))(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var", kernel_initializer=next(kernels))(h)
    z = Sampling(seed=derive_seed(seed, f"{name}/sampling"), name="z")([z_mean, z_log_var])
    return keras.Model(images, [z_mean, z_log_var, z], name=name)

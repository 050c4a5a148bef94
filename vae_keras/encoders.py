"""Encoders q(z|x): images (batch, 28, 28, 1) -> [z_mean, z_log_var, z], each (batch, latent_dim)."""

import keras
from keras import layers

from vae_keras.layers import Sampling

IMAGE_SHAPE = (28, 28, 1)
DOWNSAMPLINGS = ("maxpool", "strides")


def build_dense_encoder(latent_dim=2, image_shape=IMAGE_SHAPE, hidden_units=(512, 256),
                        activation="relu", seed=None, name="encoder"):
    """Flatten, then Dense layers that narrow (e.g. 784 -> 512 -> 256) towards the latent space."""
    images = keras.Input(shape=image_shape, name="images")
    h = layers.Flatten()(images)
    for units in hidden_units:
        h = layers.Dense(units, activation=activation)(h)
    return _latent_head(images, h, latent_dim, seed, name)


def build_conv_encoder(latent_dim=2, image_shape=IMAGE_SHAPE, filters=(32, 64), dense_units=128,
                       downsampling="maxpool", activation="relu", strides=None, seed=None, name="encoder"):
    """Conv2D blocks that halve the image each time (28 -> 14 -> 7), then a Dense layer.

    downsampling: "maxpool" (Conv2D, then MaxPooling2D) or "strides" (Conv2D with strides 2).
    strides: one per entry of filters, 2 (halve the image) or 1 (keep its size); by default
        every block halves it.
    """
    if downsampling not in DOWNSAMPLINGS:
        raise ValueError(f"Unknown downsampling {downsampling!r}; expected one of {DOWNSAMPLINGS}.")
    strides = _check_strides(strides, filters)
    images = keras.Input(shape=image_shape, name="images")
    h = images
    for n, stride in zip(filters, strides):
        if stride == 1:
            h = layers.Conv2D(n, 3, padding="same", activation=activation)(h)
        elif downsampling == "maxpool":
            h = layers.Conv2D(n, 3, padding="same", activation=activation)(h)
            h = layers.MaxPooling2D(2)(h)
        else:
            h = layers.Conv2D(n, 3, strides=2, padding="same", activation=activation)(h)
    h = layers.Flatten()(h)
    if dense_units:
        h = layers.Dense(dense_units, activation=activation)(h)
    return _latent_head(images, h, latent_dim, seed, name)


def _check_strides(strides, filters):
    """The per-layer strides, each 1 or 2, one per conv layer (default: all 2)."""
    strides = (2,) * len(filters) if strides is None else tuple(strides)
    if len(strides) != len(filters) or any(s not in (1, 2) for s in strides):
        raise ValueError(f"Expected strides with one entry, 1 or 2, per conv layer ({len(filters)}); "
                         f"got {strides}.")
    return strides


def _latent_head(images, h, latent_dim, seed, name):
    """Two linear heads for the Gaussian's parameters, and a sample z from it."""
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    z = Sampling(seed=seed, name="z")([z_mean, z_log_var])
    return keras.Model(images, [z_mean, z_log_var, z], name=name)

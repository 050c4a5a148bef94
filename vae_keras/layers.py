"""The reparameterization trick as a Keras layer, and seeds for the layers of a model."""

import random

import keras
from keras import ops

from vae_keras.devices import noise_of_this_replica


@keras.saving.register_keras_serializable(package="vae_keras")
class Sampling(keras.layers.Layer):
    """Draws z ~ N(z_mean, exp(z_log_var)) as z = z_mean + exp(½·z_log_var)·ε, ε ~ N(0, I).

    Writing z this way keeps the randomness in ε, so gradients flow to z_mean and z_log_var.

    Args:
        seed: an int seeds ε's generator; None draws an unseeded one.

    Call args:
        inputs: [z_mean, z_log_var], each (batch, latent_dim).

    Returns:
        z, (batch, latent_dim).
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = noise_of_this_replica(lambda shape: keras.random.normal(shape, seed=self.seed_generator),
                                        ops.shape(z_mean))
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def derive_seed(seed, purpose):
    """A seed for one purpose (a model's weights, its sampling noise, ...) derived from `seed`.

    Different purposes get unrelated streams from the same user seed, and nothing global
    (Python's, NumPy's or the backend's random state) is read or changed.

    Args:
        seed: the user's int seed, or None.
        purpose: a name, e.g. "decoder".

    Returns:
        An int in [0, 2**31), or None when seed is None.
    """
    return None if seed is None else random.Random(f"{purpose}/{seed}").randrange(2**31)


def kernel_initializers(seed, purpose):
    """Kernel initializers for a model's layers, one per layer in the order they are built.

    Each is Keras's default, Glorot uniform, with its own seed derived from (seed, purpose):
    the same seed builds the same weights. With seed=None each is Keras's unseeded default.

    Args:
        seed: the user's int seed, or None.
        purpose: a name for the model, e.g. "encoder".

    Yields:
        A `keras.initializers.GlorotUniform`, or "glorot_uniform" when seed is None.
    """
    rng = random.Random(derive_seed(seed, purpose))
    while True:
        yield "glorot_uniform" if seed is None else keras.initializers.GlorotUniform(seed=rng.randrange(2**31))


# The hidden-layer activations the encoder and decoder builders accept.
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu", "gelu", "silu")

"""The reparameterization trick as a Keras layer."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="vae_keras")
class Sampling(keras.layers.Layer):
    """Draws z ~ N(z_mean, exp(z_log_var)) as z = z_mean + exp(½·z_log_var)·ε, ε ~ N(0, I).

    Writing z this way keeps the randomness in ε, so gradients flow to z_mean and
    z_log_var. Inputs: [z_mean, z_log_var], each (batch, latent_dim). Output: z, same shape.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}

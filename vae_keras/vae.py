"""The VAE: an encoder q(z|x), a decoder p(x|z) and the loss that trains them together.

    loss = reconstruction_loss + β · kl_loss           (the negative ELBO when β = 1)

`train_step` is written once per backend, as in the Keras guides on customizing `fit()`,
because each backend computes gradients its own way: TensorFlow records the forward pass on a
`GradientTape`, JAX differentiates a pure function of the variables' values, PyTorch calls
`backward()`. The maths they share lives in `compute_vae_losses`.
"""

import math

import keras
import numpy as np
from keras import ops

from vae_keras import jax_scan, losses
from vae_keras.datasets import check_images
from vae_keras.validation import check_choice


@keras.saving.register_keras_serializable(package="vae_keras")
class VAE(keras.Model):
    """A variational autoencoder built from an encoder and a decoder model.

    Args:
        encoder: x (batch, *shape) -> [z_mean, z_log_var, z], each (batch, latent_dim).
        decoder: z (batch, latent_dim) -> x̂ (batch, *shape).
        reconstruction: the likelihood p(x|z) the decoder's output parameterises: "bernoulli"
            (alias "bce"), "continuous_bernoulli" or "gaussian" (alias "mse"); see
            `vae_keras.losses`.
        beta: weight of the KL term, >= 0 (1 gives the ELBO; `KLWarmup` can ramp it up).
        binarize: draw x ~ Bernoulli(x) afresh at every training step (dynamic
            binarization); needs the Bernoulli likelihood.
        sigma: the Gaussian's noise scale σ in the data's units, fixed or the starting value
            of a learned one (default `losses.DEFAULT_SIGMA`, σ² = ½). Gaussian only.
        learn_sigma: None (σ fixed), "scalar" (one trainable σ) or "per_feature" (one per
            value of an example: per pixel, or per column of a table). Gaussian only.
        seed: seeds the binarization noise.
        scan_steps: on JAX, whether `steps_per_execution > 1` runs its steps as one compiled
            `lax.scan` (`vae_keras.jax_scan`): "auto" (on a GPU or TPU), True or False.
            Unused when Keras scans the steps itself.
    """

    def __init__(self, encoder, decoder, reconstruction="bernoulli", beta=1.0, binarize=False, sigma=None,
                 learn_sigma=None, seed=None, scan_steps="auto", **kwargs):
        super().__init__(**kwargs)
        likelihood = losses.get_likelihood(reconstruction)
        if not (isinstance(beta, (int, float)) and math.isfinite(beta) and beta >= 0):
            raise ValueError(f"beta must be a finite number >= 0. Received: beta={beta!r}")
        if binarize and likelihood.name != "bernoulli":
            raise ValueError("binarize=True draws binary images; it needs reconstruction='bernoulli'. "
                             f"Received: reconstruction={reconstruction!r}")
        check_choice(learn_sigma, losses.SIGMA_SHAPES, "learn_sigma")
        check_choice(scan_steps, ("auto", True, False), "scan_steps")
        if not likelihood.has_sigma and (sigma is not None or learn_sigma is not None):
            raise ValueError(f"sigma and learn_sigma belong to the Gaussian likelihood. Received: "
                             f"reconstruction={reconstruction!r}, sigma={sigma!r}, learn_sigma={learn_sigma!r}")
        self.encoder = encoder
        self.decoder = decoder
        self.reconstruction = likelihood.name
        self.binarize = binarize
        self.seed = seed
        self.scan_steps = scan_steps
        self.learn_sigma = learn_sigma
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.beta = self.add_weight(shape=(), initializer=keras.initializers.Constant(beta),
                                    trainable=False, name="beta")
        self.initial_beta = float(beta)
        self.log_sigma = None
        if likelihood.has_sigma:
            self.initial_sigma = losses.DEFAULT_SIGMA if sigma is None else sigma
            if not (isinstance(self.initial_sigma, (int, float)) and 0 < self.initial_sigma < math.inf):
                raise ValueError(f"sigma must be a positive number. Received: sigma={sigma!r}")
            shape = tuple(decoder.output_shape[1:]) if learn_sigma == "per_feature" else ()
            self.log_sigma = self.add_weight(
                shape=shape, initializer=keras.initializers.Constant(math.log(self.initial_sigma)),
                trainable=learn_sigma is not None, name="log_sigma")
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")
        self.built = True  # the encoder and decoder arrive built; so saving keeps every weight

    @property
    def metrics(self):
        # Listed here so Keras resets them at each epoch and shows them in the progress bar.
        return [self.loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    @property
    def latent_dim(self):
        """The size of z, an int."""
        return self.decoder.input_shape[-1]

    @property
    def sigma(self):
        """The Gaussian decoder's σ now: a float, or an array of one example's shape; None otherwise."""
        if self.log_sigma is None:
            return None
        sigma = np.exp(ops.convert_to_numpy(self.log_sigma))
        return float(sigma) if sigma.ndim == 0 else sigma

    def call(self, x, training=False):
        """Reconstructs x through a sampled z: (batch, *shape) -> (batch, *shape)."""
        z_mean, z_log_var, z = self.encoder(x, training=training)
        return self.decoder(z, training=training)

    def compute_vae_losses(self, x, training=False):
        """The batch means of loss, reconstruction_loss and kl_loss, in nats per example.

        Args:
            x: a batch of data, (batch, *shape).
            training: True inside `fit`: binarizes x when the model does, and runs the layers
                in training mode.

        Returns:
            A dict of three scalar tensors: "loss", "reconstruction_loss", "kl_loss".
        """
        x = ops.cast(x, self.compute_dtype)
        if self.binarize and training:
            noise = keras.random.uniform(ops.shape(x), seed=self.seed_generator)
            x = ops.cast(noise < x, x.dtype)
        z_mean, z_log_var, z = self.encoder(x, training=training)
        x_hat = self.decoder(z, training=training)
        reconstruction_loss = ops.mean(losses.reconstruction_loss(x, x_hat, self.reconstruction, self.log_sigma))
        kl_loss = ops.mean(losses.kl_loss(z_mean, z_log_var))
        return {
            "loss": reconstruction_loss + self.beta * kl_loss,
            "reconstruction_loss": reconstruction_loss,
            "kl_loss": kl_loss,
        }

    # --- Training and evaluation steps, one per backend ------------------------------

    def train_step(self, *args):
        steps = {"tensorflow": self._tensorflow_train_step, "jax": self._jax_train_step,
                 "torch": self._torch_train_step}
        return steps[keras.backend.backend()](*args)

    def test_step(self, *args):
        if keras.backend.backend() == "jax":
            return self._jax_test_step(*args)
        (data,) = args
        x = keras.utils.unpack_x_y_sample_weight(data)[0]
        return self._update_trackers(self.compute_vae_losses(x, training=False))

    def _tensorflow_train_step(self, data):
        import tensorflow as tf

        x = keras.utils.unpack_x_y_sample_weight(data)[0]  # no targets: x is its own
        with tf.GradientTape() as tape:
            step_losses = self.compute_vae_losses(x, training=True)
        gradients = tape.gradient(step_losses["loss"], self.trainable_weights)
        self.optimizer.apply(gradients, self.trainable_weights)
        return self._update_trackers(step_losses)

    def _torch_train_step(self, data):
        import torch

        x = keras.utils.unpack_x_y_sample_weight(data)[0]
        self.zero_grad()
        step_losses = self.compute_vae_losses(x, training=True)
        step_losses["loss"].backward()
        gradients = [v.value.grad for v in self.trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, self.trainable_weights)
        return self._update_trackers(step_losses)

    def _update_trackers(self, step_losses):
        for tracker in self.metrics:
            tracker.update_state(step_losses[tracker.name])
        return {tracker.name: tracker.result() for tracker in self.metrics}

    # JAX has no hidden state: a step takes the variables' values and returns new ones.
    # keras.StatelessScope lets the stateful code above run on such values unchanged.

    def _jax_train_step(self, state, data):
        import jax

        trainable, non_trainable, optimizer_variables, metrics_variables = state
        x = keras.utils.unpack_x_y_sample_weight(data)[0]
        gradient_fn = jax.value_and_grad(self._stateless_losses, has_aux=True)
        (_, (step_losses, non_trainable)), gradients = gradient_fn(trainable, non_trainable, x, True)
        trainable, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, gradients, trainable)
        logs, metrics_variables = self._stateless_update_trackers(metrics_variables, step_losses)
        return logs, (trainable, non_trainable, optimizer_variables, metrics_variables)

    def _jax_test_step(self, state, data):
        trainable, non_trainable, metrics_variables = state
        x = keras.utils.unpack_x_y_sample_weight(data)[0]
        _, (step_losses, non_trainable) = self._stateless_losses(trainable, non_trainable, x, False)
        logs, metrics_variables = self._stateless_update_trackers(metrics_variables, step_losses)
        return logs, (trainable, non_trainable, metrics_variables)

    def _stateless_losses(self, trainable, non_trainable, x, training):
        mapping = list(zip(self.trainable_variables, trainable))
        mapping += list(zip(self.non_trainable_variables, non_trainable))
        with keras.StatelessScope(state_mapping=mapping) as scope:
            step_losses = self.compute_vae_losses(x, training=training)
        non_trainable = [scope.get_current_value(v) for v in self.non_trainable_variables]
        return step_losses["loss"], (step_losses, non_trainable)

    def _stateless_update_trackers(self, metrics_variables, step_losses):
        with keras.StatelessScope(state_mapping=list(zip(self.metrics_variables, metrics_variables))) as scope:
            logs = self._update_trackers(step_losses)
        return logs, [scope.get_current_value(v) for v in self.metrics_variables]

    def make_train_function(self, force=False):
        if self.train_function is not None and not force:
            return
        super().make_train_function(force)
        if self.steps_are_scanned:
            self.train_function = jax_scan.ScannedTrainFunction(self.train_step, self.train_function,
                                                                self.steps_per_execution)

    @property
    def steps_are_scanned(self):
        """Whether `fit` runs each execution's steps as one `vae_keras.jax_scan` scan (see `scan_steps`)."""
        if keras.backend.backend() != "jax" or self.steps_per_execution <= 1 or jax_scan.keras_scans_steps():
            return False
        if self.run_eagerly or not self.jit_compile or keras.distribution.distribution() is not None:
            return False
        if self.scan_steps == "auto":
            import jax

            return jax.default_backend() != "cpu"  # on a CPU the steps, not their dispatch, take the time
        return bool(self.scan_steps)

    # --- Checking what fit and evaluate are given ----------------------------------------

    def fit(self, x=None, y=None, *args, validation_data=None, **kwargs):
        self._check_inputs(x, "x")
        if isinstance(validation_data, tuple) and validation_data:
            self._check_inputs(validation_data[0], "validation_data")
        elif validation_data is not None:
            self._check_inputs(validation_data, "validation_data")
            validation_data = (validation_data,)
        return super().fit(x, y, *args, validation_data=validation_data, **kwargs)

    def evaluate(self, x=None, *args, **kwargs):
        self._check_inputs(x, "x")
        return super().evaluate(x, *args, **kwargs)

    def _check_inputs(self, x, name):
        """Clear errors for arrays a layer would otherwise fail on, or train on silently wrong."""
        if isinstance(x, np.ndarray):
            value_range = losses.LIKELIHOODS[self.reconstruction].data_range
            check_images(x, value_range, shape=tuple(self.encoder.input_shape[1:]), name=name)

    # --- Using a trained VAE -------------------------------------------------------------

    def encode(self, x, batch_size=256):
        """Images (n, H, W, C) -> [z_mean, z_log_var, z], NumPy arrays (n, latent_dim)."""
        return _in_batches(self.encoder, x, batch_size)

    def decode(self, z, batch_size=256):
        """Latent vectors (n, latent_dim) -> images (n, H, W, C), a NumPy array."""
        z = np.asarray(ops.convert_to_numpy(z), dtype="float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"Expected latent vectors of shape (n, {self.latent_dim}); got {z.shape}.")
        return _in_batches(self.decoder, z, batch_size)

    def reconstruct(self, x, use_mean=True):
        """Decodes z_mean (use_mean=True) or a sample z ~ q(z|x): (n, H, W, C) -> (n, H, W, C)."""
        z_mean, _, z = self.encode(x)
        return self.decode(z_mean if use_mean else z)

    def generate(self, n, seed=None):
        """Decodes n samples z ~ N(0, I) from the prior: returns images (n, H, W, C)."""
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype("float32")
        return self.decode(z)

    # --- Saving to .keras ----------------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update({
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "reconstruction": self.reconstruction,
            "beta": self.initial_beta,
            "binarize": self.binarize,
            "sigma": getattr(self, "initial_sigma", None),
            "learn_sigma": self.learn_sigma,
            "seed": self.seed,
            "scan_steps": self.scan_steps,
        })
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in ("encoder", "decoder"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)


def _in_batches(model, x, batch_size):
    """model(x) batch by batch, as NumPy. A direct call traces no graph, so a notebook that
    uses many models gets no tf.function retracing warnings (predict would)."""
    parts = [keras.tree.flatten(model(x[i:i + batch_size], training=False))
             for i in range(0, len(x), batch_size)]
    outputs = [np.concatenate([ops.convert_to_numpy(part[j]) for part in parts]) for j in range(len(parts[0]))]
    return outputs if isinstance(model.output, list) else outputs[0]


class KLWarmup(keras.callbacks.Callback):
    """Raises β linearly from 0 to `beta` over the first `epochs` epochs (KL annealing).

    Early on the decoder learns to reconstruct before the KL term pulls q(z|x) towards
    the prior, which keeps more latent dimensions in use.
    """

    def __init__(self, epochs, beta=1.0):
        super().__init__()
        if not (isinstance(beta, (int, float)) and math.isfinite(beta) and beta >= 0):
            raise ValueError(f"beta must be a finite number >= 0. Received: beta={beta!r}")
        self.epochs, self.target_beta = epochs, beta

    def on_epoch_begin(self, epoch, logs=None):
        self.model.beta.assign(self.target_beta * min(1.0, epoch / max(self.epochs, 1)))

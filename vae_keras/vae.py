"""The VAE: an encoder q(z|x), a decoder p(x|z) and the loss that trains them together.

    loss = reconstruction_loss + β · kl_loss           (the negative ELBO when β = 1)

`train_step` is written once per backend, because each computes gradients its own way
(TensorFlow: GradientTape; JAX: a pure function of the variables; PyTorch: backward()).
The maths they share lives in `compute_vae_losses`.
"""

import itertools

import keras
import numpy as np
from keras import ops

from vae_keras import losses
from vae_keras.datasets import check_images


@keras.saving.register_keras_serializable(package="vae_keras")
class VAE(keras.Model):
    """A variational autoencoder built from an encoder and a decoder model.

    Args:
        encoder: images (batch, H, W, C) -> [z_mean, z_log_var, z], each (batch, latent_dim).
        decoder: z (batch, latent_dim) -> images (batch, H, W, C).
        reconstruction: "bce" for [0, 1] data and a sigmoid head, "mse" for [-1, 1] or
            standardised data (see `vae_keras.losses`).
        beta: weight of the KL term (1 gives the ELBO; `KLWarmup` can ramp it up).
        binarize: draw x ~ Bernoulli(x) afresh at every training step (dynamic
            binarization); needs "bce".
        seed: seeds the binarization noise.

    On JAX, `steps_per_execution > 1` runs that many training steps in one compiled call
    (`jax.lax.scan`), as TensorFlow does, instead of Keras's Python loop of single steps.
    `scan_steps` says where: "auto" (the default) on a GPU or TPU, True everywhere, False never.
    """

    scan_steps = "auto"

    def __init__(self, encoder, decoder, reconstruction="bce", beta=1.0, binarize=False,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        if reconstruction not in losses.RECONSTRUCTIONS:
            raise ValueError(f"Unknown reconstruction loss {reconstruction!r}; "
                             f"expected one of {losses.RECONSTRUCTIONS}.")
        if binarize and reconstruction != "bce":
            raise ValueError("binarize=True draws Bernoulli images; it needs reconstruction='bce'.")
        self.encoder = encoder
        self.decoder = decoder
        self.reconstruction = reconstruction
        self.binarize = binarize
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.beta = self.add_weight(shape=(), initializer=keras.initializers.Constant(beta),
                                    trainable=False, name="beta")
        self.initial_beta = float(beta)
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
        return self.decoder.input_shape[-1]

    def call(self, x, training=False):
        """Reconstructs x through a sampled z: (batch, H, W, C) -> (batch, H, W, C)."""
        z_mean, z_log_var, z = self.encoder(x, training=training)
        return self.decoder(z, training=training)

    def compute_vae_losses(self, x, training=False):
        """The batch means of loss, reconstruction_loss and kl_loss, in nats per image."""
        x = ops.cast(x, self.compute_dtype)
        if self.binarize and training:
            noise = keras.random.uniform(ops.shape(x), seed=self.seed_generator)
            x = ops.cast(noise < x, x.dtype)
        z_mean, z_log_var, z = self.encoder(x, training=training)
        x_hat = self.decoder(z, training=training)
        reconstruction_loss = ops.mean(losses.reconstruction_loss(x, x_hat, self.reconstruction))
        kl_loss = ops.mean(losses.kl_loss(z_mean, z_log_var))
        return {
            "loss": reconstruction_loss + self.beta * kl_loss,
            "reconstruction_loss": reconstruction_loss,
            "kl_loss": kl_loss,
        }

    # --- Training and evaluation steps, one per backend ------------------------------

    def train_step(self, *args):
        backend = keras.backend.backend()
        if backend == "jax":
            return self._jax_train_step(*args)
        (data,) = args
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        if backend == "tensorflow":
            import tensorflow as tf

            with tf.GradientTape() as tape:
                step_losses = self.compute_vae_losses(x, training=True)
            gradients = tape.gradient(step_losses["loss"], self.trainable_weights)
            self.optimizer.apply(gradients, self.trainable_weights)
        elif backend == "torch":
            import torch

            self.zero_grad()
            step_losses = self.compute_vae_losses(x, training=True)
            step_losses["loss"].backward()
            gradients = [v.value.grad for v in self.trainable_weights]
            with torch.no_grad():
                self.optimizer.apply(gradients, self.trainable_weights)
        else:
            raise NotImplementedError(f"VAE.train_step supports tensorflow, jax and torch; got {backend!r}.")
        return self._update_trackers(step_losses)

    def test_step(self, *args):
        if keras.backend.backend() == "jax":
            return self._jax_test_step(*args)
        (data,) = args
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        return self._update_trackers(self.compute_vae_losses(x, training=False))

    def _update_trackers(self, step_losses):
        for tracker in self.metrics:
            tracker.update_state(step_losses[tracker.name])
        return {tracker.name: tracker.result() for tracker in self.metrics}

    # JAX has no hidden state: a step takes the variables' values and returns new ones.
    # keras.StatelessScope lets the stateful code above run on such values unchanged.

    def _jax_train_step(self, state, data):
        import jax

        trainable, non_trainable, optimizer_variables, metrics_variables = state
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        gradient_fn = jax.value_and_grad(self._stateless_losses, has_aux=True)
        (_, (step_losses, non_trainable)), gradients = gradient_fn(trainable, non_trainable, x, True)
        trainable, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, gradients, trainable)
        logs, metrics_variables = self._stateless_update_trackers(metrics_variables, step_losses)
        return logs, (trainable, non_trainable, optimizer_variables, metrics_variables)

    def _jax_test_step(self, state, data):
        trainable, non_trainable, metrics_variables = state
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
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
            self.train_function = _scanned_train_function(self.train_step, self.train_function,
                                                          self.steps_per_execution)

    @property
    def steps_are_scanned(self):
        """Whether fit runs each execution's steps as one lax.scan (see `scan_steps`)."""
        if keras.backend.backend() != "jax" or self.steps_per_execution <= 1:
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
            value_range = (0.0, 1.0) if self.reconstruction == "bce" else None
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
        return {
            "name": self.name,
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "reconstruction": self.reconstruction,
            "beta": self.initial_beta,
            "binarize": self.binarize,
            "seed": self.seed,
        }

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


def _scanned_train_function(train_step, keras_train_function, steps):
    """A JAX train function that runs `steps` steps in one compiled call: the batches are
    stacked to (steps, batch, ...) and `jax.lax.scan` carries the state through them, so
    the host dispatches once per `steps` batches. A shorter group (the end of an epoch, or a
    smaller last batch) goes through Keras's own function, one step at a time.

    `train_function(state, iterator) -> (logs, state)`, the contract of Keras's JAX trainer;
    `logs` are those of the last step, as in Keras.
    """
    import jax
    import jax.numpy as jnp

    def run_steps(state, batches):
        def one_step(state, batch):
            logs, state = train_step(state, batch)
            return state, logs

        state, logs = jax.lax.scan(one_step, state, batches)
        return jax.tree.map(lambda log: log[-1], logs), state

    run_steps = jax.jit(run_steps, donate_argnums=0)

    def train_function(state, iterator):
        if not hasattr(iterator, "__next__"):  # Keras before 3.7 passes a list of batches
            return keras_train_function(state, iterator)
        batches = list(itertools.islice(iterator, steps))
        shapes = {tuple(np.shape(leaf) for leaf in jax.tree.leaves(batch)) for batch in batches}
        if len(batches) < steps or len(shapes) > 1:
            return keras_train_function(state, iter(batches))
        train_function.scanned_calls += 1
        return run_steps(state, jax.tree.map(lambda *leaves: jnp.stack(leaves), *batches))

    train_function.scanned_calls = 0
    return train_function


class KLWarmup(keras.callbacks.Callback):
    """Raises β linearly from 0 to `beta` over the first `epochs` epochs (KL annealing).

    Early on the decoder learns to reconstruct before the KL term pulls q(z|x) towards
    the prior, which keeps more latent dimensions in use.
    """

    def __init__(self, epochs, beta=1.0):
        super().__init__()
        self.epochs, self.target_beta = epochs, beta

    def on_epoch_begin(self, epoch, logs=None):
        self.model.beta.assign(self.target_beta * min(1.0, epoch / max(self.epochs, 1)))

"""The VAE: an encoder q(z|x), a decoder p(x|z), and the loss that trains them together.

    loss = reconstruction_loss + β · kl_loss           (the negative ELBO when β = 1)

In the order of keras-io's VAE example: `call`, the loss terms, then one `train_step` per backend
(as in the Keras guides "Customizing what happens in fit()"): TensorFlow records a GradientTape,
JAX differentiates a pure function of the variables' values (`jax_scan`), PyTorch calls backward().
The data checks live in `validation`, the non-finite-loss stop in `callbacks`.
"""

import math
import warnings

import keras
import numpy as np
from keras import ops

from vae_keras import heads, jax_scan, losses, validation
from vae_keras.callbacks import with_non_finite_stop
from vae_keras.devices import noise_of_this_replica, replicas


@keras.saving.register_keras_serializable(package="vae_keras")
class VAE(keras.Model):
    """A variational autoencoder built from an encoder and a decoder model.

    Arrays given to `fit`, `evaluate`, `encode` and `reconstruct` are checked once per call;
    datasets and generators pass unchecked. Data outside the head's range train with a
    UserWarning; a loss that becomes NaN or infinite stops `fit` with a RuntimeWarning.

    Args:
        encoder: a Keras model, x (batch, *shape) -> [z_mean, z_log_var, z], each (batch, latent_dim).
        decoder: a Keras model, z (batch, latent_dim) -> x̂ (batch, *shape).
        likelihood: p(x|z), a name in `losses.LIKELIHOODS` or `losses.ALIASES`; by default the one
            matched to the decoder's head, "bernoulli" when its head is not known.
        beta: weight of the KL term, >= 0 (1 gives the ELBO).
        binarize: draw x ~ Bernoulli(x) afresh at every training step; Bernoulli only.
        sigma, learn_sigma: the Gaussian's σ (default `losses.DEFAULT_SIGMA`); learned: "scalar", "per_feature".
        seed: seeds the binarization noise: None or an int >= 0.
        scan_steps: on JAX, whether `steps_per_execution > 1` runs as one `lax.scan`: "auto", True, False.
        head: the decoder's head, a name in `heads.HEADS`, read from a decoder built by `vae_keras.decoders`;
            name it for a decoder of your own, or leave it None (its head is then not known).
        check_pairing: False builds a model whose head cannot feed its likelihood (e.g. a tanh head
            and a Bernoulli likelihood), with a UserWarning instead of a ValueError: a mismatch on purpose.
        reconstruction: deprecated alias of `likelihood`; given with it, the two must agree.
    """

    def __init__(self, encoder, decoder, likelihood=None, beta=1.0, binarize=False, sigma=None, learn_sigma=None,
                 seed=None, scan_steps="auto", head=None, check_pairing=True, reconstruction=None, **kwargs):
        super().__init__(**kwargs)
        likelihood = validation.check_likelihood_alias(likelihood, reconstruction, "VAE", stacklevel=2)
        validation.check_vae_arguments(encoder, decoder, beta, seed, scan_steps)
        self.likelihood, self.head, self.initial_sigma = heads.check_likelihood_options(
            likelihood, heads.head_of(decoder, head), binarize, sigma, learn_sigma, check_pairing=check_pairing,
            stacklevel=2)
        self.encoder, self.decoder, self.check_pairing = encoder, decoder, check_pairing
        self.binarize, self.seed, self.scan_steps, self.learn_sigma = bool(binarize), seed, scan_steps, learn_sigma
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.initial_beta = float(beta)
        self.beta = self.add_weight(shape=(), initializer=keras.initializers.Constant(beta), trainable=False,
                                    name="beta")
        self.log_sigma = None
        if self.likelihood.has_sigma:
            shape = tuple(decoder.output_shape[1:]) if learn_sigma == "per_feature" else ()
            self.log_sigma = self.add_weight(shape=shape, initializer=keras.initializers.Constant(
                math.log(self.initial_sigma)), trainable=learn_sigma is not None, name="log_sigma")
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")
        # By hand: a subclassed Model has no public way to say that parts which arrive built make it
        # built, and without it saving would skip the encoder's and decoder's weights.
        self.built = True

    @property
    def metrics(self):
        # Listed here so Keras resets them at each epoch and shows them in the progress bar.
        return [self.loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def call(self, x, training=False):
        """Reconstructs x through a sampled z: (batch, *shape) -> (batch, *shape)."""
        z_mean, z_log_var, z = self.encoder(x, training=training)
        return self.decoder(z, training=training)

    def compute_vae_losses(self, x, training=False):
        """The batch means of loss, reconstruction_loss and kl_loss (nats per example) for x (batch, *shape).

        With training=True, binarizes x first when the model does, and runs the layers in training mode.
        """
        x = ops.cast(x, self.compute_dtype)
        if self.binarize and training:
            noise = noise_of_this_replica(lambda shape: keras.random.uniform(shape, seed=self.seed_generator),
                                          ops.shape(x))
            x = ops.cast(noise < x, x.dtype)
        z_mean, z_log_var, z = self.encoder(x, training=training)
        x_hat = self.decoder(z, training=training)
        reconstruction_loss = ops.mean(losses.reconstruction_loss(x, x_hat, self.likelihood.name, self.log_sigma))
        kl_loss = ops.mean(losses.kl_loss(z_mean, z_log_var))
        return {"loss": reconstruction_loss + self.beta * kl_loss, "reconstruction_loss": reconstruction_loss,
                "kl_loss": kl_loss}

    def update_loss_trackers(self, step_losses):
        """Adds one step's losses to the trackers; returns their running means, the logs."""
        for tracker in self.metrics:
            tracker.update_state(step_losses[tracker.name])
        return {tracker.name: tracker.result() for tracker in self.metrics}

    def train_step(self, *args):
        step = {"tensorflow": self.tensorflow_train_step, "jax": self.jax_train_step, "torch": self.torch_train_step}
        return step[keras.backend.backend()](*args)

    def tensorflow_train_step(self, data):
        import tensorflow as tf
        x = keras.utils.unpack_x_y_sample_weight(data)[0]  # no targets: x is its own
        with tf.GradientTape() as tape:
            step_losses = self.compute_vae_losses(x, training=True)
            loss = step_losses["loss"] / replicas()  # on several devices, their gradients are summed
        self.optimizer.apply(tape.gradient(loss, self.trainable_weights), self.trainable_weights)
        return self.update_loss_trackers(step_losses)

    def jax_train_step(self, state, data):
        import jax
        trainable, non_trainable, optimizer_variables, metrics_variables = state
        x = keras.utils.unpack_x_y_sample_weight(data)[0]
        gradient_fn = jax.value_and_grad(jax_scan.stateless_losses, argnums=1, has_aux=True)
        (_, (step_losses, non_trainable)), gradients = gradient_fn(self, trainable, non_trainable, x, True)
        trainable, optimizer_variables = self.optimizer.stateless_apply(optimizer_variables, gradients, trainable)
        logs, metrics_variables = jax_scan.stateless_update_metrics(self, metrics_variables, step_losses)
        return logs, (trainable, non_trainable, optimizer_variables, metrics_variables)

    def torch_train_step(self, data):
        import torch
        x = keras.utils.unpack_x_y_sample_weight(data)[0]
        self.zero_grad()
        step_losses = self.compute_vae_losses(x, training=True)
        step_losses["loss"].backward()
        with torch.no_grad():
            self.optimizer.apply([v.value.grad for v in self.trainable_weights], self.trainable_weights)
        return self.update_loss_trackers(step_losses)

    def test_step(self, *args):
        if keras.backend.backend() == "jax":
            (trainable, non_trainable, metrics_variables), data = args
            x = keras.utils.unpack_x_y_sample_weight(data)[0]
            _, (step_losses, non_trainable) = jax_scan.stateless_losses(self, trainable, non_trainable, x, False)
            logs, metrics_variables = jax_scan.stateless_update_metrics(self, metrics_variables, step_losses)
            return logs, (trainable, non_trainable, metrics_variables)
        x = keras.utils.unpack_x_y_sample_weight(args[0])[0]
        return self.update_loss_trackers(self.compute_vae_losses(x, training=False))

    def make_train_function(self, force=False):
        super().make_train_function(force)
        self.train_function = jax_scan.scanned(self, self.train_function)  # JAX only, see scan_steps

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, **kwargs):
        """`keras.Model.fit` on x, its own target, after `validation.check_fit_data`; stops (and warns)
        on a non-finite loss unless `callbacks` hold a `keras.callbacks.TerminateOnNaN`."""
        x, validation_data = validation.check_fit_data(self, x, y, batch_size, epochs, validation_data)
        self._build_optimizer()
        if keras.backend.backend() == "tensorflow" and not validation_split:
            batch_size, kwargs = _epoch_steps(x, batch_size, kwargs)
        callbacks, guard = with_non_finite_stop(callbacks)
        history = super().fit(x, None, batch_size=batch_size, epochs=epochs, verbose=verbose, callbacks=callbacks,
                              validation_split=validation_split, validation_data=validation_data, **kwargs)
        if guard is not None and guard.stopped_at is not None:
            warnings.warn(guard.message(), RuntimeWarning, stacklevel=2)
        return history

    def _build_optimizer(self):
        """Creates the optimizer's variables before `fit` traces the first step. Keras's TensorFlow trainer
        otherwise creates them inside that trace (JAX and PyTorch build them first), and a `tf.function`
        whose first run creates variables is traced twice: the first fit of each model would cost twice."""
        optimizer = getattr(self, "optimizer", None)
        if keras.backend.backend() == "tensorflow" and optimizer is not None and not optimizer.built:
            with self.distribute_strategy.scope():
                optimizer.build(self.trainable_variables)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.evaluate` on x (arrays checked as in `fit`): the mean loss and its two terms."""
        if validation.is_array_like(x) or x is None:
            x = validation.check_model_data(self, x, "x")
        validation.check_no_targets(y)
        return super().evaluate(x, None, *args, **kwargs)

    @property
    def latent_dim(self):
        """The size of z, an int."""
        return self.decoder.input_shape[-1]

    @property
    def sigma(self):
        """The Gaussian's σ now: a float, or an array of one example's shape; None for other likelihoods."""
        if self.log_sigma is None:
            return None
        sigma = np.exp(ops.convert_to_numpy(self.log_sigma))
        return float(sigma) if sigma.ndim == 0 else sigma

    @property
    def reconstruction(self):
        """Deprecated: the likelihood's name; use `vae.likelihood.name`."""
        warnings.warn("vae.reconstruction is deprecated: use vae.likelihood.name.", DeprecationWarning, stacklevel=2)
        return self.likelihood.name

    def encode(self, x, batch_size=256):
        """[z_mean, z_log_var, z] of data x (n, *shape), checked as in `fit`: NumPy arrays (n, latent_dim)."""
        x = validation.check_model_data(self, x, "x")
        return _in_batches(self.encoder, x, validation.check_positive_int(batch_size, "batch_size"))

    def decode(self, z, batch_size=256):
        """The decoder's outputs x̂ (n, *shape), float32 NumPy, for finite latent vectors z (n, latent_dim)."""
        z = validation.check_data(z, "z", shape=(self.latent_dim,), integers=True)
        return _in_batches(self.decoder, z.astype("float32"), validation.check_positive_int(batch_size, "batch_size"))

    def reconstruct(self, x, use_mean=True):
        """x (n, *shape) encoded and decoded: from z_mean (use_mean=True, deterministic) or a sample z ~ q(z|x)."""
        z_mean, _, z = self.encode(x)
        return self.decode(z_mean if validation.check_bool(use_mean, "use_mean") else z)

    def generate(self, n, seed=None):
        """n new examples (n, *shape): decoded samples z ~ N(0, I), drawn with NumPy's default_rng(seed)."""
        n, seed = validation.check_positive_int(n, "n"), validation.check_seed(seed)
        return self.decode(np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype("float32"))

    def get_config(self):
        config = super().get_config()
        config.update({"encoder": keras.saving.serialize_keras_object(self.encoder),
                       "decoder": keras.saving.serialize_keras_object(self.decoder),
                       "likelihood": self.likelihood.name, "head": self.head and self.head.name,
                       "beta": self.initial_beta, "binarize": self.binarize, "sigma": self.initial_sigma,
                       "learn_sigma": self.learn_sigma, "seed": self.seed, "scan_steps": self.scan_steps,
                       "check_pairing": self.check_pairing})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in ("encoder", "decoder"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)


def _epoch_steps(x, batch_size, kwargs):
    """(batch_size, kwargs) for `fit`, with `steps_per_epoch` counted for arrays (under TensorFlow).

    Keras's TensorFlow trainer, when `steps_per_epoch` is None, makes a new tf.data iterator at the
    start of every epoch and another, never used, at its end; given the count, it makes one per epoch.
    That halves the cost which dominates a small model's epoch on a CPU (a quarter of its fit); the
    batches, and so the weights, stay the same.
    """
    if kwargs.get("steps_per_epoch") is not None or not validation.is_array_like(x):
        return batch_size, kwargs
    batch_size = batch_size or 32  # Keras's default for arrays; given steps, Keras would derive another
    return batch_size, {**kwargs, "steps_per_epoch": math.ceil(len(x) / batch_size)}


def _in_batches(model, x, batch_size):
    """model(x) batch by batch, as NumPy: a direct call traces no graph (predict would, and warn about
    retracing in a notebook of many models)."""
    parts = [keras.tree.flatten(model(x[i:i + batch_size], training=False)) for i in range(0, len(x), batch_size)]
    outputs = [np.concatenate([ops.convert_to_numpy(part[j]) for part in parts]) for j in range(len(parts[0]))]
    validation.warn_if_not_finite(outputs, model.name, stacklevel=4)
    return outputs if isinstance(model.output, list) else outputs[0]

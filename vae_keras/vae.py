"""The VAE: an encoder q(z|x), a decoder p(x|z) and the loss that trains them together.

    loss = reconstruction_loss + β · kl_loss           (the negative ELBO when β = 1)

`train_step` is written once per backend, as in the Keras guides on customizing `fit()`,
because each backend computes gradients its own way: TensorFlow records the forward pass on a
`GradientTape`, JAX differentiates a pure function of the variables' values, PyTorch calls
`backward()`. The maths they share lives in `compute_vae_losses`.

Every entry point that takes data (`fit`, `evaluate`, `encode`, `decode`, `reconstruct`,
`generate`) checks it once per call, before any work, with `vae_keras.validation.check_data`.
"""

import math
import warnings

import keras
import numpy as np
from keras import ops

from vae_keras import jax_scan, losses
from vae_keras.callbacks import StopOnNonFiniteLoss
from vae_keras.devices import noise_of_this_replica, replicas
from vae_keras.heads import HEADS, check_pairing
from vae_keras.validation import (
    check_bool,
    check_choice,
    check_data,
    check_non_negative_number,
    check_positive_int,
    check_seed,
)


@keras.saving.register_keras_serializable(package="vae_keras")
class VAE(keras.Model):
    """A variational autoencoder built from an encoder and a decoder model.

    The encoder and decoder must fit each other: the same latent size, and the decoder's output
    of the encoder's input shape (checked here, with a ValueError otherwise).

    What `fit`, `evaluate`, `encode` and `reconstruct` are given is checked once per call: a
    float array (lists are converted) of shape (n, *shape), n >= 1, of finite values in the
    range the likelihood models ([0, 1] for both Bernoullis). A tf.data.Dataset, a generator or
    a PyDataset is passed on unchecked: what it yields is the caller's responsibility.

    Two mistakes are allowed, because they are lessons, but never silently:

    - Data outside the range of the decoder's output head (the activation of its layer named
      "output_head", as in every `vae_keras` decoder; see `vae_keras.heads`), e.g. [-1, 1]
      data with a sigmoid head and a Gaussian likelihood: `fit` warns (UserWarning, "the
      decoder's 'sigmoid' head produces values in [0, 1] only ...") and trains.
    - A loss that becomes NaN or infinite (a learning rate too large, say): `fit` stops
      training (in that epoch; under JAX, whose steps run ahead of the callbacks, a few steps
      later) and warns (RuntimeWarning, "Training stopped in epoch 1, at batch 3: the loss is
      nan ..."), through a `StopOnNonFiniteLoss` callback it adds unless the caller passed a
      `keras.callbacks.TerminateOnNaN` of their own. `encode`, `decode` and their kin warn too
      when a model's outputs are not finite.

    Args:
        encoder: a Keras model, x (batch, *shape) -> [z_mean, z_log_var, z], each (batch, latent_dim).
        decoder: a Keras model, z (batch, latent_dim) -> x̂ (batch, *shape).
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
        seed: seeds the binarization noise: None or an int >= 0.
        scan_steps: on JAX, whether `steps_per_execution > 1` runs its steps as one compiled
            `lax.scan` (`vae_keras.jax_scan`): "auto" (on a GPU or TPU), True or False.
            Unused when Keras scans the steps itself.
    """

    def __init__(self, encoder, decoder, likelihood="bernoulli", beta=1.0, binarize=False, sigma=None,
                 learn_sigma=None, seed=None, scan_steps="auto", reconstruction=None, **kwargs):
        super().__init__(**kwargs)
        if reconstruction is not None:
            warnings.warn("VAE(reconstruction=...) is deprecated: pass likelihood=... instead.", DeprecationWarning,
                          stacklevel=2)
            likelihood = reconstruction
        reconstruction = likelihood
        likelihood = losses.get_likelihood(likelihood)
        beta = check_non_negative_number(beta, "beta")
        binarize = check_bool(binarize, "binarize")
        seed = check_seed(seed)
        _check_parts_fit(encoder, decoder)
        if _head_of(decoder) is not None:
            check_pairing(_head_of(decoder), likelihood.name)  # e.g. a tanh head cannot give Bernoulli probabilities
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
        self.likelihood = likelihood  # the `losses.Likelihood` record
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
            if isinstance(sigma, bool) or not (isinstance(self.initial_sigma, (int, float))
                                               and 0 < self.initial_sigma < math.inf):
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
            noise = noise_of_this_replica(lambda shape: keras.random.uniform(shape, seed=self.seed_generator),
                                          ops.shape(x))
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
            loss = step_losses["loss"] / replicas()  # on several devices, their gradients are summed
        gradients = tape.gradient(loss, self.trainable_weights)
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

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, **kwargs):
        """Trains the VAE on x, its own target: `keras.Model.fit` after checking the data once.

        Args:
            x: the training data, (n, *shape) float in the likelihood's range (see the class
                docstring); or a tf.data.Dataset, generator or PyDataset, unchecked.
            y: must be None: a VAE reconstructs x, it has no separate targets.
            batch_size: examples per step, a positive int (default 32).
            epochs: passes over the data, a positive int.
            verbose: as for `keras.Model.fit`.
            callbacks: Keras callbacks. A `StopOnNonFiniteLoss` is added unless one of them is a
                `keras.callbacks.TerminateOnNaN`.
            validation_split: as for `keras.Model.fit`.
            validation_data: data checked like x, as an array or a tuple (x_val,).
            **kwargs: the rest of `keras.Model.fit`'s arguments.

        Returns:
            A `keras.callbacks.History`; training may have stopped early (with a warning) on a
            non-finite loss.
        """
        x = self._check_inputs(x, "x", warn_head=True)
        self._check_no_targets(y)
        if batch_size is not None:
            check_positive_int(batch_size, "batch_size")
        check_positive_int(epochs, "epochs")
        if isinstance(validation_data, tuple) and validation_data:
            self._check_no_targets(validation_data[1] if len(validation_data) > 1 else None, "validation_data")
            validation_data = (self._check_inputs(validation_data[0], "validation_data"),)
        elif validation_data is not None:
            checked = self._check_inputs(validation_data, "validation_data")
            validation_data = (checked,) if _is_array_like(validation_data) else checked  # a dataset stays one
        self._check_batches_split_evenly(x, batch_size, validation_data)
        guard = None
        if not isinstance(callbacks, keras.callbacks.CallbackList):
            callbacks = list(callbacks or [])
            if not any(isinstance(c, keras.callbacks.TerminateOnNaN) for c in callbacks):
                guard = StopOnNonFiniteLoss()
                callbacks.append(guard)
        history = super().fit(x, None, batch_size=batch_size, epochs=epochs, verbose=verbose, callbacks=callbacks,
                              validation_split=validation_split, validation_data=validation_data, **kwargs)
        if guard is not None and guard.stopped_at is not None:
            warnings.warn(guard.message(), RuntimeWarning, stacklevel=2)
        return history

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """The mean loss, reconstruction_loss and kl_loss on x: `keras.Model.evaluate` after checking x.

        Args:
            x: data (n, *shape), checked as in `fit`; or a tf.data.Dataset, generator or
                PyDataset, unchecked.
            y: must be None.
            *args, **kwargs: the rest of `keras.Model.evaluate`'s arguments.

        Returns:
            As `keras.Model.evaluate`: the loss, or a list or dict (return_dict=True) of the three.
        """
        x = self._check_inputs(x, "x")
        self._check_no_targets(y)
        return super().evaluate(x, None, *args, **kwargs)

    def _check_inputs(self, x, name, warn_head=False, datasets=True):
        """x checked (a list as an array), or x itself when it is a dataset or generator (not checked).

        With datasets=False only arrays and lists are accepted, and the result is a NumPy array.
        """
        if datasets and not _is_array_like(x) and x is not None:
            return x  # a tf.data.Dataset, a generator, a PyDataset: the caller's responsibility
        likelihood = losses.LIKELIHOODS[self.reconstruction]
        fix = None
        if likelihood.data_range == (0.0, 1.0):
            fix = (f"The {self.reconstruction} likelihood models data in [0, 1]; data in other ranges need "
                   "reconstruction='gaussian' (with a tanh or linear head).")
        checked = check_data(x, name, shape=self._data_shape(), value_range=likelihood.data_range, fix=fix)
        if warn_head:
            self._warn_if_head_cannot_reach(checked, name)
        if datasets and not isinstance(x, (list, tuple, np.ndarray)):
            return x  # a backend tensor stays where it is
        return checked

    def _data_shape(self):
        try:
            return tuple(self.encoder.input_shape[1:])
        except (AttributeError, ValueError):
            return None  # a subclassed encoder: its input shape is not known in advance

    @staticmethod
    def _check_batches_split_evenly(x, batch_size, validation_data):
        """On JAX, data parallelism splits every batch in equal shares: refuse data that would not split."""
        devices = replicas()
        if devices == 1 or keras.backend.backend() != "jax":
            return
        batch_size = batch_size or 32
        sizes = {"batch_size": batch_size}
        if _is_array_like(x):
            sizes["len(x)"] = len(x)
        if isinstance(validation_data, tuple) and _is_array_like(validation_data[0]):
            sizes["len(validation_data)"] = len(validation_data[0])
        uneven = {name: size for name, size in sizes.items() if size % devices}
        if uneven:
            raise ValueError(
                f"Training on {devices} devices splits every batch in {devices} equal shares, so the batch size and "
                f"the number of examples must be multiples of {devices}. Received: "
                + ", ".join(f"{name}={size}" for name, size in uneven.items())
                + f". Drop the last examples (x[:len(x) // {devices} * {devices}]) or choose another batch size.")

    @staticmethod
    def _check_no_targets(y, name="y"):
        if y is not None:
            raise ValueError(f"A VAE reconstructs its input, which is its own target: pass the data as x only. "
                             f"Received: {name} with a target of type {type(y).__name__}")

    def _warn_if_head_cannot_reach(self, x, name):
        """A UserWarning when x lies outside the values the decoder's output head can produce."""
        head = self.output_head
        if head is None:
            return
        low, high = HEADS[head].output_range
        data_low, data_high = losses.LIKELIHOODS[self.reconstruction].data_range
        if low <= data_low and data_high <= high:
            return  # check_data has kept x inside the head's range already
        x_low, x_high = float(np.min(x)), float(np.max(x))
        if x_low >= low - 1e-6 and x_high <= high + 1e-6:
            return
        better = "tanh" if x_low >= -1 - 1e-6 and x_high <= 1 + 1e-6 else "linear"
        warnings.warn(
            f"{name} holds values in [{x_low:.3g}, {x_high:.3g}], but the decoder's {head!r} head produces "
            f"values in [{low:g}, {high:g}] only: the model cannot reconstruct the rest. Rescale the data to "
            f"the head's range, or use a head that covers them (head={better!r}).", UserWarning, stacklevel=4)

    @property
    def output_head(self):
        """The decoder's output head, a name in `vae_keras.heads.HEADS`, read from its layer named
        "output_head"; None when the decoder has no such layer (or an activation not in HEADS)."""
        return _head_of(self.decoder)

    # --- Using a trained VAE -------------------------------------------------------------

    def encode(self, x, batch_size=256):
        """Encodes data, batch by batch.

        Args:
            x: data (n, *shape), n >= 1, checked as in `fit` (float, finite, in the likelihood's
                range; lists are converted).
            batch_size: examples per call of the encoder, a positive int.

        Returns:
            [z_mean, z_log_var, z]: NumPy arrays, each (n, latent_dim).
        """
        x = self._check_inputs(x, "x", datasets=False)
        return _in_batches(self.encoder, x, check_positive_int(batch_size, "batch_size"))

    def decode(self, z, batch_size=256):
        """Decodes latent vectors, batch by batch.

        Args:
            z: latent vectors (n, latent_dim), n >= 1, finite numbers (a list, or a NumPy or backend array).
            batch_size: vectors per call of the decoder, a positive int.

        Returns:
            The decoder's outputs x̂, a float32 NumPy array (n, *shape).
        """
        z = check_data(z, "z", shape=(self.latent_dim,), integers=True)
        if z.ndim != 2:
            raise ValueError(f"Expected latent vectors z of shape (n, {self.latent_dim}); got {z.shape}.")
        return _in_batches(self.decoder, z.astype("float32"), check_positive_int(batch_size, "batch_size"))

    def reconstruct(self, x, use_mean=True):
        """Encodes and decodes x: decodes z_mean (use_mean=True) or a sample z ~ q(z|x).

        Args:
            x: data (n, *shape), n >= 1, checked as in `fit`.
            use_mean: True decodes z_mean (deterministic), False a sample z.

        Returns:
            The decoder's outputs x̂, a NumPy array (n, *shape).
        """
        z_mean, _, z = self.encode(x)
        return self.decode(z_mean if check_bool(use_mean, "use_mean") else z)

    def generate(self, n, seed=None):
        """Decodes n samples z ~ N(0, I) from the prior, drawn with NumPy's default_rng(seed).

        Args:
            n: how many, a positive int.
            seed: None or an int >= 0.

        Returns:
            The decoder's outputs x̂, a NumPy array (n, *shape).
        """
        n, seed = check_positive_int(n, "n"), check_seed(seed)
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype("float32")
        return self.decode(z)

    # --- Saving to .keras ----------------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update({
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "likelihood": self.reconstruction,
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


def _is_array_like(x):
    """Whether x is data `check_data` takes (an array, a backend tensor, a list), not a dataset or generator."""
    return isinstance(x, (np.ndarray, list, tuple)) or (hasattr(x, "__array__") and hasattr(x, "shape"))


def _head_of(decoder):
    """The name of a decoder's output head (its layer named "output_head"), or None."""
    try:
        layer = decoder.get_layer("output_head")
    except (ValueError, AttributeError):
        return None
    activation = layer.get_config().get("activation")
    return activation if activation in HEADS else None


def _in_batches(model, x, batch_size):
    """model(x) batch by batch, as NumPy. A direct call traces no graph, so a notebook that
    uses many models gets no tf.function retracing warnings (predict would). Warns when the
    outputs are not finite (the weights of a model whose training diverged)."""
    parts = [keras.tree.flatten(model(x[i:i + batch_size], training=False))
             for i in range(0, len(x), batch_size)]
    outputs = [np.concatenate([ops.convert_to_numpy(part[j]) for part in parts]) for j in range(len(parts[0]))]
    if not all(np.all(np.isfinite(output)) for output in outputs):
        warnings.warn(f"The {model.name} model's outputs hold NaN or infinite values: its weights are probably "
                      "not finite (did training diverge?). Retrain it, e.g. with a smaller learning rate.",
                      RuntimeWarning, stacklevel=3)
    return outputs if isinstance(model.output, list) else outputs[0]


def _check_parts_fit(encoder, decoder):
    """Raises when the encoder and decoder cannot form a VAE: not models, other latent sizes,
    other data shapes. Parts whose shapes are not known in advance (subclassed models) pass."""
    for part, name in ((encoder, "encoder"), (decoder, "decoder")):
        if not isinstance(part, keras.Model):
            raise TypeError(f"{name} must be a keras.Model. Received: {name} of type {type(part).__name__}")
    try:
        data_shape, encoded = tuple(encoder.input_shape), encoder.output_shape
        latent_shape, decoded = tuple(decoder.input_shape), tuple(decoder.output_shape)
    except (AttributeError, ValueError):
        return
    encoded = [tuple(shape) for shape in encoded] if isinstance(encoded, list) else [tuple(encoded)]
    if len(encoded) != 3 or any(len(shape) != 2 or shape != encoded[0] for shape in encoded):
        raise ValueError("The encoder must return [z_mean, z_log_var, z], each of shape (batch, latent_dim). "
                         f"Received: an encoder with outputs of shapes {encoded}")
    if len(latent_shape) != 2 or latent_shape[-1] != encoded[0][-1]:
        raise ValueError(f"The encoder and the decoder must have the same latent size: the encoder gives z of "
                         f"shape {encoded[0]}, the decoder takes {latent_shape}. Build both with the same "
                         "latent_dim.")
    if decoded[1:] != data_shape[1:]:
        raise ValueError(f"The decoder must produce data of the shape the encoder takes: the encoder takes "
                         f"{data_shape}, the decoder produces {decoded}. Build both with the same image_shape.")

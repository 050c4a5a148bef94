"""Callbacks for training a VAE: KL warm-up, and stopping when the loss stops being finite."""

import math

import keras
import numpy as np

from vae_keras.validation import check_non_negative_number, check_positive_int


class StopOnNonFiniteLoss(keras.callbacks.TerminateOnNaN):
    """Stops training after the first batch whose loss is NaN or infinite; `VAE.fit` then warns.

    `VAE.fit` adds one unless its callbacks hold a `keras.callbacks.TerminateOnNaN`. It reads the
    loss where Keras runs callbacks in a thread of their own (async_safe: JAX, PyTorch), so
    training keeps its pace; there it stops a few steps after that batch, within the epoch.
    The main command passes its own, to print one error line instead of the warning.

    Attributes:
        stopped_at: None, or (epoch, batch, loss) of the first non-finite loss (epoch from 0).
    """

    async_safe = True

    def __init__(self):
        super().__init__()
        self.stopped_at, self.epoch = None, 0

    def on_train_begin(self, logs=None):
        self.stopped_at = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or self.stopped_at is not None:
            return
        loss = float(np.asarray(loss))
        if not math.isfinite(loss):
            self.stopped_at = (self.epoch, batch, loss)
            # Not `self.model`: under JAX that property copies the training state back into the model,
            # and from this thread it races with the next step, which donates (deletes) those arrays.
            self._model.stop_training = True

    def message(self):
        """Why training stopped and what to try, one line."""
        epoch, batch, loss = self.stopped_at
        return (f"Training stopped in epoch {epoch + 1}, at batch {batch}: the loss is {loss}. The weights are "
                "probably no longer finite, so the model is unusable: retrain it with a smaller learning rate, "
                "check the data for extreme values, or, for a Gaussian likelihood, use a larger sigma.")


def with_non_finite_stop(callbacks):
    """The callbacks `VAE.fit` runs: the caller's, plus a `StopOnNonFiniteLoss` unless they hold a
    `keras.callbacks.TerminateOnNaN` (a `StopOnNonFiniteLoss` is one).

    Args:
        callbacks: None, a list of callbacks, or a `keras.callbacks.CallbackList` (kept as it is).

    Returns:
        (callbacks, guard): the callbacks to pass on, and the added `StopOnNonFiniteLoss` or None.
    """
    if isinstance(callbacks, keras.callbacks.CallbackList):
        return callbacks, None
    callbacks = list(callbacks or [])
    if any(isinstance(callback, keras.callbacks.TerminateOnNaN) for callback in callbacks):
        return callbacks, None
    guard = StopOnNonFiniteLoss()
    return callbacks + [guard], guard


class KLWarmup(keras.callbacks.Callback):
    """Raises β linearly from 0 to `beta` over the first `epochs` epochs (KL annealing).

    Early on the decoder learns to reconstruct before the KL term pulls q(z|x) towards
    the prior, which keeps more latent dimensions in use.

    Args:
        epochs: how many epochs the ramp takes, a positive int.
        beta: the final β, a finite number >= 0; None (the default): the β the model was built with.
    """

    def __init__(self, epochs, beta=None):
        super().__init__()
        self.epochs = check_positive_int(epochs, "epochs")
        self.target_beta = None if beta is None else check_non_negative_number(beta, "beta")

    def on_epoch_begin(self, epoch, logs=None):
        target = self.model.initial_beta if self.target_beta is None else self.target_beta
        self.model.beta.assign(target * min(1.0, epoch / self.epochs))

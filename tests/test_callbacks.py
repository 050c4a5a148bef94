"""The callbacks (vae_keras.callbacks): the non-finite-loss stop and KL warm-up, without training."""

import math

import keras
import numpy as np
import pytest

from vae_keras.callbacks import KLWarmup, StopOnNonFiniteLoss, with_non_finite_stop


class Model:
    stop_training = False


def run_batches(losses, epoch=0):
    guard = StopOnNonFiniteLoss()
    guard.set_model(Model())
    guard.on_train_begin()
    guard.on_epoch_begin(epoch)
    for batch, loss in enumerate(losses):
        guard.on_batch_end(batch, {"loss": loss})
    return guard


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float32("inf")])
def test_the_stop_stops_at_the_first_non_finite_loss(bad):
    guard = run_batches([3.0, 2.0, bad, 1.0, math.nan], epoch=2)
    assert guard.model.stop_training
    epoch, batch, loss = guard.stopped_at
    assert (epoch, batch) == (2, 2) and not math.isfinite(loss) and (loss == bad or math.isnan(bad))
    assert guard.message().startswith(f"Training stopped in epoch 3, at batch 2: the loss is {loss}.")
    assert "smaller learning rate" in guard.message()


def test_finite_losses_never_stop_training():
    guard = run_batches([3.0, 1e30, -1e30, 0.0])
    assert guard.stopped_at is None and not guard.model.stop_training


def test_the_stop_is_added_unless_the_caller_has_a_terminate_on_nan():
    callbacks, guard = with_non_finite_stop(None)
    assert callbacks == [guard] and isinstance(guard, StopOnNonFiniteLoss)
    own = keras.callbacks.TerminateOnNaN()
    assert with_non_finite_stop([own]) == ([own], None)
    mine = StopOnNonFiniteLoss()
    assert with_non_finite_stop([mine]) == ([mine], None)


def test_kl_warmup_checks_its_arguments():
    with pytest.raises(ValueError, match="epochs must be a positive integer. Received: epochs=0"):
        KLWarmup(epochs=0)
    with pytest.raises(ValueError, match="beta must be a finite number >= 0. Received: beta=-1"):
        KLWarmup(epochs=2, beta=-1)

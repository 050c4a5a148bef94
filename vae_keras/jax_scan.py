"""JAX's side of `VAE`: stateless steps, and several training steps in one compiled call.

JAX has no hidden state: a step takes the variables' values and returns new ones.
`stateless_losses` and `stateless_update_metrics` run the model's stateful code on such values
inside a `keras.StatelessScope`, as the Keras guide "Customizing what happens in fit() with JAX"
does; `VAE`'s JAX train and test steps are built from them.

`ScannedTrainFunction` runs several steps as one `jax.lax.scan` over stacked batches, for
Keras 3.7 and later releases that do not scan `steps_per_execution` themselves (3.15 does
not): on JAX they run the steps of one execution as a Python loop of single compiled steps, one
host dispatch per batch, which on a GPU or TPU can cost more than the step itself. Keras has
since merged a scan of its own (keras-team/keras#23527); `keras_scans_steps()` detects it by
feature, and `vae_keras.VAE` then leaves the work to Keras and this module unused.
"""

import itertools

import keras
import numpy as np


def stateless_losses(model, trainable, non_trainable, x, training):
    """The model's `compute_vae_losses(x)` as a pure function of its variables' values.

    Args:
        model: a `VAE`.
        trainable, non_trainable: the values of `model.trainable_variables` and
            `model.non_trainable_variables`, in that order.
        x: a batch of data, (batch, *shape).
        training: as for `compute_vae_losses`.

    Returns:
        (loss, (losses, non_trainable)): the scalar loss to differentiate, the dict of the three
        loss terms, and the new values of the non-trainable variables (the seed generator's state).
    """
    mapping = list(zip(model.trainable_variables, trainable))
    mapping += list(zip(model.non_trainable_variables, non_trainable))
    with keras.StatelessScope(state_mapping=mapping) as scope:
        losses = model.compute_vae_losses(x, training=training)
    non_trainable = [scope.get_current_value(v) for v in model.non_trainable_variables]
    return losses["loss"], (losses, non_trainable)


def stateless_update_metrics(model, metrics_variables, losses):
    """`model.update_loss_trackers(losses)` on the values of its metrics' variables.

    Returns:
        (logs, metrics_variables): the metrics' results and their variables' new values.
    """
    with keras.StatelessScope(state_mapping=list(zip(model.metrics_variables, metrics_variables))) as scope:
        logs = model.update_loss_trackers(losses)
    return logs, [scope.get_current_value(v) for v in model.metrics_variables]


def steps_are_scanned(model):
    """Whether `fit` runs each execution's steps as one scan here (see `VAE(scan_steps=...)`).

    Only on JAX, with `steps_per_execution > 1`, compiled, on one device, and when Keras does not
    scan them itself; with scan_steps="auto", only on a GPU or TPU (on a CPU the steps, not their
    dispatch, take the time).
    """
    if keras.backend.backend() != "jax" or model.steps_per_execution <= 1 or keras_scans_steps():
        return False
    if model.run_eagerly or not model.jit_compile or keras.distribution.distribution() is not None:
        return False
    if model.scan_steps == "auto":
        import jax

        return jax.default_backend() != "cpu"
    return bool(model.scan_steps)


def scanned(model, train_function):
    """`train_function`, or a `ScannedTrainFunction` around it when `steps_are_scanned(model)`."""
    if not steps_are_scanned(model) or isinstance(train_function, ScannedTrainFunction):
        return train_function
    return ScannedTrainFunction(model.train_step, train_function, model.steps_per_execution)


def keras_scans_steps():
    """Whether the installed Keras runs `steps_per_execution` steps as one scan itself on JAX.

    Returns:
        True when Keras's data adapters can stack batches into super-batches, the feature its
        scanned train function is built on.
    """
    try:
        # Private on purpose: Keras has no public flag for this feature, and importing the module
        # that would hold it is the only way to tell the two behaviours apart.
        from keras.src.trainers.data_adapters import data_adapter_utils
    except ImportError:  # a reorganised Keras: not the layout this module was written for
        return False
    return hasattr(data_adapter_utils, "super_batch_iterator")


class ScannedTrainFunction:
    """A JAX train function that runs `steps` training steps in one compiled call.

    The batches of one execution are stacked to (steps, batch, ...), and `jax.lax.scan` carries
    the state through them, so the host dispatches once per `steps` batches. A shorter group
    (the end of an epoch) or batches of unequal shapes (a smaller last batch) go through Keras's
    own function, one step at a time.

    Args:
        train_step: the model's `train_step(state, data) -> (logs, state)`.
        keras_train_function: Keras's train function, `(state, iterator) -> (logs, state)`.
        steps: the model's `steps_per_execution`.

    Call args:
        state: the training state Keras's JAX trainer passes.
        iterator: yields the batches of one execution (Keras >= 3.7).

    Returns:
        (logs, state): the logs of the last step, as Keras's own function returns them.
    """

    def __init__(self, train_step, keras_train_function, steps):
        import jax

        self.keras_train_function, self.steps = keras_train_function, steps

        def run_steps(state, batches):
            def one_step(state, batch):
                logs, state = train_step(state, batch)
                return state, logs

            state, logs = jax.lax.scan(one_step, state, batches)
            return jax.tree.map(lambda log: log[-1], logs), state

        self.run_steps = jax.jit(run_steps, donate_argnums=0)

    def __call__(self, state, iterator):
        import jax
        import jax.numpy as jnp

        batches = list(itertools.islice(iterator, self.steps))
        shapes = {tuple(np.shape(leaf) for leaf in jax.tree.leaves(batch)) for batch in batches}
        if len(batches) < self.steps or len(shapes) > 1:
            return self.keras_train_function(state, iter(batches))
        return self.run_steps(state, jax.tree.map(lambda *leaves: jnp.stack(leaves), *batches))

"""Several JAX training steps in one compiled call: `jax.lax.scan` over stacked batches.

For Keras 3.7 and later releases that do not scan `steps_per_execution` themselves (3.15 does
not): on JAX they run the steps of one execution as a Python loop of single compiled steps, one
host dispatch per batch, which on a GPU or TPU can cost more than the step itself. Keras has
since merged a scan of its own (keras-team/keras#23527); `keras_scans_steps()` detects it by
feature, and `vae_keras.VAE` then leaves the work to Keras and this module unused.
"""

import itertools

import numpy as np


def keras_scans_steps():
    """Whether the installed Keras runs `steps_per_execution` steps as one scan itself on JAX.

    Returns:
        True when Keras's data adapters can stack batches into super-batches, the feature its
        scanned train function is built on.
    """
    try:
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

"""Training on several devices: each batch split across them, one copy of the model on each.

Keras 3 does the work (data parallelism): `keras.distribution.DataParallel` on JAX (several GPUs,
the cores of a TPU, or CPU devices) and `tf.distribute.MirroredStrategy` on TensorFlow (several
GPUs, or CPU devices). A `VAE` built, compiled and trained inside `data_parallel()` trains on all
of them, unchanged:

    with devices.data_parallel() as replicas:
        vae = vae_keras.build_vae(...)
        vae.fit(x_train, batch_size=128 * replicas)   # 128 images per device and step

Each device computes the loss and gradients of its share of the batch; the gradients are averaged
across devices before one optimizer step updates every copy alike, so an epoch on n devices
computes what it would on one (`VAE` makes the noise of each share the noise one device would
have drawn for it). PyTorch's multi-device training runs one process per device, which a
notebook cannot do: it is not supported here.
"""

import contextlib

import keras


@contextlib.contextmanager
def data_parallel(devices=None):
    """A context in which models are built, compiled and trained on several devices at once.

    Args:
        devices: the devices to use, as the backend names them (JAX: e.g. ["cpu:0", "cpu:1"] or
            `keras.distribution.list_devices()`; TensorFlow: e.g. ["/gpu:0", "/gpu:1"]). None: every
            visible accelerator, or every CPU device when there is none.

    Yields:
        The number of devices (replicas) each batch is split across, an int.
    """
    backend = keras.backend.backend()
    if backend == "jax":
        distribution = keras.distribution.DataParallel(devices=devices or keras.distribution.list_devices())
        with distribution.scope():
            yield replicas()
    elif backend == "tensorflow":
        import tensorflow as tf

        if devices is None:
            devices = [device.name for device in tf.config.list_logical_devices("GPU")]
            devices = devices or [device.name for device in tf.config.list_logical_devices("CPU")]
        with tf.distribute.MirroredStrategy(devices).scope():
            yield replicas()
    else:
        raise ValueError("Training on several devices is supported on the jax and tensorflow backends: set "
                         f"KERAS_BACKEND=jax (for a TPU, too) or tensorflow. Received: backend={backend!r}")


def replicas():
    """How many devices each batch is split across now: 1 outside `data_parallel()`.

    Returns:
        An int >= 1.
    """
    backend = keras.backend.backend()
    if backend == "jax":
        distribution = keras.distribution.distribution()
        return 1 if distribution is None else int(distribution.device_mesh.devices.size)
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.distribute.get_strategy().num_replicas_in_sync
    return 1


def noise_of_this_replica(draw, shape):
    """draw(shape), the noise of one batch, as one device would have drawn it for this replica's share.

    Under `tf.distribute` each replica runs the same program with the same seed, so each would
    draw the same noise for its share of the batch. Here each replica draws the noise of the whole
    batch and keeps the rows of its own share (replicas split a batch in order), so an epoch on
    several devices sees the noise it would on one. Elsewhere (one device, or JAX, whose programs
    see the whole batch) this is draw(shape).

    Args:
        draw: a function shape -> a tensor of random numbers of that shape.
        shape: the shape of this replica's noise, batch first.

    Returns:
        A tensor of `shape`.
    """
    if keras.backend.backend() != "tensorflow":
        return draw(shape)
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return draw(shape)
    share = shape[0]
    start = context.replica_id_in_sync_group * share
    everything = draw((share * context.num_replicas_in_sync, *shape[1:]))
    return everything[start:start + share]

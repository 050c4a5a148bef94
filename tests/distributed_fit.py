"""Trains one VAE on one device and on two, and prints what tests/test_distribution.py checks, as JSON.
Under JAX it then runs the main command with --all-devices (`main_command`: its exit status and output).

Run in a fresh process (the devices must exist before the backend starts): under JAX with
XLA_FLAGS=--xla_force_host_platform_device_count=2; under TensorFlow it makes two logical CPUs.
Usage: python tests/distributed_fit.py OUTPUT_FOLDER
"""

import contextlib
import io
import json
import os
import sys

BACKEND = os.environ["KERAS_BACKEND"]
if BACKEND == "tensorflow":
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
import numpy as np  # noqa: E402

import vae_keras  # noqa: E402
from vae_keras import devices, evaluation  # noqa: E402
from vae_keras.vae import VAE  # noqa: E402

shares = []  # the examples each device computes in one training step
if BACKEND == "jax":
    from keras.src.backend.jax import distribution_lib  # where Keras's JAX trainer shards each batch

    shard = distribution_lib.distribute_data_input

    def spy(*args, **kwargs):
        batch = shard(*args, **kwargs)
        shares.append(sorted(piece.data.shape[0] for piece in batch.addressable_shards))
        return batch

    distribution_lib.distribute_data_input = spy
    every_device = keras.distribution.list_devices()
else:
    compute_vae_losses = VAE.compute_vae_losses

    def spy(self, x, training=False):
        if training:
            shares.append(int(x.shape[0]))  # traced once per replica, with the replica's share
        return compute_vae_losses(self, x, training)

    VAE.compute_vae_losses = spy
    every_device = [device.name for device in tf.config.list_logical_devices("CPU")]

data = vae_keras.load("digits", max_train=256, max_test=64)
x_test = vae_keras.datasets.binarize(data.x_test, seed=0)
results = {}
for name, chosen in [("one", every_device[:1]), ("two", every_device)]:
    shares.clear()
    with devices.data_parallel(chosen) as replicas:
        vae = vae_keras.build_vae(binarize=True, seed=0)
        history = vae.fit(data.x_train, epochs=2, batch_size=64, shuffle=False, verbose=0)
    path = os.path.join(sys.argv[1], f"{name}.keras")
    vae.save(path)
    loaded = keras.saving.load_model(path)
    z = np.random.default_rng(0).standard_normal((8, 2)).astype("float32")
    results[name] = {
        "replicas": replicas, "shares": shares[:2], "loss": history.history["loss"],
        "weights": [float(np.sum(np.abs(w))) for w in vae.get_weights()],
        "reloaded_matches": bool(np.allclose(loaded.decode(z), vae.decode(z), atol=1e-6)),
        "elbo": evaluation.elbo(vae, x_test),
    }

if BACKEND == "jax":  # the main command, as `python -m vae_keras train --all-devices ...` runs it
    from vae_keras.__main__ import main

    output = os.path.join(sys.argv[1], "main_command")
    argv = ["train", "--all-devices", "--epochs", "2", "--max-train", "257", "--max-test", "65", "--batch-size", "64",
            "--cosine-decay", "--verbose", "0", "--output", output]
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        status = main(argv)
    results["main_command"] = {"status": status, "stdout": printed.getvalue(), "output": output}
print(json.dumps(results))

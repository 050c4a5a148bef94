"""Training on several devices (vae_keras.devices), with two virtual CPU devices standing in for GPUs.

The devices must exist before the backend starts, so tests/distributed_fit.py trains in a fresh
process: one VAE on one device, then on two, from the same seed and the same batches.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from vae_keras import devices

SCRIPT = Path(__file__).resolve().parent / "distributed_fit.py"
on_jax_or_tensorflow = pytest.mark.skipif(keras.backend.backend() not in ("jax", "tensorflow"),
                                          reason="several devices: the jax and tensorflow backends")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    environment = {**os.environ, "KERAS_BACKEND": keras.backend.backend(),
                   "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    done = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path_factory.mktemp("devices"))],
                          capture_output=True, text=True, env=environment, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@on_jax_or_tensorflow
def test_each_batch_is_split_across_the_devices(runs):
    assert runs["one"]["replicas"] == 1 and runs["two"]["replicas"] == 2
    share = [32, 32] if keras.backend.backend() == "jax" else 32  # JAX: both shards; TensorFlow: each replica's
    assert all(seen == share for seen in runs["two"]["shares"]), runs["two"]["shares"]
    assert all(seen in ([64], 64) for seen in runs["one"]["shares"]), runs["one"]["shares"]


@on_jax_or_tensorflow
def test_two_devices_train_exactly_like_one(runs):
    one, two = runs["one"], runs["two"]
    np.testing.assert_allclose(two["loss"], one["loss"], rtol=1e-5)
    np.testing.assert_allclose(two["weights"], one["weights"], rtol=1e-4)
    assert two["elbo"] == pytest.approx(one["elbo"], abs=1e-2)


@on_jax_or_tensorflow
def test_a_model_trained_on_two_devices_saves_and_reloads(runs):
    assert runs["two"]["reloaded_matches"]


def test_outside_data_parallel_there_is_one_replica():
    assert devices.replicas() == 1


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="JAX splits batches in equal shares")
def test_jax_refuses_batches_that_do_not_split_evenly(monkeypatch):
    import vae_keras

    vae = vae_keras.build_vae(seed=0)
    monkeypatch.setattr("vae_keras.devices.replicas", lambda: 2)
    x = np.zeros((65, 28, 28, 1), "float32")
    with pytest.raises(ValueError, match=r"multiples of 2: drop the last examples .* Received: len\(x\)=65$"):
        vae.fit(x, batch_size=64, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"Received: batch_size=33"):
        vae.fit(x[:64], batch_size=33, epochs=1, verbose=0)


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="two host devices from XLA_FLAGS: JAX")
def test_the_main_command_trains_on_all_devices_and_its_schedule_ends_with_training(runs):
    command = runs["main_command"]  # `train --all-devices --epochs 2 --max-train 257 --batch-size 64 --cosine-decay`
    assert command["status"] == 0
    assert "Training on 2 devices" in command["stdout"]
    assert "using 256 training and 64 test examples (multiples of 2)" in command["stdout"]
    vae = keras.saving.load_model(Path(command["output"]) / "vae.keras")
    steps = int(keras.ops.convert_to_numpy(vae.optimizer.iterations))
    assert steps == 2 * 4  # 2 epochs of the 256 images kept, in batches of 64 (257 would make 5 a epoch)
    assert vae.optimizer.get_config()["learning_rate"]["config"]["decay_steps"] == steps  # ends with training

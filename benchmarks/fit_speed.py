"""How long does one epoch of `VAE.fit` take? (Any backend; made for JAX on a GPU.)

Times whole epochs of `fit` on a reference model, data pipeline and callbacks included, for
several ways of running the steps:

- `spe=1`:        one compiled step per call;
- `spe=N loop`:   N steps per call, as Keras's JAX trainer runs them (a Python loop);
- `spe=N scan`:   N steps per call as one compiled `lax.scan` (`VAE.scan_steps`; JAX only).

Each variant gets its own model, compiled and warmed up with one epoch; then the variants take
turns, one epoch each, for `--rounds` rounds, and the median epoch is reported (so a burst of
load from other processes hits all alike). The images are random (the time of a step does not
depend on the pixel values); `--images 60000` is one MNIST epoch.

    KERAS_BACKEND=jax python benchmarks/fit_speed.py --model conv --images 60000 --rounds 5
"""

import argparse
import os
import time

import keras
import numpy as np

from vae_keras import jax_scan
from vae_keras.reference import reference_conv_vae, reference_dense_vae

MODELS = {"dense": reference_dense_vae, "conv": reference_conv_vae}


def variants(steps_per_execution):
    """(name, steps_per_execution, scan_steps) for each way of running the steps on this backend."""
    found = [("spe=1", 1, False)]
    if keras.backend.backend() == "jax":
        found += [(f"spe={steps_per_execution} loop", steps_per_execution, False),
                  (f"spe={steps_per_execution} scan", steps_per_execution, True)]
    else:
        found += [(f"spe={steps_per_execution}", steps_per_execution, False)]
    return found


def epoch_seconds(vae, x, batch_size):
    start = time.perf_counter()
    vae.fit(x, batch_size=batch_size, epochs=1, verbose=0)  # fit returns once the last step is done
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=sorted(MODELS), default="conv")
    parser.add_argument("--images", type=int, default=60000, help="images per epoch")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps-per-execution", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    x = np.random.default_rng(0).random((args.images, 28, 28, 1), dtype="float32")
    models = {}
    for name, steps_per_execution, scan_steps in variants(args.steps_per_execution):
        vae = MODELS[args.model](seed=0, steps_per_execution=steps_per_execution)
        vae.scan_steps = scan_steps
        warm_up = epoch_seconds(vae, x, args.batch_size)  # compiles every shape an epoch needs
        models[name] = vae
        print(f"  {name:12} first epoch (compiling included) {warm_up:8.3f} s; "
              f"steps scanned: {jax_scan.steps_are_scanned(vae)}", flush=True)
    times = {name: [] for name in models}
    for _ in range(args.rounds):
        for name, vae in models.items():
            times[name].append(epoch_seconds(vae, x, args.batch_size))

    steps = -(-args.images // args.batch_size)
    print(f"Model: reference {args.model} VAE, {args.images} images per epoch ({steps} steps of "
          f"{args.batch_size}), {args.rounds} rounds; median epoch (min..max)")
    print(f"Backend: {keras.backend.backend()}, keras {keras.__version__}; device: {device()}; "
          f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for name, seconds in times.items():
        median = float(np.median(seconds))
        print(f"  {name:12} {median:8.3f} s/epoch ({min(seconds):.3f}..{max(seconds):.3f}), "
              f"{1e3 * median / steps:7.3f} ms/step")
    return times


def device():
    if keras.backend.backend() == "jax":
        import jax

        return f"{jax.devices()[0].device_kind} (jax {jax.__version__})"
    return f"{os.cpu_count()} CPU threads"


if __name__ == "__main__":
    main()

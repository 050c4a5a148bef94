"""Is `VAE.train_step` as fast as a plain TensorFlow training step? (TensorFlow backend.)

Two copies of the same model (same encoder and decoder, same initial weights, same loss,
Adam with the same settings) take the same batches:

- ours:  `VAE.train_step`, wrapped in `tf.function` (what `fit` runs, minus the data pipeline);
- plain: a hand-written `tf.GradientTape` step: binarize, encode, decode, loss, apply gradients.

Both run with and without XLA (`jit_compile`). The two are timed in alternating rounds and
the median round is reported, so a burst of load from other processes hits both alike; both
wall-clock and CPU time (this process's threads) are reported.
Also timed: `VAE.fit` on the same images with steps_per_execution 1 and 32.

    KERAS_BACKEND=tensorflow python benchmarks/speed.py --model dense --steps 200
"""

import argparse
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

from vae_keras import losses  # noqa: E402
from vae_keras.reference import reference_conv_vae, reference_dense_vae  # noqa: E402

MODELS = {"dense": reference_dense_vae, "conv": reference_conv_vae}


def plain_train_step(encoder, decoder, optimizer, jit_compile):
    """A hand-written step: dynamic binarization, the negative ELBO, Adam; returns the loss."""
    weights = encoder.trainable_weights + decoder.trainable_weights

    @tf.function(jit_compile=jit_compile)
    def step(x):
        x = tf.cast(tf.random.uniform(tf.shape(x)) < x, x.dtype)
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = encoder(x, training=True)
            x_hat = decoder(z, training=True)
            loss = ops.mean(losses.reconstruction_loss(x, x_hat, "bce")) + ops.mean(losses.kl_loss(z_mean, z_log_var))
        optimizer.apply(tape.gradient(loss, weights), weights)
        return loss

    return step


def time_steps(step, batches):
    """(wall-clock, CPU) seconds per step over one pass through the batches.

    CPU time (all of this process's threads) is what the step costs; on a machine shared with
    other processes it varies less than wall-clock time, which also counts waiting for a core.
    """
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    for batch in batches:
        loss = step(batch)
    float(loss)  # wait for the last step
    return ((time.perf_counter() - start_wall) / len(batches), (time.process_time() - start_cpu) / len(batches))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=sorted(MODELS), default="dense")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=100, help="steps per timed round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--fit-epochs", type=int, default=2, help="0 skips timing fit")
    args = parser.parse_args(argv)
    if keras.backend.backend() != "tensorflow":
        raise SystemExit("benchmarks/speed.py compares with tf.GradientTape: run it with KERAS_BACKEND=tensorflow.")

    rng = np.random.default_rng(0)
    x = rng.random((args.steps * args.batch_size, 28, 28, 1), dtype="float32")
    batches = [tf.constant(x[i:i + args.batch_size]) for i in range(0, len(x), args.batch_size)]

    ours = MODELS[args.model](seed=0)
    plain = MODELS[args.model](seed=0)
    plain.set_weights(ours.get_weights())
    results = {}
    for jit in (False, True):
        ours_train_step = tf.function(ours.train_step, jit_compile=jit)

        def ours_step(batch, train_step=ours_train_step):
            return train_step(batch)["loss"]

        plain_step = plain_train_step(plain.encoder, plain.decoder, plain.optimizer, jit)
        float(ours_step(batches[0])), float(plain_step(batches[0]))  # trace and compile
        rounds = {"ours": [], "plain": []}
        for _ in range(args.rounds):  # alternate, so load from other processes hits both
            rounds["ours"].append(time_steps(ours_step, batches))
            rounds["plain"].append(time_steps(plain_step, batches))
        results[jit] = {name: np.array(times) for name, times in rounds.items()}  # (rounds, [wall, cpu])

    print(f"Model: reference {args.model} VAE ({ours.count_params():,} parameters), batch {args.batch_size}, "
          f"{args.steps} steps x {args.rounds} alternating rounds; medians over rounds (min..max)")
    print(f"Backend: tensorflow {tf.__version__}, keras {keras.__version__}; CPU threads: {os.cpu_count()}; "
          f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for jit, times in results.items():
        for column, clock in enumerate(("wall", "CPU")):
            ours_s, plain_s = (np.median(times[name][:, column]) for name in ("ours", "plain"))
            ranges = {name: f"{1e3 * times[name][:, column].min():.1f}..{1e3 * times[name][:, column].max():.1f}"
                      for name in ("ours", "plain")}
            print(f"  jit_compile={jit!s:5} {clock:4} ms/step: VAE.train_step {1e3 * ours_s:7.2f} ({ranges['ours']})"
                  f"   plain GradientTape {1e3 * plain_s:7.2f} ({ranges['plain']})"
                  f"   ratio ours/plain {ours_s / plain_s:.3f}")

    if args.fit_epochs:
        for steps_per_execution in (1, 32):
            vae = MODELS[args.model](seed=0, steps_per_execution=steps_per_execution)
            vae.fit(x, batch_size=args.batch_size, epochs=1, verbose=0)  # trace and compile, on the same data
            start = time.perf_counter()
            vae.fit(x, batch_size=args.batch_size, epochs=args.fit_epochs, verbose=0)
            per_step = (time.perf_counter() - start) / (args.fit_epochs * args.steps)
            print(f"  VAE.fit, steps_per_execution={steps_per_execution:2}: {1e3 * per_step:7.2f} ms/step "
                  "(data pipeline included)")
    print(f"  load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return results


if __name__ == "__main__":
    main()

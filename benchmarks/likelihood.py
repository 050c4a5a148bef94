"""Test log-likelihood of a reference VAE on binarized MNIST, by the standard protocol.

- MNIST, 60,000 training and 10,000 test images (`--data-path` or VAE_KERAS_MNIST_PATH for a
  local keras-format .npz; otherwise keras.datasets downloads it).
- Dynamic binarization in training: `VAE(binarize=True)` draws x ~ Bernoulli(intensity) at
  every step. The test set is binarized once, with a fixed seed (`datasets.binarize`).
- A Bernoulli decoder (sigmoid head, Bernoulli likelihood), so the loss is the exact negative ELBO.
- Test NLL = −log p(x) by importance sampling with k = 5000 samples per image (Burda et al.,
  2016), and the test ELBO, both in nats per image.

Training stops after `--epochs` epochs or when the next epoch would overrun `--minutes` of
training time, whichever comes first. `--checkpoint run.keras` saves the model (with its
optimizer state) and a `run.keras.json` with the epochs and seconds trained so far; running
the same command again resumes it, so a budget longer than one call (e.g. a 10-minute limit)
is trained over several calls (`--call-minutes` caps the training time of one call).
Evaluation runs once training is complete. The figures are printed as one block; nothing
is appended to any file (`--json PATH` writes them to PATH).

    KERAS_BACKEND=jax python benchmarks/likelihood.py --model conv --minutes 2 \\
        --data-path ../shared/data/mnist.npz --k 5000
"""

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import keras
import numpy as np

from vae_keras import datasets, evaluation, jax_scan
from vae_keras.models import cosine_decay, steps_per_epoch
from vae_keras.reference import reference_conv_vae, reference_dense_vae

MODELS = {"dense": reference_dense_vae, "conv": reference_conv_vae}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--model", choices=sorted(MODELS), default="conv")
    parser.add_argument("--minutes", type=float, default=None, help="training time budget (all calls together)")
    parser.add_argument("--epochs", type=int, default=None, help="number of epochs (all calls together)")
    parser.add_argument("--call-minutes", type=float, default=None,
                        help="training time for this call; resume with --checkpoint for the rest")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--cosine-decay", action="store_true",
                        help="decay the learning rate to 0 along a half cosine over --epochs "
                             "(vae_keras.models.cosine_decay)")
    parser.add_argument("--steps-per-execution", type=int, default=32)
    parser.add_argument("--scan-steps", choices=("auto", "on", "off"), default="auto",
                        help="JAX: run the steps of one execution as one compiled lax.scan ('auto': on a GPU/TPU)")
    parser.add_argument("--seed", type=int, default=0, help="weights, binarization noise and sampling")
    parser.add_argument("--k", type=int, default=5000, help="importance samples per test image")
    parser.add_argument("--test-images", type=int, default=None, help="evaluate on the first N test images")
    parser.add_argument("--train-images", type=int, default=None, help="train on the first N images")
    parser.add_argument("--max-decodes", type=int, default=4096, help="images decoded per step in the NLL")
    parser.add_argument("--dataset", choices=("mnist", "digits"), default="mnist",
                        help="'digits' (embedded, tiny) is for smoke tests only")
    parser.add_argument("--data-path", default=None, help="a keras-format mnist.npz")
    parser.add_argument("--checkpoint", default=None, help="a .keras file to resume from and save to")
    parser.add_argument("--save-every", type=float, default=120.0, help="seconds of training between checkpoints")
    parser.add_argument("--backend-note", default="", help="free text shown with the backend (e.g. the machine)")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    parser.add_argument("--verbose", type=int, default=0, help="verbose for fit")
    args = parser.parse_args(argv)
    if args.minutes is None and args.epochs is None:
        parser.error("give a training budget: --minutes, --epochs or both")
    if args.checkpoint and not args.checkpoint.endswith(".keras"):
        parser.error("--checkpoint must name a .keras file")
    if args.cosine_decay and args.epochs is None:
        parser.error("--cosine-decay decays over the run's epochs: give --epochs")
    return args


def load_data(args):
    """Training images in [0, 1] (dynamically binarized while training), a fixed binary test set."""
    data = datasets.load(args.dataset, path=args.data_path if args.dataset == "mnist" else None)
    if data.name != args.dataset:  # load("mnist") falls back to the digits when offline
        raise SystemExit("MNIST could not be downloaded; give --data-path or set VAE_KERAS_MNIST_PATH.")
    x_train = data.x_train[:args.train_images]
    x_test = datasets.binarize(data.x_test, seed=args.seed)[:args.test_images]  # whole set, then the subset
    return x_train, x_test, data


class TrainingBudget(keras.callbacks.Callback):
    """Stops training before an epoch that would overrun `seconds`; saves a checkpoint now and then."""

    def __init__(self, seconds, save=None, save_every=math.inf):
        super().__init__()
        self.seconds, self.save, self.save_every = seconds, save, save_every
        self.epoch_seconds, self.last_loss = [], None

    def on_train_begin(self, logs=None):
        self.start = self.last_save = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        self.epoch_seconds.append(now - self.epoch_start)
        self.last_loss = (logs or {}).get("loss")
        typical = float(np.median(self.epoch_seconds[1:] or self.epoch_seconds))  # the first one compiles
        if now - self.start + typical > self.seconds:
            self.model.stop_training = True
        if self.save and now - self.last_save > self.save_every:
            self.save(self.elapsed(), epoch + 1)
            self.last_save = time.perf_counter()

    def elapsed(self):
        return time.perf_counter() - self.start


def describe_device():
    """The device the backend computes on, in words."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        device = jax.devices()[0]
        if device.platform != "cpu":
            return f"{device.platform.upper()}: {device.device_kind} (x{jax.device_count()})"
    elif backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU")
            return f"GPU: {name} (x{len(gpus)})"
    model = platform.processor() or "unknown CPU"
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as cpuinfo:
            names = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
        model = names[0] if names else model
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"CPU: {model} ({cores} cores)"


def describe_backend():
    backend = keras.backend.backend()
    module = {"jax": "jax", "tensorflow": "tensorflow", "torch": "torch"}.get(backend)
    version = getattr(sys.modules.get(module), "__version__", "?") if module else "?"
    return f"{backend} {version}, keras {keras.__version__}"


def load_checkpoint(args, examples):
    """(vae, state) from --checkpoint if it exists, else a fresh reference model (for `examples`
    training images) and an empty state."""
    state_path = Path(f"{args.checkpoint}.json") if args.checkpoint else None
    if state_path and state_path.exists() and Path(args.checkpoint).exists():
        state = json.loads(state_path.read_text())
        if state["model"] != args.model:
            raise SystemExit(f"{args.checkpoint} holds a {state['model']} model; this run asks for {args.model}.")
        vae = keras.models.load_model(args.checkpoint)
        print(f"Resuming {args.checkpoint}: {state['epochs']} epochs, {state['train_seconds']:.1f} s trained.")
        return vae, state
    learning_rate = args.learning_rate
    if args.cosine_decay:
        learning_rate = cosine_decay(learning_rate, args.epochs, steps_per_epoch(examples, args.batch_size))
    vae = MODELS[args.model](seed=args.seed, learning_rate=learning_rate,
                             steps_per_execution=args.steps_per_execution)
    return vae, {"model": args.model, "epochs": 0, "train_seconds": 0.0, "epoch_seconds": []}


def save_checkpoint(vae, state, path):
    """Writes the .keras file (weights and optimizer state) and its .json, each replaced whole."""
    temporary = f"{path}.tmp.keras"
    vae.save(temporary)
    os.replace(temporary, path)
    Path(f"{path}.json.tmp").write_text(json.dumps(state, indent=1))
    os.replace(f"{path}.json.tmp", f"{path}.json")


def train(vae, state, x_train, args):
    """Trains until --epochs or --minutes (or --call-minutes for this call); updates state."""
    budget = math.inf if args.minutes is None else 60 * args.minutes - state["train_seconds"]
    if args.call_minutes is not None:
        budget = min(budget, 60 * args.call_minutes)
    target_epochs = args.epochs if args.epochs is not None else 10**9
    if budget <= 0 or state["epochs"] >= target_epochs:
        return state
    done_before, seconds_before = state["epochs"], state["train_seconds"]

    def save(elapsed, epochs):
        state.update(epochs=epochs, train_seconds=seconds_before + elapsed,
                     epoch_seconds=state["epoch_seconds"][:done_before] + budget_callback.epoch_seconds)
        save_checkpoint(vae, state, args.checkpoint)

    budget_callback = TrainingBudget(budget, save if args.checkpoint else None, args.save_every)
    vae.fit(x_train, batch_size=args.batch_size, epochs=target_epochs, initial_epoch=done_before,
            shuffle=True, callbacks=[budget_callback], verbose=args.verbose)
    state["epochs"] = done_before + len(budget_callback.epoch_seconds)
    state["train_seconds"] = seconds_before + budget_callback.elapsed()
    state["epoch_seconds"] = state["epoch_seconds"][:done_before] + budget_callback.epoch_seconds
    state["last_train_loss"] = budget_callback.last_loss and float(budget_callback.last_loss)
    if args.checkpoint:
        save_checkpoint(vae, state, args.checkpoint)
    return state


def training_complete(state, args):
    if args.epochs is not None and state["epochs"] >= args.epochs:
        return True
    if args.minutes is None:
        return False
    typical = float(np.median(state["epoch_seconds"][1:] or state["epoch_seconds"] or [0.0]))
    return state["train_seconds"] + typical > 60 * args.minutes


def main(argv=None):
    """Trains (or resumes), evaluates, prints the figures; returns them as a dict."""
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    x_train, x_test, data = load_data(args)
    vae, state = load_checkpoint(args, len(x_train))
    vae.scan_steps = {"auto": "auto", "on": True, "off": False}[args.scan_steps]
    state = train(vae, state, x_train, args)
    figures = {
        "model": f"reference {args.model} VAE ({vae.count_params():,} parameters)",
        "data": f"{data.name} from {data.source}: {len(x_train)} training images (dynamically binarized), "
                f"{len(x_test)} test images (binarized once, seed {args.seed})",
        "backend": describe_backend() + (f"; {args.backend_note}" if args.backend_note else ""),
        "device": describe_device(),
        "load_average": " ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?",
        "epochs": state["epochs"],
        "train_seconds": round(state["train_seconds"], 1),
        "first_epoch_seconds": round(state["epoch_seconds"][0], 2) if state["epoch_seconds"] else None,
        "epoch_seconds": round(float(np.median(state["epoch_seconds"][1:] or state["epoch_seconds"] or [0])), 3),
        "batch_size": args.batch_size,
        "steps_per_execution": vae.steps_per_execution,
        "scanned": jax_scan.steps_are_scanned(vae),
        "learning_rate": args.learning_rate,
        "cosine_decay": args.cosine_decay,
        "last_train_loss": state.get("last_train_loss"),
    }
    if not training_complete(state, args):
        print(f"Training not complete ({state['epochs']} epochs, {state['train_seconds']:.0f} s): "
              "run the same command again to resume from the checkpoint.")
        figures["complete"] = False
    else:
        figures["complete"] = True
        start = time.perf_counter()
        figures["test_elbo"] = evaluation.elbo(vae, x_test, seed=args.seed)
        figures["elbo_seconds"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        figures["test_nll"] = evaluation.importance_weighted_nll(vae, x_test, k=args.k, max_decodes=args.max_decodes,
                                                                 seed=args.seed)
        figures["nll_seconds"] = round(time.perf_counter() - start, 1)
        figures["k"] = args.k
    print(format_figures(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    return figures


def format_figures(f):
    lines = [
        f"=== Binarized MNIST likelihood: {f['model']} ===",
        f"data        {f['data']}",
        f"backend     {f['backend']}",
        f"device      {f['device']} (load average {f['load_average']})",
        f"training    {f['epochs']} epochs in {f['train_seconds']} s (first epoch, compiling included: "
        f"{f['first_epoch_seconds']} s; then {f['epoch_seconds']} s/epoch), batch {f['batch_size']}, "
        f"Adam lr {f['learning_rate']:g}{' with cosine decay to 0' if f.get('cosine_decay') else ''}, "
        f"{f['steps_per_execution']} steps per call"
        f"{' (one lax.scan)' if f['scanned'] else ''}; last epoch's train loss {_nats(f['last_train_loss'])}",
    ]
    if f["complete"]:
        lines += [
            f"test ELBO   {f['test_elbo']:.2f} nats ({f['elbo_seconds']} s)",
            f"test NLL    {f['test_nll']:.2f} nats = -log p(x), importance sampling with k = {f['k']} "
            f"({f['nll_seconds']} s)",
        ]
    return "\n".join(lines)


def _nats(value):
    return "?" if value is None else f"{value:.2f} nats"


if __name__ == "__main__":
    main()

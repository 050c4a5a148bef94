"""The main command: ``python -m vae_keras train`` trains a VAE and writes its figures.

With no arguments it trains a small dense VAE (2 latents, a Bernoulli decoder on dynamically
binarized images) on the embedded digits, which needs no network and takes a minute or two on
2 CPU cores. `--reference dense|conv` trains one
of the reference VAEs instead (vae_keras.reference: dynamically binarized images, a Bernoulli
decoder), and `--k` adds the importance-sampled test NLL.

A user error (a bad argument, a missing data file, an output folder that cannot be written)
prints one line, ``error: ...``, to stderr and exits with status 2, before any training; a
run whose loss or test ELBO is not finite prints ``error: ...``, saves nothing and exits with 1.
"""

import argparse
import contextlib
import dataclasses
import math
import os
import sys
import tempfile
import time

# What a --reference model fixes itself: these flags cannot apply to it.
REFERENCE_FIXES = {"--encoder", "--decoder", "--head", "--likelihood", "--sigma", "--learn-sigma", "--activation",
                   "--beta"}


def main(argv=None):
    """Runs ``python -m vae_keras COMMAND ...``.

    Args:
        argv: the arguments after ``python -m vae_keras`` (default: sys.argv[1:]).

    Returns:
        The exit status: 0; 2 for a user error (after one ``error:`` line on stderr), as for
        argparse's own errors; 1 for a training run that diverged.
    """
    from vae_keras.course import commands as course_commands  # the program may use both packages

    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(prog="python -m vae_keras", description=__doc__.splitlines()[0])
    parser.add_argument("--backend-logs", action="store_true",
                        help="show the backend's own log lines (TensorFlow's C++ logs), hidden by default")
    commands = parser.add_subparsers(dest="command", required=True)
    # The train parser's choices import Keras and its backend; the course commands need neither.
    if next((word for word in argv if not word.startswith("-")), None) not in course_commands.COMMANDS:
        _add_train_arguments(commands.add_parser(
            "train", help="train a VAE, print its test ELBO, save the model and figures",
            formatter_class=argparse.ArgumentDefaultsHelpFormatter, allow_abbrev=False))
    course_commands.add_commands(commands)
    args = parser.parse_args(argv)  # --backend-logs acts below, before the backend loads
    args.given = {word.split("=")[0] for word in argv if word.startswith("--")}  # the flags the user wrote
    if args.command in course_commands.COMMANDS:
        return course_commands.run(args)
    return train(args)


def _add_train_arguments(p):
    from vae_keras.datasets import NAMES
    from vae_keras.heads import HEADS
    from vae_keras.layers import ACTIVATIONS
    from vae_keras.losses import LIKELIHOODS, SIGMA_SHAPES
    from vae_keras.models import DECODERS, ENCODERS

    p.add_argument("--dataset", default="digits", choices=NAMES,
                   help="'digits' is embedded (no network); mnist and fashion_mnist download, "
                        "or read --data-path, and fall back to digits when offline")
    p.add_argument("--data-path", default=None, help="a local keras-format .npz for mnist/fashion_mnist")
    p.add_argument("--reference", default=None, choices=("dense", "conv"),
                   help="train a reference VAE (vae_keras.reference) on dynamically binarized images; "
                        "--encoder, --decoder, --head, --likelihood, --sigma, --learn-sigma, --activation and "
                        "--beta are refused with it")
    p.add_argument("--encoder", default="dense", choices=ENCODERS, help="encoder kind")
    p.add_argument("--decoder", default="dense", choices=DECODERS,
                   help="decoder kind: dense, or convolutional with Conv2DTranspose ('transpose') "
                        "or UpSampling2D + Conv2D ('upsample')")
    p.add_argument("--latent-dim", type=int, default=None,
                   help="size of z; 2 also draws the latent manifold (default: 2; with --reference, "
                        "the reference's own: 50 dense, 32 conv)")
    p.add_argument("--epochs", type=int, default=60, help="passes over the training set")
    p.add_argument("--batch-size", type=int, default=128, help="images per training step")
    p.add_argument("--learning-rate", type=float, default=1e-3, help="Adam's learning rate")
    p.add_argument("--cosine-decay", action="store_true",
                   help="lower the learning rate to 0 along a half cosine over the --epochs "
                        "(vae_keras.models.cosine_decay)")
    p.add_argument("--head", default="sigmoid", choices=tuple(HEADS),
                   help="decoder output head; the data are rescaled to match it: sigmoid -> [0, 1], "
                        "tanh -> [-1, 1], linear -> standardised")
    p.add_argument("--likelihood", default=None, choices=tuple(LIKELIHOODS),
                   help="the decoder's likelihood p(x|z) (default: the one matched to --head: bernoulli for "
                        "sigmoid, on dynamically binarized images; gaussian for tanh and linear)")
    p.add_argument("--sigma", type=float, default=None,
                   help="the gaussian likelihood's noise scale, in the data's units (default: sqrt(1/2))")
    p.add_argument("--learn-sigma", default=None, choices=SIGMA_SHAPES[1:],
                   help="learn the gaussian's sigma: one 'scalar', or one per pixel ('per_feature')")
    p.add_argument("--activation", default="relu", choices=ACTIVATIONS, help="hidden-layer activation")
    p.add_argument("--k", type=int, default=0,
                   help="also estimate the test NLL -log p(x) by importance sampling with k samples per image "
                        "(the literature uses 5000; 0 skips it)")
    p.add_argument("--beta", type=float, default=1.0, help="weight of the KL term (1 gives the ELBO)")
    p.add_argument("--max-train", type=int, default=None, help="use only this many training images")
    p.add_argument("--max-test", type=int, default=None, help="use only this many test images")
    p.add_argument("--seed", type=int, default=0, help="seeds weights, sampling and data order")
    p.add_argument("--output", default="runs/vae", help="folder for the saved model and PNG figures")
    p.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2), help="Keras progress bar style")
    p.add_argument("--all-devices", action="store_true",
                   help="train on every visible device (GPUs, a TPU's cores), each batch split across them "
                        "(jax and tensorflow backends; --batch-size is the batch of all devices together)")


def error(message, status=2):
    """Prints ``error: <message>`` on one line to stderr.

    Args:
        message: the message, or the exception whose text it is.
        status: the exit status to return.

    Returns:
        status.
    """
    print(f"error: {' '.join(str(message).split())}", file=sys.stderr)
    return status


def train(args):
    """Runs ``python -m vae_keras train``: checks every argument, then loads, trains, evaluates, saves.

    Args:
        args: the parsed arguments of the train command.

    Returns:
        The exit status: 0, 2 for a user error, 1 for a run whose loss or test ELBO is not finite.
    """
    try:
        run = check_train_arguments(args)
        prepare_output(args.output)
    except ValueError as problem:
        return error(problem)

    import keras

    from vae_keras import datasets, devices, evaluation, plotting
    from vae_keras.callbacks import StopOnNonFiniteLoss

    print(f"Keras {keras.__version__} on the {keras.backend.backend()} backend.")
    keras.utils.set_random_seed(args.seed)  # this program's data order too: the same command, the same run
    try:
        data = datasets.load(args.dataset, path=args.data_path, max_train=args.max_train,
                             max_test=args.max_test, seed=args.seed)
        print(data)
    except ValueError as problem:
        return error(problem)
    with devices.data_parallel() if args.all_devices else contextlib.nullcontext(1) as replicas:
        if args.all_devices and replicas == 1:
            print("--all-devices: only one device is visible, so training runs on it as usual.")
        try:
            x_train, x_test, to_pixels = prepare_data(run, data)
            x_train, x_test = split_evenly(x_train, x_test, args.batch_size, replicas)
            vae = build_model(run, len(x_train))  # the schedule spans the data actually trained on
        except ValueError as problem:
            return error(problem)
        start, guard = time.time(), StopOnNonFiniteLoss()
        history = vae.fit(x_train, epochs=args.epochs, batch_size=args.batch_size,
                          validation_data=(x_test,), verbose=args.verbose, callbacks=[guard])
    if guard.stopped_at is not None:
        return error(f"{guard.message()} Nothing was saved.", status=1)
    print(f"Trained {len(history.history['loss'])} epochs in {time.time() - start:.0f} s.")
    test_elbo = evaluation.elbo(vae, x_test)
    if not math.isfinite(test_elbo):
        return error(f"the test ELBO is {test_elbo}: the model does not give finite likelihoods (its weights or "
                     "outputs are not finite), so it was not saved. Retrain it, e.g. with a smaller --beta, "
                     "another --sigma or fewer --epochs.", status=1)
    print(f"Test ELBO: {test_elbo:.2f} nats per image ({vae.likelihood.describe(vae.sigma)}; higher is better).")
    if args.k:
        test_nll = evaluation.importance_weighted_nll(vae, x_test, k=args.k, seed=args.seed)
        print(f"Test NLL: {test_nll:.2f} nats per image (importance sampling, k = {args.k}; lower is better).")

    model_path = os.path.join(args.output, "vae.keras")
    vae.save(model_path)
    written = [model_path] + _write_figures(vae, data, x_test, to_pixels, history, args.output, plotting)
    print("Wrote:\n  " + "\n  ".join(written))
    return 0


@dataclasses.dataclass(frozen=True)
class Run:
    """What the train command's arguments resolve to, once: the one record handed down.

    Args:
        args: the parsed arguments.
        head: the `heads.Head` record of --head (the reference models': sigmoid).
        likelihood: the `losses.Likelihood` record (--likelihood, or the one matched to the head).
        binarize: whether training draws binary images afresh at every step (binary likelihoods).
        sigma: the Gaussian's starting σ, or None.
    """

    args: argparse.Namespace
    head: object
    likelihood: object
    binarize: bool
    sigma: float | None


def check_train_arguments(args):
    """Checks the train arguments once, before any data loads, with the library's own checks.

    Args:
        args: the parsed arguments of the train command.

    Returns:
        A `Run`.

    Raises:
        ValueError: naming the flag, for arguments that cannot work.
    """
    import keras

    from vae_keras import heads, validation

    for flag in ("latent_dim", "max_train", "max_test"):
        if getattr(args, flag) is not None:
            validation.check_positive_int(getattr(args, flag), _flag(flag))
    validation.check_positive_int(args.epochs, "--epochs")
    validation.check_positive_int(args.batch_size, "--batch-size")
    validation.check_positive_number(args.learning_rate, "--learning-rate")
    validation.check_non_negative_int(args.k, "--k")
    validation.check_non_negative_number(args.beta, "--beta")
    validation.check_non_negative_int(args.seed, "--seed")
    if args.data_path is not None:
        if args.dataset == "digits":
            raise ValueError("--data-path names an .npz for mnist or fashion_mnist; the embedded digits need none: "
                             f"drop --data-path. Received: --dataset=digits, --data-path={args.data_path}")
        if not os.path.isfile(args.data_path):
            raise ValueError(f"--data-path {args.data_path!r}: no such file; pass a keras.datasets-format .npz. "
                             f"Received: --data-path={args.data_path}")
    backend = keras.backend.backend()
    if args.all_devices and backend not in ("jax", "tensorflow"):
        raise ValueError("--all-devices needs the jax or tensorflow backend: set KERAS_BACKEND=jax (for a TPU, too) "
                         f"or tensorflow. Received: backend={backend!r}")
    if args.reference:
        ignored = sorted(args.given & REFERENCE_FIXES)
        if ignored:
            raise ValueError(f"--reference {args.reference} trains a fixed model (architecture, Bernoulli likelihood, "
                             f"beta 1), so {', '.join(ignored)} would be ignored: drop them, or drop --reference. "
                             f"Received: --reference={args.reference}")
        likelihood, head, _ = heads.check_likelihood_options("bernoulli", "sigmoid", binarize=True)
        return Run(args, head, likelihood, binarize=True, sigma=None)
    likelihood = args.likelihood or heads.get_head(args.head).likelihood
    flags = {"likelihood": "--likelihood", "sigma": "--sigma", "learn_sigma": "--learn-sigma"}
    likelihood, head, sigma = heads.check_likelihood_options(likelihood, args.head, sigma=args.sigma,
                                                             learn_sigma=args.learn_sigma, names=flags)
    if head.pixel_mean is None and args.max_train == 1:
        raise ValueError(f"--head {head.name} standardises the data with the training images' mean and std, "
                         "which needs --max-train >= 2. Received: --max-train=1")
    return Run(args, head, likelihood, binarize=likelihood.binary, sigma=sigma)


def _flag(name):
    return "--" + name.replace("_", "-")


def prepare_output(folder):
    """Creates the output folder now, before training, and checks that files can be written in it.

    Args:
        folder: the --output folder.

    Raises:
        ValueError: when a file stands in its place, or it cannot be created or written to.
    """
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise ValueError(f"--output {folder!r} is a file, not a folder: choose another --output, or move the file. "
                         f"Received: --output={folder}")
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as problem:
        raise ValueError(f"--output {folder!r} cannot be written to ({problem.strerror or problem}): "
                         f"choose another --output. Received: --output={folder}") from None


def prepare_data(run, data):
    """(x_train, x_test, to_pixels): the images mapped to the head's data, and the map back to pixels.

    A binary likelihood gets binary test images, binarized once (as in the literature); its
    training images are binarized afresh at every step by the model (`VAE(binarize=True)`).
    """
    from vae_keras import datasets

    scaler = run.head.scaler(data.x_train)
    x_train, x_test = scaler.transform(data.x_train), scaler.transform(data.x_test)
    if run.binarize:
        x_test = datasets.binarize(x_test, seed=run.args.seed)
    return x_train, x_test, scaler.inverse_transform


def split_evenly(x_train, x_test, batch_size, replicas):
    """The data, cut so that every batch splits evenly across `replicas` devices where the backend needs it."""
    import keras

    if replicas == 1:
        return x_train, x_test
    print(f"Training on {replicas} devices: each batch of {batch_size} examples is split across them.")
    if keras.backend.backend() != "jax":
        return x_train, x_test
    if batch_size % replicas:
        raise ValueError(f"--batch-size does not split evenly across {replicas} devices: use a multiple of "
                         f"{replicas}. Received: --batch-size={batch_size}")
    keep_train, keep_test = len(x_train) // replicas * replicas, len(x_test) // replicas * replicas
    if (keep_train, keep_test) != (len(x_train), len(x_test)):
        print(f"JAX splits every batch in equal shares: using {keep_train} training and {keep_test} test "
              f"examples (multiples of {replicas}).")
    return x_train[:keep_train], x_test[:keep_test]


def build_model(run, n_train):
    """The compiled VAE the run asks for; with --cosine-decay its schedule spans n_train examples per epoch."""
    import vae_keras
    from vae_keras import models, reference

    args = run.args
    learning_rate = args.learning_rate
    if args.cosine_decay:
        steps = models.steps_per_epoch(n_train, args.batch_size)
        learning_rate = models.cosine_decay(learning_rate, args.epochs, steps)
    if args.reference:
        build = {"dense": reference.reference_dense_vae, "conv": reference.reference_conv_vae}[args.reference]
        latent = {} if args.latent_dim is None else {"latent_dim": args.latent_dim}
        vae = build(seed=args.seed, learning_rate=learning_rate, **latent)
        print(f"Reference {args.reference} VAE ({vae.count_params():,} parameters): training images are "
              "binarized afresh at every step, the test images once.")
        return vae
    return vae_keras.build_vae(args.encoder, args.decoder, latent_dim=args.latent_dim or 2, head=run.head.name,
                               likelihood=run.likelihood.name, beta=args.beta, activation=args.activation,
                               binarize=run.binarize, sigma=run.sigma, learn_sigma=args.learn_sigma,
                               learning_rate=learning_rate, seed=args.seed)


def _write_figures(vae, data, x_test, to_pixels, history, folder, plotting):
    figures = {
        "reconstructions.png": plotting.plot_reconstructions(data.x_test[:10], to_pixels(vae.reconstruct(x_test[:10]))),
        "samples.png": plotting.plot_samples(to_pixels(vae.generate(50, seed=0))),
        "history.png": plotting.plot_history(history),
    }
    if vae.latent_dim == 2:
        figures["latent_scatter.png"] = plotting.plot_latent_scatter(vae.encode(x_test)[0], data.y_test[:len(x_test)])
        if vae.head is not None and vae.head.outputs_pixels:  # the decoder's outputs are pixels already
            figures["manifold.png"] = plotting.plot_latent_manifold(vae.decoder)
    return [plotting.save(fig, os.path.join(folder, name)) for name, fig in figures.items()]


def _hide_native_logs():
    """What native code writes to the stderr file descriptor (TensorFlow's and XLA's C++ log lines)
    goes to /dev/null for the rest of this program, while Python's own sys.stderr (warnings, errors,
    tracebacks, the ``error:`` lines) stays on the terminal."""
    sys.stderr.flush()
    python_stderr = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(python_stderr, "w", buffering=1, encoding=sys.stderr.encoding, errors="backslashreplace")


if __name__ == "__main__":
    # Before any backend loads (importing vae_keras loads none), unless the user asks for them.
    if "--backend-logs" not in sys.argv[1:]:
        _hide_native_logs()
    sys.exit(main())

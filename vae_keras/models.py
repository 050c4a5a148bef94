"""Ready-made VAEs: pick an encoder, a decoder and an output head by name."""

import keras

from vae_keras.decoders import build_conv_decoder, build_dense_decoder
from vae_keras.encoders import build_conv_encoder, build_dense_encoder
from vae_keras.vae import VAE
from vae_keras.validation import check_choice, check_likelihood_alias, check_positive_int, check_positive_number

ENCODERS = ("dense", "conv")
DECODERS = ("dense", "transpose", "upsample")


def build_vae(encoder="dense", decoder="dense", latent_dim=2, head="sigmoid", likelihood=None,
              beta=1.0, activation="relu", binarize=False, sigma=None, learn_sigma=None,
              learning_rate=1e-3, seed=None, reconstruction=None):
    """A compiled VAE for 28×28×1 images.

    Args:
        encoder: "dense" or "conv" (Conv2D + MaxPooling2D).
        decoder: "dense", "transpose" (Conv2DTranspose) or "upsample" (UpSampling2D + Conv2D).
        latent_dim: size of z, a positive int.
        head: the decoder's output head, one of `vae_keras.heads.HEADS`.
        likelihood: the likelihood p(x|z) (see `VAE`); by default the one the head is matched to.
        reconstruction: deprecated alias of `likelihood`; given with it, the two must agree.
        beta, binarize, sigma, learn_sigma: as for `VAE`.
        activation: the hidden layers' activation.
        learning_rate: Adam's learning rate, a positive number or a schedule (see `cosine_decay`).
        seed: seeds the initial weights and every noise source of the model (None: unseeded).
            Nothing global is seeded.

    Returns:
        A compiled `VAE`.
    """
    check_choice(encoder, ENCODERS, "encoder")
    check_choice(decoder, DECODERS, "decoder")
    _check_learning_rate(learning_rate)
    likelihood = check_likelihood_alias(likelihood, reconstruction, "build_vae")
    if encoder == "dense":
        enc = build_dense_encoder(latent_dim, activation=activation, seed=seed)
    else:
        enc = build_conv_encoder(latent_dim, activation=activation, seed=seed)
    if decoder == "dense":
        dec = build_dense_decoder(latent_dim, activation=activation, head=head, seed=seed)
    else:
        dec = build_conv_decoder(latent_dim, upsampling=decoder, activation=activation, head=head, seed=seed)
    vae = VAE(enc, dec, likelihood=likelihood, beta=beta, binarize=binarize, sigma=sigma,  # the head: dec's own
              learn_sigma=learn_sigma, seed=seed)
    return compile_vae(vae, learning_rate)


def compile_vae(vae, learning_rate=1e-3, steps_per_execution=1):
    """Compiles a VAE with Adam and a compiled train step ("auto": XLA where the backend can).

    Args:
        vae: a `VAE`.
        learning_rate: Adam's learning rate: a positive number, or a
            `keras.optimizers.schedules.LearningRateSchedule` (see `cosine_decay`).
        steps_per_execution: training steps per compiled call, a positive int (always 1 on
            PyTorch, which runs one step per call).

    Returns:
        The same `VAE`, compiled.
    """
    _check_learning_rate(learning_rate)
    check_positive_int(steps_per_execution, "steps_per_execution")
    if keras.backend.backend() == "torch":
        steps_per_execution = 1
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate), jit_compile="auto",
                steps_per_execution=steps_per_execution)
    return vae


def _check_learning_rate(learning_rate):
    if not isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        check_positive_number(learning_rate, "learning_rate")


def steps_per_epoch(examples, batch_size):
    """Training steps in one epoch of `examples` in batches of `batch_size`: ceil(examples / batch_size).

    Size a schedule with the examples actually trained on (after any trimming for several devices).

    Args:
        examples, batch_size: positive ints.

    Returns:
        An int.
    """
    examples, batch_size = check_positive_int(examples, "examples"), check_positive_int(batch_size, "batch_size")
    return -(-examples // batch_size)


def cosine_decay(learning_rate, epochs, steps_per_epoch):
    """A learning rate that falls from `learning_rate` to 0 along a half cosine over the whole run.

    Large steps early, then ever smaller ones that let the weights settle (Loshchilov & Hutter,
    2017, without restarts): for the same number of epochs it usually ends at a better optimum
    than a constant rate.

    Args:
        learning_rate: the rate at the first step, a positive number.
        epochs: the run's epochs, a positive int.
        steps_per_epoch: training steps in one epoch, a positive int (see `steps_per_epoch`).

    Returns:
        A `keras.optimizers.schedules.CosineDecay`, to pass as `learning_rate`.
    """
    return keras.optimizers.schedules.CosineDecay(
        check_positive_number(learning_rate, "learning_rate"),
        decay_steps=check_positive_int(epochs, "epochs") * check_positive_int(steps_per_epoch, "steps_per_epoch"))

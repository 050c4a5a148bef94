"""Ready-made VAEs: pick an encoder, a decoder and an output head by name."""

import keras

from vae_keras.decoders import build_conv_decoder, build_dense_decoder
from vae_keras.encoders import build_conv_encoder, build_dense_encoder
from vae_keras.heads import check_pairing, get_head
from vae_keras.vae import VAE
from vae_keras.validation import check_choice, check_positive_int, check_positive_number

ENCODERS = ("dense", "conv")
DECODERS = ("dense", "transpose", "upsample")


def build_vae(encoder="dense", decoder="dense", latent_dim=2, head="sigmoid", reconstruction=None,
              beta=1.0, activation="relu", binarize=False, sigma=None, learn_sigma=None,
              learning_rate=1e-3, seed=None):
    """A compiled VAE for 28×28×1 images.

    Args:
        encoder: "dense" or "conv" (Conv2D + MaxPooling2D).
        decoder: "dense", "transpose" (Conv2DTranspose) or "upsample" (UpSampling2D + Conv2D).
        latent_dim: size of z, a positive int.
        head: the decoder's output head, one of `vae_keras.heads.HEADS`.
        reconstruction: the likelihood (see `VAE`); by default the one the head is matched to.
        beta, binarize, sigma, learn_sigma: as for `VAE`.
        activation: the hidden layers' activation.
        learning_rate: Adam's learning rate, a positive number.
        seed: seeds the initial weights and every noise source of the model (None: unseeded).
            Nothing global is seeded.

    Returns:
        A compiled `VAE`.
    """
    check_choice(encoder, ENCODERS, "encoder")
    check_choice(decoder, DECODERS, "decoder")
    check_positive_number(learning_rate, "learning_rate")
    reconstruction = check_pairing(head, reconstruction or get_head(head).likelihood)
    if encoder == "dense":
        enc = build_dense_encoder(latent_dim, activation=activation, seed=seed)
    else:
        enc = build_conv_encoder(latent_dim, activation=activation, seed=seed)
    if decoder == "dense":
        dec = build_dense_decoder(latent_dim, activation=activation, head=head, seed=seed)
    else:
        dec = build_conv_decoder(latent_dim, upsampling=decoder, activation=activation, head=head, seed=seed)
    vae = VAE(enc, dec, reconstruction=reconstruction, beta=beta, binarize=binarize, sigma=sigma,
              learn_sigma=learn_sigma, seed=seed)
    return compile_vae(vae, learning_rate)


def compile_vae(vae, learning_rate=1e-3, steps_per_execution=1):
    """Compiles a VAE with Adam and a compiled train step ("auto": XLA where the backend can).

    Args:
        vae: a `VAE`.
        learning_rate: Adam's learning rate, a positive number.
        steps_per_execution: training steps per compiled call, a positive int (always 1 on
            PyTorch, which runs one step per call).

    Returns:
        The same `VAE`, compiled.
    """
    check_positive_number(learning_rate, "learning_rate")
    check_positive_int(steps_per_execution, "steps_per_execution")
    if keras.backend.backend() == "torch":
        steps_per_execution = 1
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate), jit_compile="auto",
                steps_per_execution=steps_per_execution)
    return vae

"""Ready-made VAEs: pick an encoder, a decoder and an output head by name."""

import keras

from vae_keras.decoders import MATCHED_LOSS, build_conv_decoder, build_dense_decoder
from vae_keras.encoders import build_conv_encoder, build_dense_encoder
from vae_keras.vae import VAE

ENCODERS = ("dense", "conv")
DECODERS = ("dense", "transpose", "upsample")


def build_vae(encoder="dense", decoder="dense", latent_dim=2, head="sigmoid", reconstruction=None,
              beta=1.0, activation="relu", binarize=False, learning_rate=1e-3, seed=None):
    """A compiled VAE.

    encoder: "dense" or "conv" (Conv2D + MaxPooling2D).
    decoder: "dense", "transpose" (Conv2DTranspose) or "upsample" (UpSampling2D + Conv2D).
    head: "sigmoid", "tanh" or "linear"; reconstruction defaults to the loss it matches.
    """
    if encoder not in ENCODERS:
        raise ValueError(f"Unknown encoder {encoder!r}; expected one of {ENCODERS}.")
    if decoder not in DECODERS:
        raise ValueError(f"Unknown decoder {decoder!r}; expected one of {DECODERS}.")
    if seed is not None:
        keras.utils.set_random_seed(seed)
    if encoder == "dense":
        enc = build_dense_encoder(latent_dim, activation=activation, seed=seed)
    else:
        enc = build_conv_encoder(latent_dim, activation=activation, seed=seed)
    if decoder == "dense":
        dec = build_dense_decoder(latent_dim, activation=activation, head=head)
    else:
        dec = build_conv_decoder(latent_dim, upsampling=decoder, activation=activation, head=head)
    vae = VAE(enc, dec, reconstruction=reconstruction or MATCHED_LOSS.get(head, "bce"),
              beta=beta, binarize=binarize, seed=seed)
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate))
    return vae

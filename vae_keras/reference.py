"""Reference VAEs for binarized MNIST: small models aimed at the literature's likelihoods.

Targets and what has been measured so far: benchmarks/RESULTS.md.

Both are trained the standard way (Burda et al., 2016): dynamic binarization, x ~ Bernoulli(pixel
intensity) drawn afresh at every step (``VAE(binarize=True)``), and a Bernoulli decoder, a sigmoid
head with the Bernoulli likelihood, so that the loss is the exact negative ELBO in nats of the
binary images the model sees.
Judge them with `vae_keras.evaluation.importance_weighted_nll(vae, x_test_binary, k=5000)`;
``benchmarks/likelihood.py`` runs the whole protocol.

    reference_dense_vae   784 -> 500 -> 500 -> 50 latents -> 500 -> 500 -> 784   (Burda's 1-layer VAE, wider, ELU)
    reference_conv_vae    4 Conv2D (28 -> 14 -> 7) -> 256 -> 32 latents -> 256 -> 4 Conv2DTranspose

Both compile for speed: the train step is compiled (XLA where the backend supports it), and
`steps_per_execution` runs several steps per call, so the Python loop and the progress bar cost
little when the steps themselves are fast (on a GPU). TensorFlow loops over them inside its
graph; on a JAX GPU or TPU, `VAE` scans over them in one compiled call (`vae_keras.jax_scan`).
"""

from vae_keras.decoders import build_conv_decoder, build_dense_decoder
from vae_keras.encoders import build_conv_encoder, build_dense_encoder
from vae_keras.models import compile_vae
from vae_keras.vae import VAE

STEPS_PER_EXECUTION = 32


def reference_dense_vae(latent_dim=50, seed=None, learning_rate=1e-3, hidden_units=(500, 500),
                        activation="elu", steps_per_execution=STEPS_PER_EXECUTION):
    """A compiled dense VAE with a Bernoulli decoder, trained on dynamically binarized images.

    Encoder: images (batch, 28, 28, 1) -> Flatten (batch, 784) -> Dense 500 -> Dense 500
        -> [z_mean, z_log_var, z], each (batch, latent_dim).
    Decoder: z (batch, latent_dim) -> Dense 500 -> Dense 500 -> Dense 784 (logits) -> sigmoid
        -> images (batch, 28, 28, 1) in [0, 1], the Bernoulli means.

    ELU activations. Burda et al.'s 1-layer VAE has 2 hidden layers of 200 tanh units on each
    side and 50 latents (86.76 nats with k = 5000, after 3,280 passes); wider ELU layers learn
    faster per epoch (after 6 epochs on MNIST, test ELBO -101.8 nats with ELU, -104.5 with tanh).

    Args:
        latent_dim: the number of latents.
        seed: seeds the initial weights, the sampling noise and the binarization (None: unseeded).
        learning_rate: Adam's learning rate: a positive number, or a keras `LearningRateSchedule`
            such as one from `vae_keras.models.cosine_decay`.
        hidden_units: the encoder's hidden Dense widths; the decoder's are the same, reversed.
        activation: the hidden layers' activation.
        steps_per_execution: training steps per compiled call, a positive int.

    Returns:
        A compiled `VAE`.
    """
    encoder = build_dense_encoder(latent_dim, hidden_units=hidden_units, activation=activation, seed=seed)
    decoder = build_dense_decoder(latent_dim, hidden_units=tuple(reversed(hidden_units)),
                                  activation=activation, head="sigmoid", seed=seed)
    return compile_vae(VAE(encoder, decoder, likelihood="bernoulli", binarize=True, seed=seed,
                           name="reference_dense_vae"), learning_rate, steps_per_execution)


def reference_conv_vae(latent_dim=32, seed=None, learning_rate=1e-3, activation="elu",
                       steps_per_execution=STEPS_PER_EXECUTION):
    """A compiled convolutional VAE with a Bernoulli decoder, trained on dynamically binarized images.

    Encoder: images (batch, 28, 28, 1)
        -> Conv2D 32 (28×28) -> Conv2D 32, strides 2 (14×14)
        -> Conv2D 64 (14×14) -> Conv2D 64, strides 2 (7×7) -> Flatten (batch, 3136) -> Dense 256
        -> [z_mean, z_log_var, z], each (batch, latent_dim).
    Decoder: z (batch, latent_dim) -> Dense 256 -> Dense 3136 -> Reshape (7, 7, 64)
        -> Conv2DTranspose 64 (7×7) -> Conv2DTranspose 64, strides 2 (14×14)
        -> Conv2DTranspose 32 (14×14) -> Conv2DTranspose 32, strides 2 (28×28)
        -> Conv2D 1 (logits) -> sigmoid -> images (batch, 28, 28, 1) in [0, 1].

    All kernels 3×3 with "same" padding; ELU activations throughout.

    Args:
        latent_dim: the number of latents.
        seed: seeds the initial weights, the sampling noise and the binarization (None: unseeded).
        learning_rate: Adam's learning rate: a positive number, or a keras `LearningRateSchedule`
            such as one from `vae_keras.models.cosine_decay`.
        activation: the hidden layers' activation.
        steps_per_execution: training steps per compiled call, a positive int.

    Returns:
        A compiled `VAE`.
    """
    encoder = build_conv_encoder(latent_dim, filters=(32, 32, 64, 64), strides=(1, 2, 1, 2),
                                 downsampling="strides", dense_units=256, activation=activation, seed=seed)
    decoder = build_conv_decoder(latent_dim, filters=(64, 64, 32, 32), strides=(1, 2, 1, 2),
                                 upsampling="transpose", dense_units=256, activation=activation,
                                 head="sigmoid", seed=seed)
    return compile_vae(VAE(encoder, decoder, likelihood="bernoulli", binarize=True, seed=seed,
                           name="reference_conv_vae"), learning_rate, steps_per_execution)


__all__ = ["reference_conv_vae", "reference_dense_vae"]

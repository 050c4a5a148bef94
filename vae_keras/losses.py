"""The two terms of the VAE loss, per image, in nats.

loss = reconstruction_loss + β·kl_loss, the negative ELBO when β = 1.
Every function returns one value per image: shape (batch,).
"""

import math

from keras import ops

EPSILON = 1e-7  # keeps log(p) finite where a sigmoid output reaches exactly 0 or 1
RECONSTRUCTIONS = ("bce", "mse")


def reconstruction_loss(x, x_hat, kind="bce"):
    """−log p(x|z) up to a constant, summed over pixels. x, x_hat: (batch, 28, 28, 1).

    - "bce": binary cross-entropy, the Bernoulli likelihood, for data in [0, 1] and a
      sigmoid head. Exact −log p(x|z) for binary x.
    - "mse": squared error Σ(x − x̂)², the Gaussian likelihood with σ² = ½ minus its
      constant, for [-1, 1] (tanh head) or standardised (linear head) data.
    """
    x, x_hat = ops.convert_to_tensor(x), ops.convert_to_tensor(x_hat)
    if kind == "bce":
        x_hat = ops.clip(x_hat, EPSILON, 1.0 - EPSILON)
        per_pixel = -(x * ops.log(x_hat) + (1.0 - x) * ops.log(1.0 - x_hat))
    elif kind == "mse":
        per_pixel = ops.square(x - x_hat)
    else:
        raise ValueError(f"Unknown reconstruction loss {kind!r}; expected one of {RECONSTRUCTIONS}.")
    return ops.sum(ops.reshape(per_pixel, (ops.shape(x)[0], -1)), axis=-1)


def log_likelihood(x, x_hat, kind="bce"):
    """log p(x|z) in nats, constants included, summed over pixels: shape (batch,).

    "bce" is the Bernoulli log-likelihood; "mse" the Gaussian one with σ² = ½, whose
    negative is Σ(x − x̂)² + (D/2)·log π for D pixels.
    """
    nll = reconstruction_loss(x, x_hat, kind)
    if kind == "mse":
        pixels = math.prod(x.shape[1:])
        nll = nll + 0.5 * pixels * math.log(math.pi)
    return -nll


def kl_loss(z_mean, z_log_var):
    """KL(q(z|x) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²), summed over latents: (batch,)."""
    z_mean, z_log_var = ops.convert_to_tensor(z_mean), ops.convert_to_tensor(z_log_var)
    return -0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)


def log_normal(z, mean, log_var):
    """log N(z; mean, exp(log_var)) summed over the last axis: shape z.shape[:-1]."""
    z, mean, log_var = (ops.convert_to_tensor(t) for t in (z, mean, log_var))
    return -0.5 * ops.sum(
        math.log(2.0 * math.pi) + log_var + ops.square(z - mean) * ops.exp(-log_var), axis=-1
    )

"""The two terms of the VAE loss, per example, in nats, and the likelihoods behind the first.

    loss = reconstruction_loss + β · kl_loss          (the negative ELBO when β = 1)

`reconstruction_loss` is −log p(x|z), the negative log-likelihood of the data under the
distribution the decoder's output x̂ parameterises, constants included. One record per
likelihood, in `LIKELIHOODS`:

    likelihood            models data in   decoder output x̂   −log p(x|z), per value
    bernoulli             {0, 1}           probability         −x·log x̂ − (1 − x)·log(1 − x̂)
    continuous_bernoulli  [0, 1]           λ in (0, 1)         the same − log C(λ)
    gaussian              ℝ                mean μ              (x − μ)²/(2σ²) + log σ + ½·log 2π

On grey-level images in (0, 1) the Bernoulli term is a cross-entropy, a fine training loss but
not the log-probability of anything: binarize the images, or use the continuous Bernoulli
(Loaiza-Ganem & Cunningham, 2019), whose constant C(λ) makes it a density on [0, 1].
A Gaussian with σ² = ½ gives Σ(x − μ)² plus a constant: the "sum of squared errors" loss.

Every function returns one value per example, shape (batch,), summed over the example's values.
"""

import math
from dataclasses import dataclass

import numpy as np
from keras import ops

EPSILON = 1e-7  # keeps log(x̂) finite where a sigmoid output reaches exactly 0 or 1


@dataclass(frozen=True)
class Likelihood:
    """What one decoder likelihood p(x|z) needs and gives.

    Args:
        name: its name, e.g. "gaussian".
        data_range: (low, high), the values the data may take.
        binary: True when it is a log-probability only for data in {0, 1}.
        parameter_range: (low, high), the decoder outputs it accepts (a head must stay inside).
        has_sigma: True when it has a noise scale σ (the Gaussian).
        description: what its log-likelihood is, in a few words.
    """

    name: str
    data_range: tuple
    binary: bool
    parameter_range: tuple
    has_sigma: bool = False
    description: str = ""

    def describe(self, sigma=None):
        """How to read this likelihood's nats, one line, e.g. "bernoulli likelihood, a probability of binary data".

        Args:
            sigma: the Gaussian's σ (a float or an array, as `VAE.sigma` gives it), shown when given.

        Returns:
            A str.
        """
        text = f"{self.name} likelihood, {self.description}"
        if self.has_sigma and sigma is not None:
            low, high = float(np.min(sigma)), float(np.max(sigma))
            text += f", sigma {low:.3g}" if low == high else f", sigma {low:.3g} to {high:.3g}"
        return text


LIKELIHOODS = {
    "bernoulli": Likelihood("bernoulli", (0.0, 1.0), binary=True, parameter_range=(0.0, 1.0),
                            description="a probability of binary data"),
    "continuous_bernoulli": Likelihood("continuous_bernoulli", (0.0, 1.0), binary=False, parameter_range=(0.0, 1.0),
                                       description="a density of values in [0, 1]"),
    "gaussian": Likelihood("gaussian", (-math.inf, math.inf), binary=False, parameter_range=(-math.inf, math.inf),
                           has_sigma=True, description="a density in the units of the data the model sees"),
}
# The names of the losses these likelihoods give, which many tutorials use.
ALIASES = {"bce": "bernoulli", "mse": "gaussian"}
# σ² = ½: the Gaussian's −log p(x|z) is then Σ(x − μ)² + (D/2)·log π, the sum of squared errors.
DEFAULT_SIGMA = math.sqrt(0.5)
# How a learned σ is shaped: fixed (None), one for all values, or one per value of an example.
SIGMA_SHAPES = (None, "scalar", "per_feature")


def get_likelihood(name):
    """The `Likelihood` record of a name or alias ("bce" is "bernoulli", "mse" is "gaussian").

    Args:
        name: one of LIKELIHOODS or ALIASES.

    Returns:
        A `Likelihood`.
    """
    canonical = ALIASES.get(name, name)
    if canonical not in LIKELIHOODS:
        raise ValueError(f"likelihood must be one of {tuple(LIKELIHOODS)} (or an alias in {tuple(ALIASES)}). "
                         f"Received: likelihood={name!r}")
    return LIKELIHOODS[canonical]


def reconstruction_loss(x, x_hat, likelihood="bernoulli", log_sigma=None):
    """−log p(x|z) in nats, constants included, summed over each example's values.

    Args:
        x: the data, (batch, ...).
        x_hat: the decoder's output for it, same shape.
        likelihood: a likelihood name or alias (see `LIKELIHOODS`), or a `Likelihood` record.
        log_sigma: the Gaussian's log σ, a scalar or an array broadcastable to one example's
            shape; None means σ = DEFAULT_SIGMA. Only for "gaussian".

    Returns:
        (batch,) tensor.
    """
    likelihood = likelihood if isinstance(likelihood, Likelihood) else get_likelihood(likelihood)
    x, x_hat = ops.convert_to_tensor(x), ops.convert_to_tensor(x_hat)
    if likelihood.name == "gaussian":
        if log_sigma is None:
            log_sigma = math.log(DEFAULT_SIGMA)
        log_sigma = ops.cast(log_sigma, x_hat.dtype)
        per_value = (0.5 * ops.square((x - x_hat) * ops.exp(-log_sigma)) + log_sigma
                     + 0.5 * math.log(2.0 * math.pi))
    else:
        if log_sigma is not None:
            raise ValueError("log_sigma is a parameter of the Gaussian likelihood only: pass log_sigma=None, or "
                             f"likelihood='gaussian'. Received: likelihood={likelihood.name!r}")
        x_hat = ops.clip(x_hat, EPSILON, 1.0 - EPSILON)
        per_value = -(x * ops.log(x_hat) + (1.0 - x) * ops.log(1.0 - x_hat))
        if likelihood.name == "continuous_bernoulli":
            per_value = per_value - continuous_bernoulli_log_normalizer(x_hat)
    return ops.sum(ops.reshape(per_value, (ops.shape(x)[0], -1)), axis=-1)


def log_likelihood(x, x_hat, likelihood="bernoulli", log_sigma=None):
    """log p(x|z) in nats: the negative of `reconstruction_loss`.

    Args:
        x: the data, (batch, ...).
        x_hat: the decoder's output for it, same shape.
        likelihood: a likelihood name or alias (see `LIKELIHOODS`), or a `Likelihood` record.
        log_sigma: the Gaussian's log σ, as for `reconstruction_loss`. Only for "gaussian".

    Returns:
        (batch,) tensor.
    """
    return -reconstruction_loss(x, x_hat, likelihood, log_sigma)


def continuous_bernoulli_log_normalizer(lam):
    """log C(λ), C(λ) = 2·artanh(1 − 2λ)/(1 − 2λ) (and C(½) = 2), elementwise.

    The continuous Bernoulli's density on [0, 1] is C(λ)·λ^x·(1 − λ)^(1 − x). Near λ = ½ the
    ratio is 0/0, so there we use its Taylor series, log 2 + t²/3 + 13t⁴/90 with t = 1 − 2λ.

    Args:
        lam: λ in (0, 1), any shape.

    Returns:
        log C(λ), same shape.
    """
    lam = ops.clip(ops.convert_to_tensor(lam), EPSILON, 1.0 - EPSILON)
    t = 1.0 - 2.0 * lam
    near_half = ops.abs(t) < 1e-2
    safe_t = ops.where(near_half, 0.5, t)  # keeps the exact branch (and its gradient) finite
    exact = ops.log(2.0 * ops.arctanh(safe_t) / safe_t)
    taylor = math.log(2.0) + ops.square(t) / 3.0 + 13.0 * ops.square(ops.square(t)) / 90.0
    return ops.where(near_half, taylor, exact)


def continuous_bernoulli_mean(lam):
    """E[x] under the continuous Bernoulli with parameter λ: λ/(2λ − 1) + 1/(2·artanh(1 − 2λ)).

    Unlike the Bernoulli's, this mean is not λ: it is pulled towards ½. Show it, not λ, as the
    decoder's picture of an image.

    Args:
        lam: λ in (0, 1), any shape.

    Returns:
        The mean, in (0, 1), same shape.
    """
    lam = ops.clip(ops.convert_to_tensor(lam), EPSILON, 1.0 - EPSILON)
    t = 1.0 - 2.0 * lam
    near_half = ops.abs(t) < 1e-2
    safe_t = ops.where(near_half, 0.5, t)
    exact = -(1.0 - safe_t) / (2.0 * safe_t) + 1.0 / (2.0 * ops.arctanh(safe_t))
    taylor = 0.5 - t / 6.0 - 2.0 * t * ops.square(t) / 45.0
    return ops.where(near_half, taylor, exact)


def kl_loss(z_mean, z_log_var):
    """KL(q(z|x) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²), summed over latents.

    Args:
        z_mean, z_log_var: (batch, latent_dim).

    Returns:
        (batch,) tensor.
    """
    z_mean, z_log_var = ops.convert_to_tensor(z_mean), ops.convert_to_tensor(z_log_var)
    return -0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)


def log_normal(z, mean, log_var):
    """log N(z; mean, exp(log_var)), summed over the last axis.

    Args:
        z, mean, log_var: (..., d), broadcastable to each other.

    Returns:
        Tensor of shape z.shape[:-1].
    """
    z, mean, log_var = (ops.convert_to_tensor(t) for t in (z, mean, log_var))
    return -0.5 * ops.sum(
        math.log(2.0 * math.pi) + log_var + ops.square(z - mean) * ops.exp(-log_var), axis=-1
    )

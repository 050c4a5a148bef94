"""How good is a trained VAE? Both figures are in nats per image (lower NLL is better).

- ELBO = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)), a lower bound on log p(x).
- The importance-weighted estimate of log p(x) (Burda et al., 2016):

      log p(x) ≈ log (1/k) Σ_i p(x|z_i) p(z_i) / q(z_i|x),    z_i ~ q(z|x),

  which tightens towards log p(x) as k grows. We report NLL = −log p(x).
"""

import math

import keras
import numpy as np
from keras import ops
from scipy.special import logsumexp

from vae_keras import losses
from vae_keras.layers import Sampling
from vae_keras.validation import (
    check_model_data,
    check_non_negative_int,
    check_non_negative_number,
    check_positive_int,
)


def elbo(vae, x, batch_size=500, seed=0):
    """Mean ELBO over data x, in nats per example (one z sample each). Higher is better.

    Args:
        vae: a trained `VAE`.
        x: data (n, *shape), n >= 1, of which the model's likelihood is a density (binary images
            for the Bernoulli likelihood); checked with `check_likelihood_data`.
        batch_size: examples per compiled call, a positive int.
        seed: seeds the samples z ~ q(z|x): an int >= 0.

    Returns:
        A float; NaN or infinite only when the model itself is not finite (its training diverged).
    """
    x = check_likelihood_data(vae, x)
    check_positive_int(batch_size, "batch_size")
    check_non_negative_int(seed, "seed")
    elbo_terms = _log_weight_model(vae, 1, seed, output="elbo").predict(x, batch_size=batch_size, verbose=0)
    return float(np.mean(elbo_terms.astype("float64")))


def importance_weighted_nll(vae, x, k=5000, batch_size=None, max_decodes=4096, seed=0):
    """Mean −log p(x) over data x, estimated with k importance samples each, in nats per example.

    The k samples of each image are drawn in chunks of at most `max_decodes`, each chunk with
    its own samples, and the images go through in batches of `batch_size`. Sampling, decoding
    and the log-weights run compiled on the device; only the log-weights (n, chunk) come back,
    so k = 5000 on 10,000 test images fits in memory.

    Args:
        vae: a trained `VAE`.
        x: data (n, *shape), n >= 1, of which the model's likelihood is a density (binary images
            for the Bernoulli likelihood); checked with `check_likelihood_data`.
        k: importance samples per example, a positive int (papers use 5000).
        batch_size: examples per compiled call, a positive int (default: as many as make
            `max_decodes` decodes per call).
        max_decodes: samples decoded per compiled call, at most; a positive int.
        seed: seeds the samples: an int >= 0.

    Returns:
        A float; NaN or infinite only when the model itself is not finite (its training diverged).
    """
    check_positive_int(k, "k")
    check_positive_int(max_decodes, "max_decodes")
    if batch_size is not None:
        check_positive_int(batch_size, "batch_size")
    check_non_negative_int(seed, "seed")
    x = check_likelihood_data(vae, x)
    n_chunks = math.ceil(k / max(1, max_decodes))
    chunk = math.ceil(k / n_chunks)
    batch_size = batch_size or max(1, max_decodes // chunk)
    models = {}  # one compiled model per chunk size, reseeded for each chunk
    log_p = np.full(len(x), -np.inf)
    for i, start in enumerate(range(0, k, chunk)):
        size = min(chunk, k - start)
        if size not in models:
            models[size] = _log_weight_model(vae, size, seed)
        model = models[size]
        state = model.sampling.seed_generator.state
        state.assign(np.array([seed * 7919 + i, 0], dtype=state.dtype))
        log_w = model.predict(x, batch_size=batch_size, verbose=0).astype("float64")
        log_p = np.logaddexp(log_p, logsumexp(log_w, axis=1))
    return float(np.mean(math.log(k) - log_p))


def _log_weight_model(vae, k, seed, output="log_w"):
    """A Keras model: images x (n, H, W, C) -> one value per sample z_i ~ q(z|x), shape (n, k).

    output="log_w":  log w_i = log p(x|z_i) + log p(z_i) − log q(z_i|x)
    output="elbo":   log p(x|z_i) − KL(q(z|x) ‖ p(z)), whose mean is the ELBO.
    Its `predict` runs compiled, on the device.
    """
    return _LogWeights(vae, k, seed, output)


class _LogWeights(keras.Model):
    def __init__(self, vae, k, seed, output, **kwargs):
        super().__init__(name=f"{output}_k{k}", **kwargs)
        self.vae, self.k, self.values = vae, k, output
        self.sampling = Sampling(seed=seed)
        # By hand: neither has weights to make, and Keras has no public way to mark a subclassed model
        # built without calling it once eagerly, a call predict would then repeat.
        self.sampling.built = self.built = True

    def call(self, x):
        z_mean, z_log_var, _ = self.vae.encoder(x)
        z_mean_k = ops.repeat(z_mean, self.k, axis=0)  # (n·k, d): image i's samples are rows i·k ... i·k + k − 1
        z_log_var_k = ops.repeat(z_log_var, self.k, axis=0)
        z = self.sampling([z_mean_k, z_log_var_k])
        x_hat = self.vae.decoder(z)
        log_px_z = losses.log_likelihood(ops.repeat(x, self.k, axis=0), x_hat, self.vae.likelihood, self.vae.log_sigma)
        log_px_z = ops.reshape(log_px_z, (-1, self.k))
        if self.values == "elbo":
            return log_px_z - ops.expand_dims(losses.kl_loss(z_mean, z_log_var), -1)
        log_pz = losses.log_normal(z, ops.zeros_like(z), ops.zeros_like(z))
        log_qz = losses.log_normal(z, z_mean_k, z_log_var_k)
        return log_px_z + ops.reshape(log_pz - log_qz, (-1, self.k))


def check_likelihood_data(vae, x):
    """Raises ValueError when x is not data the model's likelihood is a density of.

    x must be what `VAE.fit` takes (float, of the model's input shape, n >= 1, finite, in the
    likelihood's range). A Bernoulli decoder gives log-probabilities of binary images only: on
    grey levels its reconstruction term is a cross-entropy, and an "ELBO" or "NLL" would be no
    such thing.

    Args:
        vae: a `VAE`.
        x: data (n, *shape), an array or a list of numbers.

    Returns:
        x as a NumPy array.
    """
    from vae_keras.vae import VAE

    if not isinstance(vae, VAE):
        raise TypeError(f"vae must be a vae_keras.VAE. Received: vae of type {type(vae).__name__}")
    values = check_model_data(vae, x, "x")
    if vae.likelihood.binary and not np.all((values == 0) | (values == 1)):
        raise ValueError(
            f"This model's {vae.likelihood.name} likelihood is a probability of binary images only, so on other "
            "values its ELBO or NLL would not be a log-likelihood: binarize the images once "
            "(vae_keras.datasets.binarize(x, seed=0)), or train with the continuous Bernoulli "
            "(likelihood='continuous_bernoulli'), a density of grey levels in [0, 1]. Received: x with values "
            f"other than 0 and 1 (e.g. {values[(values != 0) & (values != 1)].flat[0]:.3g})")
    return values


def active_units(vae, x, threshold=0.01):
    """How many latents the encoder uses on data x.

    Unit u is active when its posterior mean moves with the image (Burda et al., 2016):
    Cov_x(E_q[z_u | x]) > threshold, the variance over x of z_mean[:, u].

    Args:
        vae: a `VAE`.
        x: data (n, *shape), n >= 2 (a variance needs two), checked as in `VAE.fit`.
        threshold: the variance above which a unit counts as active, a number >= 0.

    Returns:
        An int in [0, latent_dim].
    """
    check_non_negative_number(threshold, "threshold")
    z_mean, _, _ = vae.encode(x)
    if len(z_mean) < 2:
        raise ValueError("Expected at least 2 examples in x: a unit's activity is a variance over examples. "
                         f"Received: x with {len(z_mean)} example")
    variances = np.var(np.asarray(z_mean, dtype="float64"), axis=0)  # (latent_dim,)
    return int(np.sum(variances > threshold))


__all__ = ["active_units", "check_likelihood_data", "elbo", "importance_weighted_nll"]

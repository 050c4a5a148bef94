"""How good is a trained VAE? Both figures are in nats per image (lower NLL is better).

- ELBO = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)), a lower bound on log p(x).
- The importance-weighted estimate of log p(x) (Burda et al., 2016):

      log p(x) ≈ log (1/k) Σ_i p(x|z_i) p(z_i) / q(z_i|x),    z_i ~ q(z|x),

  which tightens towards log p(x) as k grows. We report NLL = −log p(x).
"""

import math

import numpy as np
from keras import ops

from vae_keras import losses


def elbo(vae, x, batch_size=500, seed=0):
    """Mean ELBO over images x, in nats (one z sample per image). Higher is better."""
    values = [np.mean(_log_weights(vae, x[i:i + batch_size], 1, seed + i)[1]) * len(x[i:i + batch_size])
              for i in range(0, len(x), batch_size)]
    return float(np.sum(values) / len(x))


def importance_weighted_nll(vae, x, k=5000, batch_size=None, max_decodes=100_000, seed=0):
    """Mean −log p(x) over images x, estimated with k importance samples each, in nats.

    Works through images in batches and samples in chunks so that at most `max_decodes`
    images are decoded at once: k = 5000 on 10,000 test images fits in memory.
    """
    batch_size = batch_size or max(1, max_decodes // k)
    nll = []
    for start in range(0, len(x), batch_size):
        x_batch = x[start:start + batch_size]
        log_p = _importance_log_likelihood(vae, x_batch, k, max_decodes, seed + start)
        nll.append(-log_p)
    return float(np.mean(np.concatenate(nll)))


def _importance_log_likelihood(vae, x, k, max_decodes, seed):
    """log (1/k) Σ_i w_i for each image of x, accumulated chunk by chunk: shape (n,)."""
    chunk = max(1, max_decodes // len(x))
    running = np.full(len(x), -np.inf)
    for i, start in enumerate(range(0, k, chunk)):
        log_w, _ = _log_weights(vae, x, min(chunk, k - start), seed * 7919 + i)
        running = np.logaddexp(running, _logsumexp(log_w, axis=1))
    return running - math.log(k)


def _log_weights(vae, x, k, seed):
    """log w = log p(x|z) + log p(z) − log q(z|x) for k samples z ~ q(z|x) per image.

    Returns (log_w of shape (n, k), elbo_terms of shape (n, k)); with one sample the
    mean of log_w is the single-sample ELBO in its "reconstruction minus KL" form.
    """
    z_mean, z_log_var, _ = vae.encode(x)
    n, d = z_mean.shape
    epsilon = np.random.default_rng(seed).standard_normal((n, k, d)).astype("float32")
    z = z_mean[:, None, :] + np.exp(0.5 * z_log_var)[:, None, :] * epsilon
    x_hat = vae.decode(z.reshape(n * k, d), batch_size=min(n * k, 2048))
    x_rep = np.repeat(np.asarray(x, dtype="float32"), k, axis=0)
    log_px_z = _numpy(losses.log_likelihood(x_rep, x_hat, vae.reconstruction)).reshape(n, k)
    log_pz = _numpy(losses.log_normal(z, np.zeros_like(z), np.zeros_like(z)))
    log_qz = _numpy(losses.log_normal(z, z_mean[:, None, :], z_log_var[:, None, :]))
    kl = _numpy(losses.kl_loss(z_mean, z_log_var))[:, None]
    return log_px_z + log_pz - log_qz, log_px_z - kl


def _numpy(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def _logsumexp(a, axis):
    top = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(top, axis) + np.log(np.sum(np.exp(a - top), axis=axis))


__all__ = ["elbo", "importance_weighted_nll"]

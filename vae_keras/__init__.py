"""vae_keras: a Variational Autoencoder library in Keras 3, and the course built on it.

The library, one job per module:

- datasets: loading (with an offline fallback), rescaling, binarization
- validation: the argument and data checks every entry point shares
- layers: the Sampling layer (reparameterization trick), seeds for layers
- losses: the likelihoods p(x|z) and the KL term, in nats
- heads: one record per output head (data range, likelihood, scaling)
- encoders, decoders: the model builders
- vae: the VAE model (its train_step per backend); callbacks: KL warm-up, the non-finite-loss stop
- jax_scan: several JAX steps per call; devices: training on several devices
- models: build_vae() from names; reference: the reference VAEs for likelihood benchmarks
- evaluation: ELBO and importance-weighted NLL; tabular: tables of measurements
- plotting: figures of a trained VAE

`vae_keras.course` holds the course machinery (quick mode, badges, student versions, exercise
checks, the notebooks' figures); it imports the library, never the reverse.

Importing this package loads no backend: `VAE`, `build_vae`, `load`, ... are imported on first use.
"""

import importlib

_EXPORTS = {
    "VAE": "vae_keras.vae",
    "KLWarmup": "vae_keras.callbacks",
    "Sampling": "vae_keras.layers",
    "build_vae": "vae_keras.models",
    "load": "vae_keras.datasets",
}

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'vae_keras' has no attribute {name!r}")

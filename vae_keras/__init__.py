"""vae_keras: a Variational Autoencoder course in Keras 3.

Modules, one job each: datasets (loading, rescaling, binarization), layers (Sampling),
encoders, decoders, losses, vae (the VAE model), models (ready-made VAEs), evaluation
(ELBO, importance-weighted NLL), analysis (the notebooks' tables), plotting (figures),
course (quick mode, notebook helpers).
"""

from vae_keras.datasets import load
from vae_keras.layers import Sampling
from vae_keras.models import build_vae
from vae_keras.vae import VAE, KLWarmup

__all__ = ["VAE", "KLWarmup", "Sampling", "build_vae", "load"]
__version__ = "0.1.0"

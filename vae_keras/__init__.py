"""vae_keras: a Variational Autoencoder course in Keras 3.

Modules, one job each:

- datasets: loading (with an offline fallback), rescaling, binarization
- validation: argument checks shared by the builders
- layers: the Sampling layer (reparameterization trick), seeds for layers
- losses: the likelihoods p(x|z) and the KL term, in nats
- heads: one record per output head (data range, likelihood, scaling)
- encoders, decoders: the model builders
- vae: the VAE model (its train_step per backend); jax_scan: several JAX steps per call
- models: build_vae() from names; reference: the reference VAEs for likelihood benchmarks
- evaluation: ELBO and importance-weighted NLL; analysis: the notebooks' tables; plotting: figures
- runtime: quick mode and what the notebooks call while they run
- checks: friendly checks for exercises; assignments: student versions and autograding (nbgrader)
- repository: course.toml, Colab badges and install cells (set-repo)
"""

import os
import sys


def _hide_native_logs():
    """For `python -m vae_keras` only: what native code writes to the stderr file descriptor
    (TensorFlow's and XLA's C++ log lines) goes to /dev/null for the rest of the run, while
    Python's own sys.stderr (warnings, errors, tracebacks) stays on the terminal."""
    sys.stderr.flush()
    python_stderr = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(python_stderr, "w", buffering=1, encoding=sys.stderr.encoding, errors="backslashreplace")


# `python -m vae_keras` imports this package before running the command: quieten the backend's
# logs now, before it loads, unless the user asks for them (--backend-logs).
if sys.argv[:1] == ["-m"] and "--backend-logs" not in sys.argv:
    _hide_native_logs()

from vae_keras.datasets import load  # noqa: E402
from vae_keras.layers import Sampling  # noqa: E402
from vae_keras.models import build_vae  # noqa: E402
from vae_keras.vae import VAE, KLWarmup  # noqa: E402

__all__ = ["VAE", "KLWarmup", "Sampling", "build_vae", "load"]
__version__ = "0.1.0"

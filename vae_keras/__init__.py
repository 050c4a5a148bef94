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
The classes a saved model names (`VAE`, `Sampling`) are registered with Keras as soon as both this
package and keras are imported, in either order, so that `keras.saving.load_model(path)` finds them.
"""

import importlib
import sys
import threading

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


def _register_with_keras():
    """Runs the modules whose classes a saved model names, which registers them with Keras
    (`keras.saving.register_keras_serializable`): Keras's deserializer imports modules of its own
    packages only, so `keras.saving.load_model` finds `vae_keras>VAE` only once `vae_keras.vae` has run."""
    from vae_keras import layers, vae  # noqa: F401


class _RegisterWhenKerasLoads:
    """A one-shot import hook on sys.meta_path: registers the library's classes once keras has loaded.

    Importing this package must not import keras (that starts the backend, whose native start-up
    logs the notebooks and the command line hide by importing keras later, in a quiet block). So the
    hook wraps the loaders of keras and of this package's modules, and registers when the outermost
    of them has run: keras is then complete, and no module of this package is half-run (`vae_keras.vae`
    imports names from several of them). Then it removes itself.
    """

    def __init__(self):
        self.running = threading.local()  # how many wrapped modules this thread is running, nested

    def find_spec(self, name, path, target=None):
        if name != "keras" and not name.startswith(f"{__name__}."):
            return None
        for finder in sys.meta_path:
            spec = None if finder is self else getattr(finder, "find_spec", lambda *args: None)(name, path, target)
            if spec is not None:
                if hasattr(spec.loader, "exec_module"):
                    spec.loader = _RunThenRegister(spec.loader, self)
                return spec
        return None

    def run(self, loader, module):
        self.running.depth = getattr(self.running, "depth", 0) + 1
        try:
            loader.exec_module(module)
        finally:
            self.running.depth -= 1
        if self.running.depth == 0 and "keras" in sys.modules and self in sys.meta_path:
            sys.meta_path.remove(self)
            _register_with_keras()


class _RunThenRegister:
    """A module's own loader, whose exec_module runs through the hook; anything else goes to the loader."""

    def __init__(self, loader, hook):
        self.loader, self.hook = loader, hook

    def __getattr__(self, name):
        return getattr(self.loader, name)

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = module.__spec__.loader = self.loader  # the module keeps its own loader
        self.hook.run(self.loader, module)


if "keras" in sys.modules:
    _register_with_keras()
elif not any(isinstance(finder, _RegisterWhenKerasLoads) for finder in sys.meta_path):
    sys.meta_path.insert(0, _RegisterWhenKerasLoads())

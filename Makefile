# `make run`: install everything, then train the default VAE on the embedded digits.
# `make test`: the whole suite, in quick mode, in parallel (pytest-xdist; the TensorFlow leg runs 3 processes,
# as its workers often wait on notebook kernels and subprocesses): the backend-dependent
# unit tests under JAX, then every unit test, the exercises' grading, every notebook (nbval) and the
# browser test under TensorFlow. `make test-torch`: the backend-dependent unit tests under PyTorch.
PYTHON ?= python
PYTEST = $(PYTHON) -m pytest -q -p no:cacheprovider

.PHONY: install run test test-torch

install:
	$(PYTHON) -m pip install -r requirements.txt -e .

run: install
	$(PYTHON) -m vae_keras train

test:
	KERAS_BACKEND=jax $(PYTEST) -n 2 --dist loadgroup tests -m "not notebooks and not backend_independent"
	KERAS_BACKEND=tensorflow $(PYTEST) -n 3 --dist loadgroup notebooks tests --nbval-lax

# PyTorch: the backend-dependent unit tests (torch is large, so it is not in requirements.txt).
test-torch:
	KERAS_BACKEND=torch $(PYTEST) -n 2 --dist loadgroup tests -m "not notebooks and not backend_independent"

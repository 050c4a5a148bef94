# `make run`: install everything, then train the default VAE on the embedded digits.
# `make test`: the whole suite: unit tests under JAX (and PyTorch when installed), then unit
# tests, exercise grading and every notebook (nbval) under TensorFlow, all in quick mode.
PYTHON ?= python
PYTEST = $(PYTHON) -m pytest -q -p no:cacheprovider

.PHONY: install run test

install:
	$(PYTHON) -m pip install -r requirements.txt -e .

run: install
	$(PYTHON) -m vae_keras train

test:
	KERAS_BACKEND=jax $(PYTEST) tests -m "not notebooks"
	if $(PYTHON) -c "import torch" 2>/dev/null; then KERAS_BACKEND=torch $(PYTEST) tests -m "not notebooks"; fi
	KERAS_BACKEND=tensorflow $(PYTEST) tests notebooks --nbval-lax

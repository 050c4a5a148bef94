# `make run`: install everything, then train the default VAE on the embedded digits.
# `make test`: the whole suite, in quick mode, in two legs: the backend-dependent unit tests under JAX
# (`make test-jax`), then every unit test, the exercises' grading, every notebook (nbval) and the browser test
# under TensorFlow (`make test-tensorflow`). Each runs in parallel processes (pytest-xdist, `--dist loadscope`:
# one test module, one notebook, or one notebook's exercise grading per worker at a time, the slowest first;
# tests/notebook_order.py fails any notebook cell that runs apart from its notebook's earlier cells). The
# TensorFlow leg runs 3 processes, as its workers often wait on notebook kernels and subprocesses. The legs run
# one after the other: side by side (make -j2) they took 10 min 36 s instead of about 9, as the processes'
# threads then compete for the 2 cores (benchmarks/RESULTS.md).
# `make test-colab`: what runs on Colab's stack (.ci/colab-versions.txt): every notebook and the exercises' grading.
# `make test-oldest`: the suite in a fresh environment holding exactly the lower bounds of requirements.txt.
# `make test-torch`: the backend-dependent unit tests under PyTorch.
# `make check-claims`: full-mode runs of the notebooks, checking each number their text depends on.
PYTHON ?= python
# Python's default: each of the suite's processes reuses the bytecode of the test modules (rewritten by pytest)
# and of the library instead of compiling them again (2 CPU-s per pytest process where this is set).
unexport PYTHONDONTWRITEBYTECODE
PYTEST = $(PYTHON) -m pytest -q -p no:cacheprovider
UNIT = -m "not notebooks and not backend_independent"
OLDEST = $(CURDIR)/.venv-oldest

.PHONY: install run test test-jax test-tensorflow test-colab test-oldest test-torch check-claims mutation versions

install:
	$(PYTHON) -m pip install -r requirements.txt -e .

run: install
	$(PYTHON) -m vae_keras train

test: test-jax test-tensorflow

test-jax:
	KERAS_BACKEND=jax $(PYTEST) -n 2 --dist loadscope tests $(UNIT)

test-tensorflow:
	KERAS_BACKEND=tensorflow $(PYTEST) -n 3 --dist loadscope notebooks tests --nbval-lax

test-colab:
	KERAS_BACKEND=tensorflow $(PYTEST) -n 3 --dist loadscope notebooks tests/test_exercises.py \
		tests/test_nbgrader_cli.py tests/test_notebook_order.py --nbval-lax

# Every `>=` of requirements.txt becomes `==` in a constraints file, so pip must install the oldest release
# the course claims to support; then the whole suite runs in that environment.
test-oldest:
	rm -rf $(OLDEST) && $(PYTHON) -m venv $(OLDEST)
	sed -n 's/^\([A-Za-z0-9_.-]*\)>=\([0-9.]*\).*/\1==\2/p' requirements.txt > $(OLDEST)/constraints.txt
	$(OLDEST)/bin/python -m pip install -q --upgrade pip
	$(OLDEST)/bin/python -m pip install -q -c $(OLDEST)/constraints.txt -r requirements.txt -e .
	$(MAKE) --no-print-directory versions test PYTHON=$(OLDEST)/bin/python

# PyTorch: the backend-dependent unit tests (torch is large, so it is not in requirements.txt).
test-torch:
	KERAS_BACKEND=torch $(PYTEST) -n 2 --dist loadscope tests $(UNIT)

# The numbers the notebooks' text and model answers depend on, checked on full-mode runs (minutes per
# notebook; not part of `make test`). MNIST from MNIST_PATH when the file is there, else the embedded digits.
MNIST_PATH ?= ../shared/data/mnist.npz
check-claims:
	$(PYTHON) benchmarks/check_claims.py $(if $(wildcard $(MNIST_PATH)),--data-path $(MNIST_PATH))

# Mutation testing of the grading helpers: one-line bugs planted one at a time in checks.py and assignments.py,
# each run against the module's own test file (benchmarks/mutation.py; minutes per module, not part of `make test`).
mutation:
	$(PYTHON) benchmarks/mutation.py checks assignments

# The versions a test run uses, printed at its start.
versions:
	@$(PYTHON) .ci/versions.py

"""Prints the Python and package versions a test run uses (CI's logs start with them)."""

import importlib.metadata
import sys

PACKAGES = ("pytest", "pytest-xdist", "nbval", "nbgrader", "keras", "tensorflow", "jax", "numpy", "scipy",
            "matplotlib", "scikit-learn", "ipykernel", "ipywidgets", "jupyterlab", "playwright")


def version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


print(f"Python {sys.version.split()[0]}: " + "; ".join(f"{name} {version(name)}" for name in PACKAGES))

"""The package's shape: the library never imports the course machinery, and importing it loads no backend."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "vae_keras"
LIBRARY = sorted(path for path in PACKAGE.glob("*.py") if path.name != "__main__.py")


def imports_of(path):
    """The absolute module names a file imports, anywhere in it (inside functions too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", LIBRARY, ids=[path.name for path in LIBRARY])
def test_the_library_never_imports_the_course_package(path):
    course = sorted(name for name in imports_of(path) if name.startswith("vae_keras.course"))
    assert not course, f"{path.name} imports {course}: the course package imports the library, not the reverse"


def test_every_course_module_is_in_the_course_package():
    assert {path.stem for path in (PACKAGE / "course").glob("*.py")} >= {
        "runtime", "repository", "assignments", "checks", "analysis", "figures", "widgets", "commands"}
    assert not {"runtime", "repository", "assignments", "checks", "analysis"} & {path.stem for path in LIBRARY}


def test_importing_vae_keras_loads_no_backend_and_touches_no_file_descriptor():
    code = ("import os, sys; before = os.fstat(2).st_ino; import vae_keras; "
            "print(sorted(m for m in ('keras', 'tensorflow', 'jax', 'torch') if m in sys.modules), "
            "os.fstat(2).st_ino == before, vae_keras.__all__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] True ['KLWarmup', 'Sampling', 'VAE', 'build_vae', 'load']"


def test_the_lazy_exports_are_the_real_objects():
    import vae_keras
    from vae_keras.callbacks import KLWarmup
    from vae_keras.vae import VAE

    assert vae_keras.VAE is VAE and vae_keras.KLWarmup is KLWarmup
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        vae_keras.nothing  # noqa: B018

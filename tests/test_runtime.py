"""What the notebooks call while they run: quick mode, pick, the course data, the setup line."""

import ast
from pathlib import Path

import nbformat
import pytest

from vae_keras.course import runtime


@pytest.mark.parametrize("value, quick", [("1", True), ("true", True), ("YES", True), (" 1 ", True),
                                          ("0", False), ("", False), ("no", False)])
def test_quick_mode_follows_the_environment(monkeypatch, value, quick):
    monkeypatch.setenv(runtime.QUICK_ENV, value)
    assert runtime.quick_mode() is quick
    assert runtime.pick(30, 2) == (2 if quick else 30)


def test_quick_mode_is_off_without_the_variable(monkeypatch):
    monkeypatch.delenv("VAE_KERAS_QUICK", raising=False)
    assert not runtime.quick_mode() and runtime.pick("full", "quick") == "full"


def test_load_course_data_is_small_in_quick_mode(monkeypatch):
    monkeypatch.setenv("VAE_KERAS_QUICK", "1")
    data = runtime.load_course_data("digits", quick_train=100, quick_test=40)
    assert data.x_train.shape == (100, 28, 28, 1) and data.x_test.shape == (40, 28, 28, 1)
    monkeypatch.setenv("VAE_KERAS_QUICK", "0")
    data = runtime.load_course_data("digits", quick_train=100, quick_test=40)
    assert len(data.x_train) + len(data.x_test) == 1797


def test_load_course_data_keeps_the_full_mode_limits(monkeypatch):
    monkeypatch.setenv("VAE_KERAS_QUICK", "0")
    data = runtime.load_course_data("digits", max_train=300, max_test=50, quick_train=100, quick_test=40)
    assert len(data.x_train) == 300 and len(data.x_test) == 50


def test_describe_setup_names_backend_and_mode(monkeypatch):
    import keras

    monkeypatch.setenv("VAE_KERAS_QUICK", "1")
    assert keras.backend.backend() in runtime.describe_setup() and "QUICK mode" in runtime.describe_setup()
    monkeypatch.setenv("VAE_KERAS_QUICK", "0")
    assert "full mode" in runtime.describe_setup()
    assert keras.__version__ in runtime.describe_setup()


# --- The notebooks' setup cell: no backend log lines (issue 19) -----------------------------

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
BACKEND_MODULES = {"keras", "tensorflow", "jax", "torch", "vae_keras"}


def setup_cells(notebook):
    """The code cells of a notebook up to and including its first use of quiet_backend_logs."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cells.append(cell)
            if "quiet_backend_logs" in cell.source:
                return cells
    return cells


def imported_modules(tree):
    """The top-level package names a syntax tree imports, outside any `with` block."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_every_notebook_imports_the_backend_inside_quiet_backend_logs(path):
    cells = setup_cells(nbformat.read(path, as_version=4))
    assert "quiet_backend_logs" in cells[-1].source, f"{path.name} never uses runtime.quiet_backend_logs()"
    for cell in cells:
        tree = ast.parse(cell.source)
        loud = imported_modules(tree) & BACKEND_MODULES - {"vae_keras"}
        assert not loud, f"{path.name} imports {sorted(loud)} before or outside `with runtime.quiet_backend_logs():`"
        blocks = [node for node in tree.body if isinstance(node, ast.With)]
        if cell is cells[-1]:
            assert blocks and any(isinstance(n, (ast.Import, ast.ImportFrom)) and
                                  (n.module if isinstance(n, ast.ImportFrom) else n.names[0].name).startswith("keras")
                                  for n in ast.walk(blocks[0])), f"{path.name}: import keras inside the `with` block"


def stderr_of(cell):
    return "".join(output.get("text", "") for output in cell.outputs
                   if output.output_type == "stream" and output.name == "stderr")


@pytest.mark.notebooks
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_the_setup_cell_prints_nothing_in_a_fresh_kernel_and_later_errors_still_show(backend, monkeypatch):
    """Run in a fresh kernel, as a learner would: the install and setup cells of notebook 01 write nothing
    to stderr; after them the native stderr is back, and an error is shown."""
    from nbclient import NotebookClient

    monkeypatch.setenv("KERAS_BACKEND", backend)
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)  # a learner's machine does not set it
    # ipykernel forwards the native stderr (fd 2) only when PYTEST_CURRENT_TEST is unset; a learner's kernel does.
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    path = NOTEBOOKS[0]
    notebook = nbformat.read(path, as_version=4)
    cells = setup_cells(notebook)
    native = nbformat.v4.new_code_cell("import os\nos.write(2, b'a native line\\n')\n")
    error = nbformat.v4.new_code_cell("raise ValueError('a real error')")
    notebook.cells = [*cells, native, error]
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for cell in cells:
        assert not stderr_of(cell), f"{path.name} under {backend}: the setup prints to stderr: {stderr_of(cell)[:500]}"
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.outputs
    assert backend in "".join(o.get("text", "") for o in cells[-1].outputs), "describe_setup() names the backend"
    assert "a native line" in stderr_of(native), "stderr is still redirected after the setup cell"
    assert [o.evalue for o in error.outputs if o.output_type == "error"] == ["a real error"]

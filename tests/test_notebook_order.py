"""The suite's notebook scheduling: a notebook's cells run in order, in one kernel, or they fail.

pytest-xdist's ``--dist loadgroup`` silently stopped grouping under pytest 9.2 (it rewrites node ids,
which pytest no longer reads), so each later cell met a fresh kernel. The suite now uses
``--dist loadscope`` and the plugin tests/notebook_order.py, which fails any cell that runs without
its notebook's earlier cells. Here both are run on a small notebook, in a pytest of their own.
"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.backend_independent

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def notebook_folder(tmp_path_factory):
    """A folder with a notebook of six cells, each of which needs the one before it."""
    folder = tmp_path_factory.mktemp("order")
    cells = ["n = 0"] + [f"assert n == {i}\nn = {i + 1}" for i in range(5)]
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]),
                   folder / "steps.ipynb")
    return folder


def run_pytest(folder, *options):
    """Runs pytest with the order plugin on the folder's notebook; returns (exit status, output)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTEST_XDIST_WORKER", None)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "tests.notebook_order",
               "--rootdir", str(folder), "--nbval-lax", "-q", *options, str(folder / "steps.ipynb")]
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def test_cells_spread_over_workers_fail_with_a_message_that_names_the_fix(notebook_folder):
    pytest.importorskip("xdist")
    status, output = run_pytest(notebook_folder, "-n", "2", "--dist", "load")
    assert status == 1, output
    assert "did not run the notebook's earlier cells" in output and "--dist loadscope" in output, output


def test_without_xdist_a_notebook_runs_in_order_in_one_kernel(notebook_folder):
    """(Under `--dist loadscope` the suite itself is the test: every notebook's cells run with this plugin.)"""
    status, output = run_pytest(notebook_folder, "-p", "no:xdist")
    assert status == 0, output
    assert "6 passed" in output, output


def test_the_suite_itself_runs_with_the_plugin(request):
    assert request.config.pluginmanager.has_plugin("tests.notebook_order")

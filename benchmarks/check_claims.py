"""Checks the numbers that the notebooks' text and model answers depend on, on a full-mode run.

Each notebook's claims live in ``benchmarks/claims/nbNN.py``: a list ``CLAIMS`` of
``(sentence, expression)`` pairs. The expression is Python evaluated in the notebook's own kernel
after the whole notebook has run in full mode (``VAE_KERAS_QUICK`` unset, real MNIST when
``--data-path`` or ``VAE_KERAS_MNIST_PATH`` gives it); it returns ``(passed, value)``, where value is
what the sentence is about, printed beside the verdict. It prints one line per claim and exits 1
when any fails. It is not part of the test command (a full run takes minutes per notebook):

    python benchmarks/check_claims.py --data-path ../shared/data/mnist.npz        # every notebook
    python benchmarks/check_claims.py 02 05 --data-path ../shared/data/mnist.npz  # some
"""

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = Path(__file__).resolve().parent / "claims"


def claims_of(notebook):
    """The CLAIMS list of benchmarks/claims/nbNN.py for a notebook path, or [] when it has none."""
    path = CLAIMS / f"nb{notebook.name[:2]}.py"
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CLAIMS


def check_notebook(path, claims, timeout):
    """Runs a notebook in full mode in one kernel (a failing cell raises), then each claim in that
    kernel; returns [(passed, value text)] in the claims' order."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        return [evaluate(client, expression) for _, expression in claims]


def evaluate(client, expression):
    """(passed, value text) of a claim's expression, evaluated in the notebook's kernel."""
    cell = nbformat.v4.new_code_cell(f"_passed, _value = ({expression})\nprint(bool(_passed), '|', _value)")
    client.execute_cell(cell, 0, store_history=False)
    text = "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")
    errors = [f"{output.ename}: {output.evalue}" for output in cell.outputs if output.output_type == "error"]
    if errors or "|" not in text:
        return False, f"could not evaluate: {errors or text}"
    passed, value = text.strip().split("|", 1)
    return passed.strip() == "True", value.strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook numbers (default: all with claims)")
    parser.add_argument("--data-path", help="MNIST as a keras-format .npz (sets VAE_KERAS_MNIST_PATH)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds one cell may run")
    args = parser.parse_args(argv)
    os.environ.pop("VAE_KERAS_QUICK", None)
    os.environ.setdefault("MPLBACKEND", "Agg")
    if args.data_path:
        os.environ["VAE_KERAS_MNIST_PATH"] = str(Path(args.data_path).resolve())
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.notebooks:
        notebooks = [path for path in notebooks if path.name[:2] in {n.zfill(2) for n in args.notebooks}]
    failed = 0
    for path in notebooks:
        claims = claims_of(path)
        if not claims:
            continue
        start = time.time()
        results = check_notebook(path, claims, args.timeout)
        print(f"{path.name}: ran in full mode in {time.time() - start:.0f} s")
        for (sentence, _), (passed, value) in zip(claims, results):
            failed += not passed
            print(f"  {'PASS' if passed else 'FAIL'}  {sentence}  [{value}]")
        sys.stdout.flush()
    print(f"{failed} claim{'s' if failed != 1 else ''} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

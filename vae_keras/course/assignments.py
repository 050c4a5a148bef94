"""Exercises that instructors can assign and grade, with nbgrader's own machinery.

The instructor notebooks (``notebooks/*.ipynb``) hold nbgrader exercises: solution cells
whose answer sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, and autograder
test cells (``"grade": true`` with ``"points"``), optionally with ``### BEGIN HIDDEN TESTS``
regions. `student_versions` turns them into the notebooks students receive, by running the
same preprocessors, in the same order, as ``nbgrader generate_assignment``; `autograde`
runs a notebook and scores its test cells the way ``nbgrader autograde`` does.
"""

import glob
import os
from typing import NamedTuple

STUB = "raise NotImplementedError()"


def _generate_assignment_preprocessors():
    """nbgrader's generate_assignment chain, without SaveCells (it writes to a gradebook).

    The chain stubs solutions (ClearSolutions), clears outputs (ClearOutput), locks test
    cells (LockCells), drops hidden tests and mark schemes (ClearHiddenTests, ClearMarkScheme),
    and checksums the graded cells and validates their metadata (ComputeChecksums,
    CheckCellMetadata), so the result can be autograded by nbgrader.
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import SaveCells

    chain = GenerateAssignment.class_traits()["preprocessors"].default()
    return [cls() for cls in chain if cls is not SaveCells]


def student_notebook(notebook, path="."):
    """Makes the student version of an instructor notebook, as nbgrader generate_assignment does.

    Args:
        notebook: the instructor notebook, an nbformat NotebookNode (left unmodified).
        path: the notebook's folder (nbgrader resolves resources relative to it).

    Returns:
        The student version, a new NotebookNode.
    """
    import copy

    notebook = copy.deepcopy(notebook)
    resources = {"metadata": {"path": path}, "nbgrader": {}}
    for preprocessor in _generate_assignment_preprocessors():
        notebook, resources = preprocessor.preprocess(notebook, resources)
    return notebook


def student_versions(source="notebooks", output="student", root=None):
    """Writes one student notebook to `output` per instructor notebook in `source`.

    Solutions become nbgrader's stub (``# YOUR CODE HERE`` / ``raise NotImplementedError()``),
    hidden tests and outputs go, nbgrader metadata stays (with checksums), and each Colab
    badge is pointed at the student notebook's own path relative to the course root (when
    `output` lies outside the root, the output's parent folder stands in for it).

    Args:
        source: the folder of the instructor notebooks (``*.ipynb``).
        output: the folder for the student notebooks, created if needed; not `source`.
        root: the course folder, which holds course.toml; None finds it from `source` upwards,
            so that the paths may be given from any current directory.

    Returns:
        The paths (str) of the student notebooks written.

    Raises:
        ValueError: when `source` holds no notebooks, `output` is `source`, no course.toml is
            found, or nbgrader rejects a notebook's exercise regions or metadata.
    """
    import nbformat
    from nbgrader.nbgraderformat import ValidationError

    from vae_keras.course.repository import find_course_root, read_course_settings, rewrite_notebook

    paths = sorted(glob.glob(os.path.join(source, "*.ipynb")))
    if not paths:
        raise ValueError(f"Expected instructor notebooks (*.ipynb) in {os.fspath(source)!r}; found none.")
    if os.path.realpath(source) == os.path.realpath(output):
        raise ValueError(f"The output folder must differ from the source folder; got {os.fspath(output)!r} for both.")
    root = os.path.abspath(find_course_root(source) if root is None else root)
    settings = read_course_settings(root)
    badge_root = root if _is_within(output, root) else os.path.dirname(os.path.abspath(output))
    os.makedirs(output, exist_ok=True)
    written = []
    for path in paths:
        try:
            notebook = student_notebook(nbformat.read(path, as_version=4), path=os.path.dirname(path) or ".")
        except (RuntimeError, ValidationError) as error:  # nbgrader's complaints about regions or metadata
            raise ValueError(f"{path}: {error}") from error
        target = os.path.join(output, os.path.basename(path))
        nbformat.write(notebook, target)
        rewrite_notebook(target, settings["repository"], settings["branch"], root=badge_root)
        written.append(target)
    return written


def exercises(notebook):
    """Lists a notebook's autograded exercises and their points.

    Args:
        notebook: an nbformat NotebookNode, or the path of a notebook file.

    Returns:
        A dict {grade_id: points (float)} of its autograder test cells.
    """
    from nbgrader import utils

    notebook = _read(notebook)
    return {cell.metadata["nbgrader"]["grade_id"]: float(cell.metadata["nbgrader"]["points"])
            for cell in notebook.cells if utils.is_grade(cell)}


# --- Grading ------------------------------------------------------------------------------

TIMEOUT_ERROR = "CellTimeoutError"  # the error a cell that ran past the timeout gets, as in nbgrader


class Grade(NamedTuple):
    """One autograder test cell: its points (awarded only when passed), and why it failed."""

    points: float
    passed: bool
    error: str | None  # the exception's name (TIMEOUT_ERROR for a timeout), "stderr", or None when passed


def execute(path, timeout=600):
    """Runs a notebook top to bottom in a python3 kernel, in its folder, errors allowed.

    A cell that runs longer than `timeout` is interrupted and gets a ``CellTimeoutError``
    error output (as ``nbgrader autograde`` does); the remaining cells still run.

    Args:
        path: the notebook file (left untouched).
        timeout: the longest a cell may run, in seconds (a positive int).

    Returns:
        The executed notebook, an nbformat NotebookNode.
    """
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
        raise ValueError(f"Expected timeout as a positive whole number of seconds per cell; got {timeout!r}.")

    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    folder = os.path.dirname(os.path.abspath(path))
    message = f"The cell ran longer than the timeout of {timeout} s, so the kernel was interrupted."
    NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                   interrupt_on_timeout=True,
                   error_on_timeout={"ename": TIMEOUT_ERROR, "evalue": message, "traceback": []},
                   on_cell_executed=_record_timeout,
                   resources={"metadata": {"path": folder}}).execute()
    return notebook


def grades(notebook):
    """Scores the test cells of an executed notebook by nbgrader's rules.

    A test cell earns its points when its outputs hold no error and nothing on stderr
    (nbgrader counts stderr output as a failure, so warnings printed by a test cost its points).

    Args:
        notebook: an executed nbformat NotebookNode, or the path of one.

    Returns:
        A dict {grade_id: Grade(points, passed, error)}.
    """
    from nbgrader import utils

    results = {}
    for cell in _read(notebook).cells:
        if not (utils.is_grade(cell) and cell.cell_type == "code"):
            continue
        score, max_points = utils.determine_grade(cell)
        results[cell.metadata["nbgrader"]["grade_id"]] = Grade(
            points=max_points, passed=score == max_points, error=None if score == max_points else _failure(cell))
    return results


def autograde(path, timeout=600):
    """Executes a notebook and grades it, as ``nbgrader autograde`` would.

    Args:
        path: the notebook file (left untouched).
        timeout: the longest a cell may run, in seconds; a cell past it fails, the rest still run.

    Returns:
        A dict {grade_id: Grade(points, passed, error)}.
    """
    return grades(execute(path, timeout=timeout))


def _record_timeout(cell, execute_reply, **kwargs):
    """nbclient hook: gives a timed-out cell the timeout error, keeping where it was interrupted.

    On a timeout nbclient interrupts the kernel and replies with `error_on_timeout` itself; the
    cell's own outputs hold at most the KeyboardInterrupt of the interrupted kernel.
    """
    import nbformat

    reply = execute_reply["content"]
    if reply.get("status") != "error" or reply.get("ename") != TIMEOUT_ERROR:
        return
    interrupts = [i for i, output in enumerate(cell.outputs)
                  if output.output_type == "error" and output.ename == "KeyboardInterrupt"]
    traceback = list(cell.outputs[interrupts[0]].traceback) if interrupts else []
    error = nbformat.v4.new_output("error", ename=TIMEOUT_ERROR, evalue=reply["evalue"],
                                   traceback=[*traceback, f"{TIMEOUT_ERROR}: {reply['evalue']}"])
    if interrupts:
        cell.outputs[interrupts[0]] = error
    else:
        cell.outputs.append(error)


def _failure(cell):
    for output in cell.outputs:
        if output.output_type == "error":
            return output.ename
        if output.output_type == "stream" and output.name == "stderr":
            return "stderr"
    return "partial credit"


def _is_within(path, folder):
    """Whether `path` is `folder` or lies inside it."""
    path, folder = os.path.abspath(path), os.path.abspath(folder)
    return os.path.commonpath([path, folder]) == folder


def _read(notebook):
    import nbformat

    return nbformat.read(notebook, as_version=4) if isinstance(notebook, (str, os.PathLike)) else notebook

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
import sys
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
    """The student version of an instructor notebook (an nbformat NotebookNode, not modified).

    `path` is the notebook's folder (nbgrader resolves resources relative to it).
    """
    import copy

    notebook = copy.deepcopy(notebook)
    resources = {"metadata": {"path": path}, "nbgrader": {}}
    for preprocessor in _generate_assignment_preprocessors():
        notebook, resources = preprocessor.preprocess(notebook, resources)
    return notebook


def student_versions(source="notebooks", output="student", root="."):
    """Writes one student notebook to `output` per instructor notebook in `source`.

    Solutions become nbgrader's stub (``# YOUR CODE HERE`` / ``raise NotImplementedError()``),
    hidden tests and outputs go, nbgrader metadata stays (with checksums), and each Colab
    badge is pointed at the student notebook's own path, relative to `root` (the repository
    root, which holds course.toml; when `output` lies outside it, the output's parent folder
    stands in for the root). Returns the written paths.
    """
    import nbformat
    from nbgrader.nbgraderformat import ValidationError

    from vae_keras.course import read_course_settings, rewrite_notebook

    paths = sorted(glob.glob(os.path.join(source, "*.ipynb")))
    if not paths:
        raise ValueError(f"Expected instructor notebooks (*.ipynb) in {source!r}; found none.")
    if os.path.realpath(source) == os.path.realpath(output):
        raise ValueError(f"The output folder must differ from the source folder; got {output!r} for both.")
    settings = read_course_settings(root)
    badge_root = root
    if os.path.relpath(os.path.abspath(output), os.path.abspath(root)).startswith(os.pardir):
        badge_root = os.path.dirname(os.path.abspath(output))
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
    """{grade_id: points} of the autograder test cells of a notebook (a NotebookNode or a path)."""
    from nbgrader import utils

    notebook = _read(notebook)
    return {cell.metadata["nbgrader"]["grade_id"]: float(cell.metadata["nbgrader"]["points"])
            for cell in notebook.cells if utils.is_grade(cell)}


def student_versions_command(args):
    """``python -m vae_keras student-versions [--source notebooks] [--output student]``."""
    try:
        written = student_versions(args.source, args.output)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {len(written)} student notebooks (solutions stubbed, hidden tests and outputs removed):")
    for path in written:
        points = exercises(path)
        print(f"  {path}: {len(points)} exercises, {sum(points.values()):g} points")
    return 0


# --- Grading ------------------------------------------------------------------------------

class Grade(NamedTuple):
    """One autograder test cell: its points (awarded only when passed), and why it failed."""

    points: float
    passed: bool
    error: str | None  # the exception's name, "stderr", or None when passed


def execute(path, timeout=600):
    """Runs the notebook at `path` top to bottom in a python3 kernel, errors allowed.

    Runs in the notebook's folder; returns the executed NotebookNode (the file is untouched).
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    folder = os.path.dirname(os.path.abspath(path))
    NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": folder}}).execute()
    return notebook


def grades(notebook):
    """{grade_id: Grade} for an executed notebook, scored by nbgrader's rules.

    A test cell earns its points when its outputs hold no error and nothing on stderr
    (nbgrader counts stderr output as a failure, so warnings printed by a test cost its points).
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
    """Executes the notebook at `path` and grades it: {grade_id: (points, passed, error)}."""
    return grades(execute(path, timeout=timeout))


def _failure(cell):
    for output in cell.outputs:
        if output.output_type == "error":
            return output.ename
        if output.output_type == "stream" and output.name == "stderr":
            return "stderr"
    return "partial credit"


def _read(notebook):
    import nbformat

    return nbformat.read(notebook, as_version=4) if isinstance(notebook, (str, os.PathLike)) else notebook

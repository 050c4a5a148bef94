"""Exercises that instructors can assign and grade, with nbgrader's own machinery.

The instructor notebooks (``notebooks/*.ipynb``) hold nbgrader exercises: solution cells
whose answer sits in an nbgrader solution region, and autograder test cells (``"grade": true``
with ``"points"``), optionally with hidden-test regions; and manually graded answers
(markdown cells with ``"grade": true`` and ``"solution": true``, whose instructor text is a
model answer and rubric). `student_versions` turns them into the notebooks students receive,
by running the same preprocessors, in the same order, as ``nbgrader generate_assignment``;
`handout` writes those notebooks, a README and the library's wheel into a folder to push as
its own public repository; `autograde` runs a notebook and scores its test cells the way
``nbgrader autograde`` does, leaving the written answers to a person.
"""

import glob
import os
import re
from typing import NamedTuple

STUB = "raise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"  # what nbgrader leaves of a manually graded answer in the student version


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
    manually graded answers become ``YOUR ANSWER HERE``, hidden tests and outputs go, nbgrader
    metadata stays (with checksums), and each Colab badge is pointed at the student notebook's
    own path relative to the course root (when `output` lies outside the root, the output's
    parent folder stands in for it).

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
    from vae_keras.course.repository import find_course_root, read_course_settings

    paths = _instructor_notebooks(source)
    if os.path.realpath(source) == os.path.realpath(output):
        raise ValueError(f"The output folder must differ from the source folder. Received: {os.fspath(output)!r} for "
                         f"both")
    root = os.path.abspath(find_course_root(source) if root is None else root)
    settings = read_course_settings(root)
    badge_root = root if _is_within(output, root) else os.path.dirname(os.path.abspath(output))
    return _write_student_versions(paths, output, settings["repository"], settings["branch"], badge_root)


def _instructor_notebooks(source):
    paths = sorted(glob.glob(os.path.join(source, "*.ipynb")))
    if not paths:
        raise ValueError(f"Expected instructor notebooks (*.ipynb) in {os.fspath(source)!r}; found none.")
    return paths


def _write_student_versions(paths, output, repository, branch, badge_root, install=None):
    """Makes every student version first (a notebook nbgrader rejects writes nothing), then writes them."""
    import nbformat
    from nbgrader.nbgraderformat import ValidationError

    from vae_keras.course.repository import rewrite_notebook

    students = []
    for path in paths:
        try:
            students.append(student_notebook(nbformat.read(path, as_version=4), path=os.path.dirname(path) or "."))
        except (RuntimeError, ValidationError) as error:  # nbgrader's complaints about regions or metadata
            raise ValueError(f"{path}: {error}") from error
    os.makedirs(output, exist_ok=True)
    written = []
    for path, notebook in zip(paths, students):
        target = os.path.join(output, os.path.basename(path))
        nbformat.write(notebook, target)
        rewrite_notebook(target, repository, branch, root=badge_root, install=install)
        written.append(target)
    return written


def exercises(notebook):
    """Lists a notebook's autograded exercises and their points.

    Args:
        notebook: an nbformat NotebookNode, or the path of a notebook file.

    Returns:
        A dict {grade_id: points (float)} of its autograder test cells (the manually graded
        answers are `written_answers`).
    """
    from nbgrader import utils

    notebook = _read(notebook)
    return {cell.metadata["nbgrader"]["grade_id"]: float(cell.metadata["nbgrader"]["points"])
            for cell in notebook.cells
            if utils.is_grade(cell) and not utils.is_solution(cell) and cell.cell_type == "code"}


def written_answers(notebook):
    """Lists a notebook's manually graded answers and their points.

    A manually graded answer is a cell that is both graded and the student's to write
    (``"grade": true, "solution": true``): a person grades it, in nbgrader's formgrader.

    Args:
        notebook: an nbformat NotebookNode, or the path of a notebook file.

    Returns:
        A dict {grade_id: points (float)}.
    """
    from nbgrader import utils

    notebook = _read(notebook)
    return {cell.metadata["nbgrader"]["grade_id"]: float(cell.metadata["nbgrader"]["points"])
            for cell in notebook.cells if utils.is_grade(cell) and utils.is_solution(cell)}


# --- What the student version must not show -----------------------------------------------

MIN_ANSWER_LINE = 20  # characters: shorter lines (`z = f(x)`, `x = x + 1`) are too common to give an answer away
_TRIVIAL = re.compile(r"(return|yield)(\s+[A-Za-z_][\w.]*)?|pass|\.\.\.|raise NotImplementedError(\(\))?")
_COMMENT = re.compile(r"\s#\s")


def _normalize(line):
    """A line stripped, with each run of whitespace made one space."""
    return " ".join(line.split())


def solution_lines(cell):
    """The lines of a solution cell that give its answer away.

    They are the lines of the cell's nbgrader solution region (between nbgrader's begin- and
    end-solution delimiters; this module spells no delimiter out, so that the library, shipped
    in every hand-out, holds none), stripped, with each run of whitespace made one space and a
    trailing comment cut, leaving out blank and comment lines, lines of fewer than
    `MIN_ANSWER_LINE` characters, ``return name``, ``pass``, and the lines the stub keeps (those
    that also stand outside the region, e.g. a ``def`` line).

    Args:
        cell: a solution cell (an nbformat NotebookNode) of an instructor notebook.

    Returns:
        The lines, a sorted list of str (empty for a cell without a solution region).
    """
    from nbgrader.preprocessors import ClearSolutions

    delimiters = ClearSolutions()
    inside, outside, within = set(), set(), False
    for line in cell.source.splitlines():
        if delimiters.begin_solution_delimeter in line:
            within = True
            continue
        if delimiters.end_solution_delimeter in line:
            within = False
            continue
        line = _normalize(line)
        comment = _COMMENT.search(line)
        if comment and line[:comment.start()].count('"') % 2 == 0 and line[:comment.start()].count("'") % 2 == 0:
            line = line[:comment.start()].rstrip()
        (inside if within else outside).add(line)
    return sorted(line for line in inside - outside
                  if len(line) >= MIN_ANSWER_LINE and not line.startswith("#") and not _TRIVIAL.fullmatch(line))


def answer_text(cell):
    """The instructor's text of a manually graded answer (model answer, rubric) as lines.

    Args:
        cell: a manually graded answer cell of an instructor notebook.

    Returns:
        Its lines of at least `MIN_ANSWER_LINE` characters, stripped, each run of whitespace
        made one space, a sorted list of str.
    """
    return sorted({_normalize(line) for line in cell.source.splitlines() if len(_normalize(line)) >= MIN_ANSWER_LINE})


def leaked_answers(notebook, path="."):
    """Finds answers that the student version shows outside their own cell.

    For each solution cell of the instructor notebook, the `solution_lines` that appear (as
    text, whitespace aside) in any other cell of its student version: an answer printed,
    restated or derived by another cell, or given away by a visible test. Manually graded
    answers are checked the same way, with their `answer_text`.

    Args:
        notebook: the instructor notebook, an nbformat NotebookNode or the path of one.
        path: the notebook's folder (used when `notebook` is a NotebookNode).

    Returns:
        A dict {grade_id: [lines]} of the cells whose answers leak; empty when none does.
    """
    from nbgrader import utils

    if isinstance(notebook, (str, os.PathLike)):
        path = os.path.dirname(os.fspath(notebook)) or "."
    instructor = _read(notebook)
    student = student_notebook(instructor, path=path)
    texts = ["\n".join(_normalize(line) for line in cell.source.splitlines()) for cell in student.cells]
    leaks = {}
    for index, cell in enumerate(instructor.cells):
        if not utils.is_solution(cell):
            continue
        lines = answer_text(cell) if cell.cell_type == "markdown" else solution_lines(cell)
        found = sorted({line for line in lines
                        for other, text in enumerate(texts) if other != index and line in text})
        if found:
            leaks[cell.metadata["nbgrader"]["grade_id"]] = found
    return leaks


# --- The hand-out: a folder to push as its own public repository ---------------------------

HANDOUT_MARK = "<!-- Written by `python -m vae_keras handout`: regenerate it rather than edit it. -->"
HANDOUT_NOTEBOOKS, HANDOUT_WHEELS = "notebooks", "wheels"
_SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, the earliest date a zip file holds: the same library, the same wheel


class Handout(NamedTuple):
    """What `handout` wrote: the paths (str), and the repository and branch they point to."""

    readme: str
    notebooks: list
    wheel: str
    repository: str
    branch: str


def handout(directory, repository=None, branch=None, source="notebooks", root=None):
    """Writes a hand-out: a folder to push as its own public repository, holding no answers.

    The folder gets ``README.md`` (for students: the notebooks with their Colab badges, how to
    run them locally, how to hand them in), ``notebooks/`` (the student versions, as
    `student_versions` makes them, whose badges open them in `repository` and whose install
    cells install the library from the wheel there) and ``wheels/`` (the library's wheel,
    built from the course checkout with ``pip wheel``). Nothing else: no instructor notebooks,
    tests or answers. The wheel's dependencies are lower bounds only, so installing it on
    Colab never downgrades Colab's TensorFlow or Keras.

    Args:
        directory: the hand-out folder. It may be new, empty (or hold only ``.git``: a fresh
            clone), or an earlier hand-out, whose README.md, notebooks/ and wheels/ are replaced.
        repository: the hand-out's GitHub repository, OWNER/NAME (public, so that Colab can
            open it); None: the one in course.toml.
        branch: the hand-out repository's branch; None: the one in course.toml.
        source: the folder of the instructor notebooks (``*.ipynb``).
        root: the course checkout (course.toml, pyproject.toml, vae_keras/); None finds it
            from `source` upwards.

    Returns:
        A `Handout` (readme, notebooks, wheel, repository, branch).

    Raises:
        ValueError: when `source` holds no notebooks, the course or its library is not found,
            the repository or branch is invalid, `directory` would hold the course or is a
            folder that is neither empty nor a hand-out, or nbgrader rejects a notebook.
        RuntimeError: when ``pip wheel`` cannot build the library's wheel.
    """
    import shutil
    import tempfile

    from vae_keras.course.repository import (
        _check_branch,
        _check_repository,
        find_course_root,
        read_course_settings,
        wheel_install_target,
    )

    paths = _instructor_notebooks(source)
    root = os.path.abspath(find_course_root(source) if root is None else root)
    settings = read_course_settings(root)
    repository = settings["repository"] if repository is None else repository
    branch = settings["branch"] if branch is None else branch
    _check_repository(repository)
    _check_branch(branch)
    project = _read_project(root)
    directory = os.path.abspath(directory)
    _check_handout_folder(directory, root, os.path.abspath(source))

    with tempfile.TemporaryDirectory(prefix="vae_keras_handout_") as work:
        wheel = build_wheel(root, os.path.join(work, HANDOUT_WHEELS),
                            readme=f"# {project['name']}\n\n{project['description']}\n")
        wheel_path = f"{HANDOUT_WHEELS}/{os.path.basename(wheel)}"
        install = wheel_install_target(repository, branch, wheel_path)
        students = _write_student_versions(paths, os.path.join(work, HANDOUT_NOTEBOOKS), repository, branch,
                                           badge_root=work, install=install)
        with open(os.path.join(work, "README.md"), "w", encoding="utf-8") as f:
            f.write(_handout_readme(project, repository, branch, wheel_path, students))

        os.makedirs(directory, exist_ok=True)
        for name in ("README.md", HANDOUT_NOTEBOOKS, HANDOUT_WHEELS):
            old, new = os.path.join(directory, name), os.path.join(work, name)
            if os.path.isdir(old):
                shutil.rmtree(old)
            elif os.path.exists(old):
                os.remove(old)
            shutil.move(new, old)
    return Handout(readme=os.path.join(directory, "README.md"),
                   notebooks=[os.path.join(directory, HANDOUT_NOTEBOOKS, os.path.basename(p)) for p in students],
                   wheel=os.path.join(directory, wheel_path), repository=repository, branch=branch)


def build_wheel(root, output, readme):
    """Builds the library's wheel from a course checkout, with ``pip wheel --no-deps``.

    Only ``pyproject.toml`` and the ``vae_keras`` package are copied to a clean folder and built
    there, with `readme` as the package's long description (the course README, which shows how
    exercises are written, stays out). The build is reproducible: the zip's dates are fixed.
    It runs offline with the installed setuptools when it can, else in pip's isolated build.

    Args:
        root: the course checkout, which holds pyproject.toml and vae_keras/.
        output: the folder for the wheel, created if needed.
        readme: the text (markdown) of the package's long description.

    Returns:
        The path (str) of the wheel, ``output/vae_keras-VERSION-py3-none-any.whl``.

    Raises:
        RuntimeError: when pip fails; its last lines say why.
    """
    import shutil
    import subprocess
    import sys
    import tempfile

    project = _read_project(root)
    os.makedirs(output, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vae_keras_wheel_") as staging:
        shutil.copy(os.path.join(root, "pyproject.toml"), staging)
        shutil.copytree(os.path.join(root, "vae_keras"), os.path.join(staging, "vae_keras"),
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        with open(os.path.join(staging, project["readme"]), "w", encoding="utf-8") as f:
            f.write(readme)
        before = set(glob.glob(os.path.join(output, "*.whl")))
        # An absolute path: pip takes a bare name such as "src" for a package on an index.
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", os.path.abspath(output), staging]
        environment = {**os.environ, "SOURCE_DATE_EPOCH": _SOURCE_DATE_EPOCH, "PIP_NO_INPUT": "1"}
        errors = []
        for flags in (["--no-build-isolation", "--no-index"], []):  # offline first, then with pip's own setuptools
            result = subprocess.run([*command, *flags], capture_output=True, text=True, env=environment)
            if result.returncode == 0:
                break
            errors.append(result.stderr.strip().splitlines()[-5:])
        else:
            raise RuntimeError(f"pip could not build the wheel of {root!r}: " + " | ".join(" ".join(e) for e in errors))
    wheels = sorted(set(glob.glob(os.path.join(output, "*.whl"))) - before) or sorted(
        glob.glob(os.path.join(output, f"{project['name']}-{project['version']}-*.whl")))
    if len(wheels) != 1:
        raise RuntimeError(f"Expected pip to write one wheel to {output!r}; found {wheels}.")
    return wheels[0]


def _read_project(root):
    """{name, version, description, readme} from the course checkout's pyproject.toml."""
    import tomllib

    path = os.path.join(root, "pyproject.toml")
    if not (os.path.isfile(path) and os.path.isfile(os.path.join(root, "vae_keras", "__init__.py"))):
        raise ValueError(f"Expected the course checkout {root!r} to hold pyproject.toml and vae_keras/, the library "
                         "the hand-out ships; run this in a clone of the course, or pass root=.")
    with open(path, "rb") as f:
        project = tomllib.load(f)["project"]
    readme = project.get("readme", "README.md")
    return {"name": project["name"], "version": project["version"], "description": project.get("description", ""),
            "readme": readme if isinstance(readme, str) else readme.get("file", "README.md")}


def _check_handout_folder(directory, root, source):
    if _is_within(root, directory) or _is_within(source, directory):
        raise ValueError(f"The hand-out folder must not hold the course: give a folder of its own, e.g. ../handout. "
                         f"Received: {directory!r}, which holds the course {root!r}")
    if _is_within(directory, source):
        raise ValueError(f"The hand-out folder must lie outside the instructor notebooks' folder {source!r}. "
                         f"Received: {directory!r}")
    if not os.path.exists(directory):
        return
    if not os.path.isdir(directory):
        raise ValueError(f"Expected the hand-out folder to be a folder. Received: the file {directory!r}")
    if set(os.listdir(directory)) - {".git"} and not _is_handout(directory):
        raise ValueError(f"{directory!r} is neither empty nor an earlier hand-out (its README.md does not start "
                         "with the hand-out's first line), so it is left alone. Give a new or empty folder, or a "
                         "clone of your hand-out repository.")


def _is_handout(directory):
    try:
        with open(os.path.join(directory, "README.md"), encoding="utf-8") as f:
            return f.readline().strip() == HANDOUT_MARK
    except OSError:
        return False


def _count(n, noun):
    """'1 written answer', '2 written answers'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _title(notebook):
    """The first markdown heading of a notebook, without its #s."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""


def _handout_readme(project, repository, branch, wheel_path, students):
    """The hand-out's README.md, for students."""
    import nbformat

    from vae_keras.course.repository import colab_url

    badge = "https://colab.research.google.com/assets/colab-badge.svg"
    rows = []
    for path in students:
        notebook = nbformat.read(path, as_version=4)
        name = os.path.basename(path)
        points = exercises(notebook)
        written = written_answers(notebook)
        work = f"{_count(len(points), 'code exercise')} ({sum(points.values()):g} points)"
        if written:
            work += f", {_count(len(written), 'written answer')} ({sum(written.values()):g} points)"
        url = colab_url(repository, branch, f"{HANDOUT_NOTEBOOKS}/{name}")
        rows.append(f"| [{_title(notebook) or name}]({HANDOUT_NOTEBOOKS}/{name}) | [![Open In Colab]({badge})]({url}) "
                    f"| {work} |")
    folder = repository.split("/")[1]
    return "\n".join([
        HANDOUT_MARK,
        f"# {project['name']}: the course notebooks",
        "",
        project["description"],
        "",
        "Work through the notebooks in order. Each one teaches one idea, trains its models in a few minutes, "
        "and has code exercises and written answers for you to do.",
        "",
        "| notebook | open | your work |",
        "| --- | --- | --- |",
        *rows,
        "",
        "## Open a notebook in Colab",
        "",
        "Click its badge, then save a copy to your Drive (*File → Save a copy in Drive*) so that your work is kept. "
        f"The first code cell installs the course's library, `{project['name']}`, from [`{wheel_path}`]({wheel_path}) "
        "in this repository; it keeps Colab's own TensorFlow and Keras.",
        "",
        "## Or run the notebooks on your own machine",
        "",
        "With Python 3.11 or newer:",
        "",
        "```bash",
        f"git clone https://github.com/{repository}.git && cd {folder}",
        "python -m venv .venv && source .venv/bin/activate      # Windows: .venv\\Scripts\\activate",
        f"pip install tensorflow jupyterlab {wheel_path}",
        f"jupyter lab {HANDOUT_NOTEBOOKS}/",
        "```",
        "",
        "## Your work",
        "",
        "- **Code exercises.** A cell that reads `# YOUR CODE HERE` and `raise NotImplementedError()`: replace "
        "that line with your code. The cell after it tests your answer, and its messages say what is wrong. "
        "Your instructor grades with more tests than you see, so make your function do everything the task says.",
        "- **Written answers.** A cell that reads `YOUR ANSWER HERE`: double-click it and write your answer "
        "in its place. A person grades these.",
        "- Work from top to bottom. *Run all* stops at the test of the first exercise you have not finished; "
        "to carry on past it, run the cells after it (Colab: *Runtime → Run after*; JupyterLab: "
        "*Run → Run Selected Cell and All Below*).",
        "- Do not delete, move or copy the exercise and test cells, and do not rename the notebook: "
        "the grader finds your answers by them.",
        "",
        "## Handing in",
        "",
        "Download each finished notebook as a `.ipynb` file (Colab: *File → Download → Download .ipynb*) and hand "
        "it in the way your instructor says, keeping its file name (for example "
        f"`{os.path.basename(students[0])}`).",
        "",
    ])


# --- Grading ------------------------------------------------------------------------------

TIMEOUT_ERROR = "CellTimeoutError"  # the error a cell that ran past the timeout gets, as in nbgrader


NEEDS_MANUAL_GRADE = "needs manual grading"  # a written answer: a person grades it (nbgrader's needs_manual_grade)
NO_ANSWER = "no answer"  # a written answer left as released: nbgrader scores it 0 without a person


class Grade(NamedTuple):
    """One graded cell: its points (awarded only when passed), whether it passed, and why not.

    A manually graded answer that the student wrote has ``passed=None`` and
    ``error=NEEDS_MANUAL_GRADE``: autograding neither passes nor fails it.
    """

    points: float
    passed: bool | None  # None: a person must grade it
    error: str | None  # the exception's name (TIMEOUT_ERROR for a timeout), "stderr", NO_ANSWER,
    # NEEDS_MANUAL_GRADE, or None when passed


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
        raise ValueError(f"Expected timeout as a positive whole number of seconds per cell. Received: "
                         f"timeout={timeout!r}")

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
    """Scores the graded cells of an executed notebook by nbgrader's rules.

    A test cell earns its points when its outputs hold no error and nothing on stderr
    (nbgrader counts stderr output as a failure, so warnings printed by a test cost its points).
    A manually graded answer is left to a person (``Grade(points, None, NEEDS_MANUAL_GRADE)``),
    unless it is still as released (its checksum unchanged): then it scores 0 (``NO_ANSWER``).

    Args:
        notebook: an executed nbformat NotebookNode, or the path of one.

    Returns:
        A dict {grade_id: Grade(points, passed, error)}.
    """
    from nbgrader import utils

    results = {}
    for cell in _read(notebook).cells:
        if not utils.is_grade(cell):
            continue
        score, max_points = utils.determine_grade(cell)
        if score is None:
            grade = Grade(points=max_points, passed=None, error=NEEDS_MANUAL_GRADE)
        elif utils.is_solution(cell):
            grade = Grade(points=max_points, passed=False, error=NO_ANSWER)
        else:
            passed = score == max_points
            grade = Grade(points=max_points, passed=passed, error=None if passed else _failure(cell))
        results[cell.metadata["nbgrader"]["grade_id"]] = grade
    return results


def autograde(path, timeout=600):
    """Executes a notebook and grades it, as ``nbgrader autograde`` would (written answers await a person).

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

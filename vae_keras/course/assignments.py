"""Exercises that instructors can assign and grade, with nbgrader's own machinery.

The instructor notebooks (``notebooks/*.ipynb``) hold nbgrader exercises: solution cells
whose answer sits in an nbgrader solution region, and autograder test cells (``"grade": true``
with ``"points"``), optionally with hidden-test regions; and manually graded answers
(markdown cells with ``"grade": true`` and ``"solution": true``, whose instructor text is a
model answer and rubric). `student_versions` turns them into the notebooks students receive,
by running the same preprocessors, in the same order, as ``nbgrader generate_assignment``;
`handout` writes those notebooks, a README and the library's wheel into a folder to push as
its own public repository; `nbgrader_sources` puts the instructor notebooks into an nbgrader
course directory; `autograde` runs a notebook and scores its test cells the way
``nbgrader autograde`` does, leaving the written answers to a person.

What students get never points at the course repository, which holds the answers and may be
private: their install cells install the library from a wheel, or from an address the instructor
gives. Nothing here writes into the instructor notebooks' folder or replaces a notebook that
holds solutions; every input is checked, and every notebook made, before anything is written.
"""

import glob
import os
import re
import warnings
from typing import NamedTuple

from vae_keras.course.repository import (
    _check_branch,
    _check_repository,
    colab_url,
    find_course_root,
    notebook_text,
    point_notebook,
    read_course_settings,
    read_notebook,
    read_toml,
    replace_files,
    require_instructor_tools,
    wheel_install_target,
)

STUB = "raise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"  # what nbgrader leaves of a manually graded answer in the student version
COLAB_UPLOADS = "/content"  # Colab's working folder, where its Files panel puts an uploaded file


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


class Written(NamedTuple):
    """What `student_versions` or `nbgrader_sources` wrote (paths, str), and what the install cells install.

    ``notebooks``: the notebooks written; ``wheels``: the library's wheels written beside them (none
    when the install cells install from a given address); ``replaced``: the earlier files among them
    that were replaced (``force``); ``install``: the pip target of every install cell.
    """

    notebooks: list
    wheels: list
    replaced: list
    install: str


class CourseWarning(UserWarning):
    """A warning of the course's machinery; the commands print it as one ``warning:`` line."""


# How messages call the arguments; the commands pass their own flags (e.g. {"output": "--output"}).
_NAMES = {"source": "source", "output": "output", "directory": "directory", "install": "install", "force": "force=True"}
_ADDRESS = re.compile(r"(git\+)?https://[^\s\"'\\]+")


def student_versions(source="notebooks", output="student", root=None, install=None, force=False, names=None):
    """Writes one student notebook to `output` per instructor notebook in `source`, e.g. for an LMS.

    Solutions become nbgrader's stub (``# YOUR CODE HERE`` / ``raise NotImplementedError()``),
    manually graded answers become ``YOUR ANSWER HERE``, hidden tests and outputs go, nbgrader
    metadata stays (with checksums). The copies point at no repository: the Colab badge goes, and
    the install cell installs the library from `install` or, by default, from the library's wheel,
    written beside the notebooks (students upload it to Colab's Files panel with the notebook).

    `output` must be new or empty. With `force`, earlier files of the same names in it are replaced
    (others stay); even then nothing is written into `source`, and no notebook holding solutions,
    hidden tests or a mark scheme is replaced.

    Args:
        source: the folder of the instructor notebooks (``*.ipynb``).
        output: the folder for the student notebooks, created if needed.
        root: the course checkout (course.toml, pyproject.toml, vae_keras/); None finds it from
            `source` upwards, so that the paths may be given from any current directory.
        install: the address pip installs the library from on Colab: a wheel's ``https://`` address
            or ``git+https://github.com/OWNER/NAME@BRANCH``. It must be public: a `CourseWarning`
            says so (louder for the course repository). None: the wheel beside the notebooks.
        force: whether to replace earlier files of the same names in a non-empty `output`.
        names: how messages call the arguments, e.g. {"output": "--output"}; default their own names.

    Returns:
        A `Written`.

    Raises:
        ValueError: naming the argument or file at fault (a folder that cannot be used, an occupied
            `output`, a bad `install`, an unreadable course.toml or notebook, or one nbgrader rejects);
            nothing is written then.
        ModuleNotFoundError: when nbgrader or nbformat is not installed, before any work.
        RuntimeError: when pip cannot build the wheel.
    """
    require_instructor_tools()
    names = {**_NAMES, **(names or {})}
    paths = _instructor_notebooks(source, names["source"])
    _check_folder(output, names["output"])
    _check_outside(output, source, names)
    root, settings = _course(source, root)
    public = None if install is None else _check_install_address(install, names["install"], settings["repository"])
    _, students = _read_exercises(paths)
    targets = [os.path.join(output, os.path.basename(path)) for path in paths]
    return _write_for_students(targets, students, root, install, public, force, names, keep_answers=True)


def nbgrader_sources(course_dir, source="notebooks", install=None, force=False, root=None, names=None):
    """Puts the instructor notebooks into an nbgrader course directory: ``source/nbNN/NN_name.ipynb`` each.

    Each notebook is an assignment of its own (`assignment_id`). The notebooks keep their
    solutions, hidden tests and rubrics (``nbgrader generate_assignment`` makes the student
    versions from them); only what students see of the course changes, as in `student_versions`:
    the Colab badge goes, and the install cell installs the library from `install` or, by default,
    from the library's wheel written beside each notebook (nbgrader releases it with the notebook).

    Args:
        course_dir: the nbgrader course directory (it holds, or will hold, nbgrader_config.py).
        source: the folder of the instructor notebooks (``*.ipynb``); nothing is written into it.
        install: as in `student_versions`: a public ``https://`` or ``git+https://`` address, or None.
        force: whether to replace earlier notebooks (and wheels) of the same names in ``source/nbNN/``;
            other files there stay.
        root: the course checkout; None finds it from `source` upwards.
        names: how messages call the arguments, e.g. {"course_dir": "COURSE_DIR", "source": "--source"};
            default their own names.

    Returns:
        A `Written`.

    Raises:
        ValueError: as `student_versions` does, e.g. for an assignment folder that already holds files
            and no `force`, or one that is (or lies in) `source`; nothing is written then.
        ModuleNotFoundError: when nbgrader or nbformat is not installed, before any work.
        RuntimeError: when pip cannot build the wheel.
    """
    require_instructor_tools()
    names = {**_NAMES, "course_dir": "course_dir", **(names or {})}
    paths = _instructor_notebooks(source, names["source"])
    _check_folder(course_dir, names["course_dir"])
    folders = [os.path.join(course_dir, "source", assignment_id(path)) for path in paths]
    # The folders written are course_dir's assignment folders; messages name them and the argument given.
    names = {**names, "output": names["course_dir"], "received": f"{names['course_dir']}={os.fspath(course_dir)!r}"}
    for folder in folders:
        _check_folder(folder, names["output"])
        _check_outside(folder, source, names)
    root, settings = _course(source, root)
    public = None if install is None else _check_install_address(install, names["install"], settings["repository"])
    instructors, _ = _read_exercises(paths)  # nbgrader accepts every one
    targets = [os.path.join(folder, os.path.basename(path)) for folder, path in zip(folders, paths)]
    return _write_for_students(targets, instructors, root, install, public, force, names, keep_answers=False)


def assignment_id(path):
    """The nbgrader assignment of a course notebook: "nb" and its number, e.g. nb01 for 01_dense_decoder.ipynb."""
    return "nb" + os.path.basename(os.fspath(path)).split("_")[0].removesuffix(".ipynb")


def _instructor_notebooks(source, name="source"):
    """The instructor notebooks in the folder `source`, sorted."""
    given = os.fspath(source)
    if not given:
        raise ValueError(f"{name} is empty: give the folder of the instructor notebooks, e.g. notebooks. "
                         f"Received: {name}=''")
    if os.path.isfile(given):
        raise ValueError(f"{name} {given!r} is a file, not a folder of instructor notebooks: give their folder, e.g. "
                         f"notebooks. Received: {name}={given!r}")
    paths = sorted(glob.glob(os.path.join(glob.escape(given), "*.ipynb")))
    if not paths:
        raise ValueError(f"Expected instructor notebooks (*.ipynb) in {name} {given!r}; found none. "
                         f"Received: {name}={given!r}")
    return paths


def _check_folder(path, name):
    """Checks that `path` is a folder, or could be made one; nothing is made here."""
    given = os.fspath(path)
    if not given:
        raise ValueError(f"{name} is empty: give a folder, new or empty. Received: {name}=''")
    if os.path.exists(given) and not os.path.isdir(given):
        raise ValueError(f"{name} {given!r} is a file, not a folder: choose another {name}, or move the file. "
                         f"Received: {name}={given!r}")
    existing = os.path.abspath(given)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise ValueError(f"{name} {given!r} lies under the file {existing!r}, so it cannot be a folder: choose "
                         f"another {name}. Received: {name}={given!r}")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"{name} {given!r} cannot be written: {existing!r} is not writable. Choose another {name}. "
                         f"Received: {name}={given!r}")


def _check_outside(path, source, names):
    """Refuses an output folder that is the instructor notebooks' folder or lies inside it (links followed)."""
    name, given = names["output"], os.fspath(path)
    if _is_within(os.path.realpath(path), os.path.realpath(source)):
        shown = "" if "received" not in names else f" {given!r}"  # nbgrader_sources: a folder inside course_dir
        raise ValueError(f"{name}{shown} must differ from the source folder and lie outside it ({names['source']}="
                         f"{os.fspath(source)!r}), so that no instructor notebook is overwritten: choose another "
                         f"{name}. Received: {names.get('received', f'{name}={given!r}')}")


def _write_for_students(targets, notebooks, root, install, public, force, names, keep_answers):
    """Writes `notebooks` to `targets` as students will see them (`_student_facing`), with the library's wheel,
    built now, beside them when `install` is None; checks the target folders first (`_check_occupied`), and
    warns, once written, that the `install` address must be `public`. Returns a `Written`."""
    folders = list(dict.fromkeys(os.path.dirname(target) for target in targets))

    def check(paths):  # the paths that exist and will be replaced, folder by folder
        return [path for folder in folders for path in _check_occupied(
            folder, [p for p in paths if os.path.dirname(p) == folder], force, names, keep_answers)]

    check(targets)  # an occupied folder first, then the wheel's name, read from pyproject.toml
    check([path for folder in folders for path in _wheel_path(folder, root, install)])
    install, note, wheel = _install(root, install)
    contents = {target: _student_facing(notebook, install, note) for target, notebook in zip(targets, notebooks)}
    wheels = [os.path.join(folder, wheel[0]) for folder in folders] if wheel else []
    contents.update({path: wheel[1] for path in wheels})
    replaced = check(list(contents))  # the wheel's own name now
    replace_files(contents)
    if public:
        warnings.warn(public, CourseWarning, stacklevel=3)
    return Written(notebooks=targets, wheels=wheels, replaced=replaced, install=install)


def _check_occupied(folder, targets, force, names, keep_answers=True):
    """The `targets` that exist and will be replaced; refuses a non-empty `folder` without `force`, and a
    target that holds answers (with `keep_answers`) or is a folder."""
    name, given = names["output"], os.fspath(folder)
    received = names.get("received", f"{name}={given!r}")
    entries = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    if entries and not force:
        shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
        raise ValueError(f"{name} {given!r} already holds {_count(len(entries), 'file')} ({shown}), so nothing was "
                         f"written. Pass {names['force']} to replace the earlier files of the same names in it (others "
                         f"stay), or choose another {name}. Received: {received}")
    replaced = [target for target in targets if os.path.lexists(target)]
    for target in replaced:
        if os.path.isdir(target) and not os.path.islink(target):
            raise ValueError(f"{target!r} is a folder, where a file would be written: move it, or choose another "
                             f"{name}. Received: {received}")
    if keep_answers:
        _check_no_answers(replaced, f", even with {names['force']}: choose another {name}. Received: {received}")
    return replaced


def _check_no_answers(paths, fix):
    """Refuses to replace or remove a file (or a folder's files) that holds nbgrader's solution, hidden-test or
    mark-scheme regions, or cannot be read to tell."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearSolutions

    markers = (ClearSolutions().begin_solution_delimeter, ClearHiddenTests().begin_test_delimeter,
               ClearMarkScheme().begin_mark_scheme_delimeter)
    for path in paths:
        files = ([os.path.join(folder, f) for folder, _, names in os.walk(path) for f in names]
                 if os.path.isdir(path) else [path])
        for file in files:
            try:
                with open(file, encoding="utf-8", errors="replace") as f:
                    text = f.read()
            except OSError:
                text = markers[0]  # unreadable: it might
            if any(marker in text for marker in markers):
                raise ValueError(f"{file!r} holds solutions, hidden tests or a mark scheme (an instructor notebook), "
                                 f"or cannot be read to tell, so it is never replaced{fix}")


def _course(source, root):
    """(the course checkout, its settings): `root`, or the nearest folder above `source` that holds course.toml."""
    root = os.path.abspath(find_course_root(source) if root is None else root)
    return root, read_course_settings(root)


def _check_install_address(install, name, course_repository):
    """Checks an address pip can install the library from on Colab; returns the warning that it must be public."""
    if not isinstance(install, str) or not _ADDRESS.fullmatch(install):
        raise ValueError(f"Expected {name} as a public https address pip can install the library from: a wheel's "
                         "(https://.../vae_keras-0.1.0-py3-none-any.whl, e.g. in a hand-out) or a public repository's "
                         "(git+https://github.com/OWNER/NAME@BRANCH), without spaces or quotes. "
                         f"Received: {name}={install!r}")
    if re.search(rf"github(usercontent)?\.com/{re.escape(course_repository)}(\.git)?([/@]|$)", install, re.IGNORECASE):
        return (f"{install} is the course repository {course_repository}, which holds the answers (notebooks/, "
                "tests/answers/): students can install from it only if it is public, and then they can read the "
                "answers. Prefer the default wheel, or a hand-out's (python -m vae_keras handout).")
    return f"students' Colab installs the library from {install} without logging in, so it must be public."


def _read_exercises(paths):
    """(instructor notebooks, their student versions): each made now, so that a notebook nbformat or nbgrader
    rejects is named before anything is written."""
    from nbgrader.nbgraderformat import SchemaTooNewError, SchemaTooOldError, ValidationError

    instructors, students = [], []
    for path in paths:
        notebook = read_notebook(path)
        try:
            students.append(student_notebook(notebook, path=os.path.dirname(path) or "."))
        except (RuntimeError, ValueError, KeyError, TypeError, AttributeError, ValidationError, SchemaTooOldError,
                SchemaTooNewError) as error:  # regions or metadata (e.g. none, or of another nbgrader version)
            raise ValueError(f"{path}: {error}") from error
        instructors.append(notebook)
    return instructors, students


def _install(root, install):
    """(pip target, note for the install cell, (wheel's file name, bytes) or None) for the install cells."""
    if install is not None:
        return install, None, None
    name, wheel = _library_wheel(root)
    note = (f"# Upload {name} (it comes with this notebook) to Colab's Files panel (the folder icon on the left)\n"
            f"# before you run this cell. Elsewhere, install it once, beside Jupyter: pip install {name}")
    return f"file://{COLAB_UPLOADS}/{name}", note, (name, wheel)


def _student_facing(notebook, install, note):
    """The notebook's text with no Colab badge and its install cell installing `install`."""
    point_notebook(notebook, install, badge=None, note=note)
    return notebook_text(notebook)


def _library_wheel(root, project=None):
    """(file name, bytes) of the library's wheel, built from the course checkout."""
    import tempfile

    project = project or _read_project(root)
    with tempfile.TemporaryDirectory(prefix="vae_keras_wheel_") as work:
        path = build_wheel(root, work, readme=f"# {project['name']}\n\n{project['description']}\n")
        with open(path, "rb") as f:
            return os.path.basename(path), f.read()


def _wheel_path(folder, root, install):
    """[where the library's wheel will be written in `folder`], before it is built; [] with an `install` address."""
    if install is not None:
        return []
    project = _read_project(root)
    return [os.path.join(folder, f"{re.sub(r'[-_.]+', '_', project['name']).lower()}-{project['version']}-"
                                 "py3-none-any.whl")]


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
        for comment in _COMMENT.finditer(line):  # the first " # " outside a string starts the comment
            if line[:comment.start()].count('"') % 2 == 0 and line[:comment.start()].count("'") % 2 == 0:
                line = line[:comment.start()].rstrip()
                break
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


def handout(directory, repository=None, branch=None, source="notebooks", root=None, names=None):
    """Writes a hand-out: a folder to push as its own public repository, holding no answers.

    The folder gets ``README.md`` (for students: the notebooks with their Colab badges, how to
    run them locally, how to hand them in), ``notebooks/`` (the student versions, as
    `student_versions` makes them, whose badges open them in `repository` and whose install
    cells install the library from the wheel there) and ``wheels/`` (the library's wheel,
    built from the course checkout with ``pip wheel``). Nothing else: no instructor notebooks,
    tests or answers. The wheel's dependencies are lower bounds only, so installing it on
    Colab never downgrades Colab's TensorFlow or Keras. Everything is checked, and every
    notebook made, before the wheel is built and anything is written.

    Args:
        directory: the hand-out folder. It may be new, empty (or hold only ``.git``: a fresh
            clone), or an earlier hand-out, whose README.md, notebooks/ and wheels/ are replaced
            (never a notebook there that holds solutions).
        repository: the hand-out's GitHub repository, OWNER/NAME (public, so that Colab can
            open it); None: the one in course.toml.
        branch: the hand-out repository's branch; None: the one in course.toml.
        source: the folder of the instructor notebooks (``*.ipynb``).
        root: the course checkout (course.toml, pyproject.toml, vae_keras/); None finds it
            from `source` upwards.
        names: how messages call the arguments, e.g. {"directory": "DIR"}; default their own names.

    Returns:
        A `Handout` (readme, notebooks, wheel, repository, branch).

    Raises:
        ValueError: when `source` holds no notebooks, the course or its library is not found,
            the repository or branch is invalid, `directory` cannot be a folder, would hold the
            course, or is a folder that is neither empty nor a hand-out, a notebook in it holds
            answers, or nbformat or nbgrader rejects a notebook; nothing is written then.
        ModuleNotFoundError: when nbgrader or nbformat is not installed, before any work.
        RuntimeError: when ``pip wheel`` cannot build the library's wheel.
    """
    import shutil

    require_instructor_tools()
    names = {**_NAMES, **(names or {})}
    paths = _instructor_notebooks(source, names["source"])
    _check_folder(directory, names["directory"])
    root, settings = _course(source, root)
    repository = settings["repository"] if repository is None else repository
    branch = settings["branch"] if branch is None else branch
    _check_repository(repository)
    _check_branch(branch)
    project = _read_project(root)
    earlier = _check_handout_folder(os.path.abspath(directory), root, os.path.abspath(source), names["directory"])
    _, students = _read_exercises(paths)

    wheel_name, wheel = _library_wheel(root, project)
    wheel_path = f"{HANDOUT_WHEELS}/{wheel_name}"
    install = wheel_install_target(repository, branch, wheel_path)
    notebooks = [os.path.join(directory, HANDOUT_NOTEBOOKS, os.path.basename(path)) for path in paths]
    for path, notebook in zip(paths, students):
        point_notebook(notebook, install, badge=colab_url(repository, branch,
                                                          f"{HANDOUT_NOTEBOOKS}/{os.path.basename(path)}"))
    readme = os.path.join(directory, "README.md")
    contents = {path: notebook_text(notebook) for path, notebook in zip(notebooks, students)}
    contents[os.path.join(directory, HANDOUT_WHEELS, wheel_name)] = wheel
    contents[readme] = _handout_readme(project, repository, branch, wheel_path,
                                       [(os.path.basename(path), notebook) for path, notebook in zip(paths, students)])
    replace_files(contents)
    written = {os.path.abspath(path) for path in contents}
    for path in sorted(earlier - written):  # what the earlier hand-out held and this one does not
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
    return Handout(readme=readme, notebooks=notebooks, wheel=os.path.join(directory, HANDOUT_WHEELS, wheel_name),
                   repository=repository, branch=branch)


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
    path = os.path.join(root, "pyproject.toml")
    if not (os.path.isfile(path) and os.path.isfile(os.path.join(root, "vae_keras", "__init__.py"))):
        raise ValueError(f"Expected the course checkout {root!r} to hold pyproject.toml and vae_keras/, the library "
                         "the students install; run this in a clone of the course, or pass root=.")
    project = read_toml(path, fix="Fix it: it describes the library, in a [project] table.").get("project")
    if not (isinstance(project, dict) and isinstance(project.get("name"), str)
            and isinstance(project.get("version"), str)):
        raise ValueError(f"{path}: expected a [project] table with the library's name and version.")
    readme = project.get("readme", "README.md")
    return {"name": project["name"], "version": project["version"], "description": project.get("description", ""),
            "readme": readme if isinstance(readme, str) else readme.get("file", "README.md")}


def _check_handout_folder(directory, root, source, name="directory"):
    """Checks the hand-out folder; returns the paths in notebooks/ and wheels/ of an earlier hand-out there."""
    if _is_within(root, directory) or _is_within(source, directory):
        raise ValueError(f"The hand-out folder must not hold the course: give a folder of its own, e.g. ../handout. "
                         f"Received: {name}={directory!r}, which holds the course {root!r}")
    if _is_within(os.path.realpath(directory), os.path.realpath(source)):
        raise ValueError(f"The hand-out folder must lie outside the instructor notebooks' folder {source!r}. "
                         f"Received: {name}={directory!r}")
    if not os.path.exists(directory):
        return set()
    if set(os.listdir(directory)) - {".git"} and not _is_handout(directory):
        raise ValueError(f"{directory!r} is neither empty nor an earlier hand-out (its README.md does not start "
                         "with the hand-out's first line), so it is left alone. Give a new or empty folder, or a "
                         f"clone of your hand-out repository. Received: {name}={directory!r}")
    earlier = set()
    for folder in (os.path.join(directory, HANDOUT_NOTEBOOKS), os.path.join(directory, HANDOUT_WHEELS)):
        if os.path.isdir(folder):
            earlier |= {os.path.join(folder, entry) for entry in os.listdir(folder)}
        elif os.path.lexists(folder):
            raise ValueError(f"{folder!r} is a file where the hand-out keeps a folder: move it. "
                             f"Received: {name}={directory!r}")
    _check_no_answers(sorted(earlier), ": move it out of the hand-out folder (and make sure it was never pushed). "
                                       f"Received: {name}={directory!r}")
    return earlier


def _is_handout(directory):
    try:
        with open(os.path.join(directory, "README.md"), encoding="utf-8") as f:
            return f.readline().strip() == HANDOUT_MARK
    except OSError:
        return False


def _count(n, noun):
    """'1 written answer', '2 written answers', '2.5 points'."""
    return f"{n:g} {noun}" if n == 1 else f"{n:g} {noun}s"


def _title(notebook):
    """The first markdown heading of a notebook, without its #s."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""


def _handout_readme(project, repository, branch, wheel_path, students):
    """The hand-out's README.md, for students; `students` are (file name, student notebook) pairs."""
    badge = "https://colab.research.google.com/assets/colab-badge.svg"
    rows = []
    for name, notebook in students:
        points = exercises(notebook)
        written = written_answers(notebook)
        work = f"{_count(len(points), 'code exercise')} ({_count(sum(points.values()), 'point')})"
        if written:
            work += f", {_count(len(written), 'written answer')} ({_count(sum(written.values()), 'point')})"
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
        f"pip install tensorflow jupyterlab ipywidgets {wheel_path}",
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
        f"`{students[0][0]}`).",
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

"""What students see of the hidden tests after grading with nbgrader: nothing.

nbgrader puts the hidden tests back into each submission before autograding, and
``nbgrader generate_feedback`` keeps them in the feedback it writes for the student
(jupyter/nbgrader#917). Two nbgrader preprocessors, set in a course's ``nbgrader_config.py``
by `configure`, fix that and a false alarm:

- `HideHiddenTests` (for ``GenerateFeedback``) removes every hidden-test region, its begin and
  end markers included (nbgrader's ``ClearHiddenTests`` delimiters), and each traceback frame or
  output line that quotes a hidden line; each error keeps its name and message
  (``AssertionError: ...``), which says which requirement failed; scores are untouched.
- `RestoreHiddenTests` (for ``Autograde``, in place of nbgrader's ``OverwriteCells``) puts the
  hidden tests back without the warning "Attribute 'checksum' for cell ... has changed!" that
  nbgrader prints for every test cell with hidden tests even when the student left it as
  released (jupyter/nbgrader#1961: the gradebook keeps the checksum of the cell with its hidden
  tests, the release that of the cell without). A test cell that was changed still gets the warning.

``python -m vae_keras feedback nbNN`` writes the feedback with `HideHiddenTests` added, whatever
the course's configuration says. Importing this module does not import nbgrader: the two
classes are made on first use.
"""

import functools
import os
import re
import sys

INSTALL = 'pip install "vae_keras[instructor]"'
LEFT_OUT = "(the lines of the hidden tests are left out of this traceback)"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_PREPROCESSORS = ("HideHiddenTests", "RestoreHiddenTests")
COMMAND_NAMES = {"assignment": "ASSIGNMENT", "course_dir": "--course-dir", "student": "--student"}  # in messages


def configure(c):
    """Sets a course's nbgrader config: feedback without hidden tests, autograde without false checksum alarms.

    In ``nbgrader_config.py``::

        from vae_keras.course import feedback
        feedback.configure(c)

    Args:
        c: the config that ``get_config()`` returns.
    """
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.preprocessors import OverwriteCells

    classes = _classes()
    c.GenerateFeedback.preprocessors = [*GenerateFeedback.class_traits()["preprocessors"].default(),
                                        classes["HideHiddenTests"]]
    c.Autograde.sanitize_preprocessors = [
        classes["RestoreHiddenTests"] if cls is OverwriteCells else cls
        for cls in Autograde.class_traits()["sanitize_preprocessors"].default()]


def __getattr__(name):
    if name in _PREPROCESSORS:
        return _classes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def split_hidden(source, begin, end):
    """Splits a cell's source into what students see and the hidden tests, by nbgrader's rule.

    A line holding `begin` opens a hidden region and a line holding `end` closes it; both
    markers belong to the region. (This file names no marker: the hand-out's wheel holds it,
    and must hold none.)

    Args:
        source: the cell's source, a str.
        begin, end: the markers: nbgrader's ``ClearHiddenTests.begin_test_delimeter`` and
            ``end_test_delimeter``.

    Returns:
        (visible, hidden): the source without the regions, as nbgrader's release has it, and the
        list of the regions' lines, markers included.

    Raises:
        ValueError: for a region that is nested or never closed.
    """
    visible, hidden, inside = [], [], False
    for line in source.split("\n"):
        if begin in line:
            if inside:
                raise ValueError(f"A hidden-test region opens inside another; close each with {end!r}. "
                                 f"Received: {line.strip()!r}")
            inside = True
        if inside:
            hidden.append(line)
        else:
            visible.append(line)
        if end in line and inside:
            inside = False
    if inside:
        raise ValueError(f"A hidden-test region is never closed: end it with a line holding {end!r}. "
                         f"Received: a region opened by {next(h for h in hidden if begin in h).strip()!r}")
    return "\n".join(visible), hidden


def quotable(line):
    """Whether a hidden line is worth hiding where it is quoted: it holds three letters or digits or more."""
    return len(re.findall(r"[A-Za-z0-9]", line)) >= 3


def quotes(text, hidden):
    """Whether `text` (ANSI colours removed) holds any of the `hidden` lines (stripped)."""
    text = _ANSI.sub("", text)
    return any(line in text for line in hidden)


def hide_in_output(output, hidden):
    """An output without what quotes the hidden lines: traceback frames, and lines of printed text.

    Each run of traceback frames that quote a hidden line gives way to one line, `LEFT_OUT`; an
    error keeps its name and message as the traceback's last line (its name alone where the
    message itself quotes a hidden line).

    Args:
        output: an nbformat output (changed in place).
        hidden: the stripped hidden lines to hide, a collection of str.

    Returns:
        The output.
    """
    if not hidden:
        return output
    if output.output_type == "error":
        traceback = list(output.get("traceback", []))
        kept = []
        for entry in traceback:
            if not quotes(entry, hidden):
                kept.append(entry)
            elif not kept or kept[-1] != LEFT_OUT:
                kept.append(LEFT_OUT)
        if kept != traceback:
            if quotes(output.evalue, hidden):
                output.evalue = ""
            message = f"{output.ename}: {output.evalue}" if output.evalue else output.ename
            if _ANSI.sub("", kept[-1]).strip() != message.strip():
                kept.append(message)
            output.traceback = kept
    elif output.output_type == "stream":
        lines = output.text.splitlines(keepends=True)
        output.text = "".join(line for line in lines if not quotes(line, hidden))
    return output


@functools.cache
def _classes():
    """The two preprocessors, made once nbgrader can be imported."""
    from nbgrader import utils
    from nbgrader.api import MissingEntry
    from nbgrader.preprocessors import ClearHiddenTests, GetGrades, OverwriteCells
    from traitlets import List

    class HideHiddenTests(ClearHiddenTests):
        """Feedback without the hidden tests: their regions, markers included, and what quotes them.

        Every cell loses its hidden-test regions (nbgrader's ``ClearHiddenTests`` delimiters);
        every output loses the traceback frames and printed lines that quote a line of any
        region of the notebook (`hide_in_output`). Scores, comments, the visible tests and each
        error's name and message stay. Add it to ``c.GenerateFeedback.preprocessors``, after GetGrades.
        """

        # Configurable, as in GetGrades: the HTML exporter configures it for every preprocessor.
        display_data_priority = List(GetGrades.class_traits()["display_data_priority"].default()).tag(config=True)

        def preprocess(self, nb, resources):
            self._hidden = {line.strip() for cell in nb.cells
                            for line in split_hidden(cell.source, self.begin_test_delimeter,
                                                     self.end_test_delimeter)[1] if quotable(line)}
            return super().preprocess(nb, resources)

        def preprocess_cell(self, cell, resources, cell_index):
            cell.source, removed = split_hidden(cell.source, self.begin_test_delimeter, self.end_test_delimeter)
            if removed:
                self.log.debug("Removed %d hidden-test lines from cell %s", len(removed),
                               cell.metadata.get("nbgrader", {}).get("grade_id", cell_index))
            for output in cell.get("outputs", []):
                hide_in_output(output, self._hidden)
            return cell, resources

    class RestoreHiddenTests(OverwriteCells):
        """nbgrader's OverwriteCells, quiet about a test cell handed in as released.

        Before nbgrader compares checksums, a locked cell whose source is the gradebook's
        source without its hidden tests gets the gradebook's source back, so the checksums
        match; any other change to a locked cell is reported and undone as nbgrader does.
        Use it in ``c.Autograde.sanitize_preprocessors`` in place of OverwriteCells.
        """

        def preprocess_cell(self, cell, resources, cell_index):
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id is not None and utils.is_locked(cell):
                try:
                    source_cell = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
                except MissingEntry:
                    source_cell = None
                if source_cell is not None and source_cell.locked and cell.cell_type == source_cell.cell_type:
                    delimiters = ClearHiddenTests(parent=self)
                    released, hidden = split_hidden(source_cell.source, delimiters.begin_test_delimeter,
                                                    delimiters.end_test_delimeter)
                    if hidden and cell.source == released:
                        cell.source = source_cell.source
            return super().preprocess_cell(cell, resources, cell_index)

    for cls in (HideHiddenTests, RestoreHiddenTests):
        cls.__module__, cls.__qualname__ = __name__, cls.__name__
    return {"HideHiddenTests": HideHiddenTests, "RestoreHiddenTests": RestoreHiddenTests}


# --- The feedback command -------------------------------------------------------------------

def add_command(commands):
    """Adds ``feedback`` to the subparsers of ``python -m vae_keras``.

    Args:
        commands: the `argparse` subparsers object.
    """
    parser = commands.add_parser(
        "feedback", help="write each student's HTML feedback with nbgrader, without the hidden tests")
    parser.add_argument("assignment", metavar="ASSIGNMENT", help="the nbgrader assignment, e.g. nb01")
    parser.add_argument("--course-dir", default=".", help="the nbgrader course directory (holds gradebook.db)")
    parser.add_argument("--student", default=None, help="only this student's feedback (default: every student's)")


def run(args):
    """Runs ``feedback ASSIGNMENT [--course-dir DIR] [--student ID]``.

    Args:
        args: the parsed arguments (assignment, course_dir, student).

    Returns:
        The exit status: 0; 2 after one ``error:`` line on stderr (a user error, or nbgrader
        missing); 1 when nbgrader itself fails (its log says why).
    """
    try:
        written = generate_feedback(args.assignment, course_dir=getattr(args, "course_dir", "."),
                                    student=getattr(args, "student", None), names=COMMAND_NAMES)
    except ImportError as problem:
        return _error(f"the feedback command needs nbgrader: {INSTALL}. Received: {problem}")
    except (OSError, ValueError) as problem:
        return _error(problem)
    except RuntimeError as problem:
        return _error(problem, status=1)
    print(f"Wrote {len(written)} feedback file{'' if len(written) == 1 else 's'} without the hidden tests:")
    for path in written:
        print(f"  {path}")
    return 0


def generate_feedback(assignment, course_dir=".", student=None, names=None):
    """Runs ``nbgrader generate_feedback ASSIGNMENT --force`` in `course_dir`, with `HideHiddenTests` added.

    The course's ``nbgrader_config.py`` applies as usual; `HideHiddenTests` is added to
    ``GenerateFeedback.preprocessors`` unless it is there already. Existing feedback of the
    assignment is rewritten (``--force``), so none written without the filter stays behind.
    nbgrader runs in a process of its own (it sets up logging and the current folder for the
    whole process), writing its log to this process's stderr.

    Args:
        assignment: the assignment's name, e.g. "nb01".
        course_dir: the nbgrader course directory, which holds gradebook.db and autograded/.
        student: one student's id, or None for every autograded submission.
        names: how messages call the arguments, e.g. `COMMAND_NAMES`; default their own names.

    Returns:
        The paths of the HTML files written, relative to `course_dir`.

    Raises:
        ValueError: when `course_dir` has no gradebook or no autograded submission of `assignment`.
        ImportError: when nbgrader is not installed.
        RuntimeError: when nbgrader fails.
    """
    import glob
    import importlib.util
    import subprocess

    names = {"assignment": "assignment", "course_dir": "course_dir", "student": "student", **(names or {})}
    course = os.path.abspath(course_dir)
    if not os.path.isfile(os.path.join(course, "gradebook.db")):
        raise ValueError(f"Expected an nbgrader course directory, which holds gradebook.db: pass "
                         f"{COMMAND_NAMES['course_dir']}, or run the command where you ran nbgrader autograde. "
                         f"Received: {names['course_dir']}={course_dir!r}")
    pattern = os.path.join("autograded", student or "*", assignment, "*.ipynb")
    if not glob.glob(os.path.join(glob.escape(course), pattern)):
        raise ValueError(f"No autograded submission matches {pattern!r} in {course!r}: run nbgrader autograde "
                         f"{assignment} first, or check the name. Received: {names['assignment']}={assignment!r}"
                         + (f", {names['student']}={student!r}" if student else ""))
    if importlib.util.find_spec("nbgrader") is None:
        raise ImportError("No module named 'nbgrader'")
    argv = [assignment, "--force", *(["--student", student] if student else [])]
    child = f"import sys; from {__name__} import _nbgrader_generate_feedback as main; sys.exit(main(sys.argv[1:]))"
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)  # vae_keras, from a clone too
    before = _feedback(course, assignment)
    sys.stdout.flush()
    sys.stderr.flush()
    status = subprocess.run([sys.executable, "-c", child, *argv], cwd=course,
                            env={**os.environ, "PYTHONPATH": path}).returncode
    if status:
        raise RuntimeError(f"nbgrader generate_feedback {assignment} failed: its log above says why. "
                           f"Received: exit status {status}")
    return sorted(path for path, stamp in _feedback(course, assignment).items() if before.get(path) != stamp)


def _nbgrader_generate_feedback(argv):
    """``nbgrader generate_feedback ARGV`` in this process and the current folder, with `HideHiddenTests` added."""
    from nbgrader.apps import GenerateFeedbackApp
    from nbgrader.converters import GenerateFeedback
    from traitlets.config import Config

    hide = _classes()["HideHiddenTests"]
    app = GenerateFeedbackApp()
    app.initialize(argv)
    configured = app.config.GenerateFeedback.get("preprocessors")
    chain = list(GenerateFeedback.class_traits()["preprocessors"].default() if configured is None else configured)
    if not any(p is hide or p == f"{__name__}.HideHiddenTests" for p in chain):
        chain.append(hide)
    extra = Config()
    extra.GenerateFeedback.preprocessors = chain
    app.update_config(extra)
    app.start()
    return 0


def _feedback(course, assignment):
    """{path relative to the course: modification time} of the assignment's feedback files."""
    import glob

    paths = glob.glob(os.path.join(glob.escape(course), "feedback", "*", assignment, "*.html"))
    return {os.path.relpath(path, course): os.stat(path).st_mtime_ns for path in paths}


def _error(message, status=2):
    print(f"error: {' '.join(str(message).split())}", file=sys.stderr)
    return status

"""vae_keras.course.feedback: feedback without hidden tests, autograde without false checksum alarms.

The preprocessors run here on small notebooks; tests/test_nbgrader_cli.py runs them through
nbgrader's own command line on notebook 01.
"""

import argparse
import logging
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from vae_keras.course import feedback

pytestmark = pytest.mark.backend_independent

TEST_CELL = """x = answer()
assert x.shape == (2,), f"answer() returns shape {x.shape}; expected (2,)"
### BEGIN HIDDEN TESTS
assert secret_check(x), "answer() must also be finite far from 0"
def helper_hidden(y):
    return y.sum() > 0
### END HIDDEN TESTS"""
RED, RESET = "\x1b[0;31m", "\x1b[0m"
MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")  # nbgrader's ClearHiddenTests delimiters


def traceback(*frames, message="AssertionError: answer() must also be finite far from 0"):
    """An IPython-style traceback: a header, the frames, the error line, coloured."""
    return [f"{RED}---------------------------------------------------------------------------{RESET}\n"
            f"{RED}AssertionError{RESET}                            Traceback (most recent call last)",
            *frames, f"{RED}{message.split(':')[0]}{RESET}:{message.split(':', 1)[1]}"]


HIDDEN_FRAME = (f"Cell {RED}In[3], line 4{RESET}\n      2 assert x.shape == (2,)\n"
                f"{RED}----> 4 assert{RESET} secret_check(x), {RED}\"answer() must also be finite far from 0\"{RESET}")
LIBRARY_FRAME = "File ~/vae_keras/course/checks.py:12, in check_finite(x, name)\n---> 12 assert np.isfinite(x).all()"
HIDDEN = {"assert secret_check(x), \"answer() must also be finite far from 0\"", "def helper_hidden(y):",
          "return y.sum() > 0"}


def plain(text):
    """Text without ANSI colours."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def metadata(grade_id, points=None, locked=False):
    nbgrader = {"grade": points is not None, "grade_id": grade_id, "locked": locked, "schema_version": 3,
                "solution": points is None, "task": False}
    return {"nbgrader": nbgrader if points is None else {**nbgrader, "points": points}}


# --- split_hidden and hide_in_output ----------------------------------------------------------

def test_split_hidden_takes_each_region_with_its_markers():
    visible, hidden = feedback.split_hidden(TEST_CELL + "\nprint('after')\n### BEGIN HIDDEN TESTS\nz = 1\n"
                                            "### END HIDDEN TESTS", *MARKERS)
    assert visible == TEST_CELL.split("\n### BEGIN")[0] + "\nprint('after')"
    assert hidden[0] == hidden[5] == "### BEGIN HIDDEN TESTS" and hidden[4] == hidden[-1] == "### END HIDDEN TESTS"
    assert hidden[1:4] == TEST_CELL.split("\n")[3:6] and hidden[6] == "z = 1" and len(hidden) == 8
    assert feedback.split_hidden("x = 1", *MARKERS) == ("x = 1", [])


@pytest.mark.parametrize("source, problem", [
    ("### BEGIN HIDDEN TESTS\nx\n### BEGIN HIDDEN TESTS\ny\n### END HIDDEN TESTS", "opens inside another"),
    ("x = 1\n### BEGIN HIDDEN TESTS\nassert x", "never closed"),
])
def test_split_hidden_refuses_broken_regions(source, problem):
    with pytest.raises(ValueError, match=problem):
        feedback.split_hidden(source, *MARKERS)


def test_error_keeps_its_message_without_the_hidden_frames():
    output = new_output("error", ename="AssertionError", evalue="answer() must also be finite far from 0",
                        traceback=traceback(HIDDEN_FRAME, LIBRARY_FRAME))
    feedback.hide_in_output(output, HIDDEN)
    assert output.traceback[1:] == [feedback.LEFT_OUT, LIBRARY_FRAME, output.traceback[-1]]
    assert output.traceback[-1].endswith("answer() must also be finite far from 0")
    assert not any(feedback.quotes(entry, HIDDEN) for entry in output.traceback)


def test_error_whose_message_quotes_hidden_code_keeps_its_name():
    message = 'AssertionError: assert secret_check(x), "answer() must also be finite far from 0"'
    output = new_output("error", ename="AssertionError", evalue=message.split(": ", 1)[1],
                        traceback=traceback(HIDDEN_FRAME, message=message))
    feedback.hide_in_output(output, HIDDEN)
    assert output.traceback[1:] == [feedback.LEFT_OUT, "AssertionError"] and output.evalue == ""


def test_outputs_that_quote_no_hidden_line_stay_as_they_are():
    error = new_output("error", ename="NotImplementedError", evalue="",
                       traceback=traceback(LIBRARY_FRAME, message="NotImplementedError: "))
    before = list(error.traceback)
    assert feedback.hide_in_output(error, HIDDEN).traceback == before
    stream = new_output("stream", name="stderr", text="/tmp/ipykernel/1.py:4: UserWarning: big\n"
                                                      "  return y.sum() > 0\nall done\n")
    assert feedback.hide_in_output(stream, HIDDEN).text == "/tmp/ipykernel/1.py:4: UserWarning: big\nall done\n"


def test_quotable_lines_hold_three_letters_or_digits():
    assert [feedback.quotable(line) for line in ["    )", "x = 1", "abc", "### END HIDDEN TESTS"]] == [
        False, False, True, True]


# --- The preprocessors ------------------------------------------------------------------------

def test_hide_hidden_tests_cleans_every_cell():
    notebook = new_notebook(cells=[
        new_markdown_cell("Write `answer()`."),
        new_code_cell("def answer():\n    raise NotImplementedError()", metadata=metadata("ex1_solution")),
        new_code_cell(TEST_CELL, metadata=metadata("ex1_test", points=2, locked=True), outputs=[
            new_output("stream", name="stdout", text="checking\n"),
            new_output("error", ename="AssertionError", evalue="answer() must also be finite far from 0",
                       traceback=traceback(HIDDEN_FRAME, LIBRARY_FRAME))]),
        new_code_cell("helper_hidden(x)", outputs=[  # a later cell calls a hidden helper
            new_output("error", ename="TypeError", evalue="bad operand",
                       traceback=traceback("Cell In[3], line 5, in helper_hidden(y)\n----> 5     return y.sum() > 0",
                                           message="TypeError: bad operand"))]),
    ])
    notebook.cells[2].metadata.nbgrader["score"] = 0.0
    cleaned, _ = feedback.HideHiddenTests().preprocess(notebook, {})
    test = cleaned.cells[2]
    assert test.source == TEST_CELL.split("\n### BEGIN")[0]
    assert test.metadata.nbgrader["score"] == 0.0 and test.metadata.nbgrader["points"] == 2
    assert test.outputs[0].text == "checking\n"
    assert test.outputs[1].traceback[-1].endswith("answer() must also be finite far from 0")
    assert [plain(entry) for entry in cleaned.cells[3].outputs[0].traceback[1:]] == [
        feedback.LEFT_OUT, "TypeError: bad operand"]
    text = nbformat.writes(cleaned)
    assert "HIDDEN TESTS" not in text and "secret_check" not in text and "y.sum() > 0" not in text


class Gradebook:
    """What OverwriteCells asks nbgrader's gradebook: the instructor's cell and its points."""

    def __init__(self, cell):
        from nbgrader import utils

        self.cell = SimpleNamespace(source=cell.source, cell_type=cell.cell_type, locked=True,
                                    checksum=utils.compute_checksum(cell))

    def find_source_cell(self, grade_id, notebook_id, assignment_id):
        return self.cell

    def find_graded_cell(self, grade_id, notebook_id, assignment_id):
        return SimpleNamespace(max_score=2.0)


@pytest.fixture
def restore(caplog):
    """A RestoreHiddenTests that knows TEST_CELL, logging to caplog."""
    instructor = new_code_cell(TEST_CELL, metadata=metadata("ex1_test", points=2, locked=True))
    preprocessor = feedback.RestoreHiddenTests()
    preprocessor.gradebook, preprocessor.notebook_id, preprocessor.assignment_id = Gradebook(instructor), "nb", "a"
    preprocessor.log = logging.getLogger("test_feedback.restore")
    caplog.set_level(logging.WARNING, logger="test_feedback.restore")
    return preprocessor


def released_cell():
    visible, _ = feedback.split_hidden(TEST_CELL, *MARKERS)
    return new_code_cell(visible, metadata=metadata("ex1_test", points=2, locked=True))


def test_restore_hidden_tests_is_quiet_about_a_released_cell(restore, caplog):
    cell, _ = restore.preprocess_cell(released_cell(), {}, 0)
    assert cell.source == TEST_CELL
    assert caplog.records == []


def test_restore_hidden_tests_reports_a_changed_cell(restore, caplog):
    tampered = released_cell()
    tampered.source = tampered.source.replace("(2,)", "(3,)")
    cell, _ = restore.preprocess_cell(tampered, {}, 0)
    assert cell.source == TEST_CELL  # graded with the instructor's tests all the same
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        "Attribute 'checksum' for cell ex1_test has changed!"]


def test_configure_swaps_in_the_two_preprocessors():
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.preprocessors import OverwriteCells
    from traitlets.config import Config

    c = Config()
    feedback.configure(c)
    assert c.GenerateFeedback.preprocessors == [*GenerateFeedback.class_traits()["preprocessors"].default(),
                                                feedback.HideHiddenTests]
    default = Autograde.class_traits()["sanitize_preprocessors"].default()
    assert c.Autograde.sanitize_preprocessors == [
        feedback.RestoreHiddenTests if cls is OverwriteCells else cls for cls in default]
    assert OverwriteCells in default and issubclass(feedback.RestoreHiddenTests, OverwriteCells)


# --- The command ------------------------------------------------------------------------------

def parse(*argv):
    parser = argparse.ArgumentParser()
    feedback.add_command(parser.add_subparsers(dest="command"))
    return parser.parse_args(["feedback", *argv])


def test_command_defaults_to_the_current_folder():
    assert vars(parse("nb01")) == {"command": "feedback", "assignment": "nb01", "course_dir": ".", "student": None}


def test_command_needs_a_course_directory(tmp_path, capsys):
    assert feedback.run(parse("nb01", "--course-dir", str(tmp_path))) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: Expected an nbgrader course directory")
    assert f"Received: --course-dir={str(tmp_path)!r}" in err and "pass --course-dir" in err


def test_command_needs_autograded_submissions(tmp_path, capsys):
    (tmp_path / "gradebook.db").touch()
    assert feedback.run(parse("nb07", "--course-dir", str(tmp_path), "--student", "ada")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "run nbgrader autograde nb07 first" in err
    assert "Received: ASSIGNMENT='nb07', --student='ada'" in err


def test_command_names_the_install_without_nbgrader(tmp_path, capsys, monkeypatch):
    (tmp_path / "gradebook.db").touch()
    (tmp_path / "autograded" / "ada" / "nb01").mkdir(parents=True)
    (tmp_path / "autograded" / "ada" / "nb01" / "01_dense_decoder.ipynb").touch()
    monkeypatch.setitem(sys.modules, "nbgrader", None)
    assert feedback.run(parse("nb01", "--course-dir", str(tmp_path))) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and 'pip install "vae_keras[instructor]"' in err


def test_python_m_vae_keras_runs_the_command(tmp_path):
    """`python -m vae_keras feedback` is registered: its help, and one error line with exit status 2."""
    command = [sys.executable, "-m", "vae_keras", "feedback"]
    help_text = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=120)
    assert help_text.returncode == 0 and "--course-dir" in help_text.stdout and "--student" in help_text.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    result = subprocess.run([*command, "nb01", "--course-dir", str(empty)], capture_output=True, text=True,
                            timeout=120)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and result.stdout == "", result
    assert len(lines) == 1 and lines[0].startswith("error: Expected an nbgrader course directory"), result.stderr
    assert f"Received: --course-dir={str(empty)!r}" in lines[0]
    assert list(empty.iterdir()) == []


def test_markers_come_from_nbgrader():
    """The module names no marker itself (the hand-out's wheel holds it): nbgrader's delimiters are these."""
    from nbgrader.preprocessors import ClearHiddenTests

    assert (ClearHiddenTests().begin_test_delimeter, ClearHiddenTests().end_test_delimeter) == MARKERS
    assert not any(marker in Path(feedback.__file__).read_text() for marker in MARKERS)


def test_importing_the_module_leaves_nbgrader_alone():
    code = "import sys, vae_keras.course.feedback; assert 'nbgrader' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)

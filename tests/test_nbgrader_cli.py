"""The README's nbgrader recipe, run as written, grades notebook 01 end to end.

The bash blocks of the README's "### Grade with nbgrader" section run as they stand, from a
temporary folder outside the repository; only the values of the first block's `VENV=` and
`COURSE_REPO=` lines become this environment and this checkout. In a venv, the commands start with
a PATH that lacks the venv's bin/, so nbgrader (and the alembic it runs) is found only through the
README's `source "$VENV/bin/activate"`; outside one, a stand-in activate script puts Python's
scripts folder on PATH. Between the blocks, the test does what a person does:
it hands in two submissions of "nb01" (every answer right; one wrong answer, a tampered test
cell and a blank written answer), and, after autograde, scores the written answers through
nbgrader's gradebook as the formgrader does. The JupyterLab block (the formgrader) is not run.
The recipe puts the notebooks into the course directory with ``python -m vae_keras nbgrader-sources``,
so what nbgrader releases points at no repository and installs the wheel released beside it.

The kernels inherit VAE_KERAS_QUICK=1 from the README's autograde command, so each submission
runs in quick mode (about 15 s); the whole module takes about a minute on an idle machine.
"""

import argparse
import csv
import html
import importlib.util
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from vae_keras.course import assignments, feedback
from vae_keras.course.repository import read_course_settings

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SECTION = "### Grade with nbgrader"
NOTEBOOK = ROOT / "notebooks" / "01_dense_decoder.ipynb"
ASSIGNMENT = "nb01"
WRONG_EXERCISE = "nb01_ex2"  # one_wrong's answer is tests/answers/nb01.py's first wrong one; a hidden test fails it
TAMPERED = "nb01_ex3_test"  # one_wrong deletes a line of this test cell; nbgrader grades the original all the same
ENVIRONMENT = {"MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3"}  # the README's commands set VAE_KERAS_QUICK
STUDENTS = ("solver", "one_wrong")  # an untouched submission is graded in test_exercises
MANUAL_FRACTION = 0.5  # of each written answer's points, what the instructor gives the solver
# This venv's bin/, which the README's `source "$VENV/bin/activate"` must put on PATH; None outside a venv
# (a system or conda Python, whose scripts share a folder with the shell's tools: nothing is taken off PATH).
VENV_BIN = (os.path.realpath(Path(sys.prefix, "bin")) if sys.prefix != sys.base_prefix
            and Path(sys.prefix, "bin", "activate").is_file() else None)
HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def readme_blocks():
    """{"setup", "autograde", "formgrader", "feedback": the bash block} of the README's nbgrader section."""
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION)
    section = text[start:text.index("\n### ", start + len(SECTION))]
    blocks = [textwrap.dedent(block) for block in re.findall(r"^ *```bash\n(.*?)^ *```", section, re.M | re.S)]
    found = {}
    for name, command in [("setup", "nbgrader generate_assignment"), ("autograde", "nbgrader autograde"),
                          ("formgrader", "jupyter lab"), ("feedback", "nbgrader generate_feedback")]:
        matches = [block for block in blocks if command in block]
        assert len(matches) == 1, f"expected one bash block with {command!r} in the README's {SECTION!r}"
        found[name] = matches[0]
    assert len(blocks) == len(found), "a bash block of the README's nbgrader section that this test does not run"
    return found


def environment_folder(folder):
    """The environment to activate: this venv, or, outside a venv, a stand-in that puts Python's scripts on PATH."""
    if VENV_BIN is not None:
        return sys.prefix
    stand_in = folder / "environment"
    (stand_in / "bin").mkdir(parents=True)
    paths = ":".join(dict.fromkeys([sysconfig.get_path("scripts"), os.path.dirname(sys.executable)]))
    (stand_in / "bin" / "activate").write_text(f'export PATH="{paths}:$PATH"\n')
    return str(stand_in)


def with_paths(block, venv):
    """The block with its `VENV=` and `COURSE_REPO=` lines set to this environment and this checkout."""
    values = {"VENV": venv, "COURSE_REPO": str(ROOT)}
    lines = block.splitlines()
    for name, value in values.items():
        where = [i for i, line in enumerate(lines) if line.startswith(f"{name}=")]
        assert len(where) == 1, f"expected one line starting {name}= in the README's first nbgrader block"
        lines[where[0]] = f"{name}={shlex.quote(value)}"
    return "\n".join(lines) + "\n"


def bash(script, cwd):
    """Runs a bash script (stopping at the first failing command), with a venv's bin/ off PATH."""
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                           if VENV_BIN is None or os.path.realpath(p) != VENV_BIN)
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, capture_output=True, text=True,
                            env={**env, **ENVIRONMENT, "PATH": path}, timeout=900)
    assert result.returncode == 0, f"{script}\nfailed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    return result.stdout + result.stderr


def activated(block, venv):
    """The block as run in a terminal where the environment is active (the README's `source` line)."""
    return f"source {shlex.quote(venv)}/bin/activate\n{block}"


def wrong_answer():
    """The code of the first wrong answer to WRONG_EXERCISE in tests/answers/nb01.py."""
    path = Path(__file__).resolve().parent / "answers" / "nb01.py"
    spec = importlib.util.spec_from_file_location("answers_nb01_cli", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return next(iter(module.ANSWERS[WRONG_EXERCISE]["wrong"].values()))


def solution_code(cell):
    """A solution cell's answer as a student would hand it in: the code without nbgrader's region markers."""
    return "\n".join(line for line in cell.source.splitlines()
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def submission(released, answers, tampered=()):
    """The released notebook with each solution cell whose grade id is in `answers` replaced by that code,
    and the first line of each cell in `tampered` deleted."""
    notebook = nbformat.from_dict(released)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id.removesuffix("_solution") in answers:
            cell.source = answers[grade_id.removesuffix("_solution")]
        if grade_id in tampered:
            cell.source = "\n".join(cell.source.split("\n")[1:])
    return notebook


def grades_of(course, student):
    """{grade_id: (auto_score, manual_score, needs_manual_grade, max_score)} of a student's notebook 01."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {grade.name: (grade.auto_score, grade.manual_score, grade.needs_manual_grade, grade.max_score)
                for grade in gradebook.find_submission_notebook(NOTEBOOK.stem, ASSIGNMENT, student).grades}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The README's recipe, from a folder outside the repository: setup, two hand-ins, autograde,
    the written answers scored, feedback and export."""
    blocks = readme_blocks()
    folder = tmp_path_factory.mktemp("instructor")
    venv = environment_folder(folder)
    bash(with_paths(blocks["setup"], venv), folder)
    course = folder / "course"

    released = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK.name, as_version=4)
    instructor = nbformat.read(NOTEBOOK, as_version=4)
    solutions = {cell.metadata["nbgrader"]["grade_id"].removesuffix("_solution"): solution_code(cell)
                 for cell in instructor.cells if cell.metadata.get("nbgrader", {}).get("solution")}
    written = assignments.written_answers(NOTEBOOK)
    one_wrong = {grade_id: code for grade_id, code in solutions.items() if grade_id not in written}
    submissions = {
        "solver": submission(released, solutions),
        "one_wrong": submission(released, {**one_wrong, WRONG_EXERCISE: wrong_answer()}, tampered=(TAMPERED,)),
    }
    for student, notebook in submissions.items():
        (course / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
        nbformat.write(notebook, course / "submitted" / student / ASSIGNMENT / NOTEBOOK.name)

    autograde_log = bash(activated(blocks["autograde"], venv), course)
    autograded = {student: grades_of(course, student) for student in STUDENTS}

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:  # what the formgrader does with a score
        for grade_id, points in written.items():
            grade = gradebook.find_grade(grade_id, NOTEBOOK.stem, ASSIGNMENT, "solver")
            grade.manual_score = MANUAL_FRACTION * points
        gradebook.db.commit()

    feedback_log = bash(activated(blocks["feedback"], venv), course)
    return SimpleNamespace(path=course, autograde_log=autograde_log, autograded=autograded, feedback_log=feedback_log)


def exercise_points():
    """{grade_id: points} of notebook 01's autograded test cells, e.g. {"nb01_ex1_test": 2.0, ...}."""
    return assignments.exercises(NOTEBOOK)


def test_recipe_starts_from_its_own_paths():
    """The first block names the paths it needs and activates the environment; no command climbs out with ../."""
    blocks = readme_blocks()
    assert 'source "$VENV/bin/activate"' in blocks["setup"]
    assert 'python -m vae_keras nbgrader-sources . --source "$COURSE_REPO/notebooks"' in blocks["setup"]
    assert "cp " not in blocks["setup"]  # the notebooks go in through nbgrader-sources, badge and install cell fixed
    assert "feedback.configure(c)" in blocks["setup"]
    assert all("../" not in block for block in blocks.values())
    assert "cd course && jupyter lab" in blocks["formgrader"]


def test_released_notebooks_point_at_no_repository_and_install_the_wheel_beside_them(course):
    """Issue 26: every notebook nbgrader releases (release/nbNN/) opens without the course repository, which
    holds the answers and may be private: no Colab badge, no install from it; its install cell installs the
    library's wheel, which is released beside it. The sources of the other assignments are checked likewise."""
    repository = read_course_settings(ROOT)["repository"]
    released = sorted((course.path / "release").glob("nb*/*.ipynb"))
    assert [path.parent.name for path in released] == [ASSIGNMENT]  # the recipe releases nb01
    sources = sorted((course.path / "source").glob("nb*/*.ipynb"))
    assert [path.name for path in sources] == sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
    for path in released + sources:
        [wheel] = path.parent.glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            assert wheel.name.startswith("vae_keras-") and "vae_keras/__init__.py" in archive.namelist(), wheel
        notebook = nbformat.read(path, as_version=4)
        text = "\n".join(cell.source for cell in notebook.cells)
        for address in ("colab.research.google.com/github/", "colab-badge", "git+https://"):
            assert address not in text, f"{path}: {address!r}"
        [install] = [cell.source for cell in notebook.cells
                     if cell.cell_type == "code" and "google.colab" in cell.source]
        assert f'"vae_keras @ file://{assignments.COLAB_UPLOADS}/{wheel.name}"' in install, f"{path}: {install}"
        assert repository not in install, f"{path}: {install}"
        assert f"Upload {wheel.name}" in install and f"pip install {wheel.name}" in install, f"{path}: {install}"


def test_autograde_scores_each_exercise(course):
    points = exercise_points()
    assert len(points) >= 2 and f"{WRONG_EXERCISE}_test" in points
    scores = {student: {name: auto for name, (auto, _, _, _) in course.autograded[student].items() if name in points}
              for student in STUDENTS}
    assert scores["solver"] == points
    assert scores["one_wrong"] == {**points, f"{WRONG_EXERCISE}_test": 0.0}  # the tampered cell's original passed


def test_autograde_warns_only_about_the_tampered_cell(course):
    """No false alarm for test cells handed in as released; a changed one is still reported."""
    warnings = re.findall(r"\[AutogradeApp \| WARNING\] (.*)", course.autograde_log)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"Attribute 'checksum' for cell {TAMPERED} has changed!")


def test_written_answers_wait_for_a_person(course):
    """After autograde, an answered written answer needs a person; a blank one scores 0."""
    written = assignments.written_answers(NOTEBOOK)
    assert written, "notebook 01 has a written answer"
    for grade_id, points in written.items():
        assert course.autograded["solver"][grade_id] == (None, None, True, points)
        assert course.autograded["one_wrong"][grade_id] == (0.0, None, False, points)


def test_export_counts_the_manual_grades(course):
    with open(course.path / "grades.csv", newline="") as file:
        rows = {(row["assignment"], row["student_id"]): row for row in csv.DictReader(file)}
    assert set(rows) == {(ASSIGNMENT, student) for student in STUDENTS}
    total, written = sum(exercise_points().values()), sum(assignments.written_answers(NOTEBOOK).values())
    for student in STUDENTS:
        assert float(rows[ASSIGNMENT, student]["max_score"]) == total + written
    assert float(rows[ASSIGNMENT, "solver"]["score"]) == total + MANUAL_FRACTION * written
    assert float(rows[ASSIGNMENT, "one_wrong"]["score"]) == total - exercise_points()[f"{WRONG_EXERCISE}_test"]


# --- Feedback -------------------------------------------------------------------------------

def html_text(path):
    """The text of an HTML file as a reader sees it: tags removed (code is split into highlighted
    spans), entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", Path(path).read_text(encoding="utf-8")))


def released(course):
    """The released notebook 01, as students get it."""
    return nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK.name, as_version=4)


def hidden_lines(course, student):
    """Every line of notebook 01's hidden tests that the student cannot have seen elsewhere: its hidden
    regions' lines with at least 3 letters or digits that are in neither the released notebook nor the
    student's submission (a repeated compile line, `atol=1e-3)`, `import tensorflow as tf`)."""
    submitted = nbformat.read(course / "submitted" / student / ASSIGNMENT / NOTEBOOK.name, as_version=4)
    shown = "\n".join(cell.source for notebook in (released(course), submitted) for cell in notebook.cells)
    lines = {line.strip() for cell in nbformat.read(NOTEBOOK, as_version=4).cells
             for region in HIDDEN_REGION.findall(cell.source) for line in region.splitlines()}
    return sorted(line for line in lines if line not in shown and len(re.findall(r"[A-Za-z0-9]", line)) >= 3)


def leaks(course, student, text):
    """The student's hidden lines, and the markers, that `text` holds."""
    return [line for line in ["BEGIN HIDDEN TESTS", "END HIDDEN TESTS", *hidden_lines(course, student)]
            if line in text]


def visible_test_lines(course):
    """The lines of the released test cells (3 letters or digits or more), as students see them."""
    tests = [cell for cell in released(course).cells if cell.cell_type == "code"
             and cell.metadata.get("nbgrader", {}).get("grade") and not cell.metadata["nbgrader"].get("solution")]
    return [line.strip() for cell in tests for line in cell.source.splitlines()
            if len(re.findall(r"[A-Za-z0-9]", line)) >= 3]


def error_of(course, student, grade_id):
    """The error output of a test cell of a student's autograded notebook."""
    notebook = nbformat.read(course / "autograded" / student / ASSIGNMENT / NOTEBOOK.name, as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return next(output for output in cell.outputs if output.output_type == "error")


def feedback_html(course, student, folder="feedback"):
    return course / folder / student / ASSIGNMENT / f"{NOTEBOOK.stem}.html"


def check_feedback(course, student, folder="feedback"):
    """The feedback holds no hidden line, and every visible test line."""
    text = html_text(feedback_html(course, student, folder))
    assert len(hidden_lines(course, student)) >= 15  # enough for the scan to mean something
    assert leaks(course, student, text) == []
    visible = visible_test_lines(course)
    missing = [line for line in visible if line not in text]
    assert not missing and len(visible) > 20, missing
    return text


def test_feedback_leaves_out_the_hidden_tests(course):
    assert "WARNING" not in course.feedback_log
    for student in STUDENTS:
        check_feedback(course.path, student)


def test_feedback_keeps_scores_and_error_messages(course):
    text = html_text(feedback_html(course.path, "one_wrong"))
    points = exercise_points()
    total = sum(points.values()) - points[f"{WRONG_EXERCISE}_test"]
    maximum = sum(points.values()) + sum(assignments.written_answers(NOTEBOOK).values())
    assert re.search(rf"Score:\s*{total:.1f}\s*/\s*{maximum:.1f}", text), "the notebook's total"
    assert re.search(rf"{WRONG_EXERCISE}_test\s+Score:\s*0\.0\s*/\s*{points[WRONG_EXERCISE + '_test']:.1f}", text)
    error = error_of(course.path, "one_wrong", f"{WRONG_EXERCISE}_test")
    traceback = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))
    assert leaks(course.path, "one_wrong", traceback), "the wrong answer fails a hidden test, quoted in its traceback"
    assert f"{error.ename}: {error.evalue.splitlines()[0]}" in text
    assert feedback.LEFT_OUT in text


def test_plain_nbgrader_feedback_shows_the_hidden_tests(course):
    """The scan above finds the hidden tests in what nbgrader writes without HideHiddenTests."""
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", ASSIGNMENT, "--student=one_wrong",
                    "--CourseDirectory.feedback_directory=plain_feedback",
                    '--GenerateFeedback.preprocessors=["nbgrader.preprocessors.GetGrades",'
                    '"nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]'],
                   cwd=course.path, check=True, capture_output=True, timeout=300)
    with pytest.raises(AssertionError):
        check_feedback(course.path, "one_wrong", folder="plain_feedback")
    plain = html_text(feedback_html(course.path, "one_wrong", "plain_feedback"))
    assert len(leaks(course.path, "one_wrong", plain)) == len(hidden_lines(course.path, "one_wrong")) + 2  # all


def test_feedback_command(course, capsys):
    """`python -m vae_keras feedback nb01 --course-dir DIR` rewrites the feedback, without hidden tests."""
    parser = argparse.ArgumentParser()
    feedback.add_command(parser.add_subparsers(dest="command"))
    for student in STUDENTS:
        feedback_html(course.path, student).write_text("BEGIN HIDDEN TESTS")  # as an earlier plain run left it
    assert feedback.run(parser.parse_args(["feedback", ASSIGNMENT, "--course-dir", str(course.path)])) == 0
    out = capsys.readouterr().out
    for student in STUDENTS:
        assert str(Path("feedback", student, ASSIGNMENT, f"{NOTEBOOK.stem}.html")) in out
        check_feedback(course.path, student)

"""nbgrader's own command line grades a real notebook end to end, as an instructor would run it.

A course directory in a temporary folder gets notebook 01 as assignment "nb01";
`nbgrader generate_assignment` releases it; three submissions are autograded in one
`nbgrader autograde` call (the instructor's solutions, the untouched student version, and the
solutions with exactly one wrong answer); `nbgrader export` writes the grades as CSV. The
kernels inherit VAE_KERAS_QUICK=1, so each submission runs in quick mode (about 15 s).
"""

import csv
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from vae_keras.course import assignments

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01_dense_decoder.ipynb"
ASSIGNMENT = "nb01"
WRONG_EXERCISE = "nb01_ex2"  # the one exercise the third submission gets wrong
WRONG_LABEL = "exp of the log-variance: the variance, not sigma"
ENVIRONMENT = {"VAE_KERAS_QUICK": "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3"}
CONFIG = 'c = get_config()\nc.CourseDirectory.course_id = "vae-keras"\nc.Execute.timeout = 300\n'


def nbgrader(course, *args):
    """Runs `python -m nbgrader ARGS` in the course directory; fails the test with nbgrader's log on an error."""
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"],
                            cwd=course, capture_output=True, text=True, env={**os.environ, **ENVIRONMENT},
                            timeout=900)
    assert result.returncode == 0, (
        f"nbgrader {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result


def wrong_answer():
    """The code of one wrong answer to exercise 2, from tests/answers/nb01.py."""
    path = Path(__file__).resolve().parent / "answers" / "nb01.py"
    spec = importlib.util.spec_from_file_location("answers_nb01_cli", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ANSWERS[WRONG_EXERCISE]["wrong"][WRONG_LABEL]


def solution_code(cell):
    """A solution cell's answer as a student would hand it in: the code without nbgrader's region markers."""
    return "\n".join(line for line in cell.source.splitlines()
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def submission(released, answers):
    """The released notebook with each solution cell whose exercise is in `answers` replaced by that code."""
    notebook = nbformat.from_dict(released)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        exercise = grade_id.removesuffix("_solution")
        if cell.metadata.get("nbgrader", {}).get("solution") and exercise in answers:
            cell.source = answers[exercise]
    return notebook


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory after generate_assignment, autograde (three students) and export."""
    course = tmp_path_factory.mktemp("nbgrader_course")
    (course / "nbgrader_config.py").write_text(CONFIG)
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(NOTEBOOK, course / "source" / ASSIGNMENT / NOTEBOOK.name)
    nbgrader(course, "generate_assignment", ASSIGNMENT)

    released = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK.name, as_version=4)
    instructor = nbformat.read(NOTEBOOK, as_version=4)
    solutions = {cell.metadata["nbgrader"]["grade_id"].removesuffix("_solution"): solution_code(cell)
                 for cell in instructor.cells if cell.metadata.get("nbgrader", {}).get("solution")}
    submissions = {
        "solver": submission(released, solutions),
        "untouched": submission(released, {}),
        "one_wrong": submission(released, {**solutions, WRONG_EXERCISE: wrong_answer()}),
    }
    for student, notebook in submissions.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / NOTEBOOK.name)
    nbgrader(course, "autograde", ASSIGNMENT)  # all three, one after another
    nbgrader(course, "export", f"--to={course / 'grades.csv'}")
    return course


def exercise_points():
    """{exercise: points} of notebook 01, e.g. {"nb01_ex1": 2.0, ...}."""
    return {grade_id.removesuffix("_test"): points
            for grade_id, points in assignments.exercises(NOTEBOOK).items()}


def test_autograde_scores_each_exercise(course):
    from nbgrader.api import Gradebook

    points = exercise_points()
    assert len(points) >= 2 and WRONG_EXERCISE in points
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {student: {grade.name.removesuffix("_test"): grade.score
                            for grade in gradebook.find_submission_notebook(NOTEBOOK.stem, ASSIGNMENT, student).grades}
                  for student in ("solver", "untouched", "one_wrong")}
    assert scores["solver"] == points
    assert scores["untouched"] == {exercise: 0.0 for exercise in points}
    assert scores["one_wrong"] == {**points, WRONG_EXERCISE: 0.0}


def test_export_writes_each_students_total(course):
    with open(course / "grades.csv", newline="") as file:
        rows = {row["student_id"]: row for row in csv.DictReader(file)}
    total = sum(exercise_points().values())
    assert set(rows) == {"solver", "untouched", "one_wrong"}
    for row in rows.values():
        assert row["assignment"] == ASSIGNMENT and float(row["max_score"]) == total
    assert float(rows["solver"]["score"]) == total
    assert float(rows["untouched"]["score"]) == 0.0
    assert float(rows["one_wrong"]["score"]) == total - exercise_points()[WRONG_EXERCISE]

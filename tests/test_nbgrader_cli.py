"""nbgrader's own command line grades a real notebook end to end, as an instructor would run it.

A course directory in a temporary folder gets notebook 01 as assignment "nb01";
`nbgrader generate_assignment` releases it; two submissions are autograded in one
`nbgrader autograde` call (the instructor's solutions, and the solutions with exactly one wrong
answer; tests/test_exercises.py grades the untouched student version by nbgrader's rule);
`nbgrader export` writes the grades as CSV. The
kernels inherit VAE_KERAS_QUICK=1, so each submission runs in quick mode (about 15 s).

A second assignment, "written", is a small synthetic notebook with a code exercise and a
manually graded written answer: autograde leaves the written answer to a person
(needs_manual_grade) unless it is blank; the instructor's score, given as the formgrader gives
it (into the gradebook), reaches the exported total.
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
WRONG_EXERCISE = "nb01_ex2"  # the one exercise the third submission gets wrong, with its table's first wrong answer
ENVIRONMENT = {"VAE_KERAS_QUICK": "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3"}
CONFIG = 'c = get_config()\nc.CourseDirectory.course_id = "vae-keras"\nc.Execute.timeout = 300\n'
STUDENTS = ("solver", "one_wrong")  # notebook 01's submissions; an untouched one is graded in test_exercises
WRITTEN_STUDENTS = ("solver", "untouched")

WRITTEN, WRITTEN_NOTEBOOK = "written", "00_written.ipynb"
WRITTEN_POINTS, MANUAL_SCORE = 3.0, 2.0  # the written answer's points, and what the instructor gives the solver


def nbgrader(course, *args):
    """Runs `python -m nbgrader ARGS` in the course directory; fails the test with nbgrader's log on an error."""
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"],
                            cwd=course, capture_output=True, text=True, env={**os.environ, **ENVIRONMENT},
                            timeout=900)
    assert result.returncode == 0, (
        f"nbgrader {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result


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


def submission(released, answers):
    """The released notebook with each solution cell whose exercise is in `answers` replaced by that code."""
    notebook = nbformat.from_dict(released)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        exercise = grade_id.removesuffix("_solution")
        if cell.metadata.get("nbgrader", {}).get("solution") and exercise in answers:
            cell.source = answers[exercise]
    return notebook


def metadata(grade_id, grade, solution, points=None):
    nbgrader = {"grade": grade, "grade_id": grade_id, "locked": grade and not solution, "schema_version": 3,
                "solution": solution, "task": False}
    return {"nbgrader": nbgrader if points is None else {**nbgrader, "points": points}}


def written_notebook():
    """A code exercise (1 point) and a manually graded written answer (WRITTEN_POINTS) with a model answer."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    notebook = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                     "language": "python"}})
    notebook.cells = [
        new_markdown_cell("**Exercise.** Write `double(x)`."),
        new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                      metadata=metadata("nb00_ex1_solution", False, True)),
        new_code_cell("assert double(2) == 4", metadata=metadata("nb00_ex1_test", True, False, points=1)),
        new_markdown_cell("**Question.** Why is `double` a linear map?"),
        new_markdown_cell("Model answer: double(a x + b y) = a double(x) + b double(y).\n\nRubric: 3 points.",
                          metadata=metadata("nb00_q1", True, True, points=WRITTEN_POINTS)),
    ]
    return notebook


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory after generate_assignment, autograde (two students each), export,
    a manual grade for the solver's written answer, and export again."""
    course = tmp_path_factory.mktemp("nbgrader_course")
    (course / "nbgrader_config.py").write_text(CONFIG)
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(NOTEBOOK, course / "source" / ASSIGNMENT / NOTEBOOK.name)
    (course / "source" / WRITTEN).mkdir(parents=True)
    nbformat.write(written_notebook(), course / "source" / WRITTEN / WRITTEN_NOTEBOOK)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    nbgrader(course, "generate_assignment", WRITTEN)

    released = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK.name, as_version=4)
    instructor = nbformat.read(NOTEBOOK, as_version=4)
    solutions = {cell.metadata["nbgrader"]["grade_id"].removesuffix("_solution"): solution_code(cell)
                 for cell in instructor.cells if cell.metadata.get("nbgrader", {}).get("solution")}
    submissions = {
        "solver": submission(released, solutions),
        "one_wrong": submission(released, {**solutions, WRONG_EXERCISE: wrong_answer()}),
    }
    for student, notebook in submissions.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / NOTEBOOK.name)
    released = nbformat.read(course / "release" / WRITTEN / WRITTEN_NOTEBOOK, as_version=4)
    answered = {"nb00_ex1": "def double(x):\n    return x + x",
                "nb00_q1": "Doubling a sum doubles each term, and doubling a multiple is the multiple of the double."}
    for student, answers in zip(WRITTEN_STUDENTS, (answered, {})):
        folder = course / "submitted" / student / WRITTEN
        folder.mkdir(parents=True)
        nbformat.write(submission(released, answers), folder / WRITTEN_NOTEBOOK)
    nbgrader(course, "autograde", ASSIGNMENT)  # both, one after another
    nbgrader(course, "autograde", WRITTEN)
    nbgrader(course, "export", f"--to={course / 'grades.csv'}")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:  # what the formgrader does with a score
        grade = gradebook.find_grade("nb00_q1", Path(WRITTEN_NOTEBOOK).stem, WRITTEN, "solver")
        grade.manual_score = MANUAL_SCORE
        gradebook.db.commit()
    nbgrader(course, "export", f"--to={course / 'graded.csv'}")
    return course


def exercise_points():
    """{exercise: points} of notebook 01's autograded exercises, e.g. {"nb01_ex1": 2.0, ...}."""
    return {grade_id.removesuffix("_test"): points
            for grade_id, points in assignments.exercises(NOTEBOOK).items()}


def grades_of(course, notebook, assignment, student):
    """{grade_id: (auto_score, needs_manual_grade, max_score)} of one submitted notebook, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {grade.name: (grade.auto_score, grade.needs_manual_grade, grade.max_score)
                for grade in gradebook.find_submission_notebook(notebook, assignment, student).grades}


def test_autograde_scores_each_exercise(course):
    points = exercise_points()
    assert len(points) >= 2 and WRONG_EXERCISE in points
    scores = {student: {name.removesuffix("_test"): auto for name, (auto, _, _) in
                        grades_of(course, NOTEBOOK.stem, ASSIGNMENT, student).items() if name.endswith("_test")}
              for student in STUDENTS}
    assert scores["solver"] == points
    assert scores["one_wrong"] == {**points, WRONG_EXERCISE: 0.0}


def test_written_answers_wait_for_a_person(course):
    """In the gradebook, a written answer needs manual grading, with its points; a blank one scores 0."""
    solver = grades_of(course, Path(WRITTEN_NOTEBOOK).stem, WRITTEN, "solver")
    untouched = grades_of(course, Path(WRITTEN_NOTEBOOK).stem, WRITTEN, "untouched")
    assert solver == {"nb00_ex1_test": (1.0, False, 1.0), "nb00_q1": (None, True, WRITTEN_POINTS)}
    assert untouched == {"nb00_ex1_test": (0.0, False, 1.0), "nb00_q1": (0.0, False, WRITTEN_POINTS)}
    written = assignments.written_answers(NOTEBOOK)  # notebook 01's own written answers, as many as it has
    assert written, "notebook 01 has a written answer"
    for student in STUDENTS:
        grades = grades_of(course, NOTEBOOK.stem, ASSIGNMENT, student)
        for grade_id, points in written.items():
            assert grades[grade_id] == (None, True, points), (student, grade_id)


def export(course, name):
    with open(course / name, newline="") as file:
        return {(row["assignment"], row["student_id"]): row for row in csv.DictReader(file)}


def test_export_writes_each_students_total(course):
    rows = export(course, "grades.csv")
    total = sum(exercise_points().values())
    maximum = total + sum(assignments.written_answers(NOTEBOOK).values())
    students = set(STUDENTS) | set(WRITTEN_STUDENTS)
    assert set(rows) == {(assignment, s) for assignment in (ASSIGNMENT, WRITTEN) for s in students}
    assert float(rows[WRITTEN, "one_wrong"]["score"]) == 0.0  # no submission: a row all the same
    assert float(rows[ASSIGNMENT, "untouched"]["score"]) == 0.0
    for student in STUDENTS:
        assert float(rows[ASSIGNMENT, student]["max_score"]) == maximum
    assert float(rows[ASSIGNMENT, "solver"]["score"]) == total  # written answers count once a person grades them
    assert float(rows[ASSIGNMENT, "one_wrong"]["score"]) == total - exercise_points()[WRONG_EXERCISE]
    assert float(rows[WRITTEN, "solver"]["max_score"]) == 1.0 + WRITTEN_POINTS
    assert float(rows[WRITTEN, "solver"]["score"]) == 1.0


def test_manual_grade_reaches_the_export(course):
    rows = export(course, "graded.csv")
    assert float(rows[WRITTEN, "solver"]["score"]) == 1.0 + MANUAL_SCORE
    assert float(rows[WRITTEN, "untouched"]["score"]) == 0.0

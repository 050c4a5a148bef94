"""The exercises grade right: correct answers written differently earn the points, common wrong
answers lose them, and an untouched student notebook still runs past every exercise.

Each notebook is run once, in one kernel, the way a student who has done nothing runs it: its
student version (nbgrader's stubs in place of the solutions) from top to bottom. At each exercise,
before the stub runs, every answer under test is tried in that kernel: the answer's code in place
of the solution cell, then the instructor's whole test cell, hidden tests included, as
`nbgrader autograde` puts it back. The answers are the instructor's own solution, the untouched
stub, and the tables in tests/answers/nbNN.py (at least 2 right and 3 wrong answers per exercise).
A test cell passes when it raises nothing and writes nothing to stderr: nbgrader's rule.
Manually graded written answers (markdown cells) are no code exercises: a person grades them.

Each notebook's grading tests are one class, so that its student flow runs once per class and,
under pytest-xdist's ``--dist loadscope`` (one class or module per worker), the notebooks spread over
the workers: ``python -m pytest -n 2 --dist loadscope tests/test_exercises.py``.
"""

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from vae_keras.course import assignments

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ANSWERS = Path(__file__).resolve().parent / "answers"
CELL_TIMEOUT_S = 300
MIN_RIGHT, MIN_WRONG = 2, 3


def exercise_of(cell):
    """'nb01_ex1' for the code cells with grade ids nb01_ex1_solution and nb01_ex1_test, else None
    (a written answer, nb01_q1, is a markdown cell that a person grades)."""
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
    if cell.cell_type != "code" or not grade_id.endswith(("_solution", "_test")):
        return None
    return grade_id.rsplit("_", 1)[0]


def answers_for(notebook_path):
    """{exercise: {"right": {label: code}, "wrong": {label: code}}} from tests/answers/nbNN.py."""
    path = ANSWERS / f"nb{notebook_path.name[:2]}.py"
    if not path.exists():
        return {}
    spec = importlib.util.spec_from_file_location(f"answers_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ANSWERS


def exercises_in(notebook):
    """{exercise: (solution cell, test cell)} of an instructor notebook, in order."""
    cells = {}
    for cell in notebook.cells:
        exercise = exercise_of(cell)
        if exercise:
            role = "solution" if cell.metadata["nbgrader"].get("solution") else "test"
            cells.setdefault(exercise, {})[role] = cell
    return {exercise: (roles.get("solution"), roles.get("test")) for exercise, roles in cells.items()}


def candidates(notebook_path):
    """[(exercise, kind, label)]: every answer that will be graded, kind "right" or "wrong"."""
    notebook = nbformat.read(notebook_path, as_version=4)
    table = answers_for(notebook_path)
    rows = []
    for exercise in exercises_in(notebook):
        rows.append((exercise, "right", "the instructor's solution"))
        rows.append((exercise, "wrong", "the untouched stub"))
        for kind in ("right", "wrong"):
            rows.extend((exercise, kind, label) for label in table.get(exercise, {}).get(kind, {}))
    return rows


@dataclass
class Run:
    """What one student-flow run of a notebook found."""

    verdicts: dict = field(default_factory=dict)  # (exercise, label) -> error text, or None when it passed
    broken: list = field(default_factory=list)  # cells outside the exercises that failed: (first line, error)


def error_of(cell):
    """The first error or stderr text in a cell's outputs, or None: nbgrader's rule for a test cell."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return f"{output.ename}: {output.evalue}"[:400]
        if output.output_type == "stream" and output.name == "stderr":
            return f"stderr: {output.text}"[:400]
    return None


def run_student_flow(notebook_path):
    """Runs the student version of a notebook in one kernel, grading every answer at its exercise."""
    from nbclient import NotebookClient

    instructor = nbformat.read(notebook_path, as_version=4)
    student = assignments.student_notebook(instructor, path=str(notebook_path.parent))
    full_tests = {exercise: test for exercise, (_, test) in exercises_in(instructor).items()}
    instructor_solutions = {exercise: solution for exercise, (solution, _) in exercises_in(instructor).items()}
    table = answers_for(notebook_path)
    client = NotebookClient(student, timeout=CELL_TIMEOUT_S, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(notebook_path.parent)}})
    run = Run()

    def execute(source):
        cell = nbformat.v4.new_code_cell(source)
        client.execute_cell(cell, 0, store_history=False)
        return cell

    with client.setup_kernel():
        for index, cell in enumerate(student.cells):
            if cell.cell_type != "code":
                continue
            exercise = exercise_of(cell)
            is_solution = exercise and cell.metadata["nbgrader"].get("solution")
            if is_solution:
                tries = {"the instructor's solution": instructor_solutions[exercise].source,
                         "the untouched stub": cell.source}
                for kind in ("right", "wrong"):
                    tries.update(table.get(exercise, {}).get(kind, {}))
                for label, code in tries.items():
                    execute(cell.source)  # the stub first: nothing of the last answer survives into this one
                    answer_error = error_of(execute(code))
                    test_error = error_of(execute(full_tests[exercise].source))
                    run.verdicts[(exercise, label)] = test_error or (answer_error and f"the answer: {answer_error}")
            client.execute_cell(cell, index)
            if not exercise:
                error = error_of(cell)
                if error and not error.startswith("stderr"):
                    run.broken.append((cell.source.splitlines()[0] if cell.source else "", error))
    return run


class NotebookGrading:
    """The grading tests of one notebook, `path`: each subclass below is one notebook."""

    path = None

    @pytest.fixture(scope="class")
    def run(self):
        return run_student_flow(self.path)

    def test_answer_gets_the_grade_it_deserves(self, run, exercise, kind, label):
        verdict = run.verdicts[(exercise, label)]
        if kind == "right":
            assert verdict is None, f"{exercise}: the right answer '{label}' loses its points: {verdict}"
        else:
            assert verdict is not None, f"{exercise}: the wrong answer '{label}' earns the points"

    def test_untouched_student_version_runs_past_every_exercise(self, run):
        assert not run.broken, f"{self.path.name}: cells outside the exercises fail without the solutions: {run.broken}"

    def test_every_exercise_has_a_table_of_right_and_wrong_answers(self):
        exercises = exercises_in(nbformat.read(self.path, as_version=4))
        table = answers_for(self.path)
        assert set(table) <= set(exercises), f"answers for exercises the notebook lacks: {set(table) - set(exercises)}"
        for exercise in exercises:
            right, wrong = (table.get(exercise, {}).get(kind, {}) for kind in ("right", "wrong"))
            assert len(right) >= MIN_RIGHT and len(wrong) >= MIN_WRONG, (
                f"{exercise} has {len(right)} right and {len(wrong)} wrong answers under test; "
                f"expected at least {MIN_RIGHT} and {MIN_WRONG}")


def pytest_generate_tests(metafunc):
    """One test per answer of the class's notebook: (exercise, kind, label)."""
    if "label" in metafunc.fixturenames:
        rows = candidates(metafunc.cls.path)
        metafunc.parametrize("exercise, kind, label", rows, ids=[f"{e}-{k}-{label}" for e, k, label in rows])


# One grading class per notebook (TestNotebook01, ...): pytest collects them from the module's namespace.
for _path in NOTEBOOKS:
    _name = f"TestNotebook{_path.name[:2]}"
    globals()[_name] = type(_name, (NotebookGrading,), {"path": _path})

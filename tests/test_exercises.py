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

Grading is by requirement: each code exercise's task lists numbered requirements (**R1**, **R2**, ...),
each check of its test cell names the requirement it grades ("R2: ..."), and each wrong answer in the
tables is labelled with the one requirement it breaks ("R2: clips the output") and must fail on a
check that names it. A requirement is checked by a visible test unless the table's HIDDEN_ONLY says
why it cannot be without giving the answer away; the README's exercise table shows the counts.

Each notebook's grading tests are one class, so that its student flow runs once per class and,
under pytest-xdist's ``--dist loadscope`` (one class or module per worker), the notebooks spread over
the workers: ``python -m pytest -n 2 --dist loadscope tests/test_exercises.py``.
"""

import importlib.util
import re
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
STYLES = ("functional", "Sequential", "nested", "subclassed")  # what "any Keras style" allows
REQUIREMENT_ITEM = re.compile(r"^\s*(?:[-*]|\d+\.)\s+\*\*(R\d+)\*\*", re.MULTILINE)
REQUIREMENT_CHECK = re.compile(r"""requirement\(\s*["'](R\d+)["']\s*\)|["'](R\d+):""")
WRONG_LABEL = re.compile(r"^(R\d+): ")
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", re.DOTALL)


def exercise_of(cell):
    """'nb01_ex1' for the code cells with grade ids nb01_ex1_solution and nb01_ex1_test, else None
    (a written answer, nb01_q1, is a markdown cell that a person grades)."""
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
    if cell.cell_type != "code" or not grade_id.endswith(("_solution", "_test")):
        return None
    return grade_id.rsplit("_", 1)[0]


def answers_module(notebook_path):
    """tests/answers/nbNN.py as a module, or None."""
    path = ANSWERS / f"nb{notebook_path.name[:2]}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"answers_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def answers_for(notebook_path):
    """{exercise: {"right": {label: code}, "wrong": {label: code}}} from tests/answers/nbNN.py."""
    module = answers_module(notebook_path)
    return module.ANSWERS if module else {}


def hidden_only(notebook_path):
    """{exercise: {requirement: why it has no visible check}} from tests/answers/nbNN.py."""
    return getattr(answers_module(notebook_path), "HIDDEN_ONLY", {})


def task_texts(notebook):
    """{exercise: the markdown between the previous exercise's test cell and this exercise's solution cell}."""
    texts, pending = {}, []
    for cell in notebook.cells:
        exercise = exercise_of(cell)
        if exercise and cell.metadata["nbgrader"].get("solution"):
            texts[exercise] = "\n".join(pending)
        elif exercise:
            pending = []
        elif cell.cell_type == "markdown":
            pending.append(cell.source)
    return texts


def requirements_of(notebook):
    """{exercise: ["R1", "R2", ...]}: the requirements each code exercise's task lists, in order."""
    return {exercise: REQUIREMENT_ITEM.findall(text) for exercise, text in task_texts(notebook).items()}


def checked_requirements(test_cell):
    """(visible, hidden): the sets of requirements the test cell's checks name, outside and inside its
    hidden tests."""
    def named(source):
        return {a or b for a, b in REQUIREMENT_CHECK.findall(source)}

    hidden = "\n".join(HIDDEN.findall(test_cell.source))
    return named(HIDDEN.sub("", test_cell.source)), named(hidden)


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
            broken = WRONG_LABEL.match(label)
            if broken:
                assert f"{broken.group(1)}:" in verdict, (
                    f"{exercise}: the wrong answer '{label}' loses its points, but the failing check does not "
                    f"name {broken.group(1)}: {verdict}")

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


    def test_each_task_lists_numbered_requirements(self):
        notebook = nbformat.read(self.path, as_version=4)
        for exercise, labels in requirements_of(notebook).items():
            assert labels == [f"R{k}" for k in range(1, len(labels) + 1)] and labels, (
                f"{exercise}'s task lists requirements {labels}; expected **R1**, **R2**, ... in order, one per item")

    def test_every_requirement_is_checked_and_every_check_names_one(self):
        notebook = nbformat.read(self.path, as_version=4)
        tests = {exercise: test for exercise, (_, test) in exercises_in(notebook).items()}
        for exercise, labels in requirements_of(notebook).items():
            visible, hidden = checked_requirements(tests[exercise])
            unchecked = sorted(set(labels) - visible - hidden)
            assert not unchecked, f"{exercise}: no check names {unchecked}"
            assert visible | hidden <= set(labels), (
                f"{exercise}: checks name {sorted((visible | hidden) - set(labels))}, which the task does not list")

    def test_every_requirement_is_visible_unless_it_would_give_the_answer_away(self):
        notebook = nbformat.read(self.path, as_version=4)
        tests = {exercise: test for exercise, (_, test) in exercises_in(notebook).items()}
        declared = hidden_only(self.path)
        unknown = set(declared) - set(tests)
        assert not unknown, f"HIDDEN_ONLY names exercises the notebook lacks: {unknown}"
        for exercise, labels in requirements_of(notebook).items():
            visible, _ = checked_requirements(tests[exercise])
            hidden = set(declared.get(exercise, {}))
            assert set(labels) - visible == hidden, (
                f"{exercise}: requirements without a visible check are {sorted(set(labels) - visible)}, "
                f"but HIDDEN_ONLY lists {sorted(hidden)}; check them visibly or say why not")

    def test_every_requirement_has_a_wrong_answer_that_breaks_it(self):
        notebook = nbformat.read(self.path, as_version=4)
        table = answers_for(self.path)
        for exercise, labels in requirements_of(notebook).items():
            wrong = table.get(exercise, {}).get("wrong", {})
            named = [WRONG_LABEL.match(label) for label in wrong]
            unnamed = [label for label, match in zip(wrong, named) if not match]
            assert not unnamed, (
                f"{exercise}: wrong answers {unnamed} do not start with the requirement they break ('R2: ...')")
            broken = {match.group(1) for match in named}
            assert broken <= set(labels), f"{exercise}: wrong answers break {sorted(broken - set(labels))}, not listed"
            assert set(labels) <= broken, f"{exercise}: no wrong answer breaks {sorted(set(labels) - broken)}"

    def test_right_answers_cover_every_style_the_task_allows(self):
        notebook = nbformat.read(self.path, as_version=4)
        table = answers_for(self.path)
        for exercise, text in task_texts(notebook).items():
            if "any keras style" in text.lower():
                labels = " ".join(table.get(exercise, {}).get("right", {}))
                missing = [style for style in STYLES if style.lower() not in labels.lower()]
                assert not missing, f"{exercise} allows any Keras style, but no right answer is written {missing}"


def requirement_counts():
    """{("01", "ex1"): (visible, all)} over the course's code exercises."""
    counts = {}
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        tests = {exercise: test for exercise, (_, test) in exercises_in(notebook).items()}
        for exercise, labels in requirements_of(notebook).items():
            visible, _ = checked_requirements(tests[exercise])
            counts[(path.name[:2], exercise.rsplit("_", 1)[1])] = (len(set(labels) & visible), len(labels))
    return counts


def test_readme_exercise_table_shows_each_exercises_requirements():
    """The README's table of exercises gives, per code exercise, 'V of N' requirements checked visibly."""
    rows = re.findall(r"^\| [^|]+ \| (\d\d) \| (ex\d|capstone)\b[^|]*\| (\d+) \| ([^|]+) \|$",
                      (ROOT / "README.md").read_text(), re.MULTILINE)
    shown = {(notebook, "ex1" if exercise == "capstone" else exercise): cell.strip()
             for notebook, exercise, _, cell in rows}
    expected = {key: f"{visible} of {total}" for key, (visible, total) in requirement_counts().items()}
    assert shown == expected


def pytest_generate_tests(metafunc):
    """One test per answer of the class's notebook: (exercise, kind, label)."""
    if "label" in metafunc.fixturenames:
        rows = candidates(metafunc.cls.path)
        metafunc.parametrize("exercise, kind, label", rows, ids=[f"{e}-{k}-{label}" for e, k, label in rows])


# One grading class per notebook (TestNotebook01, ...): pytest collects them from the module's namespace.
for _path in NOTEBOOKS:
    _name = f"TestNotebook{_path.name[:2]}"
    globals()[_name] = type(_name, (NotebookGrading,), {"path": _path})

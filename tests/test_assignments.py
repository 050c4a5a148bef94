"""Exercises: student versions hide the answers, and grading tells solutions from stubs.

Every notebook in notebooks/ is turned into its student version once per session (how the
exercises grade when run is tests/test_exercises.py's job), and no answer may show in it
outside its own cell. A small synthetic notebook exercises the same machinery, written
answers included, and nbgrader's own command line.

Only the tests marked `notebooks` start a Jupyter kernel; the rest read JSON.
"""

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from vae_keras.__main__ import main
from vae_keras.course import assignments, commands
from vae_keras.course.repository import colab_url, read_course_settings

kernel = pytest.mark.notebooks  # starts a Jupyter kernel

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAMES = [path.name for path in NOTEBOOKS]
SETTINGS = read_course_settings(ROOT)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def regions(source, begin, end):
    """(lines inside begin/end regions, lines outside them), stripped and non-empty."""
    inside, outside, within = set(), set(), False
    for line in source.splitlines():
        if begin in line:
            within = True
        elif end in line:
            within = False
        elif line.strip():
            (inside if within else outside).add(line.strip())
    return inside, outside


def is_solution(cell):
    return cell.metadata.get("nbgrader", {}).get("solution", False)


def is_grade(cell):
    return cell.metadata.get("nbgrader", {}).get("grade", False)


def is_written_answer(cell):
    return is_grade(cell) and is_solution(cell)


def by_grade_id(notebook):
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in notebook.cells if "nbgrader" in cell.metadata}


# --- The real notebooks' student versions, generated once per session -------------------

@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    """The student versions of the real notebooks, as `student-versions` writes them by default: the library's
    wheel (built from this checkout) beside them."""
    output = tmp_path_factory.mktemp("course") / "student"
    assignments.student_versions(ROOT / "notebooks", output, root=ROOT)
    return output


def pair(name, student_dir):
    return nbformat.read(ROOT / "notebooks" / name, as_version=4), nbformat.read(student_dir / name, as_version=4)


@pytest.mark.parametrize("name", NAMES)
def test_student_version_has_no_solution_code(name, student_dir):
    instructor, student = pair(name, student_dir)
    student_cells = by_grade_id(student)
    solutions = [cell for cell in instructor.cells if "BEGIN SOLUTION" in cell.source]
    assert solutions, f"{name} has no ### BEGIN SOLUTION region"
    for cell in solutions:
        assert is_solution(cell), f"{name}: a solution region sits outside a solution cell"
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        stubbed = student_cells[grade_id].source
        assert "# YOUR CODE HERE" in stubbed and assignments.STUB in stubbed, f"{grade_id} has no stub"
        inside, outside = regions(cell.source, "BEGIN SOLUTION", "END SOLUTION")
        leaked = (inside - outside) & {line.strip() for line in stubbed.splitlines()}
        assert not leaked, f"{grade_id}: solution lines left in the student version: {sorted(leaked)}"
    for cell in student.cells:
        assert not any(marker in cell.source for marker in MARKERS), f"{name}: a region marker was left"


@pytest.mark.parametrize("name", NAMES)
def test_student_version_has_no_hidden_tests(name, student_dir):
    instructor, student = pair(name, student_dir)
    student_cells = by_grade_id(student)
    for cell in instructor.cells:
        if "BEGIN HIDDEN TESTS" in cell.source:
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            inside, outside = regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
            shown = {line.strip() for line in student_cells[grade_id].source.splitlines()}
            assert not (inside - outside) & shown, f"{grade_id}: hidden test lines left in the student version"
    assert not any("HIDDEN TESTS" in cell.source for cell in student.cells)


@pytest.mark.parametrize("name", NAMES)
def test_student_version_has_no_outputs(name, student_dir):
    for cell in nbformat.read(student_dir / name, as_version=4).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("name", NAMES)
def test_student_version_installs_the_wheel_beside_it_and_points_at_no_repository(name, student_dir):
    """For an LMS (issue 26): the course repository may be private, so no badge opens it and no install
    cell installs from it; the install cell installs the wheel written beside the notebooks, and says how."""
    instructor, student = pair(name, student_dir)
    [wheel] = student_dir.glob("*.whl")
    text = "\n".join(cell.source for cell in student.cells)
    assert "colab.research.google.com/github/" not in text, f"{name}: a Colab badge opens a repository"
    assert "git+https://" not in text, f"{name}: an install from the course repository is left"
    assert student.cells[0].source.lstrip().startswith("#"), f"{name}: the first cell should now open with its title"
    install = student.cells[1].source
    assert "google.colab" in install, f"{name}: the second cell is not the Colab install cell"
    assert f'"vae_keras @ file://{assignments.COLAB_UPLOADS}/{wheel.name}"' in install
    assert f"Upload {wheel.name}" in install and f"pip install {wheel.name}" in install, install
    assert zipfile.is_zipfile(wheel) and wheel.name.startswith("vae_keras-")
    assert len(student.cells) == len(instructor.cells)


@pytest.mark.parametrize("name", NAMES)
def test_student_version_keeps_nbgrader_metadata(name, student_dir):
    instructor, student = pair(name, student_dir)
    student_cells = by_grade_id(student)
    assert student_cells.keys() == by_grade_id(instructor).keys()
    for grade_id, cell in student_cells.items():
        assert "checksum" in cell.metadata["nbgrader"], f"{grade_id} has no checksum"
        if is_written_answer(cell):  # the student writes in it, but may not delete it
            assert cell.metadata.get("editable", True) is True and cell.metadata["deletable"] is False
        elif is_grade(cell):
            assert cell.metadata["editable"] is False and cell.metadata["deletable"] is False


@pytest.mark.parametrize("name", NAMES)
def test_student_version_leaves_written_answers_blank(name, student_dir):
    instructor, student = pair(name, student_dir)
    student_cells = by_grade_id(student)
    for cell in instructor.cells:
        if is_written_answer(cell):
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            assert cell.cell_type == "markdown", f"{grade_id}: a written answer is a markdown cell"
            assert assignments.answer_text(cell), f"{grade_id}: the instructor version holds no model answer"
            assert student_cells[grade_id].source == assignments.TEXT_STUB, f"{grade_id} was not blanked"


@pytest.mark.parametrize("name", NAMES)
def test_each_notebook_has_exercises_and_a_written_answer_with_points(name):
    """A code exercise (the capstone has one) and a written answer at least, each worth 1-5 points by difficulty
    (issue 17)."""
    notebook = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    points = assignments.exercises(notebook)
    written = assignments.written_answers(notebook)
    assert len(points) >= 1, f"{name} has no autograded exercise"
    assert len(written) >= 1, f"{name} has no manually graded written answer"
    for grade_id, value in {**points, **written}.items():
        assert 1 <= value <= 5, f"{grade_id} is worth {value:g} points; expected 1-5"
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for before, cell in zip(code, code[1:]):
        if is_grade(cell):
            assert is_solution(before), f"{cell.metadata['nbgrader']['grade_id']} does not follow a solution cell"


def test_grade_ids_are_unique_across_the_course():
    grade_ids = [grade_id for path in NOTEBOOKS for grade_id in by_grade_id(nbformat.read(path, as_version=4))]
    assert len(grade_ids) == len(set(grade_ids)), sorted(g for g in grade_ids if grade_ids.count(g) > 1)


# --- No answer in sight (issue 17): these only read the notebooks' JSON --------------------

# IPython's ways to show source (obj??, %psource, %pfile, %pycat, %load) and Python's (inspect, a module's file).
PRINTS_SOURCE = re.compile(r"\bgetsource(lines|file)?\b|%psource|%pfile|%pycat|%load\b|\?\?|__file__|linecache")


@pytest.mark.parametrize("name", NAMES)
def test_no_answer_shows_outside_its_cell(name):
    """Each solution's non-trivial lines (and each written answer's instructor text) appear in no
    other cell of the student version: no cell prints, restates or derives an exercise's answer."""
    leaks = assignments.leaked_answers(ROOT / "notebooks" / name)
    assert not leaks, f"{name}: answers shown outside their own cells of the student version: {leaks}"


@pytest.mark.parametrize("name", NAMES)
def test_no_cell_prints_library_source(name):
    notebook = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    shown = [cell.source.splitlines()[0] for cell in notebook.cells
             if cell.cell_type == "code" and PRINTS_SOURCE.search(cell.source)]
    assert not shown, f"{name}: cells that show library source (inspect.getsource, ??, %psource, ...): {shown}"


def test_no_answer_check_sees_a_restated_answer():
    """The check above can fail: it finds an answer printed, restated by a visible test, or quoted."""
    notebook = synthetic_notebook()
    assert assignments.leaked_answers(notebook) == {}
    notebook.cells.append(new_code_cell("result = value * value  # the same line, other spacing"))
    notebook.cells.append(new_markdown_cell(f"> {ANSWER_LINES[0]}"))
    assert assignments.leaked_answers(notebook) == {"nb00_ex1_solution": ["result = value * value"],
                                                    "nb00_q1": [ANSWER_LINES[0]]}
    notebook = synthetic_notebook()
    notebook.cells[4].source = "assert square(2) == 4\n# hint: result = value * value"  # a visible test gives it away
    assert assignments.leaked_answers(notebook) == {"nb00_ex1_solution": ["result = value * value"]}


def test_solution_lines_are_the_lines_that_give_an_answer_away():
    cell = new_code_cell("\n".join([
        "def square(value):",
        "    # the stub keeps this comment and the def line",
        "    ### BEGIN SOLUTION",
        "    def square(value):",  # a line that also stands outside the region: the stub keeps it
        "    # a comment inside the region",
        "    result  =  value * value   # spacing and a trailing comment",
        "    x = value + 1",  # under 20 characters
        "    return result",
        "    label = 'a # inside a string stays'",
        "    return value * value + 0.0",
        "    ### END SOLUTION",
    ]))
    assert assignments.solution_lines(cell) == ["label = 'a # inside a string stays'", "result = value * value",
                                                "return value * value + 0.0"]


# --- A synthetic notebook: the machinery works before (and beyond) the real notebooks -----

SQUARE_SOLUTION = ("def square(value):\n    ### BEGIN SOLUTION\n    result = value * value\n    return result\n"
                   "    ### END SOLUTION")
QUESTION = "**Question.** Before you run the next cell: what will `square(-3)` return, and why?"
ANSWER_LINES = ["Model answer: 9, because squaring removes the sign of -3.",
                "Rubric: 1 point for 9, 1 point for saying why."]
SQUARE_TEST = "assert square(3) == 9\n### BEGIN HIDDEN TESTS\nassert square(-2) == 4\n### END HIDDEN TESTS"


def nbgrader_metadata(grade_id, grade, solution, points=None):
    metadata = {"grade": grade, "grade_id": grade_id, "locked": grade, "schema_version": 3,
                "solution": solution, "task": False}
    if points is not None:
        metadata["points"] = points
    return {"nbgrader": metadata}


def synthetic_notebook(name="00_synthetic.ipynb"):
    """A code exercise (square, 2 points) and a written answer (nb00_q1, 2 points), with the course's badge
    and install cell."""
    badge = ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
             f"({colab_url('vae-keras/vae_keras', 'main', 'notebooks/' + name)})")
    install = ('import sys\n\nif "google.colab" in sys.modules:\n    import subprocess\n\n'
               '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", '
               '"vae_keras @ git+https://github.com/vae-keras/vae_keras@main"], check=True)')
    notebook = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                     "language": "python"}})
    notebook.cells = [
        new_markdown_cell(badge + "\n# Squares"),
        new_code_cell(install),
        new_markdown_cell("**Exercise.** Write `square(x)`."),
        new_code_cell(SQUARE_SOLUTION, metadata=nbgrader_metadata("nb00_ex1_solution", False, True)),
        new_code_cell(SQUARE_TEST, metadata=nbgrader_metadata("nb00_ex1_test", True, False, points=2)),
        new_code_cell("print(sum(range(4)))"),
        new_markdown_cell(QUESTION),
        new_markdown_cell("\n\n".join(ANSWER_LINES), metadata=nbgrader_metadata("nb00_q1", True, True, points=2)),
    ]
    return notebook


def write_synthetic(folder, name="00_synthetic.ipynb"):
    notebook = synthetic_notebook(name)
    os.makedirs(folder, exist_ok=True)
    path = Path(folder) / name
    nbformat.write(notebook, path)
    return path


WHEEL = "vae_keras-0.1.0-py3-none-any.whl"


def fake_build_wheel(root, output, readme):
    """Stands in for `assignments.build_wheel` in the synthetic course (pip takes seconds)."""
    os.makedirs(output, exist_ok=True)
    path = Path(output) / WHEEL
    path.write_bytes(b"PK not a real wheel")
    return str(path)


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A repository-like folder, as the cwd: course.toml, notebooks/00_synthetic.ipynb, and a library
    (pyproject.toml, vae_keras/) whose wheel `fake_build_wheel` stands in for."""
    (tmp_path / "course.toml").write_text('[course]\nrepository = "someone/fork"\nbranch = "spring"\n')
    write_synthetic(tmp_path / "notebooks")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "vae_keras"\nversion = "0.1.0"\n')
    (tmp_path / "vae_keras").mkdir()
    (tmp_path / "vae_keras" / "__init__.py").write_text("")
    monkeypatch.setattr(assignments, "build_wheel", fake_build_wheel)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_command(argv):
    """Runs `python -m vae_keras ARGV...` in-process; returns (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def snapshot(folder):
    """{relative path: bytes} of every file under folder."""
    return {path.relative_to(folder): path.read_bytes() for path in sorted(Path(folder).rglob("*")) if path.is_file()}


def test_synthetic_student_version(course):
    written = assignments.student_versions()
    [path] = written.notebooks
    assert path == os.path.join("student", "00_synthetic.ipynb")
    assert written.wheels == [os.path.join("student", WHEEL)] and os.path.isfile(written.wheels[0])
    assert written.install == f"file://{assignments.COLAB_UPLOADS}/{WHEEL}" and written.replaced == []
    badge, install, _, solution, test, _, question, answer = nbformat.read(path, as_version=4).cells
    assert badge.source == "# Squares"  # the badge would open the (private) course repository
    assert f'"vae_keras @ file:///content/{WHEEL}"' in install.source and "git+https" not in install.source
    assert install.source.startswith(f"# Upload {WHEEL} ")
    assert solution.source == "def square(value):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert test.source == "assert square(3) == 9"
    assert solution.metadata["nbgrader"]["grade_id"] == "nb00_ex1_solution"
    assert test.metadata["nbgrader"]["points"] == 2 and "checksum" in test.metadata["nbgrader"]
    assert question.source == QUESTION  # the question stays, the model answer and rubric go
    assert answer.source == assignments.TEXT_STUB == "YOUR ANSWER HERE"
    assert answer.metadata["nbgrader"]["grade_id"] == "nb00_q1" and answer.metadata["nbgrader"]["points"] == 2
    assert "checksum" in answer.metadata["nbgrader"] and answer.metadata["deletable"] is False
    assert assignments.exercises(path) == {"nb00_ex1_test": 2.0}
    assert assignments.written_answers(path) == {"nb00_q1": 2.0}


def test_written_answers_await_a_person():
    """Autograding neither passes nor fails a written answer; one left blank scores 0, as in nbgrader."""
    instructor = synthetic_notebook()
    student = assignments.student_notebook(instructor)
    waiting = assignments.Grade(2.0, None, assignments.NEEDS_MANUAL_GRADE)
    assert assignments.grades(instructor)["nb00_q1"] == waiting  # no checksum: a person grades it
    assert assignments.grades(student)["nb00_q1"] == (2.0, False, assignments.NO_ANSWER)
    student.cells[7].source = "It returns 9: the square of a negative number is positive."
    assert assignments.grades(student)["nb00_q1"] == waiting


@kernel
def test_synthetic_autograde_tells_solution_from_stub(course):
    [student] = assignments.student_versions().notebooks
    assert assignments.autograde("notebooks/00_synthetic.ipynb", timeout=60) == {
        "nb00_ex1_test": (2.0, True, None), "nb00_q1": (2.0, None, assignments.NEEDS_MANUAL_GRADE)}
    assert assignments.autograde(student, timeout=60) == {
        "nb00_ex1_test": (2.0, False, "NotImplementedError"), "nb00_q1": (2.0, False, assignments.NO_ANSWER)}


def test_grades_follow_nbgrader_rules():
    """An error or anything on stderr costs the points; a test that printed to stdout keeps them."""
    notebook = new_notebook()
    outputs = {
        "quiet": [],
        "stdout": [nbformat.v4.new_output("stream", name="stdout", text="ok\n")],
        "stderr": [nbformat.v4.new_output("stream", name="stderr", text="UserWarning: ...\n")],
        "error": [nbformat.v4.new_output("error", ename="AssertionError", evalue="no", traceback=[])],
    }
    for grade_id, cell_outputs in outputs.items():
        cell = new_code_cell("pass", metadata=nbgrader_metadata(grade_id, True, False, points=1))
        cell.outputs = cell_outputs
        notebook.cells.append(cell)
    assert assignments.grades(notebook) == {"quiet": (1.0, True, None), "stdout": (1.0, True, None),
                                            "stderr": (1.0, False, "stderr"),
                                            "error": (1.0, False, "AssertionError")}


def test_student_versions_refuses_bad_folders(course):
    with pytest.raises(ValueError, match="differ from the source"):
        assignments.student_versions("notebooks", "notebooks")
    with pytest.raises(ValueError, match="differ from the source"):
        assignments.student_versions("notebooks", "notebooks/student")
    with pytest.raises(ValueError, match="Expected instructor notebooks"):
        assignments.student_versions("student-typo", "student")
    assert not (course / "student").exists() and not (course / "notebooks" / "student").exists()


def test_student_versions_reports_a_solution_outside_a_solution_cell(course):
    path = course / "notebooks" / "00_synthetic.ipynb"
    notebook = nbformat.read(path, as_version=4)
    del notebook.cells[3].metadata["nbgrader"]  # the solution region stays, its cell is no longer marked
    nbformat.write(notebook, path)
    with pytest.raises(ValueError, match="00_synthetic.ipynb: Solution region detected in a non-solution cell"):
        assignments.student_versions()


def test_student_versions_finds_the_course_from_the_source(course, tmp_path_factory, monkeypatch):
    """Run from another folder (here another course), with absolute paths: course.toml is the source's."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "course.toml").write_text('[course]\nrepository = "other/course"\nbranch = "main"\n')
    monkeypatch.chdir(elsewhere)
    [path] = assignments.student_versions(str(course / "notebooks"), str(course / "student")).notebooks
    assert path == str(course / "student" / "00_synthetic.ipynb")
    assert (course / "student" / WHEEL).is_file()  # built from the source's course, not the cwd's
    # an output outside the course
    [path] = assignments.student_versions(course / "notebooks", elsewhere / "handout").notebooks
    assert WHEEL in nbformat.read(path, as_version=4).cells[1].source


def test_student_versions_command_works_from_any_folder(course, tmp_path_factory, monkeypatch, capsys):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)
    args = argparse.Namespace(command="student-versions", source=str(course / "notebooks"), output=str(elsewhere / "x"),
                              install_from=None, force=False)
    assert commands.run(args) == 0
    assert (elsewhere / "x" / "00_synthetic.ipynb").exists() and "1 exercise, 2 points" in capsys.readouterr().out


def test_student_versions_refuses_a_source_outside_any_course(tmp_path, monkeypatch):
    if any((parent / "course.toml").exists() for parent in tmp_path.resolve().parents):
        pytest.skip(f"a folder above {tmp_path} holds a course.toml")
    source = write_synthetic(tmp_path / "loose").parent
    monkeypatch.chdir(ROOT)  # a course, but not the source's
    with pytest.raises(ValueError, match="No course.toml found in .*loose.* or any folder above it"):
        assignments.student_versions(source, tmp_path / "student")
    assert not (tmp_path / "student").exists()


def test_command_prints_what_it_wrote(course):
    status, printed, errors = run_command(["student-versions", "--output", "handout"])
    assert status == 0, errors
    notebook = os.path.join("handout", "00_synthetic.ipynb")
    assert f"{notebook}: 1 exercise, 2 points; 1 written answer, 2 points" in printed
    assert "1 exercises" not in printed and "1 written answers" not in printed  # plurals (issue 26)
    assert f"{os.path.join('handout', WHEEL)}: the library" in printed and "Files panel" in printed
    assert (course / "handout" / "00_synthetic.ipynb").exists() and errors == ""


# --- Nothing silently does the wrong thing (issue 23) -----------------------------------------

def test_student_versions_never_overwrite_the_instructor_notebooks(course):
    """The fresh-clone mistake `student-versions --source student --output notebooks` is refused, --force or not."""
    assert run_command(["student-versions"])[0] == 0
    before = snapshot(course / "notebooks")
    status, _, errors = run_command(["student-versions", "--source", "student", "--output", "notebooks"])
    assert status == 2 and "--output 'notebooks' already holds 1 file (00_synthetic.ipynb)" in errors, errors
    assert "--force" in errors and len(errors.splitlines()) == 1
    status, _, errors = run_command(["student-versions", "--source", "student", "--output", "notebooks", "--force"])
    assert status == 2 and "holds solutions, hidden tests or a mark scheme" in errors, errors
    assert "never replaced, even with --force" in errors and len(errors.splitlines()) == 1
    assert snapshot(course / "notebooks") == before


def test_student_versions_write_only_into_a_new_or_empty_folder_unless_forced(course):
    (course / "student").mkdir()  # empty: fine
    assert run_command(["student-versions"])[0] == 0
    (course / "student" / "notes.txt").write_text("mine")
    earlier = (course / "student" / "00_synthetic.ipynb").read_bytes()
    status, printed, errors = run_command(["student-versions"])
    assert status == 2 and errors.startswith("error: --output 'student' already holds 3 files") and printed == ""
    assert "Pass --force to replace" in errors
    (course / "student" / "00_synthetic.ipynb").write_text("{}")  # an earlier student version, since damaged
    status, printed, errors = run_command(["student-versions", "--force"])
    assert status == 0, errors
    replaced = printed.split("Replaced 2 earlier files", 1)[1]
    assert os.path.join("student", "00_synthetic.ipynb") in replaced and os.path.join("student", WHEEL) in replaced
    assert (course / "student" / "00_synthetic.ipynb").read_bytes() == earlier
    assert (course / "student" / "notes.txt").read_text() == "mine"  # other files stay


def test_student_versions_install_from_an_address_given_and_warn_that_it_must_be_public(course):
    wheel_url = "https://example.org/course/vae_keras-0.1.0-py3-none-any.whl"
    status, printed, errors = run_command(["student-versions", "--install-from", wheel_url])
    assert status == 0, errors
    install = nbformat.read(course / "student" / "00_synthetic.ipynb", as_version=4).cells[1].source
    assert f'"vae_keras @ {wheel_url}"' in install and "Upload" not in install
    assert sorted(p.name for p in (course / "student").iterdir()) == ["00_synthetic.ipynb"]  # no wheel written
    [warning] = errors.splitlines()
    assert warning.startswith("warning: ") and "must be public" in warning and "answers" not in warning
    # the course repository itself: allowed when asked for, with a louder warning
    course_repository = "git+https://github.com/someone/fork@spring"
    status, printed, errors = run_command(["student-versions", "--install-from", course_repository, "--force"])
    assert status == 0, errors
    install = nbformat.read(course / "student" / "00_synthetic.ipynb", as_version=4).cells[1].source
    assert f'"vae_keras @ {course_repository}"' in install
    [warning] = errors.splitlines()
    assert "the course repository someone/fork" in warning and "answers" in warning and "handout" in warning


@pytest.mark.parametrize("address", ["github.com/a/b", "http://example.org/x.whl", "https://x.org/a b.whl",
                                     'https://x.org/a".whl', ""])
def test_student_versions_refuse_an_address_pip_cannot_take_from_colab(course, address):
    status, _, errors = run_command(["student-versions", "--install-from", address])
    assert status == 2 and f"Received: --install-from={address!r}" in errors and "Expected --install-from" in errors
    assert not (course / "student").exists()


def test_nbgrader_sources_keep_the_answers_and_point_the_install_cell_at_the_wheel(course):
    written = assignments.nbgrader_sources("grading")
    target = course / "grading" / "source" / "nb00"
    assert written.notebooks == [str(Path("grading") / "source" / "nb00" / "00_synthetic.ipynb")]
    assert written.wheels == [str(Path("grading") / "source" / "nb00" / WHEEL)] and (target / WHEEL).is_file()
    notebook = nbformat.read(target / "00_synthetic.ipynb", as_version=4)
    instructor = synthetic_notebook()
    assert [cell.source for cell in notebook.cells[2:]] == [cell.source for cell in instructor.cells[2:]]
    assert notebook.cells[0].source == "# Squares"
    assert f'"vae_keras @ file:///content/{WHEEL}"' in notebook.cells[1].source
    assert assignments.assignment_id("notebooks/00_synthetic.ipynb") == "nb00"
    # again: refused, then replaced with force=True
    address = "https://example.org/vae_keras-0.1.0-py3-none-any.whl"
    with pytest.raises(ValueError, match=r"course_dir '.*nb00' already holds 2 files .*force=True.*"
                                         r"Received: course_dir='grading'$"):
        assignments.nbgrader_sources("grading", install=address)
    with pytest.warns(assignments.CourseWarning, match="must be public"):
        written = assignments.nbgrader_sources("grading", install=address, force=True)
    assert written.replaced == [str(Path("grading") / "source" / "nb00" / "00_synthetic.ipynb")] and not written.wheels
    install = nbformat.read(target / "00_synthetic.ipynb", as_version=4).cells[1].source
    assert '"vae_keras @ https://example.org/' in install


def test_nbgrader_sources_never_write_into_the_instructor_notebooks(course):
    os.makedirs("grading/source")
    os.symlink(course / "notebooks", course / "grading" / "source" / "nb00")
    before = snapshot(course / "notebooks")
    with pytest.raises(ValueError, match=r"course_dir '.*nb00' must differ from the source folder and lie outside it"):
        assignments.nbgrader_sources("grading", force=True)
    assert snapshot(course / "notebooks") == before


def test_nbgrader_sources_command_prints_what_it_wrote_and_refuses_as_the_other_commands(course):
    status, printed, errors = run_command(["nbgrader-sources", "grading"])
    assert status == 0 and errors == "", errors
    notebook = os.path.join("grading", "source", "nb00", "00_synthetic.ipynb")
    assert printed.startswith(f"Wrote 1 assignment to {os.path.join('grading', 'source')} "), printed
    assert f"{notebook}: nb00, 1 exercise, 2 points; 1 written answer, 2 points" in printed
    assert f"beside it: {WHEEL}" in printed and "nbgrader generate_assignment nb00" in printed
    assert not re.search(r"\b1 (assignment|exercise|written answer|point)s\b", printed), printed  # plurals
    assert (course / "grading" / "source" / "nb00" / WHEEL).is_file()
    # again: refused without --force, naming the arguments as they are written on the command line
    before = snapshot(course / "grading")
    address = "https://example.org/course/vae_keras-0.1.0-py3-none-any.whl"
    status, printed, errors = run_command(["nbgrader-sources", "grading", "--install-from", address])
    assert status == 2 and printed == "" and len(errors.splitlines()) == 1, errors
    assert re.fullmatch(r"error: COURSE_DIR '.*nb00' already holds 2 files \(.*\), so nothing was written\. Pass "
                        r"--force .* Received: COURSE_DIR='grading'\n", errors), errors
    assert snapshot(course / "grading") == before
    # with --force: the earlier notebook replaced and listed, and student-versions' own warning for the address
    status, printed, errors = run_command(["nbgrader-sources", "grading", "--install-from", address, "--force"])
    assert status == 0, errors
    assert f"Replaced 1 earlier file (--force):\n  {notebook}\n" in printed
    assert f"installs the library from {address} on Colab" in printed
    install = nbformat.read(course / notebook, as_version=4).cells[1].source
    assert f'"vae_keras @ {address}"' in install and "Upload" not in install
    [warning] = errors.splitlines()
    assert warning.startswith("warning: ") and "must be public" in warning
    assert warning == run_command(["student-versions", "--install-from", address])[2].strip()


def test_nbgrader_generates_the_release_from_the_sources(course):
    """What nbgrader releases from `nbgrader_sources`: the student version, with its install cell, and the wheel."""
    assignments.nbgrader_sources(course)
    nbgrader(course, "generate_assignment", "nb00", "--force")
    release = course / "release" / "nb00"
    assert sorted(p.name for p in release.iterdir()) == ["00_synthetic.ipynb", WHEEL]
    released = nbformat.read(release / "00_synthetic.ipynb", as_version=4)
    assert f'"vae_keras @ file:///content/{WHEEL}"' in released.cells[1].source
    assert assignments.STUB in released.cells[3].source and "BEGIN SOLUTION" not in released.cells[3].source


SLOW_SOLUTION = ("def square(x):\n    ### BEGIN SOLUTION\n    import time; time.sleep(30)\n"
                 "    return x * x\n    ### END SOLUTION")
CUBE_SOLUTION = "def cube(x):\n    ### BEGIN SOLUTION\n    return x ** 3\n    ### END SOLUTION"


@kernel
def test_a_cell_past_the_timeout_scores_zero_and_the_rest_are_graded(tmp_path):
    """As in nbgrader: the timed-out cell is interrupted and fails; later exercises still earn their points."""
    notebook = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                     "language": "python"}})
    notebook.cells = [
        new_code_cell("base = 10"),
        new_code_cell(SLOW_SOLUTION, metadata=nbgrader_metadata("nb00_ex1_solution", False, True)),
        new_code_cell("assert square(3) == 9", metadata=nbgrader_metadata("nb00_ex1_test", True, False, points=2)),
        new_code_cell(CUBE_SOLUTION, metadata=nbgrader_metadata("nb00_ex2_solution", False, True)),
        new_code_cell("assert cube(2) == 8 and base == 10",  # the kernel and its state survive the timeout
                      metadata=nbgrader_metadata("nb00_ex2_test", True, False, points=1)),
    ]
    path = tmp_path / "00_slow.ipynb"
    nbformat.write(notebook, path)

    start = time.monotonic()
    executed = assignments.execute(path, timeout=3)
    assert time.monotonic() - start < 25, "the timed-out cell was waited for instead of interrupted"
    assert assignments.grades(executed) == {"nb00_ex1_test": (2.0, False, "CellTimeoutError"),
                                            "nb00_ex2_test": (1.0, True, None)}
    [error] = [output for output in executed.cells[2].outputs if output.output_type == "error"]
    assert "timeout of 3 s" in error.evalue and "interrupted" in error.evalue


@pytest.mark.parametrize("timeout", [0, -1, 2.5, None, True])
def test_execute_refuses_a_bad_timeout(tmp_path, timeout):
    path = write_synthetic(tmp_path)
    with pytest.raises(ValueError, match=f"positive whole number of seconds.*Received: timeout={timeout!r}"):
        assignments.execute(path, timeout=timeout)


def nbgrader(course_root, *args):
    """Runs nbgrader's command line; its gradebook runs `alembic`, found beside this Python."""
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course_root}"],
                   cwd=course_root, check=True, capture_output=True, text=True, env={**os.environ, "PATH": path})


@kernel
def test_nbgrader_generates_the_same_version_and_autogrades_it(tmp_path):
    """Same student version as `nbgrader generate_assignment`; `nbgrader autograde` scores it,
    with the hidden tests put back."""
    source = write_synthetic(tmp_path / "source" / "ps1")
    nbgrader(tmp_path, "generate_assignment", "ps1", "--force")
    released = nbformat.read(tmp_path / "release" / "ps1" / source.name, as_version=4)
    ours = assignments.student_notebook(nbformat.read(source, as_version=4))
    assert json.dumps(ours, sort_keys=True) == json.dumps(released, sort_keys=True)

    answers = {"alice": "def square(x):\n    return x ** 2",  # right
               "bob": None,  # untouched
               "carol": "def square(x):\n    return 3 * abs(x)"}  # passes the visible test only
    for student, answer in answers.items():
        submission = assignments.student_notebook(nbformat.read(source, as_version=4))
        if answer:
            submission.cells[3].source = answer
        os.makedirs(tmp_path / "submitted" / student / "ps1")
        nbformat.write(submission, tmp_path / "submitted" / student / "ps1" / source.name)
    nbgrader(tmp_path, "autograde", "ps1", "--force")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        scores = {student: gradebook.find_submission("ps1", student).score for student in answers}
    assert scores == {"alice": 2.0, "bob": 0.0, "carol": 0.0}


# --- Each grading helper pinned down both ways (issue 24): what it must accept, what it must refuse ----
# Small in-memory notebooks and folders; no kernel. A one-line bug planted in a helper fails one of these.

def output(kind, **fields):
    """An nbformat output: "stdout"/"stderr" streams, an "error" (ename=...), or an "execute_result" (text=...)."""
    if kind in ("stdout", "stderr"):
        return nbformat.v4.new_output("stream", name=kind, text=fields.get("text", "text\n"))
    if kind == "error":
        return nbformat.v4.new_output("error", ename=fields["ename"], evalue=fields.get("evalue", ""),
                                      traceback=fields.get("traceback", []))
    return nbformat.v4.new_output("execute_result", data={"text/plain": fields["text"]}, execution_count=1)


def autograded_cell(grade_id, outputs=(), points=1):
    cell = new_code_cell("pass", metadata=nbgrader_metadata(grade_id, True, False, points=points))
    cell.outputs = list(outputs)
    return cell


def test_grades_score_only_graded_cells_and_read_a_path(tmp_path):
    notebook = synthetic_notebook()  # a solution cell (not graded) and plain cells besides the graded ones
    expected = {"nb00_ex1_test": (2.0, True, None), "nb00_q1": (2.0, None, assignments.NEEDS_MANUAL_GRADE)}
    assert assignments.grades(notebook) == expected
    nbformat.write(notebook, tmp_path / "00_synthetic.ipynb")
    assert assignments.grades(tmp_path / "00_synthetic.ipynb") == expected
    assert assignments.grades(str(tmp_path / "00_synthetic.ipynb")) == expected
    grade = assignments.grades(notebook)["nb00_ex1_test"]
    assert isinstance(grade, assignments.Grade) and grade.passed is True and grade.error is None


def test_grades_give_a_failing_cell_its_full_points_as_the_stake_and_no_pass_for_partial_credit():
    """points is what the cell is worth (not what it scored); partial credit is a failure, and says so."""
    notebook = new_notebook()
    notebook.cells = [autograded_cell("error", [output("error", ename="ValueError")], points=3),
                      autograded_cell("half", [output("execute_result", text="1.5")], points=3),
                      autograded_cell("zero", [output("execute_result", text="0")], points=3),
                      autograded_cell("full", [output("execute_result", text="3")], points=3),
                      autograded_cell("stdout_then_error", [output("stdout"), output("error", ename="KeyError")],
                                      points=3),
                      autograded_cell("quiet", [], points=3)]
    assert assignments.grades(notebook) == {
        "error": (3.0, False, "ValueError"), "half": (3.0, False, "partial credit"),
        "zero": (3.0, False, "partial credit"), "full": (3.0, True, None),
        "stdout_then_error": (3.0, False, "KeyError"), "quiet": (3.0, True, None)}
    assert [type(grade.points) for grade in assignments.grades(notebook).values()] == [float] * 6


def test_grades_tell_a_blank_written_answer_from_a_written_one_by_its_checksum():
    """Left as released (checksum unchanged): 0 without a person; changed in any way, or no checksum: a person."""
    student = assignments.student_notebook(synthetic_notebook())
    answer = student.cells[7]
    assert assignments.grades(student)["nb00_q1"] == (2.0, False, assignments.NO_ANSWER)
    assert assignments.grades(student)["nb00_q1"].passed is False  # not None: nobody need look at it
    answer.source = assignments.TEXT_STUB + " "
    assert assignments.grades(student)["nb00_q1"] == (2.0, None, assignments.NEEDS_MANUAL_GRADE)
    del answer.metadata["nbgrader"]["checksum"]
    answer.source = assignments.TEXT_STUB
    assert assignments.grades(student)["nb00_q1"] == (2.0, None, assignments.NEEDS_MANUAL_GRADE)


@pytest.mark.parametrize("outputs, expected", [
    ([], "partial credit"),
    ([output("stdout")], "partial credit"),
    ([output("execute_result", text="0.5")], "partial credit"),
    ([output("stdout"), output("error", ename="ValueError")], "ValueError"),
    ([output("error", ename="KeyError"), output("stderr")], "KeyError"),  # the first failure is named
    ([output("stderr"), output("error", ename="KeyError")], "stderr"),
    ([output("error", ename="NameError"), output("error", ename="TypeError")], "NameError"),
])
def test_failure_names_the_first_error_or_stderr_output(outputs, expected):
    cell = autograded_cell("x", outputs)
    assert assignments._failure(cell) == expected


def timeout_reply(status="error", ename=assignments.TIMEOUT_ERROR):
    return {"content": {"status": status, "ename": ename, "evalue": "ran past 3 s"}}


def test_record_timeout_leaves_a_cell_alone_unless_it_timed_out():
    for reply in (timeout_reply(status="ok"), timeout_reply(ename="ValueError"), {"content": {"status": "ok"}}):
        cell = autograded_cell("x", [output("stdout"), output("error", ename="KeyboardInterrupt", traceback=["here"])])
        before = json.dumps(cell, sort_keys=True)
        assert assignments._record_timeout(cell, reply, cell_index=0) is None
        assert json.dumps(cell, sort_keys=True) == before, reply


def test_record_timeout_replaces_the_first_interrupt_keeping_its_traceback():
    cell = autograded_cell("x", [output("stdout"), output("error", ename="KeyboardInterrupt", traceback=["a", "b"]),
                           output("error", ename="KeyboardInterrupt", traceback=["c"])])
    assignments._record_timeout(cell, timeout_reply(), cell_index=2)
    assert [o.output_type for o in cell.outputs] == ["stream", "error", "error"]
    error = cell.outputs[1]
    assert (error.ename, error.evalue) == (assignments.TIMEOUT_ERROR, "ran past 3 s")
    assert error.traceback == ["a", "b", f"{assignments.TIMEOUT_ERROR}: ran past 3 s"]
    assert cell.outputs[2].ename == "KeyboardInterrupt" and cell.outputs[0].name == "stdout"
    assert assignments._failure(cell) == assignments.TIMEOUT_ERROR


@pytest.mark.parametrize("outputs", [[], [output("stdout")], [output("error", ename="ValueError", traceback=["v"])]])
def test_record_timeout_appends_the_error_when_no_interrupt_was_recorded(outputs):
    cell = autograded_cell("x", outputs)
    assignments._record_timeout(cell, timeout_reply())
    assert len(cell.outputs) == len(outputs) + 1 and cell.outputs[:-1] == outputs
    error = cell.outputs[-1]
    assert error.output_type == "error" and (error.ename, error.evalue) == (assignments.TIMEOUT_ERROR, "ran past 3 s")
    assert error.traceback == [f"{assignments.TIMEOUT_ERROR}: ran past 3 s"]


class FakeClient:
    """Stands in for nbclient.NotebookClient: records how `execute` sets it up, runs nothing."""

    made = []

    def __init__(self, notebook, **settings):
        self.notebook, self.settings = notebook, settings
        FakeClient.made.append(self)

    def execute(self):
        self.notebook.metadata["ran"] = True


@pytest.mark.parametrize("timeout, expected", [(None, 600), (1, 1), (7, 7)])
def test_execute_runs_every_cell_in_the_notebooks_folder_errors_allowed_interrupting_at_the_timeout(
        tmp_path, monkeypatch, timeout, expected):
    import nbclient

    monkeypatch.setattr(nbclient, "NotebookClient", FakeClient)
    FakeClient.made = []
    path = write_synthetic(tmp_path / "course")
    written = path.read_bytes()
    executed = assignments.execute(path) if timeout is None else assignments.execute(path, timeout=timeout)
    [client] = FakeClient.made
    assert client.notebook is executed and executed.metadata["ran"] is True
    assert [cell.source for cell in executed.cells] == [cell.source for cell in synthetic_notebook().cells]
    settings = client.settings
    assert settings["timeout"] == expected and settings["kernel_name"] == "python3"
    assert settings["allow_errors"] is True and settings["interrupt_on_timeout"] is True
    assert settings["on_cell_executed"] is assignments._record_timeout
    assert settings["error_on_timeout"] == {
        "ename": assignments.TIMEOUT_ERROR, "traceback": [],
        "evalue": f"The cell ran longer than the timeout of {expected} s, so the kernel was interrupted."}
    assert settings["resources"] == {"metadata": {"path": str(tmp_path / "course")}}
    assert path.read_bytes() == written  # the file is left untouched


def test_autograde_grades_what_execute_ran_with_its_timeout(tmp_path, monkeypatch):
    executed = new_notebook()
    executed.cells = [autograded_cell("ok", points=2), autograded_cell("bad", [output("stderr")], points=1)]
    calls = []
    monkeypatch.setattr(assignments, "execute", lambda path, timeout=600: calls.append((path, timeout)) or executed)
    assert assignments.autograde("some.ipynb", timeout=9) == {"ok": (2.0, True, None), "bad": (1.0, False, "stderr")}
    assignments.autograde("other.ipynb")
    assert calls == [("some.ipynb", 9), ("other.ipynb", 600)]


def test_exercises_and_written_answers_split_the_graded_cells():
    """exercises: graded code cells that are not the student's; written_answers: graded cells that are."""
    def cell(kind, grade_id, grade, solution, points=None, task=False):
        made = (new_code_cell if kind == "code" else new_markdown_cell)("x = 1")
        made.metadata = nbgrader_metadata(grade_id, grade, solution, points)
        made.metadata["nbgrader"]["task"] = task
        return made

    notebook = new_notebook()
    notebook.cells = [new_code_cell("plain"), new_markdown_cell("plain"),
                      cell("code", "solution", False, True),
                      cell("code", "solution_with_points", False, True, points=1),  # points, but not graded
                      cell("code", "test", True, False, points=3),
                      cell("code", "test_half", True, False, points=0.5),
                      cell("markdown", "written", True, True, points=2),
                      cell("code", "written_code", True, True, points=4),
                      cell("markdown", "graded_markdown", True, False, points=5),
                      cell("markdown", "task", False, False, points=1, task=True)]
    points, written = assignments.exercises(notebook), assignments.written_answers(notebook)
    assert points == {"test": 3.0, "test_half": 0.5}
    assert written == {"written": 2.0, "written_code": 4.0}
    assert all(type(value) is float for value in [*points.values(), *written.values()])


def test_answer_text_keeps_the_long_lines_whitespace_aside():
    cell = new_markdown_cell("\n".join([
        "Short line.",
        "x" * 19,  # under MIN_ANSWER_LINE
        "y" * 20,  # just long enough
        "   short   but   spaced  ",  # long only with its spaces
        "  Model   answer:  nine,\tbecause squaring.  ",
        "Model answer: nine, because squaring.",  # the same line, once
        "",
    ]))
    assert assignments.MIN_ANSWER_LINE == 20
    assert assignments.answer_text(cell) == ["Model answer: nine, because squaring.", "y" * 20]
    assert assignments.answer_text(new_markdown_cell("")) == []


def test_solution_lines_leave_out_the_trivial_the_short_and_what_follows_the_region():
    cell = new_code_cell("\n".join([
        "def build(value):",
        "    assert value is not None, 'no value'",  # the stub keeps it: it stands outside the region too
        "    ### BEGIN SOLUTION",
        "    assert value is not None, 'no value'",
        "    total = first + sec",  # 19 characters
        "    total = first + secd",  # 20
        "    return reconstruction_loss",
        "    return self.decoder.output_layer",
        "    yield generated_batch_item",
        "    raise NotImplementedError()",
        "    raise NotImplementedError",
        "    return decode_latent(value)",  # a call: it gives the answer away
        '    label = "a # inside double quotes"  # a comment',
        "    other = 'single' + 'quotes'  # a comment",
        "    ### END SOLUTION",
        "    print(build(value) + value * 2)",  # after the region: the student keeps it
    ]))
    assert assignments.solution_lines(cell) == ['label = "a # inside double quotes"', "other = 'single' + 'quotes'",
                                                "return decode_latent(value)", "total = first + secd"]
    assert assignments.solution_lines(new_code_cell("result = value * value * value")) == []


def test_leaked_answers_read_the_student_version_whitespace_aside(tmp_path):
    notebook = synthetic_notebook()
    given = "    given = float(value) * 1.0\n"  # a line the stub keeps: the student sees it anyway
    notebook.cells[3].source = SQUARE_SOLUTION.replace("    ### BEGIN SOLUTION\n", given + "    ### BEGIN SOLUTION\n")
    notebook.cells.append(new_code_cell(given.strip() + "\nprint(given)"))
    notebook.cells[4].source = SQUARE_TEST.replace("square(-2) == 4", "square(-2) == 4  # result = value * value")
    assert assignments.leaked_answers(notebook) == {}  # only in the hidden tests, which students never see
    notebook.cells.insert(2, new_code_cell("result  =   value  *  value"))  # before the exercise, other spacing
    notebook.cells.append(new_markdown_cell("Recall: Model answer:  9,   because squaring removes the sign of -3."))
    expected = {"nb00_ex1_solution": ["result = value * value"], "nb00_q1": [ANSWER_LINES[0]]}
    assert assignments.leaked_answers(notebook) == expected
    nbformat.write(notebook, tmp_path / "00_synthetic.ipynb")
    assert assignments.leaked_answers(tmp_path / "00_synthetic.ipynb") == expected
    assert assignments.leaked_answers(str(tmp_path / "00_synthetic.ipynb")) == expected


def test_student_notebook_runs_every_step_of_generate_assignment_and_leaves_the_instructor_version():
    instructor = synthetic_notebook()
    instructor.cells[5].outputs = [output("stdout", text="6\n")]
    instructor.cells[5].execution_count = 4
    instructor.cells.append(new_markdown_cell(
        "Describe the plot.\n=== BEGIN MARK SCHEME ===\nOne point for the axes.\n=== END MARK SCHEME ===",
        metadata={"nbgrader": {"grade": False, "grade_id": "nb00_task", "locked": True, "points": 1,
                               "schema_version": 3, "solution": False, "task": True}}))
    before = json.dumps(instructor, sort_keys=True)
    student = assignments.student_notebook(instructor)
    assert json.dumps(instructor, sort_keys=True) == before
    cells = student.cells
    assert cells[3].source == "def square(value):\n    # YOUR CODE HERE\n    raise NotImplementedError()"  # solutions
    assert cells[4].source == "assert square(3) == 9"  # hidden tests
    assert cells[7].source == assignments.TEXT_STUB and cells[8].source == "Describe the plot."  # mark scheme
    assert cells[5].outputs == [] and cells[5].execution_count is None  # outputs
    assert cells[4].metadata["editable"] is False and cells[4].metadata["deletable"] is False  # locked
    assert cells[8].metadata["editable"] is False
    assert all("checksum" in cells[i].metadata["nbgrader"] for i in (3, 4, 7, 8))  # checksums
    assert all("nbgrader" not in cells[i].metadata for i in (0, 1, 2, 5, 6))
    broken = synthetic_notebook()
    broken.cells[4].metadata["nbgrader"]["grade_id"] = "nb00_q1"  # the cell metadata is checked
    with pytest.raises(Exception, match="failed to validate"):
        assignments.student_notebook(broken)


@pytest.mark.parametrize("name, expected", [("01_dense_decoder.ipynb", "nb01"), ("07.ipynb", "nb07"),
                                            (Path("notebooks") / "12_b_c.ipynb", "nb12")])
def test_assignment_id(name, expected):
    assert assignments.assignment_id(name) == expected


@pytest.mark.parametrize("n, noun, expected", [(1, "file", "1 file"), (1.0, "point", "1 point"),
                                               (0, "file", "0 files"), (2, "file", "2 files"),
                                               (2.5, "point", "2.5 points"), (3.0, "point", "3 points")])
def test_count(n, noun, expected):
    assert assignments._count(n, noun) == expected


@pytest.mark.parametrize("cells, expected", [
    ([new_markdown_cell("# Squares")], "Squares"),
    ([new_markdown_cell("#  Notes in C#")], "Notes in C#"),
    ([new_code_cell("# a comment"), new_markdown_cell("Intro.\n## Squares, again  \n# Later")], "Squares, again"),
    ([new_markdown_cell("No heading here."), new_markdown_cell("### Third ### level")], "Third ### level"),
    ([new_markdown_cell("Text #1 only"), new_code_cell("# Not a title")], ""),
    ([], ""),
])
def test_title_is_the_first_markdown_heading(cells, expected):
    notebook = new_notebook()
    notebook.cells = cells
    assert assignments._title(notebook) == expected


def test_instructor_notebooks_are_the_sorted_notebooks_of_a_folder(tmp_path):
    folder = tmp_path / "notes [v2]"  # glob's special characters in the name
    names = ["03_c.ipynb", "06_f.ipynb", "01_a.ipynb", "05_e.ipynb", "readme.md", "02_b.ipynb", "04_d.ipynb"]
    folder.mkdir()
    for name in names:
        (folder / name).write_text("{}")
    assert assignments._instructor_notebooks(folder) == [str(folder / name) for name in sorted(names[:4] + names[5:])]
    with pytest.raises(ValueError, match=r"^--source is empty.*Received: --source=''$"):
        assignments._instructor_notebooks("", "--source")
    with pytest.raises(ValueError, match=r"is a file, not a folder of instructor notebooks"):
        assignments._instructor_notebooks(folder / "01_a.ipynb")
    with pytest.raises(ValueError, match=r"found none"):
        assignments._instructor_notebooks(tmp_path / "missing")


def test_check_folder_accepts_a_folder_to_be_and_makes_nothing(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a.txt").write_text("a")
    for path in (tmp_path / "new" / "deeper" / "still", tmp_path / "full", str(tmp_path / "new")):
        assert assignments._check_folder(path, "output") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


def test_check_folder_refuses_what_cannot_be_a_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match=r"^--output is empty"):
        assignments._check_folder("", "--output")
    with pytest.raises(ValueError, match=r"^--output '.*file' is a file, not a folder"):
        assignments._check_folder(tmp_path / "file", "--output")
    with pytest.raises(ValueError, match=r"^--output '.*under' lies under the file '.*file'"):
        assignments._check_folder(tmp_path / "file" / "x" / "under", "--output")


@pytest.mark.parametrize("missing", [os.W_OK, os.X_OK])
def test_check_folder_refuses_a_folder_it_cannot_write_into(tmp_path, monkeypatch, missing):
    """Tests run as root here, where every folder is writable: os.access stands in for the permissions."""
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: real(path, mode) and not (
        os.fspath(path) == str(tmp_path) and mode & missing))
    with pytest.raises(ValueError, match=r"^output '.*new' cannot be written: '.*' is not writable"):
        assignments._check_folder(tmp_path / "new", "output")
    assert assignments._check_folder(tmp_path / "new" / ".." / ".." / "elsewhere", "output") is None


def test_check_outside_refuses_the_source_and_what_lies_in_it_links_followed(tmp_path):
    source = tmp_path / "notebooks"
    (source / "sub").mkdir(parents=True)
    os.symlink(source / "sub", tmp_path / "link")
    names = assignments._NAMES
    for path in (source, source / "sub", source / "new" / "deeper", tmp_path / "link", tmp_path / "link" / "x"):
        with pytest.raises(ValueError, match=r"^output must differ from the source folder and lie outside it "
                                             r"\(source='.*notebooks'\).*Received: output='"):
            assignments._check_outside(path, source, names)
    os.symlink(source, tmp_path / "source_link")  # the source given by a link
    with pytest.raises(ValueError, match="must differ from the source"):
        assignments._check_outside(source / "sub", tmp_path / "source_link", names)
    for path in (tmp_path / "notebooks2", tmp_path / "notebook", tmp_path, tmp_path / "student"):
        assert assignments._check_outside(path, source, names) is None
    named = {**names, "output": "COURSE_DIR", "received": "COURSE_DIR='grading'"}
    with pytest.raises(ValueError, match=r"^COURSE_DIR '.*sub' must differ .*Received: COURSE_DIR='grading'$"):
        assignments._check_outside(source / "sub", source, named)


def occupied(folder, targets, force=False, keep_answers=True, names=None):
    return assignments._check_occupied(folder, [str(folder / t) for t in targets], force,
                                       names or {**assignments._NAMES, "output": "--output", "force": "--force"},
                                       keep_answers)


def test_check_occupied_lets_a_new_or_empty_folder_be_written(tmp_path):
    assert occupied(tmp_path / "new", ["a.ipynb"]) == []
    (tmp_path / "empty").mkdir()
    assert occupied(tmp_path / "empty", ["a.ipynb"]) == []
    assert occupied(tmp_path / "empty", ["a.ipynb"], force=True) == []


@pytest.mark.parametrize("entries, shown", [(["a"], "1 file (a)"), (["c", "a", "b"], "3 files (a, b, c)"),
                                            (["d", "c", "b", "a"], "4 files (a, b, c, ...)")])
def test_check_occupied_refuses_a_folder_that_holds_files_without_force(tmp_path, entries, shown):
    for entry in entries:
        (tmp_path / entry).write_text("earlier")
    with pytest.raises(ValueError, match=rf"^--output '.*' already holds {re.escape(shown)}, so nothing was written\. "
                                         r"Pass --force .* Received: --output='.*'$"):
        occupied(tmp_path, ["a"])


def test_check_occupied_with_force_returns_the_targets_it_will_replace(tmp_path):
    (tmp_path / "b.ipynb").write_text("{}")
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "link.ipynb")  # a link is replaced, not followed
    os.symlink(tmp_path / "gone", tmp_path / "dangling.ipynb")
    targets = ["c.ipynb", "link.ipynb", "b.ipynb", "dangling.ipynb"]
    expected = [str(tmp_path / t) for t in ("link.ipynb", "b.ipynb", "dangling.ipynb")]
    assert occupied(tmp_path, targets, force=True, keep_answers=False) == expected
    assert occupied(tmp_path, targets[:3], force=True) == expected[:2]
    with pytest.raises(ValueError, match="dangling.ipynb' holds solutions.*or cannot be read to tell"):
        occupied(tmp_path, targets, force=True)  # with keep_answers: what cannot be read might hold answers


def test_check_occupied_never_replaces_a_folder_or_with_keep_answers_an_instructor_notebook(tmp_path):
    (tmp_path / "a.ipynb").mkdir()
    for keep_answers in (True, False):
        with pytest.raises(ValueError, match=r"^'.*a\.ipynb' is a folder, where a file would be written.*"
                                             r"Received: --output="):
            occupied(tmp_path, ["a.ipynb"], force=True, keep_answers=keep_answers)
    (tmp_path / "b.ipynb").write_text('{"source": "### BEGIN SOLUTION"}')
    with pytest.raises(ValueError, match=r"b\.ipynb' holds solutions.*never replaced, even with --force: choose "
                                         r"another --output\. Received: --output="):
        occupied(tmp_path, ["b.ipynb"], force=True)
    assert occupied(tmp_path, ["b.ipynb"], force=True, keep_answers=False) == [str(tmp_path / "b.ipynb")]


@pytest.mark.parametrize("marker", ["BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "BEGIN MARK SCHEME"])
def test_check_no_answers_refuses_a_file_or_folder_that_holds_an_answer(tmp_path, marker):
    (tmp_path / "clean.ipynb").write_text('{"source": "# YOUR CODE HERE"}')
    (tmp_path / "answers.ipynb").write_text(f'{{"source": "### {marker}"}}')
    (tmp_path / "folder" / "deep").mkdir(parents=True)
    (tmp_path / "folder" / "deep" / "x.ipynb").write_text(f"=== {marker} ===")
    (tmp_path / "folder" / "ok.txt").write_text("ok")
    assert assignments._check_no_answers([str(tmp_path / "clean.ipynb"), str(tmp_path / "folder" / "ok.txt")],
                                         ": fix") is None
    with pytest.raises(ValueError, match=r"^'.*answers\.ipynb' holds solutions, hidden tests or a mark scheme "
                                         r".*so it is never replaced: fix$"):
        assignments._check_no_answers([str(tmp_path / "clean.ipynb"), str(tmp_path / "answers.ipynb")], ": fix")
    with pytest.raises(ValueError, match=r"^'.*deep.x\.ipynb' holds solutions"):
        assignments._check_no_answers([str(tmp_path / "folder")], ": fix")


def test_check_no_answers_refuses_a_file_it_cannot_read(tmp_path):
    os.symlink(tmp_path / "gone.ipynb", tmp_path / "dangling.ipynb")
    with pytest.raises(ValueError, match="dangling.ipynb' holds solutions, hidden tests or a mark scheme.*or cannot"):
        assignments._check_no_answers([str(tmp_path / "dangling.ipynb")], "")
    assert assignments._check_no_answers([], "") is None


@pytest.mark.parametrize("address", [
    "https://example.org/course/vae_keras-0.1.0-py3-none-any.whl",
    "git+https://github.com/other/handout@main",
    "git+https://github.com/someone/forked@main",  # a repository whose name starts with the course's
    "git+https://github.com/someone/fork-handout@main",
    "https://github.com/nobody/someone/fork.whl",
    "git+https://gitlab.com/someone/fork@spring",
])
def test_check_install_address_accepts_a_public_address_and_says_it_must_be_public(address):
    warning = assignments._check_install_address(address, "install", "someone/fork")
    assert warning == f"students' Colab installs the library from {address} without logging in, so it must be public."


@pytest.mark.parametrize("address", [
    "git+https://github.com/someone/fork@spring",
    "git+https://github.com/someone/fork",
    "git+https://github.com/someone/fork.git@spring",
    "git+https://GitHub.com/SomeOne/Fork@spring",
    "https://github.com/someone/fork/releases/download/v1/vae_keras-0.1.0-py3-none-any.whl",
    "https://raw.githubusercontent.com/someone/fork/spring/wheels/vae_keras-0.1.0-py3-none-any.whl",
])
def test_check_install_address_warns_louder_for_the_course_repository(address):
    warning = assignments._check_install_address(address, "install", "someone/fork")
    assert warning.startswith(f"{address} is the course repository someone/fork, which holds the answers")
    assert "python -m vae_keras handout" in warning


def test_check_install_address_escapes_the_course_repository():
    address = "git+https://github.com/someXone/fork@main"
    assert "course repository" not in assignments._check_install_address(address, "install", "some.one/fork")


@pytest.mark.parametrize("address", [None, b"https://example.org/a.whl", 3, "", "https://", "http://example.org/a.whl",
                                     "ftp://example.org/a.whl", "https://example.org/a b.whl",
                                     "https://example.org/a.whl\n", 'https://example.org/a".whl',
                                     "https://example.org/a'.whl", "https://example.org/a\\b.whl",
                                     "git+http://github.com/a/b", " https://example.org/a.whl",
                                     "pip install https://example.org/a.whl"])
def test_check_install_address_refuses_what_pip_cannot_take_from_colab(address):
    with pytest.raises(ValueError, match=rf"^Expected --install-from as a public https address.*"
                                         rf"Received: --install-from={re.escape(repr(address))}$"):
        assignments._check_install_address(address, "--install-from", "someone/fork")


def test_wheel_path_and_install_target(course):
    (course / "pyproject.toml").write_text('[project]\nname = "Vae-Keras.Extra"\nversion = "0.2.0"\n')
    assert assignments._wheel_path("out", str(course), None) == [os.path.join("out",
                                                                              "vae_keras_extra-0.2.0-py3-none-any.whl")]
    assert assignments._wheel_path("out", str(course), "https://example.org/x.whl") == []
    assert assignments._install(str(course), "https://example.org/x.whl") == ("https://example.org/x.whl", None, None)
    install, note, (name, wheel) = assignments._install(str(course), None)
    assert (install, name, wheel) == (f"file:///content/{WHEEL}", WHEEL, b"PK not a real wheel")
    assert note.startswith(f"# Upload {WHEEL} ") and f"pip install {WHEEL}" in note


# --- The hand-out's own checks, on the synthetic course (fast: the wheel is faked) -----------------

def test_handout_writes_the_student_notebooks_a_readme_and_the_wheel_then_replaces_an_earlier_one(
        course, tmp_path_factory):
    from vae_keras.course.repository import wheel_install_target

    directory = tmp_path_factory.mktemp("out") / "handout"

    def files():
        return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())

    written = assignments.handout(directory)
    assert (written.repository, written.branch) == ("someone/fork", "spring")  # course.toml's
    assert files() == ["README.md", "notebooks/00_synthetic.ipynb", f"wheels/{WHEEL}"]
    assert written.readme == os.path.join(directory, "README.md")
    assert written.notebooks == [os.path.join(directory, "notebooks", "00_synthetic.ipynb")]
    assert written.wheel == os.path.join(directory, "wheels", WHEEL)
    notebook = nbformat.read(directory / "notebooks" / "00_synthetic.ipynb", as_version=4)
    assert colab_url("someone/fork", "spring", "notebooks/00_synthetic.ipynb") in notebook.cells[0].source
    assert wheel_install_target("someone/fork", "spring", f"wheels/{WHEEL}") in notebook.cells[1].source
    assert assignments.STUB in notebook.cells[3].source and notebook.cells[7].source == assignments.TEXT_STUB
    # a clone of the earlier hand-out: regenerated for another repository, what it no longer holds removed
    (directory / ".git").mkdir()
    (directory / ".git" / "HEAD").write_text("ref")
    (directory / "notebooks" / "99_old.ipynb").write_text("{}")
    (directory / "wheels" / "old").mkdir()
    (directory / "wheels" / "old" / "x.whl").write_text("old")
    written = assignments.handout(directory, repository="other/hand", branch="main")
    assert (written.repository, written.branch) == ("other/hand", "main")
    assert files() == [".git/HEAD", "README.md", "notebooks/00_synthetic.ipynb", f"wheels/{WHEEL}"]
    notebook = nbformat.read(directory / "notebooks" / "00_synthetic.ipynb", as_version=4)
    assert colab_url("other/hand", "main", "notebooks/00_synthetic.ipynb") in notebook.cells[0].source


def test_handout_readme_lists_each_notebook_with_its_work():
    student = assignments.student_notebook(synthetic_notebook())
    untitled = assignments.student_notebook(synthetic_notebook())
    untitled.cells = untitled.cells[1:7]  # no title, no written answer
    project = {"name": "vae_keras", "description": "A course.", "readme": "README.md", "version": "0.1.0"}
    readme = assignments._handout_readme(project, "teacher/course", "main", f"wheels/{WHEEL}",
                                         [("00_synthetic.ipynb", student), ("01_more.ipynb", untitled)])
    lines = readme.splitlines()
    assert lines[0] == assignments.HANDOUT_MARK and lines[1] == "# vae_keras: the course notebooks"
    badge = colab_url("teacher/course", "main", "notebooks/00_synthetic.ipynb")
    assert (f"| [Squares](notebooks/00_synthetic.ipynb) | [![Open In Colab]"
            f"(https://colab.research.google.com/assets/colab-badge.svg)]({badge}) "
            "| 1 code exercise (2 points), 1 written answer (2 points) |") in lines
    [row] = [line for line in lines if "01_more.ipynb" in line and line.startswith("|")]
    assert row.startswith("| [01_more.ipynb](notebooks/01_more.ipynb) |")
    assert row.endswith("| 1 code exercise (2 points) |")
    assert "git clone https://github.com/teacher/course.git && cd course" in lines
    assert f"pip install tensorflow jupyterlab ipywidgets wheels/{WHEEL}" in lines
    assert "`00_synthetic.ipynb`)." in readme and "A course." in lines


def test_check_handout_folder_accepts_a_new_empty_or_earlier_handout(tmp_path):
    root, source = tmp_path / "course", tmp_path / "course" / "notebooks"
    source.mkdir(parents=True)
    check = assignments._check_handout_folder
    assert check(str(tmp_path / "new"), str(root), str(source)) == set()
    (tmp_path / "clone" / ".git").mkdir(parents=True)
    assert check(str(tmp_path / "clone"), str(root), str(source)) == set()
    earlier = tmp_path / "earlier"
    (earlier / "notebooks").mkdir(parents=True)
    (earlier / "wheels").mkdir()
    (earlier / "README.md").write_text(assignments.HANDOUT_MARK + "  \n# vae_keras\n")
    (earlier / "notebooks" / "00_a.ipynb").write_text("{}")
    (earlier / "wheels" / WHEEL).write_text("PK")
    (earlier / "other.txt").write_text("stays")
    assert check(str(earlier), str(root), str(source)) == {str(earlier / "notebooks" / "00_a.ipynb"),
                                                          str(earlier / "wheels" / WHEEL)}


def test_check_handout_folder_refuses_the_course_a_stranger_and_answers(tmp_path):
    root, source = tmp_path / "course", tmp_path / "course" / "notebooks"
    source.mkdir(parents=True)
    check = assignments._check_handout_folder
    for directory in (tmp_path, root):
        with pytest.raises(ValueError, match=r"^The hand-out folder must not hold the course.*Received: DIR="):
            check(str(directory), str(root), str(source), "DIR")
    outside = tmp_path / "notes"
    outside.mkdir()
    with pytest.raises(ValueError, match="must not hold the course"):  # it holds the notebooks, not the course
        check(str(tmp_path), str(tmp_path.parent / "another_course"), str(outside))
    os.symlink(source, tmp_path / "link")
    with pytest.raises(ValueError, match="must lie outside the instructor notebooks' folder"):
        check(str(tmp_path / "link" / "handout"), str(root), str(source))
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "README.md").write_text("# My own project\n" + assignments.HANDOUT_MARK)
    with pytest.raises(ValueError, match="is neither empty nor an earlier hand-out"):
        check(str(stranger), str(root), str(source))
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "README.md").write_text(assignments.HANDOUT_MARK + "\n")
    (earlier / "wheels").write_text("a file")
    with pytest.raises(ValueError, match=r"'.*wheels' is a file where the hand-out keeps a folder"):
        check(str(earlier), str(root), str(source))
    (earlier / "wheels").unlink()
    (earlier / "notebooks" / "sub").mkdir(parents=True)
    (earlier / "notebooks" / "sub" / "00_a.ipynb").write_text("### BEGIN SOLUTION")
    with pytest.raises(ValueError, match=r"00_a\.ipynb' holds solutions.*: move it out of the hand-out folder"):
        check(str(earlier), str(root), str(source))


def test_read_project_reads_name_version_description_and_readme(tmp_path):
    def project(text, package=True):
        (tmp_path / "pyproject.toml").write_text(text)
        if package:
            (tmp_path / "vae_keras").mkdir(exist_ok=True)
            (tmp_path / "vae_keras" / "__init__.py").write_text("")
        return assignments._read_project(str(tmp_path))

    assert project('[project]\nname = "v"\nversion = "1"\n') == {
        "name": "v", "version": "1", "description": "", "readme": "README.md"}
    assert project('[project]\nname = "v"\nversion = "1"\ndescription = "d"\nreadme = "R.md"\n')["readme"] == "R.md"
    assert project('[project]\nname = "v"\nversion = "1"\nreadme = {file = "D.md"}\n')["readme"] == "D.md"
    assert project('[project]\nname = "v"\nversion = "1"\nreadme = {text = "t"}\n')["readme"] == "README.md"
    for text in ('[project]\nname = "v"\n', '[project]\nversion = "1"\n', '[tool]\nname = "v"\n',
                 '[project]\nname = 1\nversion = "1"\n', 'project = "v"\n'):
        with pytest.raises(ValueError, match=r"pyproject\.toml: expected a \[project\] table"):
            project(text)
    (tmp_path / "vae_keras" / "__init__.py").unlink()
    with pytest.raises(ValueError, match="to hold pyproject.toml and vae_keras/"):
        project('[project]\nname = "v"\nversion = "1"\n', package=False)


def test_student_notebook_runs_generate_assignments_own_preprocessors_in_order_but_saves_no_cells():
    """The same chain as `nbgrader generate_assignment` (header, tests, locks, solutions, outputs, checks,
    checksums, hidden tests, mark schemes), less SaveCells, which would write a gradebook."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import SaveCells

    chain = GenerateAssignment.class_traits()["preprocessors"].default()
    made = assignments._generate_assignment_preprocessors()
    assert [type(p) for p in made] == [cls for cls in chain if cls is not SaveCells]
    assert len(made) == len(chain) - 1 and len({id(p) for p in made}) == len(made)


def test_commands_need_nbgrader_before_any_work(course, monkeypatch):
    def missing():
        raise ModuleNotFoundError("No module named 'nbgrader'")

    monkeypatch.setattr(assignments, "require_instructor_tools", missing)
    for write in (lambda: assignments.student_versions(), lambda: assignments.nbgrader_sources("grading"),
                  lambda: assignments.handout(course.parent / "handout_of_course")):
        with pytest.raises(ModuleNotFoundError, match="nbgrader"):
            write()
    assert not (course / "student").exists() and not (course / "grading").exists()


def test_handout_refuses_a_bad_repository_branch_or_folder_before_writing(course, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    (out / "file").write_text("x")
    cases = [({"repository": "not a repository"}, "OWNER/NAME"), ({"branch": "two words"}, "branch"),
             ({"directory": out / "file"}, "is a file, not a folder")]
    for options, message in cases:
        directory = options.pop("directory", out / "handout")
        with pytest.raises(ValueError, match=message):
            assignments.handout(directory, **options)
    assert sorted(p.name for p in out.iterdir()) == ["file"]


def test_the_public_address_warning_points_at_the_caller(course):
    with pytest.warns(assignments.CourseWarning, match="must be public") as record:
        assignments.student_versions(install="https://example.org/vae_keras-0.1.0-py3-none-any.whl")
    assert [Path(w.filename).name for w in record] == [Path(__file__).name]


@pytest.mark.parametrize("break_it, error", [
    (lambda nb: nb.cells[4].metadata["nbgrader"].__setitem__("grade_id", "nb00_q1"), "failed to validate"),
    (lambda nb: nb.cells[4].metadata["nbgrader"].__setitem__("schema_version", "3"), "not supported"),
    (lambda nb: nb.cells[4].metadata["nbgrader"].__setitem__("schema_version", 1), "Outdated schema version"),
    (lambda nb: nb.cells[4].metadata["nbgrader"].__setitem__("schema_version", 4), "too new"),
    (lambda nb: nb.cells[4].metadata.__setitem__("nbgrader", None), "no attribute"),
    (lambda nb: nb.metadata["kernelspec"].__setitem__("language", "julia"), "julia"),
    (lambda nb: setattr(nb.cells[3], "source", "### BEGIN SOLUTION\nx = 1"), "no end solution"),
])
def test_student_versions_name_the_notebook_nbgrader_rejects_and_write_nothing(course, break_it, error):
    path = course / "notebooks" / "00_synthetic.ipynb"
    notebook = nbformat.read(path, as_version=4)
    break_it(notebook)
    nbformat.write(notebook, path)
    for write in (lambda: assignments.student_versions(), lambda: assignments.nbgrader_sources("grading")):
        with pytest.raises(ValueError, match=rf"^notebooks.00_synthetic\.ipynb: .*{error}"):
            write()
    assert not (course / "student").exists() and not (course / "grading").exists()


def fake_pip(results, wheels=("vae_keras-0.1.0-py3-none-any.whl",)):
    """Stands in for subprocess.run in `build_wheel`: each call takes the next (exit status, stderr) of results
    and, when it succeeds, writes `wheels` to pip's -w folder (which it does not make). Returns the calls'
    (command, environment, {staged file: text})."""
    calls = []

    def run(command, capture_output=False, text=False, env=None):
        output, staging = command[command.index("-w") + 1], command[command.index("-w") + 2]
        staged = {os.path.relpath(os.path.join(folder, name), staging):
                  Path(folder, name).read_text() for folder, _, names in os.walk(staging) for name in names}
        calls.append((command, env, staged))
        status, stderr = results.pop(0)
        if status == 0:
            for wheel in wheels:
                Path(output, wheel).write_bytes(b"PK")
        assert capture_output and text
        return subprocess.CompletedProcess(command, status, "", stderr)

    return run, calls


@pytest.fixture
def library(tmp_path):
    """A course checkout's library: pyproject.toml and vae_keras/ (with a __pycache__ the wheel leaves out)."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "vae_keras"\nversion = "0.1.0"\nreadme = "R.md"\n')
    (tmp_path / "vae_keras" / "__pycache__").mkdir(parents=True)
    (tmp_path / "vae_keras" / "__init__.py").write_text("x = 1\n")
    (tmp_path / "vae_keras" / "__pycache__" / "a.pyc").write_text("")
    (tmp_path / "vae_keras" / "b.pyc").write_text("")
    return tmp_path


def test_build_wheel_builds_offline_first_from_the_library_alone(library, monkeypatch):
    run, calls = fake_pip([(0, "")])
    monkeypatch.setattr(subprocess, "run", run)
    (library / "wheels").mkdir()
    (library / "wheels" / "other-1.0-py3-none-any.whl").write_bytes(b"PK")  # an earlier, unrelated wheel
    (library / "wheels" / WHEEL).write_bytes(b"old")  # this library's earlier wheel, rebuilt
    assert assignments.build_wheel(str(library), str(library / "wheels"), "# the readme") == str(
        library / "wheels" / WHEEL)
    [(command, env, staged)] = calls
    assert command[:8] == [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(library / "wheels")]
    assert command[9:] == ["--no-build-isolation", "--no-index"]
    assert env["SOURCE_DATE_EPOCH"] == "315532800" and env["PIP_NO_INPUT"] == "1"
    assert staged == {"pyproject.toml": (library / "pyproject.toml").read_text(), "R.md": "# the readme",
                      os.path.join("vae_keras", "__init__.py"): "x = 1\n"}


def test_build_wheel_falls_back_to_pips_isolated_build_and_says_why_it_failed(library, monkeypatch):
    run, calls = fake_pip([(1, "a\nb\noffline failed"), (0, "")])
    monkeypatch.setattr(subprocess, "run", run)
    assert assignments.build_wheel(str(library), str(library / "new" / "out"), "") == str(
        library / "new" / "out" / WHEEL)  # the folder made
    assert [command[9:] for command, _, _ in calls] == [["--no-build-isolation", "--no-index"], []]
    run, calls = fake_pip([(1, "x\noffline failed"), (2, "y\nonline failed")])
    monkeypatch.setattr(subprocess, "run", run)
    with pytest.raises(RuntimeError, match=r"pip could not build the wheel of .*: x offline failed \| "
                                           r"y online failed$"):
        assignments.build_wheel(str(library), str(library / "out2"), "")
    assert len(calls) == 2
    run, calls = fake_pip([(0, "")], wheels=[WHEEL, "vae_keras-0.1.0-py2-none-any.whl"])
    monkeypatch.setattr(subprocess, "run", run)
    with pytest.raises(RuntimeError, match="Expected pip to write one wheel"):
        assignments.build_wheel(str(library), str(library / "out3"), "")


def test_student_versions_and_sources_refuse_a_file_for_a_folder(course):
    (course / "taken").write_text("x")
    with pytest.raises(ValueError, match=r"^output 'taken' is a file, not a folder"):
        assignments.student_versions(output="taken", force=True)
    with pytest.raises(ValueError, match=r"^course_dir 'taken' is a file, not a folder"):
        assignments.nbgrader_sources("taken", force=True)
    (course / "grading" / "source").mkdir(parents=True)
    (course / "grading" / "source" / "nb00").write_text("x")  # where the assignment's folder goes
    with pytest.raises(ValueError, match=r"^course_dir '.*nb00' is a file, not a folder"):
        assignments.nbgrader_sources("grading", force=True)
    assert (course / "taken").read_text() == "x" and (course / "grading" / "source" / "nb00").read_text() == "x"


def test_student_versions_refuse_to_write_twice_without_force(course):
    assignments.student_versions()
    with pytest.raises(ValueError, match="already holds 2 files"):
        assignments.student_versions()


@pytest.mark.parametrize("make", [lambda folder: (folder / "00_synthetic.ipynb").write_text("### BEGIN SOLUTION"),
                                  lambda folder: (folder / WHEEL).mkdir()])
def test_student_versions_refuse_a_target_before_the_wheel_is_built(course, monkeypatch, make):
    """The targets are checked, then the wheel's name, all before `build_wheel` runs (it takes seconds)."""
    (course / "student").mkdir()
    make(course / "student")
    built = []
    monkeypatch.setattr(assignments, "build_wheel", lambda *args, **kwargs: built.append(args))
    with pytest.raises(ValueError, match="holds solutions|is a folder, where a file would be written"):
        assignments.student_versions(force=True)
    assert built == []


def test_check_occupied_keeps_answers_by_default(tmp_path):
    (tmp_path / "a.ipynb").write_text("### BEGIN HIDDEN TESTS")
    with pytest.raises(ValueError, match="holds solutions"):
        assignments._check_occupied(tmp_path, [str(tmp_path / "a.ipynb")], True, assignments._NAMES)


def test_is_handout_reads_the_first_line_of_its_readme(tmp_path):
    assert assignments._is_handout(tmp_path) is False  # no README.md
    (tmp_path / "README.md").write_text("# Mine\n" + assignments.HANDOUT_MARK + "\n")
    assert assignments._is_handout(tmp_path) is False
    (tmp_path / "README.md").write_text(" " + assignments.HANDOUT_MARK + " \n# vae_keras\n")
    assert assignments._is_handout(tmp_path) is True
    (tmp_path / "README.md").unlink()
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="is neither empty nor an earlier hand-out"):
        assignments._check_handout_folder(str(tmp_path), str(tmp_path.parent / "course"), str(tmp_path.parent / "nb"))


# --- nbgrader reads a notebook's folder: an autotests.yml there that lacks the kernel's templates ---------


def with_autotest(folder):
    """Adds an AUTOTEST line to the synthetic notebook's test cell, and beside it an autotests.yml with no
    templates for python3 (nbgrader reads it from the notebook's folder before it starts a kernel)."""
    path = Path(folder) / "00_synthetic.ipynb"
    notebook = nbformat.read(path, as_version=4) if path.exists() else synthetic_notebook()
    notebook.cells[4].source += "\n# AUTOTEST square(2)"
    os.makedirs(folder, exist_ok=True)
    nbformat.write(notebook, path)
    (Path(folder) / "autotests.yml").write_text("julia: {}\n")
    return path


def test_student_versions_name_the_notebook_whose_autotests_nbgrader_cannot_read(course):
    with_autotest(course / "notebooks")
    with pytest.raises(ValueError, match=r"^notebooks.00_synthetic\.ipynb: 'python3'$"):
        assignments.student_versions()
    assert not (course / "student").exists()


def test_leaked_answers_make_the_student_version_in_the_notebooks_folder(tmp_path, monkeypatch):
    path = with_autotest(tmp_path / "course")
    monkeypatch.chdir(tmp_path)  # no autotests.yml here: only the notebook's folder holds one
    for given in (path, str(path), os.path.join("course", "00_synthetic.ipynb")):
        with pytest.raises(KeyError, match="python3"):  # the folder's autotests.yml was read
            assignments.leaked_answers(given)

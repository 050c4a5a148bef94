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

"""The hand-out holds no answers, and what it holds works.

`python -m vae_keras handout` is run once per session on the real notebooks (the wheel is built
once). Every file it wrote, and every file inside the wheel, is scanned for nbgrader's region
markers, for each exercise's solution lines, each written answer's instructor text and each
hidden test's lines, and for files that should not be there; the notebooks' badges and install
cells must point at the hand-out repository and the wheel in it, and installing the wheel must
leave Colab's TensorFlow and Keras as they are. These tests only read files: no kernel.
"""

import argparse
import ast
import contextlib
import importlib.metadata
import io
import re
import shutil
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

from vae_keras.course import assignments, commands
from vae_keras.course.repository import colab_url, wheel_install_target

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAMES = [path.name for path in NOTEBOOKS]
REPOSITORY, BRANCH = "teacher/vae-course-2027", "spring/2027"  # a branch with '/': the raw URL must keep it apart
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME")
LINK = re.compile(r"\]\(([^)\s]+)\)")  # a markdown link's target


def run_handout(directory, **options):
    """Runs `python -m vae_keras handout DIR ...` in-process; returns (exit status, stdout, stderr)."""
    args = argparse.Namespace(command="handout", directory=str(directory), repository=options.get("repository"),
                              branch=options.get("branch"), source=str(options.get("source", ROOT / "notebooks")))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = commands.run(args)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    """(folder, printed): the hand-out of the real notebooks for REPOSITORY@BRANCH, built once."""
    folder = tmp_path_factory.mktemp("handout") / "vae-course-2027"
    status, printed, errors = run_handout(folder, repository=REPOSITORY, branch=BRANCH)
    assert status == 0, errors
    return folder, printed


def wheel_of(folder):
    [wheel] = (folder / "wheels").glob("*.whl")
    return wheel


def files(folder):
    """{relative path: text} of every file in the hand-out except the wheel, and {member: text} of the wheel's."""
    plain = {path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
             for path in sorted(folder.rglob("*")) if path.is_file() and path.suffix != ".whl"}
    with zipfile.ZipFile(wheel_of(folder)) as wheel:
        members = {name: wheel.read(name).decode("utf-8") for name in wheel.namelist()}
    return plain, members


def normalized(text):
    """The text with each line stripped and each run of whitespace made one space (as leaked_answers reads it)."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


@pytest.fixture(scope="module")
def instructor_only():
    """{line: where it comes from} for every line only the instructor sees: each exercise's solution lines
    and each written answer's model answer and rubric, less what some student version in the course shows.

    (A solution line shown by its own student notebook is a leak that tests/test_assignments.py reports;
    one that another notebook shows, such as `rng = np.random.default_rng(seed)`, gives nothing away.)"""
    lines, shown = {}, []
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        shown.extend(normalized(cell.source) for cell in assignments.student_notebook(notebook).cells)
        for cell in notebook.cells:
            nbgrader = cell.metadata.get("nbgrader", {})
            if nbgrader.get("solution"):
                own = (assignments.answer_text(cell) if cell.cell_type == "markdown"
                       else assignments.solution_lines(cell))
                lines.update({line: f"{path.name} {nbgrader['grade_id']}" for line in own})
    shown = "\n".join(shown)
    lines = {line: source for line, source in lines.items() if line not in shown}
    assert len(lines) > 10, "found almost nothing to look for: the scan would prove nothing"
    return lines


def found(texts, lines):
    """[(file, line, where the line comes from)] for each instructor-only line found in a file."""
    texts = {name: normalized(text) for name, text in texts.items()}
    return [(name, line, source) for name, text in texts.items() for line, source in lines.items() if line in text]


# --- What is in it ------------------------------------------------------------------------

def test_handout_holds_the_student_notebooks_a_readme_and_the_wheel_only(handout):
    folder, _ = handout
    version = assignments._read_project(ROOT)["version"]
    expected = {"README.md", f"wheels/vae_keras-{version}-py3-none-any.whl", *(f"notebooks/{name}" for name in NAMES)}
    assert {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()} == expected


def test_wheel_holds_the_library_only(handout):
    folder, _ = handout
    library = {path.relative_to(ROOT).as_posix() for path in (ROOT / "vae_keras").rglob("*.py")}
    with zipfile.ZipFile(wheel_of(folder)) as wheel:
        members = set(wheel.namelist())
    package = {name for name in members if not name.split("/")[0].endswith(".dist-info")}
    assert package == library, f"missing: {sorted(library - package)}, extra: {sorted(package - library)}"
    assert "vae_keras/course/checks.py" in package and "vae_keras/vae.py" in package


@pytest.mark.parametrize("name", NAMES)
def test_student_notebooks_are_the_student_versions(handout, name):
    """Solutions stubbed, written answers blank, no outputs; the exercises and their points kept."""
    folder, _ = handout
    notebook = nbformat.read(folder / "notebooks" / name, as_version=4)
    instructor = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    expected = assignments.student_notebook(instructor, path=str(ROOT / "notebooks"))
    assert [cell.source for cell in notebook.cells[2:]] == [cell.source for cell in expected.cells[2:]], (
        f"{name}: the hand-out's notebook differs from nbgrader's student version beyond its badge and install cell")
    assert assignments.exercises(notebook) == assignments.exercises(instructor)
    assert assignments.written_answers(notebook) == assignments.written_answers(instructor)
    for cell in notebook.cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        if nbgrader.get("solution") and cell.cell_type == "markdown":
            assert cell.source == assignments.TEXT_STUB, f"{nbgrader['grade_id']} is not blank"
        elif nbgrader.get("solution"):
            assert assignments.STUB in cell.source, f"{nbgrader['grade_id']} is not stubbed"
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


# --- What is not in it ----------------------------------------------------------------------

def test_no_region_marker_anywhere(handout):
    plain, members = files(handout[0])
    hits = [(name, marker) for name, text in {**plain, **members}.items() for marker in MARKERS if marker in text]
    assert not hits, f"nbgrader region markers in the hand-out: {hits}"


def test_notebooks_and_readme_hold_no_instructor_text(handout, instructor_only):
    plain, _ = files(handout[0])
    hits = found(plain, instructor_only)
    assert not hits, f"instructor-only lines in the hand-out (file, line, from): {hits}"


# Two exercises have the learner rebuild, by hand, what the library itself is made of: the
# reparameterization trick (01 ex2; the library's Sampling layer) and sampling rows from the prior
# (06 ex1; tabular.sample_rows). The wheel is the library the notebooks run on, so it holds them by
# design; the exercises forbid calling them (checks.calls_into), and any other overlap fails.
LIBRARY_BY_DESIGN = {("nb01_ex2", "vae_keras/layers.py"), ("nb06_ex1", "vae_keras/tabular.py")}


def test_wheel_holds_no_exercise_answer(handout, instructor_only):
    """No module of the library holds an exercise's answer: half or more of its solution lines,
    except the two modules the library is made of (LIBRARY_BY_DESIGN).

    The wheel is scanned line by line too, but a single shared idiom (`rng = np.random.default_rng(seed)`)
    gives no answer away; the library holding most of a solution (the reparameterization of 01 ex2 in
    layers.Sampling) does, since students can read the library they install. Markers and written answers
    are not allowed at all (test_no_region_marker_anywhere, and below)."""
    _, members = files(handout[0])
    by_exercise = {}
    for line, source in instructor_only.items():
        by_exercise.setdefault(source, []).append(line)
    hits = found(members, instructor_only)
    answers = {}
    for source, lines in by_exercise.items():
        for member in members:
            shared = sorted(line for name, line, where in hits if name == member and where == source)
            if re.search(r"_q\d+$", source) and shared:  # a written answer (nbNN_qK): none of its text
                answers[(source, member)] = shared
            elif 2 * len(shared) >= len(lines) and shared and not any(
                    source.endswith(f"{exercise}_solution") and member == module
                    for exercise, module in LIBRARY_BY_DESIGN):
                answers[(source, member)] = shared
    assert not answers, (f"the library holds exercises' answers ((exercise, module): lines): {answers}; "
                         f"all lines the wheel shares with solutions: {hits}")


def test_scan_finds_instructor_text(handout, instructor_only, tmp_path):
    """The scans can fail: a copied instructor notebook and a wheel with a solution line are caught."""
    name = NAMES[0]
    copy = {f"notebooks/{name}": (ROOT / "notebooks" / name).read_text(encoding="utf-8")}
    assert found(copy, instructor_only)
    assert any(marker in copy[f"notebooks/{name}"] for marker in MARKERS)
    line = next(line for line, source in instructor_only.items() if source.startswith(name))
    assert found({"vae_keras/extra.py": f"def f():\n    {line}\n"}, instructor_only)


# --- Where it points ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_badge_and_install_cell_point_to_the_handout(handout, name):
    folder, _ = handout
    notebook = nbformat.read(folder / "notebooks" / name, as_version=4)
    badge, install = notebook.cells[0].source, notebook.cells[1].source
    wheel = f"wheels/{wheel_of(folder).name}"
    assert colab_url(REPOSITORY, BRANCH, f"notebooks/{name}") in badge, f"{name}: the badge does not open itself"
    assert "google.colab" in install and f'"vae_keras @ {wheel_install_target(REPOSITORY, BRANCH, wheel)}"' in install
    url = re.search(r"https://raw\.githubusercontent\.com/\S+?\.whl", install).group(0)
    assert url.split(f"/refs/heads/{BRANCH}/", 1)[1] == wheel and (folder / wheel).is_file()
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "git+https://" not in text, f"{name}: an install from the course repository is left"
    other = {m.group(1) for m in re.finditer(r"colab\.research\.google\.com/github/([^/\s]+/[^/\s]+)/", text)}
    assert other <= {REPOSITORY}, f"{name}: Colab links to other repositories: {other - {REPOSITORY}}"


def test_install_never_downgrades_tensorflow_or_keras(handout):
    """The install cells install the wheel alone, and the wheel requires lower bounds only, no backend."""
    folder, _ = handout
    for path in sorted((folder / "notebooks").glob("*.ipynb")):
        install = nbformat.read(path, as_version=4).cells[1].source
        [command] = re.findall(r"\[sys\.executable, (.*)\]", install)
        targets = re.findall(r'"([^"]+)"', command)
        assert targets[:3] == ["-m", "pip", "install"], command
        assert not re.search(r"(?<![\w-])(tensorflow|tf-keras|keras)(?![\w-])|--upgrade|-U\b", " ".join(targets)), (
            f"{path.name}: the install cell names TensorFlow or Keras, or upgrades: {command}")
    with zipfile.ZipFile(wheel_of(folder)) as wheel:
        metadata = wheel.read(next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    requires = [line.split(":", 1)[1].strip() for line in metadata.splitlines()
                if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert any(r.startswith("keras") for r in requires)
    for requirement in requires:
        name, specifiers = re.match(r"([A-Za-z0-9_.-]+)\s*(.*)", requirement).groups()
        assert name.lower() not in ("tensorflow", "tf-keras", "jax", "torch"), f"the wheel requires a backend: {name}"
        assert all(spec.strip().startswith(">=") for spec in specifiers.split(",") if spec.strip()), (
            f"{requirement}: only lower bounds, so that pip never downgrades what Colab has")


def test_readme_opens_each_notebook_and_says_how_to_hand_in(handout):
    folder, printed = handout
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(assignments.HANDOUT_MARK)
    for name in NAMES:
        assert colab_url(REPOSITORY, BRANCH, f"notebooks/{name}") in readme
    assert f"pip install tensorflow jupyterlab ipywidgets wheels/{wheel_of(folder).name}" in readme
    assert "YOUR ANSWER HERE" in readme and "Download .ipynb" in readme
    assert f"{REPOSITORY}@{BRANCH}" in printed and "private" in printed


# Import names whose distribution on PyPI is named otherwise.
DISTRIBUTIONS = {"sklearn": "scikit-learn", "IPython": "ipython", "PIL": "pillow", "yaml": "pyyaml",
                 "cv2": "opencv-python", "skimage": "scikit-image"}
# Keras's other backends: the library imports them only when they are the backend in use; the line installs
# TensorFlow (which notebook 01 imports itself).
OTHER_BACKENDS = {"jax", "torch"}


def imports(source):
    """The top-level names of the absolute imports in Python source (IPython's %magics and !shell lines aside)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    found = set()
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return found


def notebook_imports():
    """{distribution: a module that imports it} for what the notebooks import, followed through the library:
    each library module a notebook imports counts with every import it makes, in functions too (optional
    imports such as ipywidgets sit there)."""
    todo = [(name, path.name) for path in NOTEBOOKS for cell in nbformat.read(path, as_version=4).cells
            if cell.cell_type == "code" for name in imports(cell.source)]
    seen, needed = set(), {}
    while todo:
        name, where = todo.pop()
        top = name.split(".")[0]
        if top == "vae_keras":
            module = ROOT.joinpath(*name.split("."))
            path = module.with_suffix(".py") if module.with_suffix(".py").is_file() else module / "__init__.py"
            if path.is_file() and path not in seen:
                seen.add(path)
                todo += [(other, path.relative_to(ROOT).as_posix()) for other in imports(path.read_text())]
        elif top not in sys.stdlib_module_names and top not in OTHER_BACKENDS:
            needed.setdefault(DISTRIBUTIONS.get(top, top), where)
    return needed


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_with(names):
    """The distributions that installing `names` installs, by this environment's metadata (what pip resolves)."""
    todo, found = [canonical(name) for name in names], set()
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        try:
            requirements = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for text in requirements:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(canonical(requirement.name))
    return found


def test_readme_install_line_installs_every_package_the_notebooks_import(handout):
    """Issue 26: the local install line must get the notebooks running, ipywidgets (notebook 04's explorer) too.
    The wheel counts with its own requirements (vae_keras pulls in keras, numpy, scipy, matplotlib,
    scikit-learn), and every package with what it requires (jupyterlab pulls in IPython)."""
    folder, _ = handout
    readme = (folder / "README.md").read_text(encoding="utf-8")
    [line] = [line for line in readme.splitlines() if line.startswith("pip install ")]
    named = line.split()[2:]
    [wheel] = [name for name in named if name.endswith(".whl")]
    with zipfile.ZipFile(folder / wheel) as archive:
        metadata = archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    requires = [Requirement(line.split(":", 1)[1]) for line in metadata.splitlines()
                if line.startswith("Requires-Dist:")]
    covered = installed_with([name for name in named if name != wheel] + [r.name for r in requires if r.marker is None])
    needed = notebook_imports()
    assert {"ipywidgets", "scikit-learn", "tensorflow", "keras"} <= needed.keys(), needed  # the scan sees them
    missing = {name: where for name, where in needed.items() if canonical(name) not in covered}
    assert not missing, f"the README's install line ({line}) misses (distribution: imported by): {missing}"


def test_relative_links_resolve_inside_the_handout(handout):
    """Self-contained: a link to a file (not a web address) names a file the hand-out holds."""
    folder, _ = handout
    broken = []
    for path in [folder / "README.md", *sorted((folder / "notebooks").glob("*.ipynb"))]:
        texts = ([cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"]
                 if path.suffix == ".ipynb" else [path.read_text(encoding="utf-8")])
        for text in texts:
            for target in LINK.findall(text):
                if re.match(r"[a-z]+:|#", target):
                    continue
                if not (path.parent / target.split("#")[0]).resolve().is_file():
                    broken.append((path.relative_to(folder).as_posix(), target))
    assert not broken, f"links to files the hand-out does not hold: {broken}"


# --- Refusals and regenerating (no second wheel build) ----------------------------------------

def test_refuses_a_folder_that_holds_the_course_or_something_else(tmp_path):
    stranger = tmp_path / "stranger"
    (stranger / "notebooks").mkdir(parents=True)
    (stranger / "notebooks" / "mine.ipynb").write_text("{}")
    cases = {
        ROOT: "must not hold the course",
        ROOT.parent: "must not hold the course",
        ROOT / "notebooks" / "handout": "must not hold the course|outside the instructor notebooks",
        stranger: "neither empty nor an earlier hand-out",
    }
    for directory, message in cases.items():
        status, printed, errors = run_handout(directory, repository=REPOSITORY, branch=BRANCH)
        assert status == 2 and re.search(message, errors) and errors.startswith("error:"), (directory, errors)
    assert (stranger / "notebooks" / "mine.ipynb").read_text() == "{}"
    assert not (ROOT / "notebooks" / "handout").exists()
    status, _, errors = run_handout(tmp_path / "new", repository="not a repository")
    assert status == 2 and "Expected the repository as OWNER/NAME" in errors and not (tmp_path / "new").exists()


def test_regenerating_replaces_an_earlier_handout_and_keeps_git(handout, tmp_path, monkeypatch):
    folder, _ = handout
    earlier = tmp_path / "clone"
    shutil.copytree(folder, earlier)
    (earlier / ".git").mkdir()
    (earlier / ".git" / "HEAD").write_text("ref: refs/heads/spring/2027\n")
    (earlier / "notebooks" / "99_removed.ipynb").write_text("{}")
    (earlier / "wheels" / "vae_keras-0.0.1-py3-none-any.whl").write_bytes(b"old")

    def copy_wheel(root, output, readme):  # the wheel built once for this module, not built again
        Path(output).mkdir(parents=True, exist_ok=True)
        return shutil.copy(wheel_of(folder), output)

    monkeypatch.setattr(assignments, "build_wheel", copy_wheel)
    made = assignments.handout(earlier, repository="teacher/other", branch="main", source=ROOT / "notebooks")
    assert sorted(p.name for p in (earlier / "notebooks").iterdir()) == NAMES
    assert [p.name for p in (earlier / "wheels").iterdir()] == [wheel_of(folder).name]
    assert (earlier / ".git" / "HEAD").exists() and made.repository == "teacher/other"
    badge = nbformat.read(made.notebooks[0], as_version=4).cells[0].source
    assert colab_url("teacher/other", "main", f"notebooks/{NAMES[0]}") in badge


def test_without_repository_it_points_at_course_toml_and_says_so(handout, tmp_path, monkeypatch):
    from vae_keras.course.repository import read_course_settings

    folder, _ = handout
    monkeypatch.setattr(assignments, "build_wheel",
                        lambda root, output, readme: Path(output).mkdir(parents=True, exist_ok=True) or
                        shutil.copy(wheel_of(folder), output))
    (tmp_path / "out" / ".git").mkdir(parents=True)  # a fresh clone of an empty repository is fine
    status, printed, errors = run_handout(tmp_path / "out")
    settings = read_course_settings(ROOT)
    assert status == 0, errors
    assert f"course.toml's {settings['repository']}" in printed and "--repository OWNER/NAME" in printed
    badge = nbformat.read(tmp_path / "out" / "notebooks" / NAMES[0], as_version=4).cells[0].source
    assert colab_url(settings["repository"], settings["branch"], f"notebooks/{NAMES[0]}") in badge


def test_regenerating_never_replaces_a_notebook_that_holds_answers(handout, tmp_path, monkeypatch):
    """An instructor notebook copied into a hand-out by mistake is named and left alone, before any wheel is built."""
    folder, _ = handout
    earlier = tmp_path / "clone"
    shutil.copytree(folder, earlier)
    shutil.copy(ROOT / "notebooks" / NAMES[0], earlier / "notebooks" / NAMES[0])
    before = {path: path.read_bytes() for path in earlier.rglob("*") if path.is_file()}

    def no_wheel(root, output, readme):
        raise AssertionError("a wheel was built before the hand-out folder was checked")

    monkeypatch.setattr(assignments, "build_wheel", no_wheel)
    status, printed, errors = run_handout(earlier, repository=REPOSITORY, branch=BRANCH)
    assert status == 2 and printed == "" and len(errors.splitlines()) == 1, errors
    assert f"notebooks/{NAMES[0]}" in errors and "holds solutions, hidden tests or a mark scheme" in errors
    assert {path: path.read_bytes() for path in earlier.rglob("*") if path.is_file()} == before

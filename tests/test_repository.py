"""Where the course lives: course.toml, the notebooks' badges and install cells, and set-repo."""

import os
import re
from pathlib import Path

import nbformat
import pytest

from vae_keras.course import repository

ROOT = Path(__file__).resolve().parents[1]
BADGE = ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
         "(https://colab.research.google.com/github/{repository}/blob/{branch}/{path})")
INSTALL_CELL = "\n".join([
    "# On Colab, install vae_keras first (this keeps Colab's own TensorFlow and Keras). Elsewhere it does nothing.",
    "import sys",
    "",
    'if "google.colab" in sys.modules:',
    "    import subprocess",
    "",
    '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", '
    '"vae_keras @ git+https://github.com/{repository}@{branch}"], check=True)',
])


def notebook_problems(path, root, repository, branch):
    """What is wrong with a notebook's badge (first cell) and install cell (second cell)."""
    notebook = nbformat.read(path, as_version=4)
    own_path = Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    problems = []
    if len(notebook.cells) < 2:
        return ["fewer than two cells"]
    first, second = notebook.cells[:2]
    badge = BADGE.format(repository=repository, branch=branch, path=own_path)
    if first.cell_type != "markdown" or not first.source.startswith(badge):
        problems.append(f"first cell does not start with the badge {badge}")
    install = INSTALL_CELL.format(repository=repository, branch=branch)
    if second.cell_type != "code" or second.source.strip() != install:
        problems.append(f"second cell is not the install cell for {repository}@{branch}")
    return problems


def write_notebook(path, repository="vae-keras/vae_keras", branch="main", badge_path=None):
    """A small notebook with the course's badge, install cell and one more code cell."""
    path.parent.mkdir(parents=True, exist_ok=True)
    badge = BADGE.format(repository=repository, branch=branch, path=badge_path or f"notebooks/{path.name}")
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"{badge}\n\n# A title\n\nLearning objectives:\n- one"),
        nbformat.v4.new_code_cell(INSTALL_CELL.format(repository=repository, branch=branch)),
        nbformat.v4.new_code_cell("print('git+https://github.com/ is not a repository here')"),
    ])
    nbformat.write(notebook, path)
    return path


def write_course_toml(root, repository="vae-keras/vae_keras", branch="main"):
    root.mkdir(parents=True, exist_ok=True)
    (root / "course.toml").write_text(f'[course]\nrepository = "{repository}"\nbranch = "{branch}"\n')


def snapshot(folder):
    """{relative path: bytes} of every file under folder."""
    return {path.relative_to(folder): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def outside_any_course(path):
    """Skips the test when a folder above `path` happens to hold a course.toml."""
    if any((parent / "course.toml").exists() for parent in Path(path).resolve().parents):
        pytest.skip(f"a folder above {path} holds a course.toml")
    return path


# --- course.toml and the committed course ---------------------------------------------------

def test_course_toml_names_a_repository_and_branch():
    settings = repository.read_course_settings(ROOT)
    assert set(settings) == {"repository", "branch"}
    assert "/" in settings["repository"] and settings["branch"]


COMMITTED_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", COMMITTED_NOTEBOOKS, ids=[p.name for p in COMMITTED_NOTEBOOKS])
def test_committed_notebook_points_to_itself_and_course_toml(path):
    settings = repository.read_course_settings(ROOT)
    assert notebook_problems(path, ROOT, settings["repository"], settings["branch"]) == []


@pytest.mark.parametrize("path", COMMITTED_NOTEBOOKS, ids=[p.name for p in COMMITTED_NOTEBOOKS])
def test_committed_notebook_has_no_outputs(path):
    code_cells = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code_cells)


MAIN_PATH_WORDS = 1200  # the markdown a learner reads before the notebook's "Going deeper" part


@pytest.mark.parametrize("path", COMMITTED_NOTEBOOKS, ids=[p.name for p in COMMITTED_NOTEBOOKS])
def test_committed_notebook_keeps_its_main_path_short(path):
    """Caveats and proofs go to a final "Going deeper" part (if any); the main path stays within MAIN_PATH_WORDS."""
    cells = nbformat.read(path, as_version=4).cells
    deeper = [i for i, cell in enumerate(cells)
              if cell.cell_type == "markdown" and re.match(r"\s*#+\s*going deeper", cell.source, re.I)]
    words = sum(len(cell.source.split()) for cell in cells[:(deeper + [len(cells)])[0]] if cell.cell_type == "markdown")
    assert words <= MAIN_PATH_WORDS, f"{path.name}: {words} words of markdown before 'Going deeper'"


def test_the_readme_has_a_badge_for_every_notebook_pointing_to_course_toml():
    settings = repository.read_course_settings(ROOT)
    readme = (ROOT / "README.md").read_text()
    for path in COMMITTED_NOTEBOOKS:
        badge = BADGE.format(path=f"notebooks/{path.name}", **settings)
        assert badge in readme, f"README lacks the badge for {path.name}"


def test_notebook_problems_names_a_stale_badge_and_install_cell(tmp_path):
    notebook = write_notebook(tmp_path / "notebooks" / "03_conv.ipynb", repository="old/repo")
    problems = notebook_problems(notebook, tmp_path, "vae-keras/vae_keras", "main")
    assert len(problems) == 2 and "badge" in problems[0] and "install cell" in problems[1]
    moved = write_notebook(tmp_path / "notebooks" / "04_gen.ipynb", badge_path="notebooks/01_dense_decoder.ipynb")
    assert len(notebook_problems(moved, tmp_path, "vae-keras/vae_keras", "main")) == 1


def test_colab_url_and_install_target():
    assert (repository.colab_url("someone/fork", "dev", "student/01_a.ipynb")
            == "https://colab.research.google.com/github/someone/fork/blob/dev/student/01_a.ipynb")
    assert repository.install_target("someone/fork", "dev") == "git+https://github.com/someone/fork@dev"
    assert (repository.wheel_install_target("someone/handout", "spring/2027", "wheels/vae_keras-0.1.0-py3-none-any.whl")
            == "https://raw.githubusercontent.com/someone/handout/refs/heads/spring/2027/"
               "wheels/vae_keras-0.1.0-py3-none-any.whl")


def test_rewrite_notebook_can_install_from_a_wheel(tmp_path):
    """A hand-out's notebooks install the committed wheel; the rest of the install cell stays as it was."""
    path = write_notebook(tmp_path / "notebooks" / "01_a.ipynb")
    wheel = repository.wheel_install_target("someone/handout", "main", "wheels/vae_keras-0.1.0-py3-none-any.whl")
    assert repository.rewrite_notebook(path, "someone/handout", "main", root=tmp_path, install=wheel)
    badge, install, other = nbformat.read(path, as_version=4).cells
    own = BADGE.format(repository="someone/handout", branch="main", path="notebooks/01_a.ipynb")
    assert badge.source.startswith(own)
    expected = INSTALL_CELL.format(repository="x", branch="y").replace("git+https://github.com/x@y", wheel)
    assert install.source == expected and "git+https" not in install.source
    assert other.source == "print('git+https://github.com/ is not a repository here')"


def test_read_course_settings_refuses_a_folder_without_course_toml(tmp_path):
    with pytest.raises(ValueError, match="is not a course folder: it has no course.toml"):
        repository.read_course_settings(tmp_path)


def test_read_course_settings_refuses_invalid_settings(tmp_path):
    write_course_toml(tmp_path, repository="../x")
    with pytest.raises(ValueError, match=r"course\.toml.*the repository as OWNER/NAME.*Received: repository='\.\./x'"):
        repository.read_course_settings(tmp_path)
    (tmp_path / "course.toml").write_text('[course]\nrepository = "someone/fork"\n')
    with pytest.raises(ValueError, match="Expected the branch .* Received: branch=None"):
        repository.read_course_settings(tmp_path)


# --- find_course_root -------------------------------------------------------------------------

def test_find_course_root_walks_up_from_folders_and_files(tmp_path, monkeypatch):
    course = tmp_path / "clone"
    write_course_toml(course)
    notebook = write_notebook(course / "notebooks" / "deep" / "01_a.ipynb")
    assert repository.find_course_root(course) == str(course)
    assert repository.find_course_root(course / "notebooks") == str(course)
    assert repository.find_course_root(notebook.parent) == str(course)
    assert repository.find_course_root(notebook) == str(course)
    assert repository.find_course_root(course / "student" / "not-yet-written") == str(course)
    monkeypatch.chdir(course / "notebooks")
    assert repository.find_course_root("deep") == str(course)
    assert repository.find_course_root(".") == str(course)


def test_find_course_root_stops_at_the_nearest_course(tmp_path):
    write_course_toml(tmp_path / "outer")
    write_course_toml(tmp_path / "outer" / "inner")
    (tmp_path / "outer" / "inner" / "notebooks").mkdir()
    assert repository.find_course_root(tmp_path / "outer" / "inner" / "notebooks") == str(tmp_path / "outer" / "inner")


def test_find_course_root_fails_outside_a_course(tmp_path):
    start = outside_any_course(tmp_path) / "somewhere" / "notebooks"
    start.mkdir(parents=True)
    with pytest.raises(ValueError) as error:
        repository.find_course_root(start)
    message = str(error.value)
    assert repr(str(start)) in message and "No course.toml found" in message and "any folder above it" in message
    assert "inside a clone of the course" in message and "root=" in message


# --- set_repository ---------------------------------------------------------------------------

def test_set_repository_rewrites_badges_and_install_cells(tmp_path):
    write_course_toml(tmp_path)
    notebook = write_notebook(tmp_path / "notebooks" / "01_dense_decoder.ipynb")
    student = write_notebook(tmp_path / "student" / "01_dense_decoder.ipynb",
                             badge_path="notebooks/01_dense_decoder.ipynb")
    student_before = student.read_bytes()
    assert notebook_problems(notebook, tmp_path, "vae-keras/vae_keras", "main") == []

    changed = repository.set_repository("someone/my-fork", branch="dev", root=tmp_path)

    assert sorted(map(Path, changed)) == [notebook]
    assert repository.read_course_settings(tmp_path) == {"repository": "someone/my-fork", "branch": "dev"}
    assert notebook_problems(notebook, tmp_path, "someone/my-fork", "dev") == []
    # student copies install from where student-versions was told (issue 26): set-repo leaves them alone
    assert student.read_bytes() == student_before
    third_cell = nbformat.read(notebook, as_version=4).cells[2].source
    assert third_cell == "print('git+https://github.com/ is not a repository here')"


def test_set_repository_keeps_the_rest_of_course_toml(tmp_path):
    """set-repo changes the two settings, not the file: comments and other settings stay (issue 23)."""
    (tmp_path / "course.toml").write_text(
        '# Our course, spring term.\n[course]\n# where the badges point\n'
        'repository = "vae-keras/vae_keras"  # upstream\nbranch = "main"\nterm = "spring"\n\n'
        '[grading]\nlate_penalty = 0.1\n')
    repository.set_repository("someone/fork", branch="dev", root=tmp_path)
    assert (tmp_path / "course.toml").read_text() == (
        '# Our course, spring term.\n[course]\n# where the badges point\n'
        'repository = "someone/fork"  # upstream\nbranch = "dev"\nterm = "spring"\n\n[grading]\nlate_penalty = 0.1\n')
    (tmp_path / "course.toml").write_text('[grading]\nlate_penalty = 0.1\n')  # no [course] table yet
    repository.set_repository("someone/fork", branch="dev", root=tmp_path)
    assert repository.read_course_settings(tmp_path) == {"repository": "someone/fork", "branch": "dev"}
    assert (tmp_path / "course.toml").read_text().startswith('[grading]\nlate_penalty = 0.1\n')


def test_set_repository_checks_every_file_before_writing_any(tmp_path):
    write_course_toml(tmp_path)
    write_notebook(tmp_path / "notebooks" / "01_a.ipynb")
    (tmp_path / "notebooks" / "02_b.ipynb").write_text('{"cells": 3}')
    before = snapshot(tmp_path)
    with pytest.raises(ValueError, match=r"02_b\.ipynb is not a notebook nbformat can read \(TypeError"):
        repository.set_repository("someone/fork", root=tmp_path)
    assert snapshot(tmp_path) == before
    (tmp_path / "notebooks" / "02_b.ipynb").unlink()
    (tmp_path / "course.toml").write_text('[course]\nrepository = "a/b\n')
    before = snapshot(tmp_path)
    with pytest.raises(ValueError, match=r"course\.toml is not valid TOML \(.*line 2"):
        repository.set_repository("someone/fork", root=tmp_path)
    assert snapshot(tmp_path) == before


def test_replace_files_leaves_nothing_behind_when_one_cannot_be_written(tmp_path):
    (tmp_path / "file").write_text("in the way")
    (tmp_path / "kept.txt").write_text("old")
    before = snapshot(tmp_path)
    with pytest.raises(OSError):
        repository.replace_files({tmp_path / "kept.txt": "new", tmp_path / "new" / "deep" / "a.txt": "a",
                                  tmp_path / "file" / "b.txt": b"b"})
    assert snapshot(tmp_path) == before and sorted(os.listdir(tmp_path)) == ["file", "kept.txt"]
    repository.replace_files({tmp_path / "kept.txt": "new", tmp_path / "new" / "a.txt": b"a"})
    assert (tmp_path / "kept.txt").read_text() == "new" and (tmp_path / "new" / "a.txt").read_bytes() == b"a"
    assert oct((tmp_path / "new" / "a.txt").stat().st_mode & 0o777) == oct(0o666 & ~current_umask())


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_point_notebook_can_remove_the_badge_and_note_the_install(tmp_path):
    """The student-facing copies: no badge (it would open the course repository), an install cell that says what
    it installs."""
    notebook = nbformat.read(write_notebook(tmp_path / "notebooks" / "01_a.ipynb"), as_version=4)
    assert repository.point_notebook(notebook, "https://example.org/w.whl", badge=None, note="# Get w.whl first.")
    badge, install, other = notebook.cells
    assert badge.source == "# A title\n\nLearning objectives:\n- one"
    assert install.source == "# Get w.whl first.\n" + INSTALL_CELL.format(repository="x", branch="y").replace(
        "git+https://github.com/x@y", "https://example.org/w.whl")
    assert other.source == "print('git+https://github.com/ is not a repository here')"


def test_set_repository_twice_changes_nothing_the_second_time(tmp_path):
    write_course_toml(tmp_path)
    write_notebook(tmp_path / "notebooks" / "02_heads.ipynb")
    assert len(repository.set_repository("someone/fork", root=tmp_path)) == 1
    assert repository.set_repository("someone/fork", root=tmp_path) == []


def test_set_repository_rewrites_the_readme_badges_keeping_their_paths(tmp_path):
    write_course_toml(tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text("| 01 | " + BADGE.format(repository="vae-keras/vae_keras", branch="main",
                                              path="notebooks/01_dense_decoder.ipynb") + " |\n")
    changed = repository.set_repository("someone/fork", branch="dev", root=tmp_path)
    assert changed == [str(readme)]
    assert readme.read_text() == "| 01 | " + BADGE.format(repository="someone/fork", branch="dev",
                                                         path="notebooks/01_dense_decoder.ipynb") + " |\n"


def test_set_repository_keeps_the_readme_paths_through_a_branch_with_a_slash(tmp_path):
    write_course_toml(tmp_path)
    write_notebook(tmp_path / "notebooks" / "01_a.ipynb")
    readme = tmp_path / "README.md"
    readme.write_text(BADGE.format(repository="vae-keras/vae_keras", branch="main", path="notebooks/01_a.ipynb"))
    for name, branch in [("someone/fork", "feature/new-head"), ("someone/fork", "a/b/c"),
                         ("vae-keras/vae_keras", "main")]:
        repository.set_repository(name, branch=branch, root=tmp_path)
        assert readme.read_text() == BADGE.format(repository=name, branch=branch, path="notebooks/01_a.ipynb")


GOOD_REPOSITORIES = ["someone/vae_keras", "a/b", "A-1/x.y_z-w", "a-b-c/.github", "o" * 39 + "/n",
                     "owner/" + "n" * 100, "someone/..."]
BAD_REPOSITORIES = ["../x", "a/b/c", "a/..", "a/.", "-x/y", "x-/y", "a--b/y", "own_er/x", "o" * 40 + "/n",
                    "owner/" + "n" * 101, "no-slash", "", "/name", "owner/", "a b/c", "owner/na me",
                    "owner/name; rm -rf /", 'owner/na"me', "https://github.com/a/b", "ówner/x", None]
GOOD_BRANCHES = ["main", "dev", "spring-2026", "feature/new-head", "v1.2", "release_1+x", "a.b/c-d"]
BAD_BRANCHES = ["", "a b", "a..b", "-x", "/x", "x/", "a//b", ".hidden", "x/.y", "x.lock", "x.", "a~1", "a^",
                "a:b", "a?", "a*", "a[", "a\\b", "a@{1}", 'a"b', "x#y", "main\n", None]


@pytest.mark.parametrize("name", GOOD_REPOSITORIES)
@pytest.mark.parametrize("branch", ["main", "feature/new-head"])
def test_set_repository_accepts_a_valid_owner_name_and_branch(tmp_path, name, branch):
    write_course_toml(tmp_path)
    notebook = write_notebook(tmp_path / "notebooks" / "01_a.ipynb")
    repository.set_repository(name, branch=branch, root=tmp_path)
    assert repository.read_course_settings(tmp_path) == {"repository": name, "branch": branch}
    assert notebook_problems(notebook, tmp_path, name, branch) == []


@pytest.mark.parametrize("branch", GOOD_BRANCHES)
def test_set_repository_accepts_a_valid_branch(tmp_path, branch):
    write_course_toml(tmp_path)
    repository.set_repository("someone/fork", branch=branch, root=tmp_path)
    assert repository.read_course_settings(tmp_path)["branch"] == branch


@pytest.mark.parametrize("name, branch, argument", [(name, "main", "repository") for name in BAD_REPOSITORIES]
                         + [("someone/fork", branch, "branch") for branch in BAD_BRANCHES])
def test_set_repository_refuses_an_invalid_name_or_branch_and_writes_nothing(tmp_path, name, branch, argument):
    write_course_toml(tmp_path)
    write_notebook(tmp_path / "notebooks" / "01_a.ipynb")
    (tmp_path / "README.md").write_text(BADGE.format(repository="vae-keras/vae_keras", branch="main",
                                                     path="notebooks/01_a.ipynb"))
    before = snapshot(tmp_path)
    got = name if argument == "repository" else branch
    with pytest.raises(ValueError) as error:
        repository.set_repository(name, branch=branch, root=tmp_path)
    assert str(error.value).startswith(f"Expected the {argument} as ")
    assert str(error.value).endswith(f"Received: {argument}={got!r}")
    assert snapshot(tmp_path) == before


def test_the_repository_error_says_what_was_expected():
    with pytest.raises(ValueError) as error:
        repository.set_repository("../x")
    assert str(error.value).startswith("Expected the repository as OWNER/NAME (e.g. someone/vae_keras): OWNER is")
    assert str(error.value).endswith("Received: repository='../x'")


def test_set_repository_refuses_a_folder_that_is_not_a_course(tmp_path):
    write_notebook(tmp_path / "notebooks" / "01_a.ipynb")
    (tmp_path / "README.md").write_text(BADGE.format(repository="vae-keras/vae_keras", branch="main",
                                                     path="notebooks/01_a.ipynb"))
    before = snapshot(tmp_path)
    with pytest.raises(ValueError) as error:
        repository.set_repository("someone/fork", root=tmp_path)
    assert str(error.value) == (f"{str(tmp_path)!r} is not a course folder: it has no course.toml; "
                                "run set-repo in the root of your clone of the course.")
    assert snapshot(tmp_path) == before and not (tmp_path / "course.toml").exists()


def test_set_repository_works_in_the_current_folder_only_when_it_is_a_course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="is not a course folder"):
        repository.set_repository("someone/fork")
    assert os.listdir(tmp_path) == []
    write_course_toml(tmp_path)
    assert repository.set_repository("someone/fork") == []
    assert repository.read_course_settings(".")["repository"] == "someone/fork"

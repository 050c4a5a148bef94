"""Quick mode, the notebooks' data, and where the notebooks' badges and install cells point."""

from pathlib import Path

import nbformat
import pytest

from vae_keras import course

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
    (root / "course.toml").write_text(f'[course]\nrepository = "{repository}"\nbranch = "{branch}"\n')


# --- Quick mode --------------------------------------------------------------------------

@pytest.mark.parametrize("value, quick", [("1", True), ("true", True), ("YES", True), (" 1 ", True),
                                          ("0", False), ("", False), ("no", False)])
def test_quick_mode_follows_the_environment(monkeypatch, value, quick):
    monkeypatch.setenv("VAE_KERAS_QUICK", value)
    assert course.quick_mode() is quick
    assert course.pick(30, 2) == (2 if quick else 30)


def test_quick_mode_is_off_without_the_variable(monkeypatch):
    monkeypatch.delenv("VAE_KERAS_QUICK", raising=False)
    assert not course.quick_mode() and course.pick("full", "quick") == "full"


def test_load_course_data_is_small_in_quick_mode(monkeypatch):
    monkeypatch.setenv("VAE_KERAS_QUICK", "1")
    data = course.load_course_data("digits", quick_train=100, quick_test=40)
    assert data.x_train.shape == (100, 28, 28, 1) and data.x_test.shape == (40, 28, 28, 1)
    monkeypatch.setenv("VAE_KERAS_QUICK", "0")
    data = course.load_course_data("digits", quick_train=100, quick_test=40)
    assert len(data.x_train) + len(data.x_test) == 1797


def test_describe_setup_names_backend_and_mode(monkeypatch):
    import keras

    monkeypatch.setenv("VAE_KERAS_QUICK", "1")
    assert keras.backend.backend() in course.describe_setup() and "QUICK mode" in course.describe_setup()
    monkeypatch.setenv("VAE_KERAS_QUICK", "0")
    assert "full mode" in course.describe_setup()


# --- Badges and install cells --------------------------------------------------------------

def test_course_toml_names_a_repository_and_branch():
    settings = course.read_course_settings(ROOT)
    assert set(settings) >= {"repository", "branch"}
    assert "/" in settings["repository"]


def test_set_repository_rewrites_badges_and_install_cells(tmp_path):
    write_course_toml(tmp_path)
    notebook = write_notebook(tmp_path / "notebooks" / "01_dense_decoder.ipynb")
    student = write_notebook(tmp_path / "student" / "01_dense_decoder.ipynb",
                             badge_path="notebooks/01_dense_decoder.ipynb")
    assert notebook_problems(notebook, tmp_path, "vae-keras/vae_keras", "main") == []

    changed = course.set_repository("someone/my-fork", branch="dev", root=tmp_path)

    assert sorted(map(Path, changed)) == [notebook, student]
    assert course.read_course_settings(tmp_path) == {"repository": "someone/my-fork", "branch": "dev"}
    assert notebook_problems(notebook, tmp_path, "someone/my-fork", "dev") == []
    assert notebook_problems(student, tmp_path, "someone/my-fork", "dev") == []  # points to its own copy
    third_cell = nbformat.read(notebook, as_version=4).cells[2].source
    assert third_cell == "print('git+https://github.com/ is not a repository here')"


def test_set_repository_twice_changes_nothing_the_second_time(tmp_path):
    write_course_toml(tmp_path)
    write_notebook(tmp_path / "notebooks" / "02_heads.ipynb")
    assert len(course.set_repository("someone/fork", root=tmp_path)) == 1
    assert course.set_repository("someone/fork", root=tmp_path) == []


@pytest.mark.parametrize("repository", ["no-slash", "a/b/c", "owner/name; rm -rf /", "", "https://github.com/a/b"])
def test_set_repository_refuses_an_invalid_name(tmp_path, repository):
    write_course_toml(tmp_path)
    with pytest.raises(ValueError, match="Expected a GitHub repository as OWNER/NAME"):
        course.set_repository(repository, root=tmp_path)
    assert course.read_course_settings(tmp_path)["repository"] == "vae-keras/vae_keras"  # left alone


def test_notebook_problems_names_a_stale_badge_and_install_cell(tmp_path):
    notebook = write_notebook(tmp_path / "notebooks" / "03_conv.ipynb", repository="old/repo")
    problems = notebook_problems(notebook, tmp_path, "vae-keras/vae_keras", "main")
    assert len(problems) == 2 and "badge" in problems[0] and "install cell" in problems[1]
    moved = write_notebook(tmp_path / "notebooks" / "04_gen.ipynb", badge_path="notebooks/01_dense_decoder.ipynb")
    assert len(notebook_problems(moved, tmp_path, "vae-keras/vae_keras", "main")) == 1


COMMITTED_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", COMMITTED_NOTEBOOKS, ids=[p.name for p in COMMITTED_NOTEBOOKS])
def test_committed_notebook_points_to_itself_and_course_toml(path):
    settings = course.read_course_settings(ROOT)
    assert notebook_problems(path, ROOT, settings["repository"], settings["branch"]) == []


@pytest.mark.parametrize("path", COMMITTED_NOTEBOOKS, ids=[p.name for p in COMMITTED_NOTEBOOKS])
def test_committed_notebook_has_no_outputs(path):
    code_cells = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code_cells)


def test_set_repository_rewrites_the_readme_badges_keeping_their_paths(tmp_path):
    write_course_toml(tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text("| 01 | " + BADGE.format(repository="vae-keras/vae_keras", branch="main",
                                              path="notebooks/01_dense_decoder.ipynb") + " |\n")
    changed = course.set_repository("someone/fork", branch="dev", root=tmp_path)
    assert changed == [str(readme)]
    assert readme.read_text() == "| 01 | " + BADGE.format(repository="someone/fork", branch="dev",
                                                         path="notebooks/01_dense_decoder.ipynb") + " |\n"


def test_the_readme_has_a_badge_for_every_notebook_pointing_to_course_toml():
    settings = course.read_course_settings(ROOT)
    readme = (ROOT / "README.md").read_text()
    for path in COMMITTED_NOTEBOOKS:
        badge = BADGE.format(path=f"notebooks/{path.name}", **settings)
        assert badge in readme, f"README lacks the badge for {path.name}"

"""What the notebooks share: quick mode, and the settings that depend on it.

Quick mode (``VAE_KERAS_QUICK=1``, set by the test suite) shrinks data and epochs so that
every notebook runs in seconds; without it the notebooks train for real.
"""

import glob
import os
import re

import tomllib

QUICK_ENV = "VAE_KERAS_QUICK"


def quick_mode():
    """True when the environment asks for the small, fast version of every notebook."""
    return os.environ.get(QUICK_ENV, "").strip().lower() in ("1", "true", "yes")


def pick(full, quick):
    """`full` normally, `quick` in quick mode: e.g. epochs = pick(30, 2)."""
    return quick if quick_mode() else full


def load_course_data(name="mnist", max_train=None, max_test=None, quick_train=1024, quick_test=256, seed=0):
    """The notebooks' dataset: all of it normally, a small slice in quick mode.

    Offline, `vae_keras.datasets.load` falls back to the embedded digits and says so.
    """
    from vae_keras.datasets import load

    return load(name, max_train=pick(max_train, quick_train), max_test=pick(max_test, quick_test), seed=seed)


def describe_setup():
    """One line on the backend and mode, printed at the top of each notebook."""
    import keras

    mode = "QUICK mode (small data, few epochs)" if quick_mode() else "full mode"
    return f"Keras {keras.__version__}, backend {keras.backend.backend()}, {mode}."


# --- Where the notebooks point: the "Open in Colab" badges and Colab install cells -------
# One value, `repository` in course.toml, says which GitHub repository (e.g. a fork) they
# use; `python -m vae_keras set-repo OWNER/NAME` changes it and rewrites every notebook.

COURSE_FILE = "course.toml"
_BADGE = re.compile(r"https://colab\.research\.google\.com/github/[^)\s]+?/blob/[^/)\s]+/(?P<path>[^)\s]+\.ipynb)")
_INSTALL = re.compile(r"git\+https://github\.com/[^@\"'\s]+@[^\"'\s]+")


def read_course_settings(root="."):
    """{'repository': 'OWNER/NAME', 'branch': 'main'} from course.toml."""
    with open(os.path.join(root, COURSE_FILE), "rb") as f:
        return tomllib.load(f)["course"]


def colab_url(repository, branch, notebook_path):
    """The Colab address that opens notebook_path (relative to the repository root)."""
    return f"https://colab.research.google.com/github/{repository}/blob/{branch}/{notebook_path}"


def install_target(repository, branch):
    return f"git+https://github.com/{repository}@{branch}"


def rewrite_notebook(path, repository, branch, root="."):
    """Points the badge and install cell of the notebook at `path` to repository@branch.

    The badge names the notebook's own path, so a copy in another folder (the student
    versions) points to itself. Returns True when the file changed.
    """
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    own_path = os.path.relpath(path, root).replace(os.sep, "/")
    changed = False
    for cell in notebook.cells:
        source = _BADGE.sub(lambda m: colab_url(repository, branch, own_path), cell.source)
        source = _INSTALL.sub(install_target(repository, branch), source)
        if source != cell.source:
            cell.source, changed = source, True
    if changed:
        nbformat.write(notebook, path)
    return changed


def set_repository(repository, branch="main", root=".", folders=("notebooks", "student")):
    """Writes repository and branch to course.toml; rewrites every notebook in folders and the
    README's badges. Returns the paths that changed."""
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
        raise ValueError(f"Expected a GitHub repository as OWNER/NAME; got {repository!r}.")
    with open(os.path.join(root, COURSE_FILE), "w") as f:
        f.write(f'[course]\n# The GitHub repository the notebooks\' Colab badges and install cells point to.\n'
                f'repository = "{repository}"\nbranch = "{branch}"\n')
    paths = [p for folder in folders for p in sorted(glob.glob(os.path.join(root, folder, "*.ipynb")))]
    changed = [p for p in paths if rewrite_notebook(p, repository, branch, root)]
    readme = os.path.join(root, "README.md")
    if os.path.exists(readme) and rewrite_readme(readme, repository, branch):
        changed.append(readme)
    return changed


def rewrite_readme(path, repository, branch):
    """Points the README's Colab badges at repository@branch, each keeping its notebook path."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    new_text = _BADGE.sub(lambda m: colab_url(repository, branch, m.group("path")), text)
    if new_text != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new_text)
    return new_text != text

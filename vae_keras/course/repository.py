"""Where the course lives: ``course.toml``, and the Colab badges and install cells that point to it.

One setting, ``repository`` (with its ``branch``) in ``course.toml`` at the root of the course,
says which GitHub repository (e.g. a fork) the notebooks' "Open in Colab" badges and Colab
install cells use; ``python -m vae_keras set-repo OWNER/NAME`` changes it and rewrites them all.
"""

import glob
import os
import re

COURSE_FILE = "course.toml"

# After /blob/ comes the branch, which may hold '/', then the notebook's path.
_BADGE = re.compile(r"https://colab\.research\.google\.com/github/[^/)\s]+/[^/)\s]+/blob/(?P<tail>[^)\s]+?\.ipynb)")
_INSTALL = re.compile(r"git\+https://github\.com/[^@\"'\s]+@[^\"'\s]+")
# GitHub's rules: an owner is 1-39 letters, digits and single hyphens, neither first nor last;
# a repository name is 1-100 letters, digits, '.', '_' and '-', but not "." or "..".
_OWNER = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9])*")
_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
# A git branch name that is also safe in a URL, a pip requirement and a TOML string.
_BRANCH_CHARACTERS = re.compile(r"[A-Za-z0-9._/+-]+")


def find_course_root(start):
    """Finds the course a path belongs to: the nearest folder, upwards, that holds course.toml.

    Args:
        start: a folder or file path (str or os.PathLike), absolute or relative to the cwd.

    Returns:
        The absolute path (str) of the first folder, from `start` up, that holds course.toml.

    Raises:
        ValueError: when neither `start` nor any folder above it holds course.toml.
    """
    start = os.path.abspath(start)
    folder = start
    while not os.path.isfile(os.path.join(folder, COURSE_FILE)):
        parent = os.path.dirname(folder)
        if parent == folder:
            raise ValueError(
                f"No {COURSE_FILE} found in {start!r} or any folder above it; run this inside a clone "
                f"of the course, or pass root= (the folder that holds {COURSE_FILE}).")
        folder = parent
    return folder


def read_course_settings(root="."):
    """Reads where the course's badges and install cells point.

    Args:
        root: the course folder, which holds course.toml.

    Returns:
        A dict ``{"repository": "OWNER/NAME", "branch": "main"}``.

    Raises:
        ValueError: when `root` has no course.toml, or its settings are missing or invalid.
    """
    path = os.path.join(root, COURSE_FILE)
    if not os.path.isfile(path):
        raise ValueError(f"{os.path.abspath(root)!r} is not a course folder: it has no {COURSE_FILE}.")
    import tomllib

    with open(path, "rb") as f:
        settings = tomllib.load(f).get("course", {})
    try:
        _check_repository(settings.get("repository"))
        _check_branch(settings.get("branch"))
    except ValueError as error:
        raise ValueError(f"{path}, [course]: {error}") from None
    return {"repository": settings["repository"], "branch": settings["branch"]}


def colab_url(repository, branch, notebook_path):
    """Builds the Colab address that opens a notebook of the repository.

    Args:
        repository: the GitHub repository, "OWNER/NAME".
        branch: the branch to open.
        notebook_path: the notebook's path from the repository root, with '/' separators.

    Returns:
        The URL, as a str.
    """
    return f"https://colab.research.google.com/github/{repository}/blob/{branch}/{notebook_path}"


def install_target(repository, branch):
    """Builds the pip target that installs vae_keras from a branch of the repository.

    Args:
        repository: the GitHub repository, "OWNER/NAME".
        branch: the branch to install from.

    Returns:
        A str such as ``"git+https://github.com/OWNER/NAME@main"``.
    """
    return f"git+https://github.com/{repository}@{branch}"


def wheel_install_target(repository, branch, wheel_path):
    """Builds the pip target that installs vae_keras from a wheel committed to the repository.

    Args:
        repository: the GitHub repository, "OWNER/NAME" (public: Colab downloads without a login).
        branch: the branch that holds the wheel.
        wheel_path: the wheel's path from the repository root, with '/' separators.

    Returns:
        A str such as ``"https://raw.githubusercontent.com/OWNER/NAME/refs/heads/main/wheels/vae_keras-0.1.0-py3-none-any.whl"``
        (``refs/heads/`` keeps a branch that holds '/' apart from the path).
    """
    return f"https://raw.githubusercontent.com/{repository}/refs/heads/{branch}/{wheel_path}"


def rewrite_notebook(path, repository, branch, root=".", install=None):
    """Points a notebook's Colab badge and install cell at repository@branch.

    The badge names the notebook's own path, so a copy in another folder (the student
    versions) opens itself.

    Args:
        path: the notebook file, rewritten in place.
        repository: the GitHub repository, "OWNER/NAME".
        branch: the branch, a git branch name.
        root: the repository root that the badge's path is relative to.
        install: the pip target the install cell gets instead of ``git+https://github.com/...``
            (e.g. a `wheel_install_target`); None: `install_target(repository, branch)`.

    Returns:
        True when the file changed.
    """
    import nbformat

    _check_repository(repository)
    _check_branch(branch)
    notebook = nbformat.read(path, as_version=4)
    own_path = os.path.relpath(path, root).replace(os.sep, "/")
    target = install_target(repository, branch) if install is None else install
    changed = False
    for cell in notebook.cells:
        source = _BADGE.sub(lambda m: colab_url(repository, branch, own_path), cell.source)
        source = _INSTALL.sub(lambda m: target, source)
        if source != cell.source:
            cell.source, changed = source, True
    if changed:
        nbformat.write(notebook, path)
    return changed


def rewrite_readme(path, repository, branch):
    """Points a README's Colab badges at repository@branch, each keeping its notebook path.

    Args:
        path: the markdown file, rewritten in place.
        repository: the GitHub repository, "OWNER/NAME".
        branch: the branch, a git branch name.

    Returns:
        True when the file changed.
    """
    _check_repository(repository)
    _check_branch(branch)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    folder = os.path.dirname(os.path.abspath(path))
    new_text = _BADGE.sub(lambda m: colab_url(repository, branch, _notebook_path(m.group("tail"), folder)), text)
    if new_text != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new_text)
    return new_text != text


def set_repository(repository, branch="main", root=".", folders=("notebooks", "student")):
    """Points the whole course at repository@branch: course.toml, notebooks and README badges.

    Args:
        repository: the GitHub repository, "OWNER/NAME" (e.g. "someone/vae_keras").
        branch: the branch the badges open and the install cells install from.
        root: the course folder, which must already hold course.toml.
        folders: the folders under `root` whose notebooks (``*.ipynb``) are rewritten.

    Returns:
        The paths (str) of the notebooks and README that changed.

    Raises:
        ValueError: for an invalid repository or branch, or a `root` without course.toml;
            nothing is written then.
    """
    _check_repository(repository)
    _check_branch(branch)
    course_file = os.path.join(root, COURSE_FILE)
    if not os.path.isfile(course_file):
        raise ValueError(f"{os.path.abspath(root)!r} is not a course folder: it has no {COURSE_FILE}; "
                         "run set-repo in the root of your clone of the course.")
    with open(course_file, "w", encoding="utf-8") as f:
        f.write("[course]\n# The GitHub repository the notebooks' Colab badges and install cells point to.\n"
                f'repository = "{repository}"\nbranch = "{branch}"\n')
    paths = [p for folder in folders for p in sorted(glob.glob(os.path.join(root, folder, "*.ipynb")))]
    changed = [p for p in paths if rewrite_notebook(p, repository, branch, root)]
    readme = os.path.join(root, "README.md")
    if os.path.exists(readme) and rewrite_readme(readme, repository, branch):
        changed.append(readme)
    return changed


def _notebook_path(tail, root):
    """The notebook path in a badge's "BRANCH/PATH": the shortest one that names a file under root.

    A branch may hold '/' (feature/x), so the split is found by looking; without such a file,
    the branch is taken to be the first component.
    """
    parts = tail.split("/")
    for i in range(1, len(parts)):
        if os.path.isfile(os.path.join(root, *parts[i:])):
            return "/".join(parts[i:])
    return "/".join(parts[1:])


def _check_repository(repository):
    owner, slash, name = repository.partition("/") if isinstance(repository, str) else ("", "", "")
    valid_owner = len(owner) <= 39 and _OWNER.fullmatch(owner)
    valid_name = _NAME.fullmatch(name) and name not in (".", "..")
    if not (slash and valid_owner and valid_name):
        raise ValueError(
            "Expected the repository as OWNER/NAME (e.g. someone/vae_keras): "
            "OWNER is 1-39 letters, digits or single hyphens, not first or last; NAME is 1-100 letters, "
            f"digits, '.', '_' or '-', and not '.' or '..'. Received: repository={repository!r}")


def _check_branch(branch):
    components = branch.split("/") if isinstance(branch, str) else []
    if not (components and _BRANCH_CHARACTERS.fullmatch(branch) and ".." not in branch
            and not branch.startswith("-") and not branch.endswith(".")
            and all(c and not c.startswith(".") and not c.endswith(".lock") for c in components)):
        raise ValueError(
            "Expected the branch as a git branch name (e.g. main or spring-2026): "
            "it may hold letters, digits and '.', '_', '/', '+', '-', but no spaces or '..', "
            f"and may not start with '-' or '/'. Received: branch={branch!r}")

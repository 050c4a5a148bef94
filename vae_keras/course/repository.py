"""Where the course lives: ``course.toml``, and the Colab badges and install cells that point to it.

One setting, ``repository`` (with its ``branch``) in ``course.toml`` at the root of the course,
says which GitHub repository (e.g. a fork) the instructor notebooks' "Open in Colab" badges and
Colab install cells use; ``python -m vae_keras set-repo OWNER/NAME`` changes it and rewrites them.

Also the file handling the course commands share: reading course files with errors that name
them, checking that the instructor's tools are installed, and writing files whole.
"""

import glob
import os
import re

COURSE_FILE = "course.toml"
INSTALL_INSTRUCTOR = 'pip install "vae_keras[instructor]"'  # nbgrader, nbformat, JupyterLab: pyproject.toml's extra

# After /blob/ comes the branch, which may hold '/', then the notebook's path.
_BADGE = re.compile(r"https://colab\.research\.google\.com/github/[^/)\s]+/[^/)\s]+/blob/(?P<tail>[^)\s]+?\.ipynb)")
_INSTALL = re.compile(r"git\+https://github\.com/[^@\"'\s]+@[^\"'\s]+")
# A whole badge, "[![Open In Colab](...colab-badge.svg)](https://colab.research.google.com/github/...)", and the
# blank lines after it.
_BADGE_LINK = re.compile(r"\[!\[[^\]]*\]\([^)\s]*colab-badge\.svg\)\]\(https://colab\.research\.google\.com/github/"
                         r"[^)\s]+\)[ \t]*\n*")
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
    settings = read_toml(path, fix=_COURSE_FIX).get("course", {})
    if not isinstance(settings, dict):
        raise ValueError(f"{path}: expected a [course] table. {_COURSE_FIX}")
    try:
        _check_repository(settings.get("repository"))
        _check_branch(settings.get("branch"))
    except ValueError as error:
        raise ValueError(f"{path}, [course]: {error}") from None
    return {"repository": settings["repository"], "branch": settings["branch"]}


_COURSE_FIX = f'Fix it: {COURSE_FILE} holds a [course] table with repository = "OWNER/NAME" and branch = "main".'


def read_toml(path, fix):
    """Reads a TOML file.

    Args:
        path: the file.
        fix: what the error message advises, e.g. "Fix it: ...".

    Returns:
        The parsed dict.

    Raises:
        ValueError: naming the file, when it cannot be read or is not valid TOML.
    """
    import tomllib

    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except OSError as error:
        raise ValueError(f"{path} cannot be read ({error.strerror or error}). {fix}") from None
    except ValueError as error:  # tomllib.TOMLDecodeError, UnicodeDecodeError
        raise ValueError(f"{path} is not valid TOML ({error}). {fix}") from None


def read_notebook(path):
    """Reads a notebook (nbformat 4).

    Raises:
        ValueError: naming the file, when it cannot be read or is not a notebook.
    """
    import nbformat

    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError, TypeError, AttributeError, KeyError, nbformat.ValidationError) as error:
        reason = getattr(error, "message", None) or getattr(error, "strerror", None) or error
        raise ValueError(f"{path} is not a notebook nbformat can read ({type(error).__name__}: {reason}); fix or "
                         "remove the file.") from None


def notebook_text(notebook):
    """The text nbformat.write would write for a notebook."""
    import nbformat

    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


def require_instructor_tools(*modules):
    """Imports the instructor's tools now, before any slow work, or says how to install them.

    Args:
        *modules: the modules to import (default: nbformat and nbgrader's converters and preprocessors).

    Raises:
        ModuleNotFoundError: naming the missing module and the install command, `INSTALL_INSTRUCTOR`.
    """
    import importlib

    for module in modules or ("nbformat", "nbgrader.converters", "nbgrader.preprocessors"):
        try:
            importlib.import_module(module)
        except ImportError as error:
            raise ModuleNotFoundError(missing_tool_message(error), name=error.name) from None


def missing_tool_message(error):
    """What an ImportError of an instructor's tool says: the module, and the install command."""
    name = (error.name or str(error)).split(".")[0]
    return (f"{name} is not installed here, and the course's instructor commands need it (student versions, "
            f"hand-outs, grading): install the instructor's tools with {INSTALL_INSTRUCTOR}. Received: {error}")


def replace_files(contents):
    """Writes files whole: each first to a temporary file beside it, then all renamed into place.

    A failure while writing leaves nothing behind: no temporary file, no folder this made, no file
    changed (the renames come last, once everything is written).

    Args:
        contents: {path: str (written as UTF-8) or bytes}. New files get the usual permissions (as the
            umask allows); a replaced file keeps its own.
    """
    import contextlib
    import tempfile

    umask = os.umask(0)
    os.umask(umask)
    made, written = [], []
    try:
        for path, content in contents.items():
            folder = os.path.dirname(os.path.abspath(path))
            missing = []
            while not os.path.isdir(folder) and os.path.dirname(folder) != folder:
                missing.append(folder)
                folder = os.path.dirname(folder)
            for folder in reversed(missing):
                os.mkdir(folder)
                made.append(folder)
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                                 prefix=f".{os.path.basename(path)}.", suffix=".tmp")
            written.append((temporary, path))
            with os.fdopen(handle, "wb") as f:
                f.write(content.encode("utf-8") if isinstance(content, str) else content)
            mode = os.stat(path).st_mode & 0o777 if os.path.isfile(path) else 0o666 & ~umask
            os.chmod(temporary, mode)
        for temporary, path in written:
            os.replace(temporary, path)
    except BaseException:
        for temporary, _ in written:
            with contextlib.suppress(OSError):
                os.remove(temporary)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        raise


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
    _check_repository(repository)
    _check_branch(branch)
    notebook = read_notebook(path)
    own_path = os.path.relpath(path, root).replace(os.sep, "/")
    target = install_target(repository, branch) if install is None else install
    changed = point_notebook(notebook, target, badge=colab_url(repository, branch, own_path))
    if changed:
        replace_files({path: notebook_text(notebook)})
    return changed


def point_notebook(notebook, install, badge=None, note=None):
    """Points a notebook's Colab install cells at `install`, and its Colab badges at `badge` (in place).

    Args:
        notebook: an nbformat NotebookNode.
        install: the pip target that replaces each ``git+https://github.com/...`` address.
        badge: the Colab address each badge opens; None removes the badges (a copy for an LMS, or for a
            private repository, has nowhere to open from).
        note: comment lines put at the top of each cell whose install address changed (e.g. how to get
            the wheel it installs), or None.

    Returns:
        True when the notebook changed.
    """
    changed = False
    for cell in notebook.cells:
        if badge is None:
            source = _BADGE_LINK.sub("", cell.source)
        else:
            source = _BADGE.sub(lambda m: badge, cell.source)
        installed = _INSTALL.sub(lambda m: install, source)
        if note and installed != source:
            installed = note.rstrip("\n") + "\n" + installed
        if installed != cell.source:
            cell.source, changed = installed, True
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
    text, new_text = _readme_texts(path, repository, branch)
    if new_text != text:
        replace_files({path: new_text})
    return new_text != text


def _readme_texts(path, repository, branch):
    """(the README's text, its text with the badges pointed at repository@branch)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, ValueError) as error:
        raise ValueError(f"{path} cannot be read as UTF-8 text ({error}).") from None
    folder = os.path.dirname(os.path.abspath(path))
    return text, _BADGE.sub(lambda m: colab_url(repository, branch, _notebook_path(m.group("tail"), folder)), text)


def set_repository(repository, branch="main", root=".", folders=("notebooks",)):
    """Points the course at repository@branch: course.toml, the instructor notebooks and the README's badges.

    It changes only those addresses (course.toml keeps its comments and other settings), reads and
    checks every file before writing any, and writes each whole. The student copies (`student/`, a
    hand-out) are left alone: they install from where they were made to.

    Args:
        repository: the GitHub repository, "OWNER/NAME" (e.g. "someone/vae_keras").
        branch: the branch the badges open and the install cells install from.
        root: the course folder, which must already hold course.toml.
        folders: the folders under `root` whose notebooks (``*.ipynb``) are rewritten.

    Returns:
        The paths (str) of the notebooks and README that changed.

    Raises:
        ValueError: for an invalid repository or branch, a `root` without course.toml, or a
            course.toml, notebook or README that cannot be read; nothing is written then.
        ModuleNotFoundError: when nbformat is not installed; nothing is written then.
    """
    _check_repository(repository)
    _check_branch(branch)
    course_file = os.path.join(root, COURSE_FILE)
    if not os.path.isfile(course_file):
        raise ValueError(f"{os.path.abspath(root)!r} is not a course folder: it has no {COURSE_FILE}; "
                         "run set-repo in the root of your clone of the course.")
    require_instructor_tools("nbformat")
    contents = {}
    settings = _course_toml_text(course_file, repository, branch)
    if settings is not None:
        contents[course_file] = settings
    for path in (p for folder in folders for p in sorted(glob.glob(os.path.join(root, folder, "*.ipynb")))):
        notebook = read_notebook(path)
        own_path = os.path.relpath(path, root).replace(os.sep, "/")
        if point_notebook(notebook, install_target(repository, branch),
                          badge=colab_url(repository, branch, own_path)):
            contents[path] = notebook_text(notebook)
    readme = os.path.join(root, "README.md")
    if os.path.exists(readme):
        text, new_text = _readme_texts(readme, repository, branch)
        if new_text != text:
            contents[readme] = new_text
    replace_files(contents)
    return [path for path in contents if path != course_file]


def _course_toml_text(path, repository, branch):
    """course.toml's text with [course]'s repository and branch set, the rest kept; None when unchanged."""
    import tomllib

    course = read_toml(path, fix=_COURSE_FIX).get("course", {})  # valid TOML, or a message that names the file
    if not isinstance(course, dict):
        raise ValueError(f"{path}: expected a [course] table. {_COURSE_FIX}")
    with open(path, encoding="utf-8") as f:
        original = f.read()
    text = original
    if not _COURSE_TABLE.search(text):
        text = text.rstrip("\n") + ("\n\n" if text.strip() else "") + "[course]\n"
    header = _COURSE_TABLE.search(text)
    following = _TABLE.search(text, header.end())
    end = following.start() if following else len(text)
    table = text[header.end():end]
    for key, value in (("branch", branch), ("repository", repository)):
        table, count = re.subn(rf"(?m)^([ \t]*{key}[ \t]*=[ \t]*)(\"[^\"\\\n]*\"|'[^'\n]*')",
                               rf'\g<1>"{value}"', table, count=1)  # keeps a trailing comment
        if not count:
            table, count = re.subn(rf"(?m)^[ \t]*{key}[ \t]*=.*$", f'{key} = "{value}"', table, count=1)
        if not count:
            table = f'\n{key} = "{value}"' + table
    text = text[:header.end()] + table + text[end:]
    try:
        done = tomllib.loads(text).get("course") == {**course, "repository": repository, "branch": branch}
    except ValueError:
        done = False
    if not done:
        raise ValueError(f"{path}: could not set [course]'s repository and branch and keep the rest of the file. "
                         f'Edit it by hand: repository = "{repository}", branch = "{branch}".')
    return None if text == original else text


_COURSE_TABLE = re.compile(r"(?m)^[ \t]*\[course\][ \t]*(#.*)?$")
_TABLE = re.compile(r"(?m)^[ \t]*\[")


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

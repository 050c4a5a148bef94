"""The course's own commands of ``python -m vae_keras``: ``set-repo``, ``student-versions``, ``handout``,
``nbgrader-sources`` and ``feedback`` (vae_keras.course.feedback).

Each prints what it did, or one ``error: ...`` line on stderr and returns 2: for a bad argument, a file
that cannot be read or written, or a missing instructor's tool (with its install command). Everything is
checked before any slow work, and a command that fails has written nothing.
"""

import os
import sys

COMMANDS = ("set-repo", "student-versions", "handout", "nbgrader-sources", "feedback")
# How each command's messages call its arguments.
NAMES = {"student-versions": {"source": "--source", "output": "--output", "install": "--install-from",
                              "force": "--force"},
         "handout": {"directory": "DIR", "source": "--source"},
         "nbgrader-sources": {"course_dir": "COURSE_DIR", "source": "--source", "install": "--install-from",
                              "force": "--force"}}
INSTALL_FROM_HELP = ("where the install cells install the library from instead: a wheel's https address (e.g. a "
                     "hand-out's) or git+https://github.com/OWNER/NAME@BRANCH. It must be public (a warning says so, "
                     "louder for the course repository, which holds the answers); no wheel is written then")


def add_commands(commands):
    """Adds the course commands to the main command's subparsers.

    Args:
        commands: the `argparse` subparsers object of ``python -m vae_keras``.
    """
    set_repo = commands.add_parser(
        "set-repo", help="point the instructor notebooks' Colab badges and install cells, and the README's "
                         "badges, at OWNER/NAME",
        description="Points course.toml, the instructor notebooks (notebooks/) and the README's badges at a "
                    "repository and branch. Only those addresses change; every file is checked before any is "
                    "written. Student copies (student/, hand-outs) are left alone.")
    set_repo.add_argument("repository", help="the GitHub repository, as OWNER/NAME")
    set_repo.add_argument("--branch", default="main", help="the branch the badges open")
    student = commands.add_parser(
        "student-versions", help="write the student notebooks, e.g. for an LMS: solutions stubbed, hidden "
                                 "tests removed",
        description="Writes the student version of each instructor notebook (solutions stubbed, written answers "
                    "blanked, hidden tests and outputs removed, nbgrader metadata kept), e.g. to upload to an LMS. "
                    "The copies point at no repository, since the course's holds the answers and may be private: "
                    "they have no Colab badge, and their first cell installs the library on Colab from "
                    "--install-from or, by default, from the library's wheel, written beside the notebooks "
                    "(students upload it to Colab's Files panel with the notebook, or pip install it locally).")
    student.add_argument("--source", default="notebooks", help="folder of the instructor notebooks")
    student.add_argument("--output", default="student",
                         help="a new or empty folder for the student notebooks (default: student)")
    student.add_argument("--install-from", metavar="URL", default=None, help=INSTALL_FROM_HELP)
    student.add_argument("--force", action="store_true",
                         help="replace earlier files of the same names in a non-empty --output (others stay). "
                              "Even so, --output may not be or lie in --source, and a notebook holding solutions "
                              "is never replaced")
    handout = commands.add_parser(
        "handout", help="write a folder to push as the students' own public repository: student notebooks, "
                        "a README and the library's wheel, no answers")
    handout.add_argument("directory", metavar="DIR",
                         help="the hand-out folder: new, empty, or an earlier hand-out (whose README.md, notebooks/ "
                              "and wheels/ are replaced)")
    handout.add_argument("--repository", default=None,
                         help="the hand-out's GitHub repository, as OWNER/NAME (default: course.toml's)")
    handout.add_argument("--branch", default=None, help="the hand-out repository's branch (default: course.toml's)")
    handout.add_argument("--source", default="notebooks", help="folder of the instructor notebooks")
    sources = commands.add_parser(
        "nbgrader-sources", help="put the instructor notebooks into an nbgrader course directory, one assignment "
                                 "each (source/nbNN/), pointing at no repository",
        description="Writes each instructor notebook to COURSE_DIR/source/nbNN/NN_name.ipynb (nb01 for "
                    "01_dense_decoder.ipynb), for nbgrader generate_assignment. The notebooks keep their solutions, "
                    "hidden tests and rubrics; only what students see of the course changes, as in student-versions: "
                    "no Colab badge, and the first cell installs the library on Colab from --install-from or, by "
                    "default, from the library's wheel, written beside each notebook (nbgrader releases it with the "
                    "notebook). Nothing is written into --source.")
    sources.add_argument("course_dir", metavar="COURSE_DIR",
                         help="the nbgrader course directory (it holds, or will hold, nbgrader_config.py)")
    sources.add_argument("--source", default="notebooks", help="folder of the instructor notebooks")
    sources.add_argument("--install-from", metavar="URL", default=None, help=INSTALL_FROM_HELP)
    sources.add_argument("--force", action="store_true",
                         help="replace earlier notebooks and wheels of the same names in COURSE_DIR/source/nbNN/ "
                              "(other files there stay), e.g. after changing the course; without it, an assignment "
                              "folder that holds files is refused")
    from vae_keras.course import feedback

    feedback.add_command(commands)


def run(args):
    """Runs the course command `args.command`.

    Args:
        args: the parsed arguments.

    Returns:
        The exit status: 0 (after any ``warning:`` lines on stderr), or 2 after one ``error:`` line on stderr.
    """
    import warnings

    if args.command == "feedback":  # its own errors and exit statuses (1 when nbgrader fails)
        from vae_keras.course import feedback

        return feedback.run(args)

    from vae_keras.course.assignments import CourseWarning
    from vae_keras.course.repository import INSTALL_INSTRUCTOR, missing_tool_message

    command = {"set-repo": set_repo, "student-versions": student_versions, "handout": handout,
               "nbgrader-sources": nbgrader_sources}[args.command]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CourseWarning)
            status = command(args)
    except ImportError as problem:
        return _error(problem if INSTALL_INSTRUCTOR in str(problem) else missing_tool_message(problem))
    except OSError as problem:
        return _error(f"{problem.strerror}: {problem.filename!r}" if problem.strerror and problem.filename else problem)
    except (ValueError, RuntimeError) as problem:
        return _error(problem)
    for warning in caught:
        if issubclass(warning.category, CourseWarning):
            print(f"warning: {' '.join(str(warning.message).split())}", file=sys.stderr)
        else:
            warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
    return status


def _error(message):
    print(f"error: {' '.join(str(message).split())}", file=sys.stderr)
    return 2


def set_repo(args):
    """``set-repo OWNER/NAME [--branch B]``: points the course at another repository and branch."""
    from vae_keras.course.assignments import _count
    from vae_keras.course.repository import set_repository

    changed = set_repository(args.repository, args.branch)
    notebooks = [path for path in changed if path.endswith(".ipynb")]
    readme = " and README.md" if len(changed) > len(notebooks) else ""
    print(f"course.toml now points to {args.repository}@{args.branch}; rewrote {_count(len(notebooks), 'notebook')}"
          f"{readme}.")
    return 0


def student_versions(args):
    """``student-versions [--source notebooks] [--output student] [--install-from URL] [--force]``."""
    from vae_keras.course.assignments import _count
    from vae_keras.course.assignments import student_versions as write_student_versions

    written = write_student_versions(args.source, args.output, install=args.install_from, force=args.force,
                                     names=NAMES["student-versions"])
    print(f"Wrote {_count(len(written.notebooks), 'student notebook')} to {args.output} (solutions stubbed, hidden "
          "tests and outputs removed, no Colab badge):")
    for path in written.notebooks:
        print(f"  {path}: {_work(path)}")
    for path in written.wheels:
        print(f"  {path}: the library, which each notebook's first cell installs")
    _print_replaced(written)
    if written.wheels:
        wheel = os.path.basename(written.wheels[0])
        print(f"Give students the notebooks and {wheel} (e.g. on your LMS). On Colab they open a notebook (File → "
              f"Upload notebook) and upload {wheel} to the Files panel before running its first cell; on their own "
              f"machine they run pip install {wheel} once.")
    else:
        print(f"Each notebook's first cell installs the library from {written.install} on Colab.")
    return 0


def nbgrader_sources(args):
    """``nbgrader-sources COURSE_DIR [--source notebooks] [--install-from URL] [--force]``."""
    from vae_keras.course.assignments import _count, assignment_id
    from vae_keras.course.assignments import nbgrader_sources as write_sources

    written = write_sources(args.course_dir, source=args.source, install=args.install_from, force=args.force,
                            names=NAMES["nbgrader-sources"])
    ids = [assignment_id(path) for path in written.notebooks]
    print(f"Wrote {_count(len(ids), 'assignment')} to {os.path.join(args.course_dir, 'source')} (solutions, hidden "
          "tests and rubrics kept for nbgrader; no Colab badge):")
    for path, assignment in zip(written.notebooks, ids):
        print(f"  {path}: {assignment}, {_work(path)}")
    if written.wheels:
        wheel = os.path.basename(written.wheels[0])
        print(f"  and beside {'it' if len(ids) == 1 else 'each'}: {wheel}, the library its first cell installs, "
              "which nbgrader releases with the notebook")
    _print_replaced(written)
    if written.wheels:
        print(f"On Colab, students upload {wheel} to the Files panel before running a notebook's first cell; on their "
              f"own machine they run pip install {wheel} once.")
    else:
        print(f"Each notebook's first cell installs the library from {written.install} on Colab.")
    print(f"Next, in the course directory {args.course_dir}: nbgrader generate_assignment {ids[0]} (and so on, one "
          "command per assignment).")
    return 0


def _print_replaced(written):
    """Lists the earlier files that a command with --force replaced."""
    from vae_keras.course.assignments import _count

    if written.replaced:
        print(f"Replaced {_count(len(written.replaced), 'earlier file')} (--force):")
        for path in written.replaced:
            print(f"  {path}")


def handout(args):
    """``handout DIR [--repository OWNER/NAME] [--branch B] [--source notebooks]``: writes the hand-out."""
    from vae_keras.course.assignments import handout as write_handout

    made = write_handout(args.directory, repository=args.repository, branch=args.branch, source=args.source,
                         names=NAMES["handout"])
    print(f"Wrote the hand-out for {made.repository}@{made.branch} to {args.directory}:")
    print(f"  {os.path.relpath(made.readme, args.directory)}: for students")
    for path in made.notebooks:
        print(f"  {os.path.relpath(path, args.directory)}: {_work(path)}")
    print(f"  {os.path.relpath(made.wheel, args.directory)}: the library, which the install cells install")
    print(f"Push it to the public repository https://github.com/{made.repository} (branch {made.branch}); "
          "keep the course repository, which holds the answers, private.")
    if args.repository is None:
        print(f"Note: without --repository the hand-out points at course.toml's {made.repository}. If that is the "
              "course repository, give the hand-out its own: --repository OWNER/NAME.")
    return 0


def _work(path):
    """'3 exercises, 7 points; 1 written answer, 2 points' for a student notebook."""
    from vae_keras.course.assignments import _count, exercises, written_answers

    points, written = exercises(path), written_answers(path)
    text = f"{_count(len(points), 'exercise')}, {_count(sum(points.values()), 'point')}"
    if written:
        text += f"; {_count(len(written), 'written answer')}, {_count(sum(written.values()), 'point')}"
    return text

"""The course's own commands of ``python -m vae_keras``: ``set-repo``, ``student-versions`` and ``handout``.

Each prints what it did, or one ``error: ...`` line on stderr and returns 2.
"""

import sys

COMMANDS = ("set-repo", "student-versions", "handout")


def add_commands(commands):
    """Adds the course commands to the main command's subparsers.

    Args:
        commands: the `argparse` subparsers object of ``python -m vae_keras``.
    """
    set_repo = commands.add_parser(
        "set-repo", help="point the Colab badges and install cells (notebooks, README) at OWNER/NAME")
    set_repo.add_argument("repository", help="the GitHub repository, as OWNER/NAME")
    set_repo.add_argument("--branch", default="main", help="the branch the badges open")
    student = commands.add_parser(
        "student-versions", help="write the student notebooks: solutions stubbed, hidden tests removed")
    student.add_argument("--source", default="notebooks", help="folder of the instructor notebooks")
    student.add_argument("--output", default="student", help="folder for the student notebooks")
    handout = commands.add_parser(
        "handout", help="write a folder to push as the students' own public repository: student notebooks, "
                        "a README and the library's wheel, no answers")
    handout.add_argument("directory", metavar="DIR", help="the hand-out folder: new, empty, or an earlier hand-out")
    handout.add_argument("--repository", default=None,
                         help="the hand-out's GitHub repository, as OWNER/NAME (default: course.toml's)")
    handout.add_argument("--branch", default=None, help="the hand-out repository's branch (default: course.toml's)")
    handout.add_argument("--source", default="notebooks", help="folder of the instructor notebooks")


def run(args):
    """Runs the course command `args.command`.

    Args:
        args: the parsed arguments.

    Returns:
        The exit status: 0, or 2 after one ``error:`` line on stderr.
    """
    try:
        if args.command == "set-repo":
            return set_repo(args)
        if args.command == "handout":
            return handout(args)
        return student_versions(args)
    except (ValueError, FileNotFoundError, RuntimeError) as problem:
        print(f"error: {' '.join(str(problem).split())}", file=sys.stderr)
        return 2


def set_repo(args):
    """``set-repo OWNER/NAME [--branch B]``: points the course at another repository and branch."""
    from vae_keras.course.repository import set_repository

    changed = set_repository(args.repository, args.branch)
    print(f"course.toml now points to {args.repository}@{args.branch}; rewrote {len(changed)} notebooks.")
    return 0


def student_versions(args):
    """``student-versions [--source notebooks] [--output student]``: writes the student notebooks."""
    from vae_keras.course.assignments import student_versions as write_student_versions

    written = write_student_versions(args.source, args.output)
    print(f"Wrote {len(written)} student notebooks (solutions stubbed, hidden tests and outputs removed):")
    for path in written:
        print(f"  {path}: {_work(path)}")
    return 0


def handout(args):
    """``handout DIR [--repository OWNER/NAME] [--branch B] [--source notebooks]``: writes the hand-out."""
    import os

    from vae_keras.course.assignments import handout as write_handout

    made = write_handout(args.directory, repository=args.repository, branch=args.branch, source=args.source)
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
    from vae_keras.course.assignments import exercises, written_answers

    points, written = exercises(path), written_answers(path)
    text = f"{len(points)} exercises, {sum(points.values()):g} points"
    if written:
        text += f"; {len(written)} written answer{'s' if len(written) != 1 else ''}, {sum(written.values()):g} points"
    return text

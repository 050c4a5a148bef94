"""The course's own commands of ``python -m vae_keras``: ``set-repo`` and ``student-versions``.

Each prints what it did, or one ``error: ...`` line on stderr and returns 2.
"""

import sys

COMMANDS = ("set-repo", "student-versions")


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
        return student_versions(args)
    except (ValueError, FileNotFoundError) as problem:
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
    from vae_keras.course.assignments import exercises
    from vae_keras.course.assignments import student_versions as write_student_versions

    written = write_student_versions(args.source, args.output)
    print(f"Wrote {len(written)} student notebooks (solutions stubbed, hidden tests and outputs removed):")
    for path in written:
        points = exercises(path)
        print(f"  {path}: {len(points)} exercises, {sum(points.values()):g} points")
    return 0

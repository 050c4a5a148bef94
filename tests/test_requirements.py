"""What the course asks pip for: lower bounds only (Colab is never downgraded), one bound per package
wherever it is named, Colab's pinned stack inside them, and CI running the README's own commands."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

pytestmark = pytest.mark.backend_independent

ROOT = Path(__file__).resolve().parents[1]


def requirement_lines(path):
    """The requirement strings of a pip requirements file, without comments."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def learner_requirements():
    return [Requirement(line) for line in requirement_lines(ROOT / "requirements.txt")]


def package_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        names += extra
    return [Requirement(name) for name in names if not name.startswith("vae_keras")]


def lower_bound(requirement):
    """The version of a requirement's single `>=` specifier."""
    (specifier,) = requirement.specifier
    assert specifier.operator == ">=", f"{requirement}: expected a lower bound only (>=)"
    return Version(specifier.version)


@pytest.mark.parametrize("requirements", [learner_requirements, package_requirements],
                         ids=["requirements.txt", "pyproject.toml"])
def test_every_requirement_is_one_lower_bound(requirements):
    for requirement in requirements():
        assert len(requirement.specifier) == 1, f"{requirement}: expected exactly one lower bound"
        lower_bound(requirement)


def test_pyproject_and_requirements_agree_on_every_bound():
    learner = {req.name: lower_bound(req) for req in learner_requirements()}
    for requirement in package_requirements():
        if requirement.name in learner:
            assert lower_bound(requirement) == learner[requirement.name], (
                f"{requirement.name}: pyproject.toml says >={lower_bound(requirement)}, "
                f"requirements.txt >={learner[requirement.name]}")


def test_colabs_pinned_stack_meets_every_lower_bound():
    pins = {Requirement(line).name: Version(str(next(iter(Requirement(line).specifier))).lstrip("="))
            for line in requirement_lines(ROOT / ".ci" / "colab-versions.txt")}
    assert {"tensorflow", "keras", "numpy", "matplotlib"} <= set(pins)
    for requirement in learner_requirements() + package_requirements():
        if requirement.name in pins:
            assert pins[requirement.name] >= lower_bound(requirement), (
                f"Colab has {requirement.name} {pins[requirement.name]}, below the course's {requirement}: "
                "installing the course there would downgrade it")


def readme_commands():
    """The one-line commands of the README's bash blocks."""
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_ci_installs_and_tests_the_readme_way():
    ci = (ROOT / ".ci" / "run").read_text()
    commands = readme_commands()
    install = next(command for command in commands if "pip install -r requirements.txt -e ." in command)
    assert "python -m pip install -q -r requirements.txt -e ." in ci, "CI must install as the README says"
    assert install.startswith("python -m pip install -r requirements.txt -e .")
    assert "make test" in commands, "the README's test command is `make test`"
    assert re.search(r"^\s*make test$", ci, flags=re.M), "CI must run the README's test command"
    assert "python -m venv" in ci or "-m venv" in ci, "CI builds a fresh virtual environment"

"""The package's shape: the library never imports the course machinery, and importing it loads no backend."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "vae_keras"
LIBRARY = sorted(path for path in PACKAGE.glob("*.py") if path.name != "__main__.py")


def imports_of(path):
    """The absolute module names a file imports, anywhere in it (inside functions too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def library_imports():
    """{module: the library modules it imports, anywhere in it}, by stem, e.g. {"vae": {"losses", ...}, ...}."""
    stems = {path.stem for path in LIBRARY} - {"__init__"}
    graph = {}
    for path in LIBRARY:
        names = (name.split(".") for name in imports_of(path))
        graph[path.stem] = {parts[1] for parts in names if parts[0] == "vae_keras" and len(parts) > 1
                            and parts[1] in stems} - {path.stem}
    return graph


def find_cycle(graph):
    """One cycle of a directed graph {node: successors}, as [a, b, ..., a], or None when there is none."""
    state, path = {}, []  # state: "open" while on the path, "done" once every successor has been explored

    def visit(node):
        state[node] = "open"
        path.append(node)
        for successor in sorted(graph.get(node, ())):
            if state.get(successor) == "open":
                return path[path.index(successor):] + [successor]
            if successor not in state and (cycle := visit(successor)):
                return cycle
        state[node] = "done"
        path.pop()
        return None

    return next((cycle for node in sorted(graph) if node not in state and (cycle := visit(node))), None)


def test_find_cycle_finds_one_and_only_one_that_is_there():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_library_modules_import_one_another_one_way():
    cycle = find_cycle(library_imports())
    assert cycle is None, f"an import cycle (inside functions too): {' -> '.join(cycle)}"


@pytest.mark.parametrize("path", LIBRARY, ids=[path.name for path in LIBRARY])
def test_the_library_never_imports_the_course_package(path):
    course = sorted(name for name in imports_of(path) if name.startswith("vae_keras.course"))
    assert not course, f"{path.name} imports {course}: the course package imports the library, not the reverse"


def test_every_course_module_is_in_the_course_package():
    assert {path.stem for path in (PACKAGE / "course").glob("*.py")} >= {
        "runtime", "repository", "assignments", "checks", "analysis", "figures", "widgets", "commands"}
    assert not {"runtime", "repository", "assignments", "checks", "analysis"} & {path.stem for path in LIBRARY}


def test_importing_vae_keras_loads_no_backend_and_touches_no_file_descriptor():
    code = ("import os, sys; before = os.fstat(2).st_ino; import vae_keras; "
            "print(sorted(m for m in ('keras', 'tensorflow', 'jax', 'torch') if m in sys.modules), "
            "os.fstat(2).st_ino == before, vae_keras.__all__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] True ['KLWarmup', 'Sampling', 'VAE', 'build_vae', 'load']"


@pytest.mark.parametrize("imports", [
    "import keras, vae_keras",
    "import vae_keras; import keras",
    "import vae_keras.callbacks, keras",  # keras first imported by one of the library's own modules
    "from vae_keras.devices import replicas; import keras",
])
def test_the_library_registers_its_classes_with_keras_in_either_import_order(imports):
    """Keras's deserializer finds the classes of a saved VAE only once their modules have run."""
    code = (f"{imports}; import sys; "
            "print([getattr(keras.saving.get_registered_object(f'vae_keras>{name}'), '__module__', None) "
            "for name in ('VAE', 'Sampling')], "
            "[finder for finder in sys.meta_path if type(finder).__module__.startswith('vae_keras')])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "KERAS_BACKEND": "numpy"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "['vae_keras.vae', 'vae_keras.layers'] []"  # registered; the import hook is gone


def test_the_lazy_exports_are_the_real_objects():
    import vae_keras
    from vae_keras.callbacks import KLWarmup
    from vae_keras.vae import VAE

    assert vae_keras.VAE is VAE and vae_keras.KLWarmup is KLWarmup
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        vae_keras.nothing  # noqa: B018

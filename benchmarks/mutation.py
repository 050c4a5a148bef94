"""Mutation testing of the grading helpers: plants one-line bugs in a module, one at a time, and runs the
module's own test file against each; a mutant the tests fail on is killed, one they pass on survived.

    python benchmarks/mutation.py vae_keras/course/checks.py tests/test_checks.py
    python benchmarks/mutation.py checks assignments       # shorthands for the two grading modules

The bugs are the kinds issue 24 names, each planted by rewriting one node of the module's syntax tree:

- comparison flipped: `<` -> `>=`, `==` -> `!=`, `in` -> `not in`, `is` -> `is not`, ...
- tolerance/threshold changed: a float constant times 10, an integer constant >= 2 plus 1;
- element dropped: one element of a tuple, list, set or dict literal (a layer kind, a target, an entry);
- boolean/score rule changed: `and` <-> `or`, `not` dropped, True <-> False, `all` <-> `any`,
  `max` <-> `min`, `+` <-> `-`, `*` <-> `/`;
- returned value changed: `return x` -> `return None`;
- call or check dropped: a statement that is a call, or an assert, becomes `pass`.

The module's file is never edited: the mutated tree is compiled in memory. A first run under coverage (one
context per test, in a child process) finds which tests reach each line. The test file is then collected
once in this process (imports done, no computation); each mutant runs in a process forked from it, where
the mutant's code replaces the module's (and every `from module import name` copy of its functions and
tables), and runs only the tests that reach its line, with `-x`. A mutant on a line coverage saw no test
reach runs the whole test file: coverage does not trace code run as a `sys.setprofile` callback (or in a
thread it did not start), so "no test reached it" is not proof. One whose tests run past --timeout seconds
counts as killed (a timeout).
Linux only (fork). The tests run under KERAS_BACKEND=jax: a process forked after importing tensorflow hangs.

Why not mutmut: it was tried here (3.8.1, offline, in a copy of the project): it plants about 1,100 mutants
in checks.py, mostly message-text edits, mutates only inside functions (the tables of layer kinds at module
level are never touched), has no "element dropped" operator, and its run stalled on a mutant after 119;
this script plants the kinds above, about a third as many, each one a bug a grade can depend on.

Prints, per module, mutants, killed, survived (with each survivor's line) and the kill rate.
"""

import argparse
import ast
import copy
import json
import os
import signal
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHORTHANDS = {"checks": ("vae_keras/course/checks.py", "tests/test_checks.py"),
              "assignments": ("vae_keras/course/assignments.py", "tests/test_assignments.py")}
PREWARM = ("numpy", "scipy", "scipy.special", "scipy.stats", "keras", "matplotlib", "matplotlib.pyplot", "pytest")
_NEGATED = {ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt, ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.In: "in",
           ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+", ast.Sub: "-", ast.Mult: "*",
           ast.Div: "/", ast.FloorDiv: "//"}
_ARITHMETIC = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Mult}
_SWAPPED_CALLS = {"all": "any", "any": "all", "max": "min", "min": "max"}


# --- Planting ---------------------------------------------------------------------------------


def _is_text(node):
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _candidates(tree, lines):
    """Every mutation of the tree: (path to the node, kind, description, statement line, change), where
    change(node) rewrites the node found at that path in a copy of the tree and returns what replaces it."""
    found, kept = [], set()  # kept: collections whose elements are not dropped one at a time
    for node in ast.walk(tree):
        unpacking = isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Tuple)
        if (unpacking or isinstance(node, ast.Return)) and isinstance(node.value, ast.Tuple):
            kept.add(id(node.value))  # `a, b = x, y` and `return a, b`: the arity, not a table

    def visit(node, path, statement, skip):
        line = getattr(node, "lineno", statement)
        if isinstance(node, ast.stmt):
            statement = node.lineno
            if "pragma: no mutate" in lines[node.lineno - 1]:
                return
        if isinstance(node, ast.If) and "__name__" in ast.unparse(node.test):
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return

        def add(kind, text, change):
            found.append((path, kind, text, statement, line, change))

        if isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                if type(op) in _NEGATED:
                    new = _NEGATED[type(op)]

                    def change(n, k=k, new=new):
                        n.ops[k] = new()
                        return n
                    add("comparison flipped", f"`{_SYMBOL[type(op)]}` -> `{_SYMBOL[new]}`", change)
        elif isinstance(node, ast.BoolOp):
            other = ast.Or if isinstance(node.op, ast.And) else ast.And

            def change(n, other=other):
                n.op = other()
                return n
            add("boolean/score rule changed", f"`{'and' if other is ast.Or else 'or'}` -> "
                f"`{'or' if other is ast.Or else 'and'}`", change)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            add("boolean/score rule changed", "`not` dropped", lambda n: n.operand)
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            add("boolean/score rule changed", f"{node.value} -> {not node.value}",
                lambda n: ast.Constant(not n.value))
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float) and not skip:
            value = node.value
            if isinstance(value, float) and value != 0:
                add("tolerance/threshold changed", f"{value!r} -> {value * 10!r}", lambda n: ast.Constant(n.value * 10))
            elif isinstance(value, int) and value >= 2:
                add("tolerance/threshold changed", f"{value} -> {value + 1}", lambda n: ast.Constant(n.value + 1))
        elif isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC and not (
                _is_text(node.left) or _is_text(node.right)):
            new = _ARITHMETIC[type(node.op)]

            def change(n, new=new):
                n.op = new()
                return n
            add("boolean/score rule changed", f"`{_SYMBOL[type(node.op)]}` -> `{_SYMBOL[new]}`", change)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _SWAPPED_CALLS):
            new = _SWAPPED_CALLS[node.func.id]

            def change(n, new=new):
                n.func = ast.Name(new, ast.Load())
                return n
            add("boolean/score rule changed", f"`{node.func.id}` -> `{new}`", change)
        elif (isinstance(node, (ast.Tuple, ast.List, ast.Set))
              and isinstance(getattr(node, "ctx", ast.Load()), ast.Load)
              and len(node.elts) >= 2 and id(node) not in kept and not skip and _is_table(node)):
            kept.update(id(element) for element in node.elts)  # a table's rows lose no part of themselves
            for k, element in enumerate(node.elts):
                def change(n, k=k):
                    del n.elts[k]
                    return n
                add("element dropped", f"drop `{_short(ast.unparse(element))}`", change)
        elif isinstance(node, ast.Dict) and len(node.keys) >= 2 and None not in node.keys:
            for k, key in enumerate(node.keys):
                def change(n, k=k):
                    del n.keys[k], n.values[k]
                    return n
                add("element dropped", f"drop entry `{_short(ast.unparse(key))}`", change)
        elif isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            add("returned value changed", f"`return {_short(ast.unparse(node.value))}` -> `return None`",
                lambda n: ast.Return(ast.Constant(None)))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            add("call or check dropped", f"`{_short(ast.unparse(node.value))}` dropped", lambda n: ast.Pass())
        elif isinstance(node, ast.Assert):
            add("call or check dropped", "assert dropped", lambda n: ast.Pass())

        for field, value in ast.iter_fields(node):
            if (isinstance(node, ast.Assert) and field == "msg") or isinstance(node, (ast.Raise, ast.JoinedStr)):
                continue  # messages: what they say is tested by the messages' own checks, not planted here
            # a subscript's index (x[:, None], shape[1:]) keeps its numbers and elements
            inner = skip or (isinstance(node, ast.Subscript) and field == "slice")
            if isinstance(value, list):
                body = field in ("body", "orelse", "finalbody")
                for k, child in enumerate(value):
                    if not isinstance(child, ast.AST):
                        continue
                    if body and k == 0 and isinstance(child, ast.Expr) and _is_text(child.value):
                        continue  # a docstring
                    visit(child, path + ((field, k),), statement, inner)
            elif isinstance(value, ast.AST):
                visit(value, path + ((field, None),), statement, inner)

    visit(tree, (), 1, False)
    return found


def _is_table(node):
    """A collection of names, constants or rows (tuples): a list of kinds, targets or entries."""
    simple = (ast.Constant, ast.Name, ast.Attribute)
    return all(isinstance(e, simple) for e in node.elts) or all(isinstance(e, ast.Tuple) for e in node.elts)


def _short(text, width=60):
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3] + "..."


def _at(tree, path):
    """The parent of the node at path, and how to put a replacement there."""
    node = tree
    for field, index in path[:-1]:
        node = getattr(node, field) if index is None else getattr(node, field)[index]
    field, index = path[-1]

    def put(new):
        if index is None:
            setattr(node, field, new)
        else:
            getattr(node, field)[index] = new
    return (getattr(node, field) if index is None else getattr(node, field)[index]), put


def plant(source, filename):
    """The mutants of a module's source: a list of dicts with kind, text, line, code (a code object)."""
    tree, lines = ast.parse(source, filename), source.splitlines()
    mutants = []
    for path, kind, text, statement, line, change in _candidates(tree, lines):
        mutated = copy.deepcopy(tree)
        node, put = _at(mutated, path)
        put(change(node))
        ast.fix_missing_locations(mutated)
        try:
            code = compile(mutated, filename, "exec")
        except (SyntaxError, ValueError):
            continue
        mutants.append({"kind": kind, "text": text, "line": line, "statement": statement, "code": code,
                        "source": lines[line - 1].strip()})
    return mutants


# --- Running ----------------------------------------------------------------------------------


def _install(module, code):
    """Runs a mutant's code in the already imported module, then points every other module's copy of one
    of its functions, classes or tables (`from module import name`) at the mutant's."""
    originals = {id(value): name for name, value in vars(module).items()
                 if callable(value) or isinstance(value, (tuple, list, dict, set))}
    exec(code, module.__dict__)
    for other in list(sys.modules.values()):
        if other is module or other is None:
            continue
        space = getattr(other, "__dict__", None) or {}
        for name, value in list(space.items()):
            if id(value) in originals and originals[id(value)] in module.__dict__:
                space[name] = module.__dict__[originals[id(value)]]


def _in_child(function, timeout):
    """Runs function() in a forked process; its exit status (124 when it ran past timeout)."""
    pid = os.fork()
    if pid == 0:
        status = 3
        try:
            status = function()
        finally:
            os._exit(status)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return 124
        time.sleep(0.05)


def _pytest(arguments, quiet=True, restore=False):
    """pytest.main on the arguments, its output sent nowhere when quiet (put back after when restore)."""
    import pytest

    saved = [os.dup(1), os.dup(2)] if restore else []
    if quiet:
        sys.stdout.flush()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
    try:
        return int(pytest.main(["-q", "-p", "no:cacheprovider", "--no-header", "-W", "ignore", *arguments]))
    finally:
        for fd, copy_ in zip((1, 2), saved):
            os.dup2(copy_, fd)
            os.close(copy_)


def _reach(module_file, test_file, timeout):
    """Runs the test file once under coverage: {line: set of test node ids} and whether it passed."""
    data_file = tempfile.mktemp(prefix="mutation_coverage_")

    def run():
        import coverage

        cov = coverage.Coverage(data_file=data_file, include=[module_file], config_file=False)
        cov.set_option("run:dynamic_context", "test_function")
        cov.start()
        try:
            status = _pytest([test_file])
        finally:
            cov.stop()
            cov.save()
        return status

    status = _in_child(run, timeout)
    import coverage

    data = coverage.CoverageData(data_file)
    data.read()
    reach = {}
    stem = os.path.splitext(os.path.basename(test_file))[0]
    for line, contexts in (data.contexts_by_lineno(module_file) or {}).items():
        ids = set()
        for context in contexts:  # "test_checks.test_name" or "tests.test_checks.TestCase.test_name"
            parts = context.split(".")
            if stem in parts:
                ids.add("::".join([test_file, *parts[parts.index(stem) + 1:]]))
            else:
                ids.add(test_file)  # run at import (""), or a context not understood: every test
        reach[line] = ids
    os.remove(data_file)
    return reach, status


def run_module(module_file, test_file, timeout=120, only_lines=None, log=print):
    """Plants every mutant of module_file and runs test_file against each; returns the results."""
    module_file, name = os.path.abspath(module_file), None
    relative = os.path.relpath(module_file, ROOT)
    name = os.path.splitext(relative)[0].replace(os.sep, ".")
    with open(module_file) as handle:
        mutants = plant(handle.read(), module_file)
    if only_lines:
        mutants = [m for m in mutants if m["line"] in only_lines or m["statement"] in only_lines]
    started = time.monotonic()
    reach, status = _reach(module_file, test_file, 30 * timeout)
    if status != 0:
        raise SystemExit(f"{test_file} fails on the unmutated {relative} (pytest exit {status}); fix that first")
    log(f"{relative}: {len(mutants)} mutants; baseline with coverage {time.monotonic() - started:.0f} s")
    # Collected once here (conftest, plugins, the test module and the module itself imported), so that each
    # mutant's process, forked from this one, only runs its tests. No backend computation runs here.
    _pytest(["--collect-only", test_file], quiet=True, restore=True)
    from jax._src import xla_bridge

    if xla_bridge._backends:  # its threads would deadlock the forked processes: every mutant a false "timeout"
        raise SystemExit(f"importing {test_file} starts JAX's backend (a layer with a seed generator made at import, "
                         "e.g. in a parametrize list?); make such objects inside the tests")
    module = sys.modules[name]
    for k, mutant in enumerate(mutants, start=1):
        tests = reach.get(mutant["statement"], set()) | reach.get(mutant["line"], set())
        unseen = not tests  # e.g. a profile callback's line: coverage cannot see it, so every test runs
        selection = [test_file] if unseen or test_file in tests else sorted(tests)

        def run(mutant=mutant, selection=selection):
            _install(module, mutant["code"])
            return _pytest(["-x", *selection])

        began = time.monotonic()
        code = _in_child(run, timeout)
        mutant["seconds"] = time.monotonic() - began
        mutant["status"] = "survived" if code == 0 else "killed (timeout)" if code == 124 else "killed"
        if unseen:
            mutant["status"] += " (line unseen by coverage: whole file run)"
        if k % 25 == 0:
            killed = sum(m.get("status", "").startswith("killed") for m in mutants[:k])
            log(f"  {k}/{len(mutants)} run, {killed} killed ({time.monotonic() - started:.0f} s)")
    return mutants


def report(relative, test_file, mutants, seconds):
    killed = [m for m in mutants if m["status"].startswith("killed")]
    survived = [m for m in mutants if not m["status"].startswith("killed")]
    rate = 100.0 * len(killed) / len(mutants) if mutants else 100.0
    print(f"{relative} with {test_file}: {len(mutants)} mutants, {len(killed)} killed, {len(survived)} survived, "
          f"kill rate {rate:.1f}% ({seconds:.0f} s)")
    kinds = sorted({m["kind"] for m in mutants})
    for kind in kinds:
        of_kind = [m for m in mutants if m["kind"] == kind]
        print(f"  {kind}: {sum(m['status'].startswith('killed') for m in of_kind)}/{len(of_kind)} killed")
    for m in survived:
        note = " (line unseen by coverage)" if "unseen" in m["status"] else ""
        print(f"  survived L{m['line']} {m['kind']}: {m['text']}{note}\n      {_short(m['source'], 100)}")
    return {"module": relative, "tests": test_file, "mutants": len(mutants), "killed": len(killed),
            "survived": len(survived), "kill_rate": round(rate, 1), "seconds": round(seconds),
            "survivors": [{"line": m["line"], "kind": m["kind"], "text": m["text"], "source": m["source"],
                           "status": m["status"]} for m in survived]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="+",
                        help="MODULE.py TEST_FILE.py pairs, or the shorthands " + ", ".join(SHORTHANDS))
    parser.add_argument("--timeout", type=float, default=120, help="seconds one mutant's tests may run")
    parser.add_argument("--lines", default="", help="only mutants on these lines, e.g. 120-140,200")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)

    pairs, items = [], list(args.targets)
    while items:
        item = items.pop(0)
        if item in SHORTHANDS:
            pairs.append(SHORTHANDS[item])
        elif items and item.endswith(".py"):
            pairs.append((item, items.pop(0)))
        else:
            parser.error(f"expected MODULE.py TEST_FILE.py or one of {', '.join(SHORTHANDS)}; got {item!r}")
    only = set()
    for part in filter(None, args.lines.split(",")):
        low, _, high = part.partition("-")
        only |= set(range(int(low), int(high or low) + 1))

    os.chdir(ROOT)
    sys.path.insert(0, ROOT)
    if args.list:
        for module_file, _ in pairs:
            with open(module_file) as handle:
                mutants = plant(handle.read(), os.path.abspath(module_file))
            for m in mutants:
                if not only or m["line"] in only:
                    print(f"{module_file}:{m['line']}: {m['kind']}: {m['text']}")
            print(f"{module_file}: {len(mutants)} mutants")
        return 0
    os.environ["KERAS_BACKEND"] = "jax"  # tensorflow, once imported, deadlocks in a forked process; jax does not
    for module in PREWARM:  # imported once here; every mutant's process is forked from this one
        __import__(module)
    results = []
    for module_file, test_file in pairs:
        began = time.monotonic()
        mutants = run_module(module_file, test_file, args.timeout, only, log=lambda text: print(text, flush=True))
        results.append(report(module_file, test_file, mutants, time.monotonic() - began))
        sys.stdout.flush()
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The shape of the code (docs/architecture.md): imports run one way, nothing hides a cycle,
and only members/access.py filters by organisation path.

import-linter (`make lint`) checks the order of the apps; these tests check what a layer
contract cannot see: cycles between any two modules, inside an app too, and the tricks that
hide one (an import inside a function, an `except ImportError` fallback, a test that skips
when the import fails).
"""

import ast
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
# The project's own top-level packages, including those later issues add.
PROJECT_PACKAGES = ("chibo", "demo", "oversight", "petitions", "meetings", "members", "notifications", "workdays")
SKIPPED_DIRS = {".git", ".venv", "node_modules", "var", "migrations", "__pycache__", "static", "templates", "locale"}


def existing_packages() -> list[str]:
    """The project packages present in this checkout (an app a later issue adds is simply absent)."""
    found = []
    for name in PROJECT_PACKAGES:
        spec = importlib.util.find_spec(name)
        # A third-party distribution of the same name (in .venv, say) is not ours.
        if spec is not None and spec.origin and Path(spec.origin).resolve().parent.parent == ROOT:
            found.append(name)
    return found


def python_files(*tops: Path) -> Iterator[Path]:
    for top in tops:
        if top.is_file():
            yield top
            continue
        for path in sorted(top.rglob("*.py")):
            if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts[:-1]):
                yield path


def project_code() -> list[Path]:
    """Every module of the apps and the project package, without migrations and tests."""
    return list(python_files(*(ROOT / name for name in existing_packages()), ROOT / "manage.py"))


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


# --- No cycles ---------------------------------------------------------------------------


def strongly_connected_components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the import graph is deep enough to hit the recursion limit)."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0

    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = lowlink[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = lowlink[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    lowlink[node] = min(lowlink[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    lowlink[parent] = min(lowlink[parent], lowlink[node])
                if lowlink[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return components


def a_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One concrete loop through the component's first module: a shortest path back to it."""
    start, inside = component[0], set(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for successor in sorted(graph[node] & inside):
                if successor == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if successor not in previous:
                    previous[successor] = node
                    following.append(successor)
        frontier = following
    return component


def describe(grimp_graph, cycle: list[str]) -> str:
    steps = []
    for importer, imported in zip(cycle, cycle[1:], strict=False):
        details = grimp_graph.get_import_details(importer=importer, imported=imported)
        lines = ", ".join(f"l.{detail['line_number']}" for detail in details)
        steps.append(f"    {importer} -> {imported} ({lines})")
    return "\n".join(steps)


def loops(graph: dict[str, set[str]]) -> list[list[str]]:
    return [component for component in strongly_connected_components(graph) if len(component) > 1]


def test_no_two_modules_import_each_other_directly_or_in_a_loop():
    packages = existing_packages()
    assert {"chibo", "meetings", "members"} <= set(packages), packages
    imports = grimp.build_graph(*packages, include_external_packages=False, cache_dir=None)
    graph = {module: imports.find_modules_directly_imported_by(module) for module in imports.modules}

    report = [
        f"{len(component)} modules in a loop: {', '.join(component)}\n  for example:\n"
        + describe(imports, a_cycle(graph, component))
        for component in loops(graph)
    ]
    assert not report, "Import cycles (a cycle means a rule is in the wrong place):\n\n" + "\n\n".join(report)


def test_no_two_apps_import_each_other_directly_or_in_a_loop():
    """Between apps a loop may pass through different modules of each (members.scope ->
    meetings.models, meetings.views -> members.scope): still a loop between the apps."""
    packages = existing_packages()
    imports = grimp.build_graph(*packages, include_external_packages=False, cache_dir=None)
    graph: dict[str, set[str]] = {package: set() for package in packages}
    examples: dict[tuple[str, str], str] = {}
    for importer in sorted(imports.modules):
        for imported in sorted(imports.find_modules_directly_imported_by(importer)):
            edge = (importer.split(".")[0], imported.split(".")[0])
            if edge[0] != edge[1]:
                graph[edge[0]].add(edge[1])
                examples.setdefault(edge, f"{importer} -> {imported}")

    report = []
    for component in loops(graph):
        cycle = a_cycle(graph, component)
        steps = "\n".join(f"    {a} -> {b}, e.g. {examples[a, b]}" for a, b in zip(cycle, cycle[1:], strict=False))
        report.append(f"apps in a loop: {', '.join(component)}\n{steps}")
    assert not report, "Apps that import each other (dependencies run one way):\n\n" + "\n\n".join(report)


def test_tarjan_finds_loops_and_only_loops():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e", "d"}}
    components = sorted(strongly_connected_components(graph))
    assert components == [["a", "b", "c"], ["d"], ["e"]]
    assert a_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]


# --- Nothing that hides a cycle ------------------------------------------------------------


def is_project_module(name: str | None, level: int = 0) -> bool:
    return level > 0 or (name or "").split(".")[0] in PROJECT_PACKAGES


def imported_names(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [("." * node.level) + (node.module or "")] if is_project_module(node.module, node.level) else []
    return [alias.name for alias in node.names if is_project_module(alias.name)]


class FunctionImports(ast.NodeVisitor):
    """Imports of the project found inside a function, with the innermost function's name."""

    def __init__(self):
        self.functions: list[str] = []
        self.found: list[tuple[ast.AST, str, list[str]]] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef):
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node: ast.Import | ast.ImportFrom):
        if self.functions and (names := imported_names(node)):
            self.found.append((node, self.functions[-1], names))

    visit_ImportFrom = visit_Import


def test_no_import_of_the_project_inside_a_function():
    found = []
    for path in project_code():
        visitor = FunctionImports()
        visitor.visit(parse(path))
        found += [
            f"{where(path, node)} in {function}(): {', '.join(names)}"
            for node, function, names in visitor.found
            # Django's documented place to load an app's signal handlers once the models are ready.
            if not (path.name == "apps.py" and function == "ready")
        ]
    assert not found, "Imports of the project's own modules inside functions (move the rule instead):\n" + "\n".join(
        found
    )


IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


def caught_names(handler_type: ast.expr | None) -> set[str]:
    if handler_type is None:
        return set()
    if isinstance(handler_type, ast.Tuple):
        return set().union(*(caught_names(element) for element in handler_type.elts))
    if isinstance(handler_type, ast.Name):
        return {handler_type.id}
    if isinstance(handler_type, ast.Attribute):
        return {handler_type.attr}
    return set()


def test_no_import_error_fallbacks_in_project_code():
    # A handler that only re-raises with a better message (manage.py's "Is Django installed?") is
    # no fallback; one that carries on with something else is.
    found = [
        f"{where(path, node)}: except {ast.unparse(node.type)}"
        for path in project_code()
        for node in ast.walk(parse(path))
        if isinstance(node, ast.ExceptHandler)
        and caught_names(node.type) & IMPORT_ERRORS
        and not isinstance(node.body[-1], ast.Raise)
    ]
    assert not found, "`except ImportError` fallbacks in project code:\n" + "\n".join(found)


def test_tests_do_not_skip_when_a_project_module_fails_to_import():
    found = []
    for path in python_files(ROOT / "tests"):
        for node in ast.walk(parse(path)):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if name != "importorskip" or not node.args:
                continue
            argument = node.args[0]
            if not isinstance(argument, ast.Constant) or is_project_module(str(argument.value)):
                found.append(f"{where(path, node)}: {ast.unparse(node)}")
    assert not found, "importorskip turns an import cycle into a skipped test; import directly:\n" + "\n".join(found)


# --- One place filters by organisation path --------------------------------------------------


def test_only_members_access_filters_by_organisation_path():
    lookup = "path__" + "startswith"  # spelled in two halves so this file does not match itself
    allowed = ROOT / "members" / "access.py"
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in python_files(ROOT)
        if path != allowed
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if lookup in line
    ]
    assert not found, f"`{lookup}` outside members/access.py (ask members.access for the subtree):\n" + "\n".join(found)


# --- The scope guard is not bypassed ------------------------------------------------------------

# Where a query must read past the user's own scope, and why. Adding a line here is a review point.
UNSCOPED_READERS = {
    # Party card numbers are national: the importer must find a clash in any commune (and refuses
    # it without showing that member).
    "members/services/imports.py",
    # The member form's card check, the same national lookup; the holder is never shown to a user
    # who may not see them (members.services.cards).
    "members/services/cards.py",
    # Correlated subqueries (OuterRef("pk")) under a scoped query of meetings: they read only the
    # marks and minutes of meetings that query found, without joining the scope a second time
    # (which made PostgreSQL read every meeting of a province).
    "oversight/selectors/flags.py",
    "oversight/selectors/ratings.py",
    # A user's roles with the path of their own branch: the scope is built from this read, so it
    # cannot run under the scope.
    "members/access.py",
}


def test_the_unscoped_manager_is_used_only_where_justified():
    found = sorted(
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in python_files(ROOT)
        if str(path.relative_to(ROOT)) not in UNSCOPED_READERS and not path.is_relative_to(ROOT / "tests")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ".unscoped." in line
    )
    assert not found, "Query through Model.objects inside a scope (members.access), not .unscoped:\n" + "\n".join(found)


def test_no_task_is_looked_up_by_name():
    """``current_app.tasks["…"]`` hides a dependency from import-linter: a module that needs a task
    imports it, or its caller queues it (docs/architecture.md)."""
    found = [
        where(path, node)
        for path in project_code()
        for node in ast.walk(parse(path))
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "tasks"
    ]
    assert found == []

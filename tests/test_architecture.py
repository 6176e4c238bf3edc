"""The shape of the code (docs/architecture.md): imports run one way, nothing hides a cycle,
and the rules that a layer contract cannot see, checked on the syntax tree (never by grepping
strings, which a rename or another spelling slips past):

- only members/access.py compares, cuts or measures organisation paths (``path_comparisons``);
- permission predicates live in an app's access.py (``permission_predicates``: what counts as
  one is in its docstring);
- no task is looked up by name (``tasks_by_name``);
- every read through a plain ``unscoped`` manager is in the reviewed list ``UNSCOPED_READS``,
  with its reason (``unscoped_reads``).

Each checker is a function of a parsed module, and has a test that feeds it a snippet with the
fault, so a checker that stopped seeing anything would fail. import-linter (`make lint`) checks
the order of the apps; the tests below also check cycles between any two modules, inside an app
too, and the tricks that hide one (an import inside a function, an `except ImportError`
fallback, a test that skips when the import fails).
"""

import ast
import importlib.util
import re
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
# The project's own top-level packages, including those later issues add.
PROJECT_PACKAGES = (
    "chibo",
    "portal",
    "demo",
    "oversight",
    "petitions",
    "meetings",
    "members",
    "accounts",
    "notifications",
    "workdays",
)
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


# --- Checks on the syntax tree ---------------------------------------------------------------
#
# Each check is a function from a parsed module to what it finds, (node, enclosing function,
# what is wrong), so that a test can feed it a snippet with the fault and see it reported.

Finding = tuple[ast.AST, str, str]


def with_function(tree: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """Every node with the name of the innermost function (or method) around it, "<module>" outside."""
    stack = [(tree, "<module>")]
    while stack:
        node, function = stack.pop()
        yield node, function
        inner = node.name if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else function
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))


def called_name(call: ast.Call) -> str:
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def text_of(node: ast.AST) -> str | None:
    """A string constant, or an f-string's constant parts (``f"{prefix}path__startswith"`` reads
    ``path__startswith``); None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    return None


def report(found: Iterable[Finding], path: Path) -> list[str]:
    return sorted(f"{where(path, node)} in {function}(): {message}" for node, function, message in found)


def scan(check, allowed: dict[str, str] | None = None, *, skip=lambda path: False) -> list[str]:
    """Run a check over the project's code; ``allowed`` keys are "path" or "path:function"."""
    allowed = allowed or {}
    found = []
    for path in project_code():
        name = str(path.relative_to(ROOT))
        if name in allowed or skip(path):
            continue
        found += report(
            (
                (node, function, message)
                for node, function, message in check(parse(path))
                if f"{name}:{function}" not in allowed
            ),
            path,
        )
    return found


def snippet(source: str) -> ast.Module:
    return ast.parse(textwrap.dedent(source))


# --- One place compares organisation paths ------------------------------------------------------

# Lookups that compare paths as text (a subtree, an order); ``path__in`` with paths that
# members.access gave (ancestor_paths, parent_path) is an equality, not a comparison.
PATH_LOOKUP = re.compile(r"(^|__)path__(i?startswith|i?endswith|i?contains|i?regex|range|gt|gte|lt|lte)$")
# Database functions that cut or measure a path column: grouping by an ancestor is subtree_key's job.
SQL_TEXT_FUNCTIONS = {"Substr", "Left", "Right", "Length", "StrIndex", "Concat", "LPad", "RPad", "Replace"}
# django-treebeard's encoding of the materialised path.
TREE_ENCODING = {"steplen", "alphabet", "str2int", "int2str", "_get_path", "_get_basepath", "_inc_path"}
# Raw SQL (upper-case keywords, so a docstring that mentions ``path LIKE`` is not SQL).
RAW_PATH_SQL = re.compile(r"\b(WHERE|AND|OR|ON)\s+(\w+\.)?path\s+(NOT\s+)?(I?LIKE|<|>|BETWEEN)\b")
# ``.path`` of these is a URL or a file, not an organisation's.
NOT_ORGANISATIONS = {"request", "os", "sys", "settings", "file", "field"}


def is_path(node: ast.AST) -> bool:
    """``<something>.path``: an organisation's materialised path (not ``request.path``)."""
    if not (isinstance(node, ast.Attribute) and node.attr == "path"):
        return False
    owner = node.value
    owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
    return owner_name not in NOT_ORGANISATIONS


def names_path_column(node: ast.AST) -> bool:
    """``"path"``, ``"branch__path"``, ``f"{prefix}path"``."""
    text = text_of(node)
    return text is not None and (
        text == "path" or text.endswith("__path") or (isinstance(node, ast.JoinedStr) and text.endswith("path"))
    )


def path_comparisons(tree: ast.AST) -> list[Finding]:
    """Code that compares, cuts, joins or measures organisation paths, or queries by a path prefix:
    ``x.path.startswith(y.path)``, ``path__startswith=`` (as a keyword or a ``**{…}`` key),
    ``node.path[:-steplen]`` (a parent computed), ``node.path + "%"``, ``len(node.path)`` (a depth),
    ``a.path < b.path``, ``Substr("branch__path", …)``, treebeard's ``steplen``/``str2int``…, and
    raw SQL ``path LIKE``. members/access.py answers these questions (is_under, subtree_q,
    ancestor_paths, parent_path, subtree_key)."""
    found = []
    for node, function in with_function(tree):
        message = None
        if isinstance(node, ast.Call):
            name = called_name(node)
            receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
            if name in {"startswith", "endswith"} and any(is_path(part) for part in (receiver, *node.args)):
                message = f"compares paths with .{name}()"
            elif name == "len" and node.args and is_path(node.args[0]):
                message = "measures a path (a depth computed from it)"
            elif name in SQL_TEXT_FUNCTIONS and node.args and names_path_column(node.args[0]):
                message = f"cuts the path column in SQL ({name})"
            for keyword in node.keywords:
                if keyword.arg and PATH_LOOKUP.search(keyword.arg):
                    message = f"queries by `{keyword.arg}`"
        elif isinstance(node, ast.Subscript) and is_path(node.value):
            message = "slices a path (a parent or an ancestor computed)"
        elif isinstance(node, ast.BinOp) and (is_path(node.left) or is_path(node.right)):
            message = "builds a path with an operator"
        elif isinstance(node, ast.JoinedStr) and any(
            isinstance(part, ast.FormattedValue) and is_path(part.value) for part in node.values
        ):
            message = "builds a path in an f-string"
        elif (
            isinstance(node, ast.Compare)
            and any(isinstance(operator, ast.Lt | ast.LtE | ast.Gt | ast.GtE) for operator in node.ops)
            and any(is_path(side) for side in (node.left, *node.comparators))
        ):
            message = "orders paths to compare them"
        elif isinstance(node, ast.Attribute) and node.attr in TREE_ENCODING:
            message = f"uses the tree's path encoding ({node.attr})"
        elif (text := text_of(node)) is not None and (PATH_LOOKUP.search(text) or RAW_PATH_SQL.search(text)):
            message = f"queries by path prefix ({text!r})"
        if message:
            found.append((node, function, message))
    return found


# Where path arithmetic is the job, and why. Adding a line here is a review point.
PATH_ARITHMETIC_ALLOWED = {
    "members/access.py": "the access primitive: the subtree filter, ancestors, is_under",
    # The scale benchmark's tree (never in production) is written with raw SQL in treebeard's
    # encoding, 30,000 nodes at once, and deleted by its path prefix in raw SQL too.
    "demo/scale.py:_build": "writes the benchmark tree's paths in treebeard's encoding",
    "demo/scale.py:scale_delete": "deletes the benchmark tree by its path prefix in raw SQL",
}


def test_only_members_access_compares_organisation_paths():
    found = scan(path_comparisons, PATH_ARITHMETIC_ALLOWED)
    assert not found, "Organisation paths handled outside members/access.py (ask it: is_under, subtree_q, "
    "ancestor_paths, parent_path, subtree_key):\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "def f(guidance, org):\n    return guidance.organization.path.startswith(org.path)",
        "def f(own, node):\n    return own.startswith(node.path)",
        "def f(node):\n    return Organization.objects.filter(path__startswith=node.path)",
        'def f(prefix, node):\n    return Q(**{f"{prefix}path__startswith": node.path})',
        "def f(branch):\n    return branch.path[: -Organization.steplen]",
        'def f(root):\n    return root.path + "%"',
        "def f(row):\n    return len(row.path)",
        'def f(width):\n    return Substr("branch__path", 1, width)',
        "def f(a, b):\n    return a.path <= b.path",
        "def f(cursor, p):\n    cursor.execute('SELECT id FROM members_organization WHERE path LIKE %s', [p])",
    ],
)
def test_the_path_check_reports_a_comparison_of_paths(source):
    assert {function for _, function, _ in path_comparisons(snippet(source))} == {"f"}


def test_the_path_check_leaves_urls_and_lookups_by_key_alone():
    source = """
    def f(request, rows, by_group, node):
        if request.path.startswith("/static/"):
            return [by_group[row.path] for row in rows if row.path in by_group]
        return Organization.objects.filter(path__in=ancestor_paths(node)).order_by("path")
    """
    assert path_comparisons(snippet(source)) == []


# --- Permission predicates live in each app's access.py ----------------------------------------

PREDICATE_NAME = re.compile(r"^_*(can|may)_")
# members.access's questions about one object: only an access.py asks them.
ACCESS_QUESTIONS = {"reaches", "is_under"}


def truth_tested(tree: ast.AST) -> set[ast.AST]:
    """Expressions whose truth is the point: ``bool(x)``, ``not x``, ``x or y``, ``if x``."""
    found: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and called_name(node) == "bool" and node.args:
            found.add(node.args[0])
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            found.add(node.operand)
        elif isinstance(node, ast.BoolOp):
            found.update(node.values)
        elif isinstance(node, ast.If | ast.While | ast.IfExp | ast.Assert):
            found.add(node.test)
    return found


def permission_predicates(tree: ast.AST) -> list[Finding]:
    """A permission predicate, for this check, is any of:

    - a function named ``can_*`` or ``may_*`` (leading underscores too: ``_can_manage``);
    - a call of members.access's one-object questions, ``reaches(user, kinds, node)`` or
      ``is_under(node, ancestor)``;
    - ``nodes(user, kinds)`` tested for truth (``bool(nodes(…))``, ``not nodes(…)``,
      ``x or nodes(…)``, ``if nodes(…)``): "does this user hold such a role?".

    Outside an app's access.py these are rules hidden in a view, a selector or a panel; the
    access.py names them (``can_see_branch``, ``holds_officer_role``) and the caller asks it.
    Using ``nodes(user, kinds)`` as a list (the branches a secretary keeps) is not a predicate."""
    tested = truth_tested(tree)
    found = []
    for node, function in with_function(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and PREDICATE_NAME.match(node.name):
            found.append((node, node.name, "defines a permission predicate"))
        elif isinstance(node, ast.Call) and called_name(node) in ACCESS_QUESTIONS:
            found.append((node, function, f"asks {called_name(node)}() outside an access.py"))
        elif isinstance(node, ast.Call) and called_name(node) == "nodes" and node in tested:
            found.append((node, function, "tests whether the user holds a role, outside an access.py"))
    return found


def test_permission_predicates_live_in_an_access_module():
    found = scan(permission_predicates, skip=lambda path: path.name == "access.py")
    assert not found, "Permission predicates outside an app's access.py:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "def can_edit(user, petition):\n    return True",
        "def _may_forward(user, petition):\n    return True",
        "def f(user, branch):\n    return user.is_superuser or reaches(user, READERS, branch)",
        "def f(user):\n    return bool(nodes(user, OFFICER_ROLE))",
        "def f(user):\n    if not access.nodes(user, OFFICER_ROLE):\n        raise Http404",
        "def f(node, held):\n    return is_under(node, held)",
    ],
)
def test_the_predicate_check_reports_a_predicate_outside_access(source):
    assert permission_predicates(snippet(source)), source


def test_the_predicate_check_leaves_a_list_of_nodes_alone():
    source = "def f(user):\n    return [node for node in nodes(user, {RoleKind.SECRETARY}) if node.is_branch]"
    assert permission_predicates(snippet(source)) == []


# --- No task looked up by name --------------------------------------------------------------------


def tasks_by_name(tree: ast.AST) -> list[Finding]:
    """``current_app.tasks["…"]`` (any ``<x>.tasks[…]``) hides a dependency from import-linter: a
    module that needs a task imports it, or its caller queues it (docs/architecture.md)."""
    return [
        (node, function, f"looks a task up by name: {ast.unparse(node)}")
        for node, function in with_function(tree)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "tasks"
    ]


def test_no_task_is_looked_up_by_name():
    found = scan(tasks_by_name)
    assert not found, "\n".join(found)


def test_the_task_check_reports_a_lookup_by_name():
    source = 'def f(pk):\n    current_app.tasks["meetings.tasks.guidance_insert"].delay(pk)'
    assert [function for _, function, _ in tasks_by_name(snippet(source))] == ["f"]


# --- The scope guard is not bypassed ------------------------------------------------------------

# Every read through a plain ``unscoped`` manager, as "path:function", and why it may read past the
# user's scope. Adding a line here is a review point; a line no longer used fails the test too.
UNSCOPED_READS = {
    "meetings/offline.py:__call__": "an idempotency key is looked up by its user and key only: the "
    "user's own writes, answered to that user alone (a key kept for a write outside their scope, "
    "a 404, carries no meeting and its stored answer is that 404)",
    "members/access.py:roles": "the scope is built from the user's roles (and their own branch's "
    "path): this read cannot run under the scope it builds",
    "members/access.py:manageable_users": "no takeover from within: an account whose member record "
    "lies outside the staff member's subtrees is excluded, and that record is what this looks for "
    "(only its user id is read, never shown)",
    "members/services/cards.py:card_holder": "party card numbers are national: the member form's "
    "check must find a clash in any commune (the holder is never shown to a user who may not see them)",
    "members/services/imports.py:plan_import": "the same national card check for an import, and the "
    "branch's own members by name; a clash elsewhere is refused without showing that member",
    "members/services/residence.py:residence_branches_for": "a letter of introduction goes to any "
    "commune: the member's residence is matched against branch names of every commune (only branch "
    "names and their communes' are read; nothing is shown but the branch found)",
    "members/services/residence.py:residence_branch_by_code": "the same, by the branch's short code "
    "where the address does not tell branches apart (only the branch itself is read)",
    "members/services/imports.py:_linking": "an import may mark rows as linked working members "
    "(QĐ 213): their workplace branch is named by code or name in any commune, and whether the card "
    "holder already keeps a link is asked across communes; nothing of either is shown but the branch's name",
    "oversight/selectors/flags.py:_flag_marks": "a correlated subquery (OuterRef) under the scoped "
    "query of meetings: it reads only the marks of meetings that query found, without joining the "
    "scope a second time (which made PostgreSQL read every meeting of a province)",
    "oversight/selectors/ratings.py:annual_ratings": "a correlated subquery (OuterRef) under the "
    "scoped query of meetings: only the minutes of meetings it found, no second join",
}


def unscoped_reads(tree: ast.AST) -> list[Finding]:
    """Every ``<Model>.unscoped`` read (declaring the manager, ``unscoped = Manager()``, is not one)."""
    return [
        (node, function, ast.unparse(node))
        for node, function in with_function(tree)
        if isinstance(node, ast.Attribute) and node.attr == "unscoped" and isinstance(node.ctx, ast.Load)
    ]


def test_the_unscoped_managers_are_read_only_where_reviewed():
    found: dict[str, list[str]] = {}
    for path in project_code():
        for node, function, _ in unscoped_reads(parse(path)):
            found.setdefault(f"{path.relative_to(ROOT)}:{function}", []).append(where(path, node))
    unreviewed = sorted(f"{key} ({', '.join(lines)})" for key, lines in found.items() if key not in UNSCOPED_READS)
    assert not unreviewed, (
        "Reads through Model.unscoped that nobody reviewed (use Model.objects inside a scope, "
        "or add the function to UNSCOPED_READS with its reason):\n" + "\n".join(unreviewed)
    )
    assert sorted(set(UNSCOPED_READS) - set(found)) == [], "UNSCOPED_READS names functions that no longer read unscoped"


def test_the_unscoped_check_reports_a_read_and_not_the_declaration():
    source = """
    class Meeting(models.Model):
        objects = ScopedManager()
        unscoped = models.Manager()

    def everyone():
        return Member.unscoped.filter(active=True)
    """
    assert [function for _, function, _ in unscoped_reads(snippet(source))] == ["everyone"]

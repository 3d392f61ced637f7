"""The house rules the layout promises, checked by walking the source: no streamlit in the
library, no import circles, package `__init__` files that only hand names on, modules that
import their siblings directly, none reaching into another's underscore names, and mypy over
the app's scripts too."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "hubmetrics"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(importer: str, tree: ast.AST) -> Iterator[tuple[str, ast.alias, int]]:
    """(module, the name imported, line) for every import of hubmetrics in a module, at any
    depth: an import inside a function counts, since it is a circle all the same."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, alias, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the importer's package
                package = importer.split(".")
                if not MODULES[importer].name == "__init__.py":
                    package = package[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, *([base] if base else [])])
            for alias in node.names:
                yield base, alias, node.lineno


def dependencies(name: str) -> set[str]:
    """The hubmetrics modules that `name` imports: `from pkg import sub` is an edge to the
    submodule; `from pkg import thing` is an edge to the package's `__init__`."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: set[str] = set()
    for module, alias, _ in imported(name, tree):
        if f"{module}.{alias.name}" in MODULES:
            found.add(f"{module}.{alias.name}")
        elif module in MODULES:
            found.add(module)
    found.discard(name)
    return found


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles() -> None:
    graph = {name: dependencies(name) for name in MODULES}
    assert circles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_library_never_loads_streamlit() -> None:
    """Importing every module outside hubmetrics/app loads no streamlit (nor the app)."""
    library = [m for m in MODULES if not m.startswith("hubmetrics.app") and "__main__" not in m]
    script = (
        "import importlib, sys\n"
        f"for name in {library!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'"
        " or m.startswith('hubmetrics.app')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert len(library) > 50 and out.strip() == "[]"


def test_package_inits_only_hand_names_on() -> None:
    """An `__init__.py` holds a docstring, imports and `__all__`: no machinery."""
    heavy = []
    for name, path in MODULES.items():
        if path.name != "__init__.py":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            names = isinstance(node, ast.Assign) and [
                getattr(t, "id", None) for t in node.targets
            ] == ["__all__"]
            if not (docstring or names or isinstance(node, ast.Import | ast.ImportFrom)):
                heavy.append(f"{name}:{node.lineno}")
    assert heavy == []


def test_no_module_imports_another_modules_underscore_names() -> None:
    reaching = []
    for name in MODULES:
        tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
        for module, alias, line in imported(name, tree):
            own = module == name
            if module.split(".")[0] == "hubmetrics" and alias.name.startswith("_") and not own:
                reaching.append(f"{name}:{line} imports {module}.{alias.name}")
    assert reaching == []


def test_modules_import_their_siblings_not_their_own_package() -> None:
    """Inside a package, a module imports the sibling that defines a name, never the
    package's own `__init__` (which imports the siblings: a circle in waiting)."""
    through_own = []
    for name, path in MODULES.items():
        if path.name == "__init__.py" or name.count(".") < 2:
            continue
        package = name.rpartition(".")[0]
        for module, alias, line in imported(name, ast.parse(path.read_text(encoding="utf-8"))):
            whole = f"{module}.{alias.name}"
            if whole == package or (module == package and whole not in MODULES):
                through_own.append(f"{name}:{line} imports {whole}")
    assert through_own == []


def test_mypy_checks_the_entry_script_and_every_page() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    checked = settings["mypy"]["files"]
    assert {"hubmetrics", "dashboard.py", "app_pages"} <= set(checked)
    assert (ROOT / "app_pages").is_dir() and list((ROOT / "app_pages").glob("*.py"))

"""Import loops and imports that run down the layers, found by reading the source (nothing is imported).

    python -m curbside.devtools.imports          # lists them; exit 1 if there are any

Every import counts, including those inside functions and under `if TYPE_CHECKING:`: a loop held
together by a late import is still a loop. A module may import its own layer or any lower one;
LAYERS below, lowest first, is the order of the answer pipeline and what stands on it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = "curbside"
ROOT = Path(__file__).resolve().parents[1]

# Lowest first. A module's layer is the first entry that is it or a package holding it.
LAYERS: list[tuple[str, ...]] = [
    ("curbside", "curbside.model", "curbside.config", "curbside.errors"),
    # The store is plain SQL over the model; the vocabulary (language) loads from it.
    ("curbside.store",),
    ("curbside.language",),
    ("curbside.ingest", "curbside.index"),
    ("curbside.search",),
    ("curbside.compose",),
    ("curbside.verify",),
    ("curbside.ask",),
    ("curbside.render",),
    ("curbside.saved", "curbside.publish"),
    # Library is the one object the CLI, the web app and the tests hold: it wires every stage.
    ("curbside.library",),
    ("curbside.web", "curbside.cli"),
    ("curbside.evaluate",),
    ("curbside.devtools",),
]


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path = ROOT) -> dict[str, Path]:
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The curbside modules `name` imports anywhere in its file."""
    return {target for target in _targets(name, path, known) if target in known and target != name}


def unresolved_imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Imports of curbside modules that do not exist: a relative import left pointing at a module's
    old place after a move fails only when that line runs (often inside a function)."""
    return {t for t in _targets(name, path, known) if (t == PACKAGE or t.startswith(PACKAGE + ".")) and t not in known}


def _targets(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from package import module` imports the module; `from module import name` the module.
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in known else target)
    return found


def layer_of(name: str) -> int:
    for index, members in enumerate(LAYERS):
        for member in members:
            if name == member or (member != PACKAGE and name.startswith(member + ".")):
                return index
    raise SystemExit(f"{name} is in no layer; add it to LAYERS in {__file__}.")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def problems(root: Path = ROOT) -> list[str]:
    known = modules(root)
    graph = {name: imports_of(name, path, known) for name, path in known.items()}
    found = [
        f"missing module: {name} imports {target}, which does not exist"
        for name, path in known.items()
        for target in sorted(unresolved_imports(name, path, known))
    ]
    for group in cycles(graph):
        inside = set(group)
        edges = ", ".join(f"{a} -> {b}" for a in group for b in sorted(graph[a] & inside))
        found.append(f"import loop: {edges}")
    for name in sorted(graph):
        for target in sorted(graph[name]):
            if layer_of(target) > layer_of(name):
                found.append(
                    f"upward import: {name} (layer {layer_of(name)}) imports {target} (layer {layer_of(target)})"
                )
    return found


def main() -> int:
    found = problems()
    for line in found:
        print(line)
    print(f"{len(found)} import problem(s) in {PACKAGE}/", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

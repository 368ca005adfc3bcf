"""Only curbside/store/ speaks SQL: every execute, executemany and executescript call lives there,
so the rest of curbside calls named store functions (issue 13)."""

from __future__ import annotations

import ast

from curbside.devtools import imports

SQL_CALLS = {"execute", "executemany", "executescript"}


def sql_calls_outside_store() -> list[str]:
    found = []
    for name, path in imports.modules().items():
        if name == "curbside.store" or name.startswith("curbside.store."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
                found.append(f"{name}:{node.lineno} calls .{node.func.attr}()")
    return found


def test_no_module_outside_store_runs_sql() -> None:
    assert sql_calls_outside_store() == []

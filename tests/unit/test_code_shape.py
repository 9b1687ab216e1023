"""Small modules and functions in the product's code: no function over 80 lines, no module over 400.

The demo generators (survey/demo*.py) are data recipes read top to bottom and are left out; tests and bench/ are not
product code.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["app.py", "gunicorn.conf.py", "api", "callbacks", "deploy", "exports", "layouts", "promises", "staff",
           "survey", "translations", "views", "web"]
MAX_FUNCTION_LINES, MAX_MODULE_LINES = 80, 400


def product_files() -> list[Path]:
    files = []
    for name in PRODUCT:
        path = ROOT / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return [f for f in files if not f.name.startswith("demo")]


def test_no_function_over_80_lines():
    long = []
    for path in product_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, "split these: " + "; ".join(long)


def test_no_module_over_400_lines():
    big = [f"{p.relative_to(ROOT)} ({n} lines)" for p in product_files()
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not big, "split these at their seams: " + "; ".join(big)

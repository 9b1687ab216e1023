"""survey/ computes codes and numbers: it imports nothing of the view layer, the web app or the languages."""
from __future__ import annotations

import ast
from pathlib import Path

SURVEY = Path(__file__).resolve().parents[2] / "survey"
OUTSIDE = ("views", "callbacks", "layouts", "api", "exports", "staff", "translations", "dash", "flask", "serving",
           "app", "security")


def test_survey_imports_no_view_layer():
    found = []
    for path in SURVEY.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            found += [(path.name, n) for n in names if n.split(".")[0] in OUTSIDE]
    assert not found

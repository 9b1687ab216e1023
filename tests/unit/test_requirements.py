"""Everything the product imports at run time comes from requirements.txt, not from the test or bench extras.

`make run` installs requirements.txt alone, so a runtime import that only requirements-dev.txt happens to bring in
(as statsmodels brought scipy) fails for every user while the suite, run in the dev venv, stays green. This reads
the imports of the runtime modules, maps them to the installed distributions that provide them, and checks each
is in the closure of requirements.txt: the listed packages and, from their installed metadata, what they require.
"""
from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
# What runs in production: the app, the build CLI, staff pages, exports and the scale-out launcher. Not tests/,
# bench/ or tools/ (a developer's screenshot script), whose packages come from requirements-dev/-bench.
RUNTIME = ["app.py", "gunicorn.conf.py", "web",
           "api", "callbacks", "config", "deploy", "exports", "layouts", "promises", "staff", "survey", "translations",
           "views"]


def runtime_files() -> list[Path]:
    files = []
    for name in RUNTIME:
        path = ROOT / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def imported_top_modules(path: Path) -> set[str]:
    """Top-level names of every absolute import, including those inside functions (they run too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def local_modules() -> set[str]:
    return {p.stem for p in ROOT.glob("*.py")} | {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}


def third_party_imports() -> dict[str, set[str]]:
    """Each third-party top-level module → the runtime files that import it."""
    skip = set(sys.stdlib_module_names) | local_modules() | {"__future__"}
    found: dict[str, set[str]] = {}
    for path in runtime_files():
        for name in imported_top_modules(path) - skip:
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def requirement_lines(path: Path) -> list[Requirement]:
    reqs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        assert not line.startswith("-"), f"{path.name}: options such as {line!r} are not expected in the runtime list"
        reqs.append(Requirement(line))
    return reqs


def closure(reqs: list[Requirement]) -> set[str]:
    """The canonical names of the listed distributions and, recursively, what their installed metadata requires
    (with the extras asked for; environment markers evaluated for this interpreter)."""
    seen: set[str] = set()
    todo = [(r, frozenset(r.extras)) for r in reqs]
    while todo:
        req, extras = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen and not extras:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            continue  # required only under a marker that does not hold here, or not installed: no modules from it
        for spec in dist.requires or []:
            sub = Requirement(spec)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras | {""}):
                todo.append((sub, frozenset(sub.extras)))
    return seen


def test_the_checker_reads_lazy_and_dotted_imports(tmp_path):
    src = tmp_path / "m.py"
    src.write_text("import a.b as c\nfrom d.e import f\nfrom . import g\ndef h():\n    import i\n", encoding="utf-8")
    assert imported_top_modules(src) == {"a", "d", "i"}


def test_the_closure_follows_installed_metadata():
    # dash requires flask, which requires werkzeug: neither is listed in requirements.txt by itself alone.
    names = closure([Requirement("dash")])
    assert {"dash", "flask", "werkzeug"} <= names
    assert "scipy" not in closure([Requirement("dash")])


def test_every_runtime_import_comes_from_requirements_txt():
    provided = closure(requirement_lines(ROOT / "requirements.txt"))
    by_module = metadata.packages_distributions()
    problems = []
    for module, files in sorted(third_party_imports().items()):
        dists = {canonicalize_name(d) for d in by_module.get(module, [])}
        where = ", ".join(sorted(files))
        if not dists:
            problems.append(f"{module} (imported by {where}) is not installed from any distribution")
        elif not dists & provided:
            problems.append(f"{module} (imported by {where}) comes from {', '.join(sorted(dists))}, "
                            "which requirements.txt neither lists nor brings in")
    assert not problems, "\n".join(problems)


def test_every_runtime_requirement_is_pinned():
    loose = [str(r) for r in requirement_lines(ROOT / "requirements.txt")
             if not re.fullmatch(r"==[^,*]+", str(r.specifier))]
    assert not loose, f"requirements.txt: pin these with ==: {loose}"

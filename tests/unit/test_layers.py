"""No import cycles between the product's modules, counting the imports inside functions too.

The layering itself (survey/ imports no view, web or language layer; exports/ and api/ never import callbacks/)
is import-linter's contracts in pyproject.toml, run by `make lint`. What a contract cannot say is "no cycle
anywhere", and an import moved into a function to dodge a cycle is still a cycle: grimp reads those imports too,
so this finds both. A package's __init__ that re-exports its own modules is not a cycle (its modules are its
parts), so edges from a package to its own descendants are left out; so are imports for type checking only.
Which package may import which is the layers contract's job (web.app on top, web.security below the staff pages).
"""
from __future__ import annotations

from graphlib import CycleError, TopologicalSorter

import grimp

PACKAGES = ("survey", "views", "callbacks", "layouts", "api", "exports", "staff", "promises", "web", "translations",
            "deploy")


def import_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)
    return {module: {imported for imported in graph.find_modules_directly_imported_by(module)
                     if not imported.startswith(module + ".")}
            for module in graph.modules}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    try:
        tuple(TopologicalSorter(edges).static_order())
    except CycleError as err:
        return err.args[1]
    return None


def test_the_check_finds_a_cycle():
    assert find_cycle({"a.x": {"b.y"}, "b.y": {"a.x"}})
    assert find_cycle({"a": {"a.x"}, "a.x": set()}) is None


def test_no_import_cycle_between_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


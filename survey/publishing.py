"""The published build and the one before it: data/processed is a symbolic link to data/builds/<build id>/, and
data/processed.previous to the build it pointed at before the last swap.

`swap_in` publishes a build (the public link replaced in one atomic step, os.replace); `restore` swaps the two
links back, so one click undoes a publish, and a second undoes the undo. A running app notices either the same way:
survey.results.open_results keys its cache by the folder the link resolves to and the manifest's time, so each
worker serves the other build from its next request, without a restart. Old builds are pruned: the published and
the previous build are always kept, and of the others the KEEP_BUILDS newest (staged builds the upload page made
for its comparison among them).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

KEEP_BUILDS = 3


class RestoreError(RuntimeError):
    """There is no previous build to go back to (none published before, or its folder is gone)."""


def previous_link(target: Path) -> Path:
    return target.with_name(target.name + ".previous")


def linked(link: Path) -> Path | None:
    """The folder `link` points at, or None when it is missing or its folder is gone."""
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def _point(link: Path, folder: Path) -> None:
    """Make `link` point at `folder` in one step (a new link renamed over the old one)."""
    new = link.with_name(link.name + ".new")
    if new.is_symlink():
        new.unlink()
    new.symlink_to(os.path.relpath(folder, link.parent))
    os.replace(new, link)


def swap_in(folder: Path, target: Path) -> None:
    """Point `target` (a symlink) at `folder` in one atomic step, remember what it pointed at, prune old builds."""
    if target.exists() and not target.is_symlink():
        raise RuntimeError(f"{target} är en vanlig mapp, inte en länk; flytta undan den (move it away) och bygg igen")
    before = linked(target)
    _point(target, folder)
    if before is not None and before != folder.resolve():
        _point(previous_link(target), before)
    prune(folder.parent, target)


def restore(target: Path) -> Path:
    """Publish the previous build again (and remember the one it replaces as the previous); returns its folder."""
    previous, current = linked(previous_link(target)), linked(target)
    if previous is None or current is None:
        raise RestoreError("det finns inget tidigare bygge att återställa (no previous build to restore)")
    _point(target, previous)
    _point(previous_link(target), current)
    return previous


def prune(builds: Path, target: Path) -> None:
    """Delete old builds: all but the published, the previous and the KEEP_BUILDS newest."""
    keep = {p for p in (linked(target), linked(previous_link(target))) if p is not None}
    folders = sorted(p for p in builds.iterdir() if p.is_dir())
    for old in folders[:-KEEP_BUILDS]:
        if old.resolve() not in keep:
            shutil.rmtree(old, ignore_errors=True)

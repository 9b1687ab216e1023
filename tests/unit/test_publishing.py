"""The publishing safety net's parts without a server: the links (publish, restore, prune), the comparison's flags,
saved area aliases, and the rule that deletes old uploads. The whole flow in Chromium: tests/privacy/test_upload.py."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from staff import area_aliases, upload_cleanup
from survey.compare import area_changes, share_changes, wave_changes
from survey.config import all_area_aliases, area_aliases_path, load_config
from survey.publishing import KEEP_BUILDS, RestoreError, previous_link, prune, restore, swap_in

ROOT = Path(__file__).resolve().parents[2]


def _build(builds: Path, name: str, inputs: tuple[str, ...] = ()) -> Path:
    folder = builds / name
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"build_id": name, "inputs": [{"path": p} for p in inputs]}))
    return folder


def test_publish_restore_and_restore_again(tmp_path):
    builds, target = tmp_path / "builds", tmp_path / "processed"
    first, second = _build(builds, "20260101T000000Z"), _build(builds, "20260102T000000Z")
    swap_in(first, target)
    assert target.resolve() == first and not previous_link(target).exists()
    with pytest.raises(RestoreError):
        restore(target)  # nothing published before the first
    swap_in(second, target)
    assert target.resolve() == second and previous_link(target).resolve() == first
    assert os.readlink(target) == "builds/20260102T000000Z"  # relative: the data folder may move
    assert restore(target) == first
    assert target.resolve() == first and previous_link(target).resolve() == second
    restore(target)  # the undo undone
    assert target.resolve() == second and previous_link(target).resolve() == first


def test_pruning_keeps_the_published_and_the_previous_build(tmp_path):
    builds, target = tmp_path / "builds", tmp_path / "processed"
    old = [_build(builds, f"2026010{i}T000000Z") for i in range(1, 3)]
    swap_in(old[1], target)
    swap_in(old[0], target)  # published: the oldest; previous: the second oldest
    old += [_build(builds, f"2026010{i}T000000Z") for i in range(3, 8)]  # staged builds, say
    prune(builds, target)
    assert sorted(p.name for p in builds.iterdir()) == sorted(
        [old[0].name, old[1].name] + [b.name for b in old[-KEEP_BUILDS:]])


def test_a_wave_that_lost_most_of_its_respondents_is_flagged():
    old = {2016: {"a": 300, "b": 100}, 2019: {"a": 200, "b": 200}}
    new = {2016: {"a": 150, "b": 50}, 2019: {"a": 200, "b": 199}}
    assert wave_changes(old, new) == [
        {"wave": 2016, "old": 400, "new": 200, "change": -200, "flag": True},
        {"wave": 2019, "old": 400, "new": 399, "change": -1, "flag": False}]
    assert wave_changes(old, {2019: new[2019]})[0] == {"wave": 2016, "old": 400, "new": 0, "change": -400,
                                                        "flag": True}
    rows = area_changes(old, new, {"a": "Alfa", "b": "Beta"})
    assert [(r["wave"], r["name"], r["change"], r["flag"]) for r in rows] == [
        (2016, "Alfa", -150, True), (2016, "Beta", -50, True), (2019, "Beta", -1, False)]


def _results(shares: dict[str, tuple]):
    """A stand-in for Results with one question, wave and level: area → (share, low, high) or None (hidden)."""
    def query(q):
        return [{"kind": "question", "area_id": a, "area_name": a.upper(), "group": None,
                 "share": v[0] if v else None, "share_low": v[1] if v else None, "share_high": v[2] if v else None}
                for a, v in shares.items()]
    return SimpleNamespace(codebook=SimpleNamespace(question_ids=["q1"]), waves=[2019], levels=["by"], query=query)


def test_a_share_that_moved_more_than_the_intervals_allow_is_flagged():
    old = _results({"a": (0.30, 0.25, 0.35), "b": (0.30, 0.25, 0.35), "c": (0.5, 0.4, 0.6), "d": (0.2, 0.1, 0.3)})
    new = _results({"a": (0.40, 0.35, 0.45), "b": (0.35, 0.30, 0.40), "c": None, "d": (0.2, 0.1, 0.3)})
    rows = share_changes(old, new)
    assert [(r["area_id"], round(r["change"], 2), r["flag"]) for r in rows] == [
        ("a", 0.10, True), ("b", 0.05, False), ("d", 0.0, False)]  # c is hidden in the new build: not compared
    assert rows[0]["allowed"] == pytest.approx(math.hypot(0.05, 0.05))


def test_saved_area_aliases_are_read_by_the_build_and_bad_ones_refused(tmp_path):
    config = load_config(ROOT / "config/demo.toml")
    config = type(config)(**{**config.__dict__, "output_dir": tmp_path / "data" / "processed"})
    path = area_aliases_path(config)
    assert path == tmp_path / "data" / "area_aliases.toml"
    saved = area_aliases.save(path, {' Wäsa "by" ': "by_vasa"}, {"by_vasa", "by_rot"})
    assert saved == {'Wäsa "by"': "by_vasa"}
    area_aliases.save(path, {"Rots by": "by_rot"}, {"by_vasa", "by_rot"})
    assert all_area_aliases(config) == {'Wäsa "by"': "by_vasa", "Rots by": "by_rot"}
    for bad in ({"": "by_rot"}, {"x\n": "by_rot"}, {"Rot": "by_atlantis"}, {"x" * 201: "by_rot"}):
        with pytest.raises(area_aliases.AliasError):
            area_aliases.save(path, bad, {"by_vasa", "by_rot"})
    assert all_area_aliases(config) == {'Wäsa "by"': "by_vasa", "Rots by": "by_rot"}  # unchanged


def test_old_uploads_are_deleted_by_the_rule(tmp_path):
    uploads, builds, target = tmp_path / "uploads", tmp_path / "builds", tmp_path / "processed"
    names = [f"2026010{i}T000000Z-0000000{i}" for i in range(1, 10)]
    for name in names:
        (uploads / name).mkdir(parents=True)
    (uploads / "not-an-upload").mkdir()
    swap_in(_build(builds, "20260101T000000Z", (f"{uploads}/{names[0]}/svar.csv",)), target)
    swap_in(_build(builds, "20260102T000000Z", (f"{uploads}/{names[1]}/svar.csv",)), target)
    gone = upload_cleanup.clean(uploads, target)
    assert gone == names[2:4]  # of the 7 others, the 5 newest stay
    assert sorted(p.name for p in uploads.iterdir()) == sorted(names[:2] + names[4:] + ["not-an-upload"])

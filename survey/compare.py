"""A new build against the published one, before it is published (the staff upload page's safety net).

- Respondents per wave and per finest area (the manifests' `respondents_by_wave_area`): a wave that lost most of
  its respondents (LOST_MOST or more, or all of them) is flagged.
- The published shares that moved most: every question × wave × level both builds have, all respondents, read by
  each build's own `Results.query` (so only published cells are compared, with their disclosure control). A change
  is flagged as implausible when it is larger than the two 95 % intervals allow: |new − old| > √(h_old² + h_new²),
  h the interval's half-width (a two-sample z-test at 5 %; between two exports of the same survey the numbers
  should not move more than sampling would move them, so such a change usually means a column or a coding changed).

Numbers and codes only; the staff page (staff/publish_report.py) writes them in a language.
"""
from __future__ import annotations

import math

from .results import Query, Results

LOST_MOST = 0.5  # a wave with at most half its published respondents left is flagged
TOP = 15         # rows of the largest changes shown


def respondents(manifest: dict) -> dict[int, dict[str, int]]:
    return {int(w): dict(per_area) for w, per_area in (manifest.get("respondents_by_wave_area") or {}).items()}


def wave_changes(old: dict[int, dict[str, int]], new: dict[int, dict[str, int]]) -> list[dict]:
    rows = []
    for wave in sorted(set(old) | set(new)):
        before, after = sum(old.get(wave, {}).values()), sum(new.get(wave, {}).values())
        rows.append({"wave": wave, "old": before, "new": after, "change": after - before,
                     "flag": before > 0 and after <= before * LOST_MOST})
    return rows


def area_changes(old: dict[int, dict[str, int]], new: dict[int, dict[str, int]], names: dict[str, str]) -> list[dict]:
    """Every (wave, area) whose number of respondents changed, the largest change first."""
    rows = []
    for wave in sorted(set(old) | set(new)):
        before, after = old.get(wave, {}), new.get(wave, {})
        for area in set(before) | set(after):
            a, b = before.get(area, 0), after.get(area, 0)
            if a != b:
                rows.append({"wave": wave, "area_id": area, "name": names.get(area, area), "old": a, "new": b,
                             "change": b - a, "flag": a > 0 and b <= a * LOST_MOST})
    return sorted(rows, key=lambda r: (-abs(r["change"]), r["wave"], r["name"]))


def _half_width(row: dict) -> float:
    low, high = row.get("share_low"), row.get("share_high")
    return (high - low) / 2 if low is not None and high is not None else 0.0


def share_changes(old: Results, new: Results) -> list[dict]:
    """Every published share both builds have, with its change, the largest first."""
    questions = [q for q in new.codebook.question_ids if q in set(old.codebook.question_ids)]
    rows = []
    for wave in [w for w in new.waves if w in old.waves]:
        for question in questions:
            for level in [lv for lv in new.levels if lv in old.levels]:
                q = Query(question=question, wave=wave, level=level)
                before = {r["area_id"]: r for r in old.query(q) if r["group"] is None and r["share"] is not None}
                for r in new.query(q):
                    was = before.get(r["area_id"])
                    if r["group"] is not None or r["share"] is None or was is None:
                        continue
                    change = r["share"] - was["share"]
                    allowed = math.hypot(_half_width(r), _half_width(was))
                    rows.append({"wave": wave, "question": question, "kind": r["kind"], "level": level,
                                 "area_id": r["area_id"], "name": r["area_name"], "old": was["share"],
                                 "new": r["share"], "change": change, "allowed": allowed,
                                 "flag": abs(change) > allowed})
    return sorted(rows, key=lambda r: (-abs(r["change"]), r["wave"], r["question"], r["level"], r["name"]))


def compare(old: Results | None, new: Results) -> dict:
    """The comparison the upload page shows; `old` None when nothing is published yet."""
    before = respondents(old.manifest) if old is not None else {}
    after = respondents(new.manifest)
    finest = new.areas[new.areas["level"] == new.levels[0]]
    names = dict(zip(finest["area_id"].astype(str), finest["name"]))
    shares = share_changes(old, new) if old is not None else []
    areas = area_changes(before, after, names)
    return {"published": old.manifest["build_id"] if old is not None else None,
            "counts_known": bool(before) or old is None,
            "waves": wave_changes(before, after), "areas": areas[:TOP], "areas_changed": len(areas),
            "areas_flagged": sum(r["flag"] for r in areas),
            "shares": shares[:TOP], "shares_compared": len(shares), "shares_flagged": sum(r["flag"] for r in shares)}

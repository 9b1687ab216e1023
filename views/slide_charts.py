"""A story's view shown as its trend or as its index's problem profile (the view's `chart`, views/params.py) instead
of its map or shares: the dashboard's figure (views/figures.py trend_figure, views/profile.py profile_figure) from
the dashboard's queries (views/details.py trend_series, views/profile.py profile_rows), and for a trend the rows
behind the slide's list of numbers. views/slides.py makes the slide."""
from __future__ import annotations

from survey.results import Results
from views.texts import t

from .details import trend_series
from .figures import trend_figure
from .labels import whole_words
from .profile import profile_figure, profile_rows

# The items a profile slide shows, the largest problems first: 20 rows of 20 px type do not fit a 768 px screen;
# the note says how many there are and the dashboard shows them all.
PROFILE_SLIDE_ITEMS = 8


def trend_chart(results: Results, params: dict, area: str | None, lang: str) -> tuple[dict, list, str]:
    """The trend of the chosen area (and the municipality): its figure, (area name, row) per wave with the wave as
    the row's group, and the waves as a span ("2016–2022")."""
    query = results.parse({**params, "by": ""})
    name = results.area_name(query.level, area) if area else None
    series = trend_series(results, params, query, [(name, None)], area, lang)
    rows = [(place, {**r, "group_text": str(r["wave"]), "group_label": str(r["wave"])})
            for place, points in series for r in points]
    waves = sorted({r["wave"] for _, points in series for r in points})
    return trend_figure(series, lang), rows, f"{waves[0]}–{waves[-1]}" if len(waves) > 1 else str(waves[0])


def profile_chart(results: Results, params: dict, area: str | None, lang: str) -> tuple[dict, str]:
    """The index's items for the chosen area (or the municipality), the largest PROFILE_SLIDE_ITEMS: the figure
    and a note of how many items there are."""
    query = results.parse({**params, "by": ""})
    rows = profile_rows(results, {**params, "by": ""}, query, area, lang)
    words = whole_words(results, lang)
    name = results.area_name(query.level, area) if area else t("whole_kommun", lang, **words)
    shown = rows[:PROFILE_SLIDE_ITEMS]
    note = t("profile_slide_note", lang, shown=len(shown), n=len(rows)) if len(rows) > len(shown) else ""
    return profile_figure(shown, name, lang, words), note

"""Codebook parsing: the demo codebook, and clear errors that name the file and the question."""
from __future__ import annotations

from pathlib import Path

import pytest

from survey.codebook import CodebookError, load_codebook

ROOT = Path(__file__).resolve().parents[2]


def test_demo_codebook():
    cb = load_codebook(ROOT / "data" / "demo" / "codebook.yaml")
    q = cb.question("q_otrygg_kvall")
    assert [o.code for o in q.options if o.unfavourable] == ["3", "4", "5"]
    assert {o.label["sv"] for o in q.options if o.exclude} == {"Vet inte", "Går inte ut på kvällen av andra orsaker"}
    assert q.reference == "Otrygghet vid utevistelse sent på kvällen i det egna bostadsområdet"
    assert [g.id for g in cb.groups] == ["kon", "alder", "boende"]
    assert len([q for q in cb.single_choice if q.theme == "problem"]) >= 12
    assert [q.id for q in cb.questions if q.type == "freetext"] == ["fritext"]
    assert all(q.text["sv"] and q.text["en"] and q.short["sv"] and q.short["en"] for q in cb.questions)


BASE = """
survey: {name: {sv: T, en: T}}
area: {column: by, level: by}
groups: []
themes: [{id: t, sv: T, en: T}]
scales: {s: [{code: 1, sv: A, en: A}, {code: 2, sv: B, en: B, unfavourable: true}]}
questions:
"""


@pytest.mark.parametrize("question, message", [
    ("- {id: q, theme: t, text: {sv: Fråga}, scale: s}", "fråga q (text) saknar text på en"),
    ("- {id: q, theme: x, text: {sv: F, en: Q}, scale: s}", "tema 'x'"),
    ("- {id: q, theme: t, text: {sv: F, en: Q}, scale: nope}", "skalan 'nope'"),
    ("- {id: q, theme: t, text: {sv: F, en: Q}, options: [{code: 1, sv: A, en: A}]}",
     "inget alternativ markerat unfavourable"),
    ("- {id: q, theme: t, text: {sv: F, en: Q}, options: [{code: 1, sv: A, en: A, unfavourable: true}, "
     "{code: 1, sv: B, en: B}]}",
     "dubbla koder"),
    ("- {id: q, theme: t, text: {sv: F, en: Q}, scale: s}\n- {id: q, theme: t, text: {sv: F, en: Q}, scale: s}",
     "dubbelt id"),
    ("- {id: q, theme: t, type: grid, text: {sv: F, en: Q}}", "typ 'grid'"),
])
def test_codebook_errors_name_file_and_question(tmp_path, question, message):
    path = tmp_path / "kodbok.yaml"
    path.write_text(BASE + question, encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_missing_file_and_section(tmp_path):
    with pytest.raises(CodebookError, match="filen finns inte"):
        load_codebook(tmp_path / "saknas.yaml")
    (tmp_path / "k.yaml").write_text("survey: {}\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="avsnittet 'area' saknas"):
        load_codebook(tmp_path / "k.yaml")


def test_an_option_not_shown_alone(tmp_path):
    """`shown_alone: false` keeps an option in the group (its answers count) but out of breakdowns and filters;
    anything but true/false, or no option left to show, is refused by name."""
    cb = load_codebook(ROOT / "data" / "demo" / "codebook.yaml")
    kon = cb.group("kon")
    assert [o.code for o in kon.options] == ["1", "2", "3"] and [o.code for o in kon.shown] == ["1", "2"]
    group = "groups: [{id: kon, label: {sv: K, en: S}, options: [{code: 1, sv: A, en: A, shown_alone: %s}, " \
            "{code: 2, sv: B, en: B, shown_alone: %s}]}]\n"
    for values, message in ((("nej", "true"), "shown_alone ska vara true eller false"),
                            (("false", "false"), "minst ett alternativ måste visas")):
        path = tmp_path / "kodbok.yaml"
        path.write_text(BASE.replace("groups: []\n", group % values) + "- {id: q, theme: t, text: {sv: F, en: Q}, "
                        "scale: s}\n", encoding="utf-8")
        with pytest.raises(CodebookError) as err:
            load_codebook(path)
        assert str(path) in str(err.value) and message in str(err.value)

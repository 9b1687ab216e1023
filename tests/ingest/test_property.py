"""Property: the same export, shuffled, renamed to listed aliases, re-encoded and re-delimited, with each answer as
its code, its label or both ("3 - Ganska otrygg", "3. …", "… (3)"), odd dashes and spaces, gives the same results."""
from __future__ import annotations

import pandas as pd
from corpus import Q1_LABELS, Project, csv_text, records
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.build import build
from survey.config import load_config
from survey.results import open_results

NAMES = {  # every column with the names the codebook lists for it (column, aliases, question text)
    "id": ["id", "Löpnummer", "RespondentID"],
    "ar": ["ar", "År", "Enkätår"],
    "by": ["by", "Bostadsort", "I vilken by bor du?"],
    "kon": ["kon", "Kön"],
    "alder": ["alder", "Åldersgrupp"],
    "q1": ["q1", "F1", "Fråga 1", "Hur trygg känner du dig ute ensam sent en kväll?"],
    "prob": ["prob", "F2", "Vilka problem finns i din by?"],
    "fri": ["fri", "Övrigt", "Något annat?"],
}
COLUMNS = list(NAMES)
# An answer as survey tools export it: code, label, or both, with dashes and spaces of every kind.
ANSWER_FORMS = ["{c}", "{l}", "{c} - {l}", "{c}. {l}", "{l} ({c})", "{c} \u2013 {l}", "{c}\u00a0\u2014\u00a0{L}",
                "{c}  -  {l}", " {L} "]
AGE_FORMS = {"1": ["16–44", "16-44", "16 - 44", "16\u201244", "1"], "2": ["45–84", "45-84", "45\u2212 84", "2"]}


def all_rows(res) -> dict:
    """The query rows of every question × wave × level, and the whole cube (every group cell) behind them."""
    out = {}
    for question in res.codebook.single_choice:
        for wave in res.waves:
            for level in res.levels:
                params = {"question": question.id, "wave": str(wave), "level": level}
                out[(question.id, wave, level)] = res.query(res.parse(params))
    cube = pd.read_parquet(res.folder / "cube.parquet")
    out["cube"] = cube.sort_values(list(cube.columns)).to_dict("records")
    return out


def build_export(root, text: bytes) -> dict:
    project = Project(root)
    project.path("svar.csv").write_bytes(text)
    build(load_config(project.config(["svar.csv"])))
    return all_rows(open_results(project.output))


_reference: dict = {}


def reference(tmp_path_factory) -> dict:
    if not _reference:
        text = csv_text(records()).encode("utf-8")
        _reference.update(build_export(tmp_path_factory.mktemp("reference"), text))
    return _reference


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row_order=st.permutations(range(16)), column_order=st.permutations(COLUMNS),
       names=st.fixed_dictionaries({c: st.sampled_from(n) for c, n in NAMES.items()}),
       forms=st.lists(st.sampled_from(ANSWER_FORMS), min_size=16, max_size=16),
       ages=st.lists(st.integers(0, 4), min_size=16, max_size=16),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
       sep=st.sampled_from([",", ";", "\t"]))
def test_same_export_in_any_shape_gives_identical_results(tmp_path_factory, row_order, column_order, names, forms,
                                                          ages, encoding, sep):
    recs = records()
    for rec, form, age in zip(recs, forms, ages):
        label = Q1_LABELS[rec["q1"]]
        rec["q1"] = form.format(c=rec["q1"], l=label, L=label.upper())
        choices = AGE_FORMS[rec["alder"]]
        rec["alder"] = choices[age % len(choices)]
    shuffled = [recs[i] for i in row_order]
    text = csv_text(shuffled, sep=sep, rename=names, columns=column_order)
    if encoding == "cp1252":  # Windows-1252 has the en and em dash, not the figure dash or the minus sign
        text = text.replace("\u2012", "\u2013").replace("\u2212", "\u2014")
    text = text.encode(encoding)
    got = build_export(tmp_path_factory.mktemp("shape"), text)
    assert got == reference(tmp_path_factory)

"""Issue 20: under a group filter every output names the group and the breakdown (views/labels.py), never
"Alla svarande": the bars, the page's table, the CSV, the Excel file, the API's JSON and the summary."""
from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest
from flask import Flask
from openpyxl import load_workbook

from api.v1 import make_blueprint
from exports.tables import table_file
from survey.codebook import CodebookError, load_codebook
from views.details import details_view
from views.labels import breakdown_phrase, filter_phrase, view_label
from views.params import parse_view

# A codebook without `who` (as another municipality's may be): the groups as tests/unit/conftest.py's tiny survey.
CODEBOOK = """
survey: {name: {sv: Testenkät, en: Test survey}, respondent_id: id, wave_column: ar}
area: {column: by, level: by}
groups:
  - id: kon
    label: {sv: Kön, en: Sex}
    options: [{code: 1, sv: Kvinna, en: Woman}, {code: 2, sv: Man, en: Man}]
themes: [{id: t, sv: Tema, en: Theme}]
scales:
  trygg: [{code: 1, sv: Trygg, en: Safe}, {code: 2, sv: Otrygg, en: Unsafe, unfavourable: true}]
questions:
  - {id: q1, theme: t, text: {sv: "Känner du dig trygg?", en: "Do you feel safe?"}, scale: trygg}
"""

SEARCH = "?question=q_otrygg_kvall&level=distrikt&by=boende&kon=1&alder=4"
WOMEN_65 = {"sv": "Kvinnor 65–84 år", "en": "Women aged 65–84"}
FLAT = {"sv": "Kvinnor 65–84 år som bor i lägenhet", "en": "Women aged 65–84 who live in a flat"}
BY = {"sv": "uppdelat efter boendeform", "en": "by housing"}
EVERYONE = {"sv": "Alla svarande", "en": "All respondents"}


def test_the_phrases(results):
    assert filter_phrase(results, {"kon": "1", "alder": "4"}, "sv") == "Kvinnor 65–84 år"
    assert filter_phrase(results, [("alder", "4"), ("kon", "1")], "en") == "Women aged 65–84"  # the noun heads it
    assert filter_phrase(results, {}, "sv") == "Alla svarande"
    assert filter_phrase(results, {"alder": "2", "boende": "1"}, "sv") == \
        "Svarande 25–44 år som bor i villa eller radhus"
    assert filter_phrase(results, {"kon": "3", "alder": "3"}, "sv") == \
        "Svarande 45–64 år som angett annat kön eller inte velat svara"
    assert breakdown_phrase(results, "alder", "sv") == "uppdelat efter åldersgrupp"
    assert breakdown_phrase(results, "", "en") == ""
    assert view_label(results, {"kon": "2"}, "boende", "en") == "Men, by housing"


def test_a_codebook_without_who_gets_the_generic_phrase(tmp_path):
    """Another municipality's codebook need not say `who`: the option is named with its group, in brackets."""
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    plain = SimpleNamespace(codebook=load_codebook(tmp_path / "codebook.yaml"))
    assert filter_phrase(plain, {"kon": "1"}, "sv") == "Svarande (kön: Kvinna)"
    assert filter_phrase(plain, {"kon": "2"}, "en") == "Respondents (sex: Man)"
    assert breakdown_phrase(plain, "kon", "en") == "by sex"


def test_a_wrong_who_is_refused_with_the_place(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(CODEBOOK.replace("{code: 1, sv: Kvinna, en: Woman}",
                                     "{code: 1, sv: Kvinna, en: Woman, who: {sv: kvinnor, en: women, as: nou}}"))
    with pytest.raises(CodebookError, match="grupp kon, alternativ 1: who"):
        load_codebook(path)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_bars_table_and_summary_name_the_filter(results, lang):
    view = parse_view(SEARCH, results)
    shown = details_view(results, {"question": "q_otrygg_kvall", "wave": "2019", "level": "distrikt",
                                   "by": "boende", "kon": "1", "alder": "4"}, None, lang)
    bar_labels = shown["bars"]["data"][0]["y"] + shown["shares"]["data"][0]["y"]
    assert not any(EVERYONE[lang] in label for label in bar_labels)
    assert any(WOMEN_65[lang] + " (" in label for label in shown["bars"]["data"][0]["y"])
    assert any(label.endswith(FLAT[lang]) for label in shown["shares"]["data"][0]["y"])
    table = shown["table"]
    assert table["caption"] == f"{WOMEN_65[lang]}, {BY[lang]}"
    assert {r[1] for r in table["rows"]} >= {WOMEN_65[lang], FLAT[lang]}
    assert EVERYONE[lang] not in {r[1] for r in table["rows"]}
    assert shown["page_subtitle"].endswith(f" · {WOMEN_65[lang]}, {BY[lang]}")
    assert WOMEN_65[lang].lower() in shown["summary"] or WOMEN_65[lang] in shown["summary"]
    assert view["filters"] == {"kon": "1", "alder": "4"}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_csv_and_xlsx_name_the_filter(results, lang):
    view = dict(parse_view(SEARCH, results), lang=lang)
    body = table_file(results, view, "csv")[0].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";" if lang == "sv" else ","))
    column = {"sv": ("Urval", "Uppdelning", "Grupp"), "en": ("Filter", "Breakdown", "Group")}[lang]
    assert rows and {r[column[0]] for r in rows} == {WOMEN_65[lang]}
    assert {r[column[1]] for r in rows} == {"Boendeform" if lang == "sv" else "Housing"}
    assert FLAT[lang] in {r[column[2]] for r in rows} and EVERYONE[lang] not in {r[column[2]] for r in rows}
    sheet = load_workbook(io.BytesIO(table_file(results, view, "xlsx")[0])).active
    values = list(sheet.iter_rows(values_only=True))
    header = values[0]
    assert header[-2:] == column[:2]
    assert values[1][-2] == WOMEN_65[lang]
    assert any(v[0] == f"{WOMEN_65[lang]}, {BY[lang]}" for v in values)  # the view's line under the table
    # the percent columns stay where Excel formats them: the share and the distribution, not the new columns
    assert sheet.cell(2, len(header) - 1).number_format == "General"


def test_csv_without_filter_says_everyone(results):
    body = table_file(results, dict(parse_view("?level=distrikt", results), lang="sv"), "csv")[0].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert {r["Urval"] for r in rows} == {"Alla svarande"} and {r["Uppdelning"] for r in rows} == {""}


def test_api_json_names_the_filter(results):
    app = Flask(__name__)
    app.register_blueprint(make_blueprint(lambda: results))
    client = app.test_client()
    body = client.get("/api/v1/results?question=q_otrygg_kvall&level=distrikt&by=boende&kon=1&alder=4&lang=en").json
    assert body["filters"]["label"] == WOMEN_65["en"]
    assert body["filters"]["groups"] == [
        {"group": "kon", "group_name": "Sex", "code": "1", "label": "Woman"},
        {"group": "alder", "group_name": "Age group", "code": "4", "label": "65–84"}]
    assert body["breakdown"] == {"group": "boende", "group_name": "Housing", "label": "by housing"}
    assert {r["group_text"] for r in body["rows"]} >= {WOMEN_65["en"], FLAT["en"]}
    plain = client.get("/api/v1/results?question=q_otrygg_kvall&level=distrikt").json
    assert plain["filters"] == {"groups": [], "label": "Alla svarande"} and plain["breakdown"] is None

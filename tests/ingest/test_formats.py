"""Corpus: the same answers exported as CSV in every separator and encoding, as Excel and as SPSS."""
from __future__ import annotations

import pandas as pd
import pytest
from corpus import EXPECTED_MULTI, Q1_LABELS, RESP, assert_expected, numbers, records, write_csv

from survey.ingest import IngestError, read_table


@pytest.mark.parametrize("sep", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_csv_separators(project, sep):
    write_csv(project.path("svar.csv"), records(), sep=sep)
    res, manifest = project.build(["svar.csv"])
    assert_expected(res)
    name = {",": "komma", ";": "semikolon", "\t": "tabb"}[sep]
    assert manifest["files"][0]["read_as"] == f"CSV, UTF-8, {name}, rubrik på rad 1"


@pytest.mark.parametrize("encoding, detected", [
    ("utf-8-sig", "UTF-8 med BOM"), ("utf-16", "UTF-16"), ("cp1252", "Windows-1252")])
def test_csv_encodings_keep_swedish_names(project, encoding, detected):
    # Areas by name (Älvdalen, Särna), answers as labels ("Ganska otrygg"), free text with ö: all decoded right.
    write_csv(project.path("svar.csv"), records(answer="label"), sep=";", encoding=encoding)
    res, manifest = project.build(["svar.csv"])
    assert_expected(res)
    assert manifest["files"][0]["read_as"] == f"CSV, {detected}, semikolon, rubrik på rad 1"
    assert pd.read_parquet(res.folder / "private" / "freetext.parquet")["text"].tolist() == ["Mörkt vid skolan"]


def test_bom_does_not_hide_the_first_column_name(project):
    # With a BOM the first header cell would read "\ufeffid" if the BOM were not stripped.
    write_csv(project.path("svar.csv"), records(), encoding="utf-8-sig")
    table = read_table(project.path("svar.csv"))
    assert table.header[0] == "id"


def test_decimal_comma_and_point_codes(project):
    # Statistics tools write codes as "3,0" (Swedish decimal comma, inside a ;-file) or "3.0".
    recs = records()
    for i, rec in enumerate(recs):
        rec["q1"] = f"{rec['q1']},0" if i % 2 else f"{rec['q1']}.0"
        rec["kon"] = f"{rec['kon']},0"
    write_csv(project.path("svar.csv"), recs, sep=";")
    res, _ = project.build(["svar.csv"])
    assert_expected(res)
    assert numbers(res, "q1", 2019, "kommun", by="kon")[("9999", "1")] == (5, 0.4)


def _xlsx(path, sheets: dict[str, list[list]]):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)


def _typed(recs):
    """Export rows as Excel cells: numbers as numbers (Excel stores 3 as 3.0), text as text."""
    header = list(recs[0])
    body = [[(float(v) if k in ("q1", "kon", "alder", "ar") and v.isdigit() else v) for k, v in r.items()]
            for r in recs]
    return [header, *body]


def test_xlsx_first_sheet(project):
    _xlsx(project.path("svar.xlsx"), {"Blad1": _typed(records()), "Annat": [["x"], [1]]})
    res, manifest = project.build(["svar.xlsx"])
    assert_expected(res)
    assert manifest["files"][0]["read_as"] == "Excel, blad 'Blad1', rubrik på rad 1"


def test_xlsx_named_sheet_with_header_on_row_4_reports_excel_rows(project):
    rows = _typed(records())
    rows[3][2] = "Atlantis"  # respondent 3 → Excel row 4 + 3 = 7
    sheet = [["Trygghetsenkät 2019, export"], [], ["Kommunpolisen"], *rows]
    _xlsx(project.path("svar.xlsx"), {"Info": [["Läs mig"]], "Svar": sheet})
    res, manifest = project.build(['{file = "%s", sheet = "Svar"}' % project.path("svar.xlsx")],
                                  inputs="allow_unmatched_areas = true")
    assert manifest["files"][0]["read_as"] == "Excel, blad 'Svar', rubrik på rad 4"
    quarantine = pd.read_csv(res.folder / "quarantine.csv", dtype=str)
    assert quarantine.to_dict("records") == [{"file": str(project.path("svar.xlsx")), "row": "7", "column": "by",
                                              "value": "Atlantis",
                                              "reason": "okänt område (area not in the boundaries)"}]
    assert numbers(res, "q1", 2019, "by")["by1"] == (3, 0.3333)  # respondent 3 (Ganska otrygg) is out


def test_xlsx_unknown_sheet_names_the_sheets(project, capsys):
    from survey.__main__ import main

    _xlsx(project.path("svar.xlsx"), {"Blad1": _typed(records())})
    config = project.config(['{file = "%s", sheet = "Svar"}' % project.path("svar.xlsx")])
    assert main(["build", "--config", str(config)]) == 1
    assert f"{project.path('svar.xlsx')}: bladet 'Svar' finns inte (sheet not found); bladen i filen: Blad1" \
        in capsys.readouterr().err


def test_xlsx_answers_on_another_sheet_are_found_by_the_codebooks_columns(project):
    # A cover sheet first (as many survey tools export): the sheet with the codebook's columns is read.
    _xlsx(project.path("svar.xlsx"), {"Om enkäten": [["Trygghetsenkät 2019"], ["Exporterad", "2019-11-02"]],
                                      "Svar": _typed(records())})
    res, manifest = project.build(["svar.xlsx"])
    assert_expected(res)
    assert manifest["files"][0]["read_as"] == "Excel, blad 'Svar', rubrik på rad 1"


def test_xlsx_without_a_sheet_of_the_codebooks_columns_names_each_sheets_columns(project):
    _xlsx(project.path("svar.xlsx"), {"Info": [["Läs mig"]], "Data": [["V1", "V2", "V3"], [1, 2, 3]], "Tom": []})
    with pytest.raises(IngestError) as err:
        project.build(["svar.xlsx"])
    assert err.value.problems == [
        f"{project.path('svar.xlsx')}: inget blad har kodbokens kolumner (no sheet has the codebook's columns); "
        "bladen och deras kolumner (the sheets and their columns): 'Info': Läs mig; 'Data': V1, V2, V3; "
        "'Tom': (tomt). Välj bladet med sheet = \"...\" eller rätta kolumnnamnen i kodboken (aliases)"]


def _two_row_sheet(path, top: list, sub: list, merged: list[str], body: list[list]):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Svar"
    for row in (top, sub, *body):
        ws.append(row)
    for cells in merged:
        ws.merge_cells(cells)
    book.save(path)


def test_xlsx_two_row_header_with_merged_cells_is_read(project):
    # As a survey tool exports a grid: "F2" merged over its three sub-items, the other headers merged down.
    recs = records(multi="binary")
    top = ["id", "ar", "by", "kon", "alder", "F1", "F2", None, None, "Övrigt"]
    sub = [None] * 6 + ["Klotter", "Nedskräpning", "Buskörning", None]
    body = [[r["id"], r["ar"], r["by"], r["kon"], r["alder"], r["q1"], r["prob_1"], r["prob_2"], r["prob_3"], r["fri"]]
            for r in recs]
    _two_row_sheet(project.path("svar.xlsx"), top, sub, ["G1:I1", *(f"{c}1:{c}2" for c in "ABCDEFJ")], body)
    res, manifest = project.build(["svar.xlsx"])
    assert_expected(res)
    assert_expected(res, EXPECTED_MULTI)
    assert manifest["files"][0]["read_as"] == "Excel, blad 'Svar', rubrik på rad 1–2 (två rader)"
    assert manifest["files"][0]["rows_in"] == 16  # the second header row is no respondent
    assert [a["column"] for a in manifest["accounting"] if a["question"].startswith("prob")] == [
        "F2: Klotter, F2: Nedskräpning, F2: Buskörning"]  # the columns named by question and sub-item


def test_xlsx_two_row_header_with_unknown_sub_items_is_refused_naming_them(project):
    recs = records()
    top = ["id", "ar", "by", "kon", "alder", "q1", "Hur ofta händer följande?", None, None]
    sub = [None] * 6 + ["Inbrott", "Skadegörelse", "Stöld"]
    body = [[r["id"], r["ar"], r["by"], r["kon"], r["alder"], r["q1"], "1", "2", "3"] for r in recs]
    _two_row_sheet(project.path("svar.xlsx"), top, sub, ["G1:I1"], body)
    with pytest.raises(IngestError) as err:
        project.build(["svar.xlsx"])
    assert err.value.problems == [
        f"{project.path('svar.xlsx')}: rubriken har två rader (two-row header: question text above sub-items), rad "
        "1 och 2, men ingen kolumn under frågorna känns igen (no sub-item column recognised): 'Hur ofta händer "
        "följande? - Inbrott', 'Hur ofta händer följande? - Skadegörelse', 'Hur ofta händer följande? - Stöld'. "
        "Lägg till namnen i frågornas eller alternativens aliases i kodboken, eller exportera med en rubrikrad "
        "(one header row)"]


def test_sav_with_value_labels_and_question_text_as_label(project):
    import pyreadstat

    # SPSS codes its own way: "Vet inte" is 5 here, 9 in the codebook, so only the value labels map it right.
    # Variables are V1…: the question is found by its variable label, the exact question text.
    spss_q1 = {"1": 1, "2": 2, "3": 3, "4": 4, "9": 5}
    area_code = {"by1": 1, "by2": 2, "by3": 3}
    frame = pd.DataFrame({
        "id": [int(r[0]) for r in RESP], "ar": [r[1] for r in RESP],
        "V1": [area_code[r[2]] for r in RESP], "kon": [int(r[3]) for r in RESP], "alder": [int(r[4]) for r in RESP],
        "V2": [spss_q1[r[5]] for r in RESP]})
    pyreadstat.write_sav(frame, str(project.path("svar.sav")),
                         column_labels={"V1": "I vilken by bor du?",
                                        "V2": "Hur trygg känner du dig ute ensam sent en kväll?"},
                         variable_value_labels={
                             "V1": {1: "Älvdalen", 2: "Idre fjäll", 3: "Särna"},
                             "V2": {spss_q1[c]: label for c, label in Q1_LABELS.items()},
                             "kon": {1: "Kvinna", 2: "Man"}})
    # this export has neither the free-text nor the multiple-choice question: allowed, or the build would stop
    res, manifest = project.build(["svar.sav"], inputs="[inputs.unrecognised_allowed]\nfri = true\nprob = true")
    assert_expected(res)
    assert manifest["files"][0]["read_as"] == "SPSS"
    assert manifest["area_matching"]["rows"] == {"id": 0, "namn": 16, "normaliserat": 0, "alias": 0}

"""Issue 22, text is text in every download: a codebook label that is a formula or HTML is refused at the build
and the staff upload's check (naming the field); and when such text reaches a table or a chart anyway (a label of
an older build, a respondent's answer in quarantine.csv), CSV and XLSX cells are neutralised (a leading quote,
XLSX strings, numbers kept as numbers) and the charts draw it as text."""
from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from exports.tables import csv_bytes, table_file, xlsx_bytes
from survey.codebook import CodebookError, load_codebook
from survey.results.processed import Results
from survey.spreadsheet import text_safe
from views.details import details_view
from views.params import parse_view, query_params
from views.table import Table

FORMULA = "=cmd|' /C calc'!A0"
LINK = '<a href="https://evil.example/">klicka</a>'
DEMO = "data/demo/codebook.yaml"


@pytest.mark.parametrize("payload", [FORMULA, LINK, "@SUM(A1:A2)", "+1+cmd|x", "Ja &amp; nej"])
def test_codebook_refuses_formula_and_html_labels(tmp_path, payload):
    from tests.conftest import ROOT

    text = (ROOT / DEMO).read_text("utf-8").replace('sv: "Kvinna"', f"sv: {json.dumps(payload)}", 1)
    assert json.dumps(payload) in text
    (tmp_path / "kodbok.yaml").write_text(text, "utf-8")
    with pytest.raises(CodebookError) as err:
        load_codebook(tmp_path / "kodbok.yaml")
    assert "grupp kon, alternativ" in str(err.value) and "(sv)" in str(err.value)
    assert "formel eller HTML" in str(err.value)


def test_csv_and_xlsx_cells_are_text_and_numbers_stay_numbers():
    table = Table(columns=["Område", FORMULA], rows=[[FORMULA, -1.5], ["\tx", -2], ["-3", 4.25], [LINK, None]],
                  percent=[], lines=["@evil"])
    rows = list(csv.reader(io.StringIO(csv_bytes(table, "sv").decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Område", "'" + FORMULA]
    assert rows[1] == ["'" + FORMULA, "-1,5"] and rows[2] == ["'\tx", "-2"] and rows[3] == ["'-3", "4,25"]
    assert rows[4] == [LINK, ""]  # HTML in a CSV cell is inert text
    sheet = load_workbook(io.BytesIO(xlsx_bytes(table, "en"))).active
    assert sheet["B1"].value == "'" + FORMULA and sheet["B1"].data_type == "s"
    assert sheet["A2"].value == "'" + FORMULA and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -1.5 and sheet["B2"].data_type == "n"
    assert sheet["B3"].value == -2 and sheet["A4"].value == "'-3"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_quarantine_text_is_neutralised():
    import pandas as pd

    frame = text_safe(pd.DataFrame({"svar": [FORMULA, "ok"], "n": [-1, 2]}))
    assert frame["svar"].tolist() == ["'" + FORMULA, "ok"] and frame["n"].tolist() == [-1, 2]


def test_labels_reaching_a_table_and_a_chart_stay_text(processed):
    """Labels of a build made before the check: the table's files and the legend show them as text."""
    results = Results(processed)  # a Results of its own: its labels are changed below
    option = results.codebook.question("q_otrygg_kvall").options[0]
    option.label["sv"] = LINK
    results.codebook.group("kon").options[0].label["sv"] = FORMULA
    view = parse_view({"question": "q_otrygg_kvall", "level": "distrikt", "by": "kon"}, results)
    shown = details_view(results, query_params(view), None, "sv")
    names = [trace["name"] for trace in shown["bars"]["data"]]
    assert "&lt;a href=\"https://evil.example/\"&gt;klicka&lt;/a&gt;" in names
    assert all("<a" not in json.dumps(trace) for trace in shown["bars"]["data"] + shown["shares"]["data"])
    body, _, _ = table_file(results, view, "csv")
    text = body.decode("utf-8-sig")
    assert "'" + FORMULA in text and "\n" + FORMULA not in text and ";" + FORMULA not in text
    body, _, _ = table_file(results, view, "xlsx")
    cells = [c for row in load_workbook(io.BytesIO(body)).active.iter_rows() for c in row]
    assert any(c.value == "'" + FORMULA and c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for c in cells)

"""The lägesbild: a Word document python-docx opens, with every section, the staff's written parts, and numbers that
are the API's (on the demo build and a SQLite database of its own)."""
from __future__ import annotations

import io

import docx
import pytest

from promises import store
from promises.db import Database
from promises.followup import indicator_from_view
from promises.lagesbild import SECTIONS, lagesbild, lagesbild_docx
from views.labels import labelled_query
from views.texts import integer, percent, t


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('lagesbild') / 'promises.sqlite3'}")
    database.migrate()
    yield database
    database.dispose()


def test_the_docx_has_every_section_and_the_apis_numbers(results, db):
    pid = store.create_promise(db, "anna", {"title": "Lugnare trafik i Idre", "areas": ["distrikt:distrikt_idre"]},
                               [indicator_from_view(results, {"question": "p_fortkorning", "wave": "2016",
                                                              "level": "distrikt", "area": "distrikt_idre"})])
    store.add_action(db, "anna", pid, {"what": "Trafikkontroller", "who": "Polisen", "status": "pagar"})
    store.save_report_text(db, "anna", "analys", None, "Fortkörning är vanligast i Idre.\n\nAndra stycket.")
    with pytest.raises(store.Conflict):  # a second writer from the same empty form
        store.save_report_text(db, "bo", "analys", None, "Bos analys")

    document = docx.Document(io.BytesIO(lagesbild_docx(lagesbild(results, db, "sv"), "Lägesbild", "sv")))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{i}. " + t("lagesbild_section_" + key, "sv") for i, key in enumerate(SECTIONS, 1)]
    texts = [p.text for p in document.paragraphs]
    assert "Fortkörning är vanligast i Idre." in texts and "Andra stycket." in texts
    assert "Lugnare trafik i Idre" in texts

    # The table of the headline question by district is the API's rows, cell by cell.
    headline, wave = results.codebook.single_choice[0], results.waves[-1]
    caption = f"{headline.short['sv']}, Distrikt, {wave}"
    index = [p.text for p in document.paragraphs if p.style.name == "Caption"].index(caption)
    table = document.tables[index]
    api = [r for r in labelled_query(results, results.parse({"question": headline.id, "wave": str(wave),
                                                             "level": "distrikt"}), "sv") if r["group"] is None]
    cells = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [c[0] for c in cells] == [r["area_name"] for r in api]
    for row, r in zip(cells, api):
        assert row[1] == ("för få svar" if r["suppressed"] else percent(r["share"], "sv"))
        if not r["suppressed"]:
            assert row[2] == f"{percent(r['share_low'], 'sv')}–{percent(r['share_high'], 'sv')}"
            assert row[3] == integer(r["n"], "sv")

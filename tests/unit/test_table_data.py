"""The page's table as texts (views/table.py table_data; assets/app.js draws it, the browser tests read it)."""
from __future__ import annotations

import random

from views import table
from views.details import details_view
from views.texts import integer, interval, t, value


def test_each_row_holds_the_texts_the_table_shows(results):
    rng = random.Random(5)
    questions = results.codebook.question_ids
    seen = set()
    for _ in range(40):
        params = {"question": rng.choice(questions), "wave": str(rng.choice(results.waves)),
                  "level": rng.choice(results.levels)}
        if rng.random() < 0.6:
            params["by"] = rng.choice(results.codebook.groups).id
        for lang in ("sv", "en"):
            rows = details_view(results, params, None, lang)["rows"]
            data = table.table_data(rows, lang)
            value_column = "index_value" if results.codebook.index(params["question"]) else "share"  # not "Andel"
            assert data["head"] == [t(value_column if k == "share" else k, lang) for k in table.TABLE_COLUMNS]
            assert data["part"] is None
            assert len(data["rows"]) == len(rows)
            for r, cells in zip(rows, data["rows"]):
                area, group, n, share, span, remark, kind = cells
                assert (area, group) == (r["area_name"], r["group_label"] or t("all_respondents", lang))
                if r["suppressed"]:
                    assert (n, share, span, kind) == (t("too_few", lang), "–", "", "suppressed")
                    assert remark == table.first_upper(r["rolled_up_label"] or "")
                else:
                    assert (n, share, span) == (integer(r["n"], lang), value(r, "share", lang), interval(r, lang))
                    assert kind == ("uncertain" if r["unreliable"] else None)
                    assert remark == table.remarks(r, lang)
                seen.add(kind)
    assert seen == {None, "uncertain", "suppressed"}  # the demo has every kind of row

"""Corpus: grouped errors, nothing lost (the counts add up), warnings for likely mistakes, check writes nothing."""
from __future__ import annotations

import json

import pandas as pd
from corpus import RESP, numbers, records, write_csv

from survey.__main__ import main


def _many(n_bad: int = 1204, n: int = 1310, bad_value: str = "Xyz", column: str = "by"):
    """n rows (Excel rows 2 … n + 1); rows 3, 7, 12 and then enough others carry `bad_value`."""
    base = records()
    recs = []
    for i in range(n):
        rec = dict(base[i % len(base)], id=str(i + 1))
        recs.append(rec)
    bad = [1, 5, 10] + list(range(100, 100 + n_bad - 3))
    for i in bad:
        recs[i][column] = bad_value
    return recs


def test_thousands_of_one_problem_are_grouped_and_counted(project, capsys):
    write_csv(project.path("svar.csv"), _many())
    assert main(["build", "--config", str(project.config(["svar.csv"]))]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"  {project.path('svar.csv')}, kolumn by: 1 värde finns inte bland områdena på nivån by (unknown areas), " \
           "1 204 rader:" in err
    assert "    'Xyz': rad 3, 7, 12 … (1 204 rader); närmast (closest): –" in err


def test_check_groups_the_quarantine_per_reason(project, capsys):
    write_csv(project.path("svar.csv"), _many(column="ar", bad_value=""))
    assert main(["check", "--config", str(project.config(["svar.csv"]))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"{project.path('svar.csv')} | 1310 | 106 | 1204" in out
    assert (f"Karantän: {project.path('svar.csv')}: omgång (år) saknas eller är inte ett tal (wave missing or not a "
            "number): rad 3, 7, 12 … (1 204 rader)") in out
    assert out[-1] == "Kontrollen gick bra; inget skrevs (check passed; nothing written)."
    assert not project.output.exists() and not (project.root / "data").exists()


def test_nothing_lost_every_row_used_or_quarantined_once(project, capsys):
    recs = records()
    recs[1]["ar"] = "nittonhundra"  # row 3: wave not a number
    recs[2]["ar"] = ""              # row 4: wave missing
    recs[3]["by"] = "  "            # row 5: area missing
    recs[4]["by"] = "Atlantis"      # row 6: unknown area (allowed below)
    recs[5]["id"] = "1"             # row 7: same id as row 2
    lines = ["id,ar,by,kon,alder,q1,prob,fri"]
    lines += [",".join(r.values()) for r in recs]
    lines[8] += ",extra"            # row 9 (respondent 8): one field too many
    project.path("svar.csv").write_text("\n".join(lines) + "\n\n", encoding="utf-8")  # a blank last line: no row
    more = records(RESP[:4])
    for rec in more:
        rec["id"] = "f" + rec["id"]  # ids are unique per wave, across its files (test_waves.py)
    write_csv(project.path("fler.csv"), more)
    assert main(["build", "--config", str(project.config(["svar.csv", "fler.csv"],
                                                         inputs="allow_unmatched_areas = true"))]) == 0
    out = capsys.readouterr().out.splitlines()
    svar, fler = project.path("svar.csv"), project.path("fler.csv")
    assert out[:4] == ["Fil | rader in | använda | i karantän", f"{svar} | 16 | 10 | 6", f"{fler} | 4 | 4 | 0",
                       "Summa | 20 | 14 | 6"]
    quarantine = pd.read_csv(project.output / "quarantine.csv", dtype=str, keep_default_na=False)
    assert quarantine.values.tolist() == [
        [str(svar), "3", "ar", "nittonhundra",
         "omgång (år) saknas eller är inte ett tal (wave missing or not a number)"],
        [str(svar), "4", "ar", "", "omgång (år) saknas eller är inte ett tal (wave missing or not a number)"],
        [str(svar), "5", "by", "  ", "område saknas (area missing)"],
        [str(svar), "6", "by", "Atlantis", "okänt område (area not in the boundaries)"],
        [str(svar), "7", "id", "1",
         "dubbelt id, raden med samma id ovanför används (duplicate respondent id; the first row is used)"],
        [str(svar), "9", "", "",
         "raden har fler fält än rubrikraden (more fields than the header): kontrollera avgränsare och citattecken"],
    ]
    manifest = json.loads((project.output / "manifest.json").read_text())
    assert manifest["respondents"] == 14 and manifest["quarantined_rows"] == 6


def test_missing_column_names_the_columns_in_the_file(project, capsys):
    recs = [{k: v for k, v in r.items() if k != "by"} for r in records()]
    write_csv(project.path("svar.csv"), recs)
    assert main(["build", "--config", str(project.config(["svar.csv"]))]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"  {project.path('svar.csv')}: kolumnen by saknas (column missing); kolumner i filen: id, ar, kon, " \
           "alder, q1, prob, fri" in err


def test_warnings_for_likely_mistakes(project):
    # No q1 answers at all, nobody in Idre fjäll, and 2016 with a single respondent against twelve in 2019.
    rows = [r for r in RESP if r[2] != "by2" and r[1] == 2019]
    rows = rows + [(r[0] + "b", *r[1:]) for r in rows] + [r for r in RESP if r[0] == "13"]
    recs = records(rows)
    for rec in recs:
        rec["q1"] = ""
    write_csv(project.path("svar.csv"), recs)
    # A question without answers stops the build (test_accounting.py) unless the configuration allows it.
    res, manifest = project.build(["svar.csv"], inputs="[inputs.unrecognised_allowed]\nq1 = true")
    assert manifest["warnings"] == [
        "fråga q1 har inga svar (no answers) i någon fil",
        "omgång 2016 har bara 1 svarande, en tiondel eller mindre av de andras (18 i snitt)",
        "1 område har inga svarande (areas with no respondents): Idre fjäll",
    ]
    assert numbers(res, "prob__1", 2019, "kommun") == {"9999": (16, 0.625)}


def test_build_shows_progress_per_file_and_stage_on_stderr(project, capsys):
    write_csv(project.path("a.csv"), records(RESP[:12]))
    write_csv(project.path("b.csv"), records(RESP[12:]), sep=";")
    assert main(["build", "--config", str(project.config(["a.csv", "b.csv"]))]) == 0
    captured = capsys.readouterr()
    assert [line.split(" ")[0] for line in captured.err.splitlines()] == [
        "Läser", "Läser", "Läser", "", "", "Läser", "", "", "Förenklar", "Skriver"]
    assert f"Läser {project.path('b.csv')} …" in captured.err.splitlines()
    assert "  4 rader (CSV, UTF-8, semikolon, rubrik på rad 1)" in captured.err.splitlines()
    assert captured.out.splitlines()[-1].startswith("Klart: 16 svarande, 2 omgångar")


def test_check_with_an_error_writes_nothing_and_fails(project, capsys):
    recs = records()
    recs[0]["by"] = "Atlantis"
    write_csv(project.path("svar.csv"), recs)
    assert main(["check", "--config", str(project.config(["svar.csv"]))]) == 1
    assert "'Atlantis': rad 2; närmast (closest): Älvdalen" in capsys.readouterr().err
    assert not (project.root / "data").exists()


def test_a_file_with_no_usable_row_is_an_error(project, capsys):
    recs = records()
    for rec in recs:
        rec["ar"] = "?"
    write_csv(project.path("svar.csv"), recs)
    assert main(["build", "--config", str(project.config(["svar.csv"]))]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"  inga användbara rader (no usable rows) i {project.path('svar.csv')}; de första orsakerna (the first " \
           "reasons):" in err
    assert f"    {project.path('svar.csv')}, rad 2, kolumn ar: omgång (år) saknas eller är inte ett tal (wave " \
           "missing or not a number)" in err


def test_a_duplicated_column_is_an_error(project, capsys):
    write_csv(project.path("svar.csv"), records(), columns=["id", "ar", "by", "kon", "alder", "q1", "q1", "prob"])
    assert main(["build", "--config", str(project.config(["svar.csv"]))]) == 1
    assert f"{project.path('svar.csv')}: kolumnen 'q1' (fråga q1) finns 2 gånger (column appears 2 times): " \
           "kolumn 6, 7" in capsys.readouterr().err


def test_a_column_matching_two_questions_is_an_error(project, capsys):
    codebook = project.path("codebook.yaml")
    codebook.write_text(codebook.read_text().replace('aliases: [F1, "Fråga 1"]', 'aliases: [F1, "Fråga 1", Övrigt]'))
    write_csv(project.path("svar.csv"), records(), rename={"q1": "Övrigt"}, columns=["id", "ar", "by", "kon", "q1"])
    assert main(["build", "--config", str(project.config(["svar.csv"]))]) == 1
    assert (f"{project.path('svar.csv')}: kolumnen 'Övrigt' passar både fråga q1 och fråga fri (matches both): ge den "
            "ett entydigt namn eller ändra aliases i kodboken") in capsys.readouterr().err

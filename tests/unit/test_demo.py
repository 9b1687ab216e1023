"""Tests for the demo codebook and the seeded generator of fictional responses (survey/demo.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from survey import demo
from survey.codebook import load_codebook

ROOT = Path(demo.__file__).resolve().parents[1]
CODEBOOK = ROOT / "data/demo/codebook.yaml"
VILLAGES = ROOT / "data/demo/areas/by.geojson"
COMMITTED = ROOT / "data/demo/responses.csv"


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(CODEBOOK)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "responses.csv"
    demo.generate(out=out)
    return out


@pytest.fixture(scope="module")
def responses(generated) -> pd.DataFrame:
    return pd.read_csv(generated, dtype=str, keep_default_na=False, encoding="utf-8")


def _unfavourable_share(frame: pd.DataFrame, question) -> float:
    """The codebook rule: unfavourable / answers with a non-excluded option (blanks outside the base)."""
    unfavourable = {o.code for o in question.options if o.unfavourable}
    base = {o.code for o in question.options if not o.exclude}
    answers = frame[question.column]
    answers = answers[answers.isin(base)]
    return answers.isin(unfavourable).mean()


# ------------------------------------------------------------------ codebook
def test_codebook_loads_with_expected_content(codebook):
    assert [g.id for g in codebook.groups] == ["kon", "alder", "boende"]
    assert [g.column for g in codebook.groups] == ["kon", "alder", "boende"]
    problem_items = [q for q in codebook.single_choice if q.theme == "problem"]
    assert len(problem_items) >= 12
    freetext = [q for q in codebook.questions if q.type == "freetext"]
    assert [q.id for q in freetext] == ["fritext"]
    assert freetext[0].options == ()
    assert codebook.area_column == "by" and codebook.wave_column == "ar"
    for q in codebook.questions:
        assert len(q.short["sv"]) <= 60 and len(q.short["en"]) <= 60, q.id
        for option in q.options:
            int(option.code)  # every option code is an integer


def test_codebook_rules_for_key_questions(codebook):
    def unfavourable(qid):
        return sorted(o.code for o in codebook.question(qid).options if o.unfavourable)

    def excluded(qid):
        return sorted(o.code for o in codebook.question(qid).options if o.exclude)

    assert unfavourable("q_otrygg_kvall") == ["3", "4", "5"]
    assert excluded("q_otrygg_kvall") == ["6", "9"]
    assert unfavourable("p_klotter") == ["3"]  # only "Ja, till stor del" (NTU: "i stor utsträckning")
    assert excluded("p_klotter") == ["9"]
    assert unfavourable("u_hot") == ["1"]
    assert codebook.question("u_hot").text["sv"] == "Har du under de senaste 12 månaderna blivit utsatt för hot?"
    assert unfavourable("pol_fortroende") == ["4", "5"]
    assert codebook.question("q_otrygg_kvall").reference == (
        "Otrygghet vid utevistelse sent på kvällen i det egna bostadsområdet")


# ------------------------------------------------------------------ responses
def test_size_and_waves(responses):
    assert len(responses) >= 1500
    assert sorted(responses["ar"].unique()) == ["2016", "2019"]
    assert responses["respondent_id"].is_unique


def test_columns_in_file_order(responses, codebook):
    expected = (["respondent_id", "ar", "by", "kon", "alder", "boende"]
                + [q.column for q in codebook.single_choice] + ["fritext"])
    assert list(responses.columns) == expected


def test_villages_are_names_from_geojson(responses):
    features = json.loads(VILLAGES.read_text(encoding="utf-8"))["features"]
    names = {f["properties"]["namn"] for f in features}
    assert set(responses["by"]) <= names


def test_answer_codes_belong_to_the_codebook(responses, codebook):
    for group in codebook.groups:
        assert set(responses[group.column]) <= {o.code for o in group.options}, group.id
    for q in codebook.single_choice:
        allowed = {o.code for o in q.options} | {""}
        assert set(responses[q.column]) <= allowed, q.id


def test_deterministic_and_equal_to_committed_file(generated, tmp_path):
    again = tmp_path / "again.csv"
    demo.generate(out=again)
    assert again.read_bytes() == generated.read_bytes()
    assert COMMITTED.exists(), "run `python -m survey.demo` to write data/demo/responses.csv"
    assert COMMITTED.read_bytes() == generated.read_bytes()


def test_other_seed_gives_other_answers(tmp_path, generated):
    other = tmp_path / "other.csv"
    demo.generate(out=other, seed=demo.SEED + 1)
    assert other.read_bytes() != generated.read_bytes()


def test_small_villages_exist(responses):
    counts = responses.groupby(["ar", "by"]).size()
    assert (counts < 5).groupby(level="ar").sum().max() >= 5
    assert (counts <= 2).sum() >= 2
    per_village = responses["by"].value_counts()
    for big in ("Älvdalen", "Rot", "Särna", "Idre"):
        assert per_village[big] >= 100, big


def test_women_feel_more_unsafe_than_men(responses, codebook):
    q = codebook.question("q_otrygg_kvall")
    women = _unfavourable_share(responses[responses["kon"] == "1"], q)
    men = _unfavourable_share(responses[responses["kon"] == "2"], q)
    assert women > men


def test_municipal_shares_in_realistic_range(responses, codebook):
    for year, frame in responses.groupby("ar"):
        assert 0.08 <= _unfavourable_share(frame, codebook.question("q_otrygg_kvall")) <= 0.22, year
        assert _unfavourable_share(frame, codebook.question("p_klotter")) <= 0.06, year
        assert _unfavourable_share(frame, codebook.question("p_fortkorning")) >= 0.15, year


def test_blanks_dont_know_and_free_text(responses, codebook):
    for q in codebook.single_choice:
        blank = (responses[q.column] == "").mean()
        assert 0.005 <= blank <= 0.08, q.id
    free = responses["fritext"]
    assert 0.08 <= (free != "").mean() <= 0.22
    assert free.str.contains("PRIVAT-FRITEXT-MARKÖR", regex=False).sum() >= 5
    assert (responses["kon"] == "3").any()


def test_cli_writes_file_and_prints_summary(tmp_path, capsys):
    out = tmp_path / "cli.csv"
    assert demo.main(["--out", str(out)]) == 0
    line = capsys.readouterr().out.strip()
    assert len(line.splitlines()) == 1 and str(out) in line
    assert out.read_bytes() == COMMITTED.read_bytes()

"""The prioritisation matrix's second axis (survey/association.py): how much more often those who see a problem feel
unsafe, on a tiny survey counted by hand, and its disclosure control (a subgroup below k hides the area; a hidden
area's sibling is hidden too when the difference from the parent would give it away)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from survey.association import hidden_areas
from survey.build import build
from survey.codebook import CodebookError, load_codebook
from survey.config import load_config
from survey.results import ASSOCIATION_FILE, Results

SAFETY_CODEBOOK = """
survey: {name: {sv: Testenkät, en: Test survey}, respondent_id: id, wave_column: ar, safety_question: q1}
area: {column: by, level: by}
groups:
  - id: kon
    label: {sv: Kön, en: Sex}
    options: [{code: 1, sv: Kvinna, en: Woman}, {code: 2, sv: Man, en: Man}]
themes: [{id: t, sv: Tema, en: Theme}, {id: p, sv: Problem, en: Problems}]
scales:
  trygg:
    - {code: 1, sv: Trygg, en: Safe}
    - {code: 2, sv: Otrygg, en: Unsafe, unfavourable: true}
    - {code: 9, sv: Vet inte, en: "Don't know", exclude: true}
  problem:
    - {code: 1, sv: Nej, en: "No"}
    - {code: 2, sv: Ja i stor utsträckning, en: Yes a lot, unfavourable: true}
    - {code: 9, sv: Vet inte, en: "Don't know", exclude: true}
questions:
  - {id: q1, theme: t, text: {sv: "Känner du dig trygg?", en: "Do you feel safe?"}, scale: trygg}
  - {id: p1, theme: p, text: {sv: "Fortkörning?", en: "Speeding?"}, scale: problem}
  - {id: p2, theme: p, text: {sv: "Klotter?", en: "Graffiti?"}, scale: problem}
  - {id: fri, theme: t, type: freetext, text: {sv: "Annat?", en: "Other?"}}
"""

# id, by, q1 (1 safe, 2 unsafe, 9 don't know), p1, p2 (2 = the problem, 1 = not, 9 = don't know); all wave 2019
ANSWERS = [
    ("1", "Alby", "2", "2", "2"), ("2", "Alby", "2", "2", "2"), ("3", "Alby", "2", "2", "2"),
    ("4", "Alby", "1", "2", "2"), ("5", "Alby", "1", "2", "2"), ("6", "Alby", "2", "1", "1"),
    ("7", "Alby", "1", "1", "1"), ("8", "Alby", "1", "1", "1"), ("9", "Alby", "1", "1", "1"),
    ("10", "Alby", "1", "1", "1"),
    ("11", "Aby", "2", "2", "2"), ("12", "Aby", "1", "1", "1"), ("13", "Aby", "1", "1", "1"),
    ("14", "Bby", "2", "2", "2"), ("15", "Bby", "2", "2", "2"), ("16", "Bby", "1", "2", "2"),
    ("17", "Bby", "1", "2", "2"), ("18", "Bby", "1", "2", "1"), ("19", "Bby", "1", "1", "1"),
    ("20", "Bby", "1", "1", "1"), ("21", "Bby", "1", "1", "1"), ("22", "Bby", "1", "1", "1"),
    ("23", "Bby", "1", "1", "1"), ("24", "Bby", "1", "9", "1"), ("25", "Bby", "9", "2", "1"),
]


def wilson(yes: int, n: int) -> tuple[float, float]:
    """The textbook Wilson score interval, written out again here (not the product's code)."""
    z = 1.959963984540054
    p = yes / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


@pytest.fixture(scope="module")
def built(tmp_path_factory, tiny_writer) -> Results:
    folder = tmp_path_factory.mktemp("association")
    config_path = tiny_writer(folder)
    (folder / "codebook.yaml").write_text(SAFETY_CODEBOOK, encoding="utf-8")
    lines = ["id,ar,by,kon,q1,p1,p2,fri"] + [f"{i},2019,{by},1,{q},{p1},{p2}," for i, by, q, p1, p2 in ANSWERS]
    (folder / "responses.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = load_config(config_path)
    build(config)
    return Results(config.output_dir)


def test_the_shares_feeling_unsafe_and_their_difference_by_hand(built):
    kommun = built.association("p1", 2019, "kommun")["9999"]
    # yes: 1–5, 11, 14–18 (11; unsafe 1, 2, 3, 11, 14, 15); no: 6–10, 12, 13, 19–24 (13, "vet inte" 24 too;
    # unsafe 6); 25 answered "vet inte" to q1 and is in neither
    assert (kommun["n_yes"], kommun["n_no"]) == (11, 13)
    assert kommun["unsafe_yes"] == pytest.approx(6 / 11) and kommun["unsafe_no"] == pytest.approx(1 / 13)
    assert kommun["difference"] == pytest.approx(6 / 11 - 1 / 13)
    (l1, u1), (l2, u2) = wilson(6, 11), wilson(1, 13)
    assert (kommun["low_yes"], kommun["high_yes"]) == pytest.approx((l1, u1))
    d = 6 / 11 - 1 / 13  # Newcombe's hybrid score interval (method 10)
    assert kommun["difference_low"] == pytest.approx(d - math.sqrt((6 / 11 - l1) ** 2 + (u2 - 1 / 13) ** 2))
    assert kommun["difference_high"] == pytest.approx(d + math.sqrt((u1 - 6 / 11) ** 2 + (1 / 13 - l2) ** 2))
    # by hand: Wilson 28.0–78.7 % and 1.4–33.3 %, so 46.9 pp − √(26.5² + 25.6²) and + √(24.2² + 6.3²)
    assert kommun["difference_low"] == pytest.approx(0.0997, abs=5e-4)
    assert kommun["difference_high"] == pytest.approx(0.7185, abs=5e-4)
    norra = built.association("p1", 2019, "deso")["D2"]  # Bby alone: yes 14–18 (2 unsafe), no 19–24 (none)
    assert (norra["n_yes"], norra["n_no"], norra["unsafe_yes"], norra["unsafe_no"]) == (5, 6, 0.4, 0.0)


def test_a_small_area_and_its_sibling_are_hidden(built):
    # Aby (3 answers) is hidden in q1's own table, and Alby with it (complementary): rule 1 hides both here
    villages = built.association("p1", 2019, "by")
    assert villages["a2"]["n_yes"] is None and villages["a2"]["difference"] is None
    assert villages["a1"]["n_yes"] is None and villages["a1"]["unsafe_no"] is None
    assert villages["b1"]["n_yes"] == 5
    assert built.association("p1", 2019, "deso")["D1"]["n_yes"] == 6  # Alby + Aby: 6 and 7, both >= 5


def test_a_subgroup_below_k_hides_the_area_and_the_difference_from_its_parent(built):
    # p2: Norra (Bby) has 4 who see the problem (< 5): hidden; Södra alone would pass (6 and 7) but the district
    # minus Södra would give Norra away, so it is hidden too; the district (10 and 14) is published
    areas = built.association("p2", 2019, "deso")
    assert areas["D2"]["n_yes"] is None and areas["D2"]["unsafe_yes"] is None
    assert areas["D1"]["n_yes"] is None
    district = built.association("p2", 2019, "distrikt")["X"]
    assert (district["n_yes"], district["n_no"]) == (10, 14)
    assert district["unsafe_yes"] == pytest.approx(6 / 10) and district["unsafe_no"] == pytest.approx(1 / 14)


def test_the_rule_on_a_tree():
    parent = {("v", "a"): ("d", "x"), ("v", "b"): ("d", "x"), ("v", "c"): ("d", "x"), ("d", "x"): None}
    counts = {("v", "a"): np.array([3, 9]), ("v", "b"): np.array([6, 9]), ("v", "c"): np.array([7, 9]),
              ("d", "x"): np.array([16, 27])}
    shown = dict.fromkeys(counts, True)
    # a (3 < 5) is hidden; a alone is the parent minus b and c, so the smaller of them (b) goes too; a + b = 9 >= 5
    assert hidden_areas(counts, parent, shown, 5) == {("v", "a"), ("v", "b")}
    counts[("v", "a")] = np.array([5, 9])
    assert hidden_areas(counts, parent, shown, 5) == set()
    # rule 1: an area the question tables hide is hidden, and what is inside it
    assert hidden_areas(counts, parent, {**shown, ("d", "x"): False}, 5) == set(counts)


def test_without_a_safety_question_there_is_no_axis_and_a_wrong_one_is_named(tmp_path, tiny_writer):
    from promises.priorities import matrix
    config_path = tiny_writer(tmp_path)
    (tmp_path / "codebook.yaml").write_text(SAFETY_CODEBOOK.replace(", safety_question: q1", ""), encoding="utf-8")
    lines = ["id,ar,by,kon,q1,p1,p2,fri"] + [f"{i},2019,{by},1,{q},{p1},{p2}," for i, by, q, p1, p2 in ANSWERS]
    (tmp_path / "responses.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = load_config(config_path)
    build(config)
    results = Results(config.output_dir)
    assert results.safety_question is None and results.association("p1", 2019, "by") == {}
    assert not (results.folder / ASSOCIATION_FILE).exists()
    # the matrix keeps the shares and draws no chart (the page says the axis is missing)
    m = matrix(results, "kommun", "9999", 2019, "sv")
    assert m["safety"] is None and m["charts"] == [] and [r["id"] for r in m["rows"]] == ["p1", "p2"]
    # p1: 1–5, 11, 14–18 and 25 of 24 (24 said "vet inte")
    assert m["rows"][0]["share"] == pytest.approx(12 / 24) and m["rows"][0]["difference"] is None
    (tmp_path / "codebook.yaml").write_text(SAFETY_CODEBOOK.replace("safety_question: q1", "safety_question: q9"))
    with pytest.raises(CodebookError, match="survey.safety_question 'q9'"):
        load_codebook(tmp_path / "codebook.yaml")


def test_the_matrix_has_the_builds_numbers(built):
    from promises.priorities import matrix
    m = matrix(built, "kommun", "9999", 2019, "en")
    p1 = next(r for r in m["rows"] if r["id"] == "p1")
    assert p1["difference_text"] == "+47" and p1["interval_pp"] == "+10 – +72"
    assert p1["unsafe_yes"] == "55% (of 11)" and p1["unsafe_no"] == "8% (of 13)"
    assert m["safety"] == "Do you feel safe?" and len(m["charts"]) == 2 and len(m["charts"][0]["points"]) == 2

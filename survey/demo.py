"""Generate FICTIONAL answers to the demo survey (Kommunpolisens trygghetsenkät, Älvdalens kommun).

Run: python -m survey.demo [--seed N] [--out PATH]     (writes data/demo/responses.csv)

No real respondent is behind these rows. The generator is seeded and deterministic: the same seed
gives a byte-identical file. It reads
  - the codebook (data/demo/codebook.yaml) with survey.codebook.load_codebook, so every answer code
    is an option code of its question, and
  - the villages (data/demo/areas/by.geojson, property `namn`) and their population
    (data/demo/source/alvdalen_orter_koordinater.csv, column `bef`; blank for the small places).

Model, per respondent: one latent "insecurity" factor z ~ N(0, 1) and a "distrust of the police"
factor correlated with it. For every question a linear predictor
    eta = loading * factor + effects(sex, age, housing, village profile) [+ wave effect in 2019]
is turned into an answer with an ordered-logit draw: y = eta + logistic noise, and the category is
the number of thresholds below y. The thresholds are calibrated on the 2016 respondents so that the
municipal shares land near the targets in ITEMS (chosen to be close to Brå's NTU values for
Älvdalen, e.g. ~12 % unsafe out late, ~2-3 % graffiti a big problem, ~25 % speeding). Answers
within a respondent correlate through the shared factor. Then "vet inte", single blanks and a few
respondents who skip a whole block are added, and ~15 % write a short free-text comment.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from survey.codebook import Codebook, Question, load_codebook

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = ROOT / "data/demo/codebook.yaml"
VILLAGES = ROOT / "data/demo/areas/by.geojson"
PLACES = ROOT / "data/demo/source/alvdalen_orter_koordinater.csv"
OUT = ROOT / "data/demo/responses.csv"

SEED = 2039
WAVES = {2016: 780, 2019: 820}  # respondents per wave (ar)

PRIVATE_MARKER = "PRIVAT-FRITEXT-MARKÖR"
N_PRIVATE = 10  # free-text answers carrying the marker (tests check it never reaches a public page)

# --------------------------------------------------------------------------- villages
# Population for places with a blank `bef` (small villages, ~30-80 inhabitants; our assumption).
SMALL_PLACE_POP = {
    "Björnliden": 30, "Blyberg": 70, "Drevdagen": 55, "Fjätervålen": 40, "Foskros": 35,
    "Grövelsjön": 40, "Idrefjäll": 80, "Klitten": 75, "Kåtilla": 80, "Ollarsliden": 30,
    "Storfjäten": 35, "Storsätern": 30, "Sågbäcken": 30, "Väsa": 65,
}
DEFAULT_SMALL_POP = 50

# Village profile: drives the area effects below.
#   alvdalen = Älvdalen tätort (centre, police station), tatort = nearby places,
#   sarna / idre = the northern centres (far from the police station, Idre a ski resort),
#   resort = ski/holiday places, fjallby = small mountain villages, by = small villages in the south.
PROFILE = {
    "Älvdalen": "alvdalen",
    "Västermyckeläng": "tatort", "Kåtilla": "tatort", "Rot": "tatort",
    "Särna": "sarna",
    "Idre": "idre",
    "Idrefjäll": "resort", "Grövelsjön": "resort", "Fjätervålen": "resort", "Storfjäten": "resort",
    "Björnliden": "fjallby", "Drevdagen": "fjallby", "Foskros": "fjallby", "Ollarsliden": "fjallby",
    "Storsätern": "fjallby", "Sågbäcken": "fjallby",
    "Blyberg": "by", "Brunnsberg": "by", "Evertsberg": "by", "Klitten": "by", "Väsa": "by", "Åsen": "by",
}
DEFAULT_PROFILE = "by"
# Holiday homes and seasonal residents: fewer answers per inhabitant in the mountain places.
RESPONSE_FACTOR = {"fjallby": 0.6, "resort": 0.6}
# Places on the main roads (riksväg 70 and the larger county roads): speeding is a big problem there.
MAIN_ROAD = ("Älvdalen", "Västermyckeläng", "Kåtilla", "Rot", "Blyberg", "Åsen", "Brunnsberg", "Evertsberg",
             "Klitten", "Väsa", "Särna", "Idre", "Fjätervålen", "Storfjäten")

# --------------------------------------------------------------------------- item model
# Order of the substantive codes, from most favourable to most unfavourable, per codebook scale.
ORDER_TRYGG = (1, 2, 3, 4, 5)
ORDER_ORO = (4, 3, 2, 1)
ORDER_OFTA = (4, 3, 2, 1)
ORDER_PROBLEM = (1, 2, 3)
ORDER_JA_NEJ = (2, 1)
ORDER_INSTAMMER = (1, 2, 3, 4)
ORDER_FORTROENDE = (1, 2, 3, 4, 5)

# Shared area effects (added to the linear predictor, logit scale).
A_INSECURE = {"alvdalen": 0.35, "tatort": 0.1, "sarna": 0.1, "idre": 0.3, "resort": -0.1, "fjallby": -0.6, "by": -0.3}
A_DISORDER = {"alvdalen": 0.8, "tatort": 0.2, "sarna": 0.3, "idre": 0.5, "resort": -0.3, "fjallby": -1.5, "by": -0.9}
A_NIGHTLIFE = {"alvdalen": 0.6, "tatort": -0.2, "sarna": 0.2, "idre": 1.6, "resort": 1.3, "fjallby": -0.8, "by": -0.8}
A_DRIVING = {"alvdalen": 0.5, "tatort": 0.3, "sarna": 0.3, "idre": 0.9, "resort": 0.7, "fjallby": -0.8, "by": -0.1}
A_PATHS = {"alvdalen": 0.7, "tatort": 0.3, "sarna": 0.3, "idre": 0.4, "resort": -0.5, "fjallby": -1.5, "by": -0.5}
A_THEFT = {"alvdalen": 0.2, "tatort": 0.0, "sarna": 0.0, "idre": 0.3, "resort": 0.3, "fjallby": 0.1, "by": 0.1}
A_POLICE = {"alvdalen": -0.4, "tatort": -0.2, "sarna": 0.8, "idre": 0.9, "resort": 0.7, "fjallby": 0.8, "by": 0.1}


@dataclass(frozen=True)
class Item:
    """How one single-choice question is generated.

    order: substantive codes, favourable -> unfavourable. cum: target shares (2016, municipality) of
    answering at or above each step of `order` (len(order) - 1 values, decreasing).
    factor: "z" (insecurity) or "t" (distrust of the police). dk: share "vet inte" (code 9).
    effects: logit shifts by group: woman, other (kon 3), young (16-24), mid (25-44), old (65-84), flat.
    area: shift per village profile. road: shift for main-road places (and -road for the others).
    wave: 2019 shift per profile ("*" = all other profiles).
    """
    order: tuple[int, ...]
    cum: tuple[float, ...]
    load: float = 1.0
    factor: str = "z"
    dk: float = 0.0
    effects: dict[str, float] = field(default_factory=dict)
    area: dict[str, float] = field(default_factory=dict)
    road: float = 0.0
    wave: dict[str, float] = field(default_factory=dict)


def _p(cum, dk, **kw) -> Item:
    """A problem item (Stockholm-style scale)."""
    return Item(order=ORDER_PROBLEM, cum=cum, load=0.7, dk=dk, **kw)


def _oro(cum, dk=0.02, **kw) -> Item:
    effects = {"woman": 0.4, "other": 0.3, "young": -0.5, "old": 0.1} | kw.pop("effects", {})
    return Item(order=ORDER_ORO, cum=cum, load=1.2, dk=dk, effects=effects, **kw)


def _victim(target, **kw) -> Item:
    effects = {"young": 1.0, "mid": 0.3, "old": -0.5} | kw.pop("effects", {})
    return Item(order=ORDER_JA_NEJ, cum=(target,), load=0.5, effects=effects, **kw)


ITEMS: dict[str, Item] = {
    # Otrygghet: women and the oldest feel more unsafe; worse in Älvdalen tätort in 2019.
    "q_otrygg_kvall": Item(ORDER_TRYGG, (0.50, 0.125, 0.04, 0.015), load=1.4, dk=0.015,
                           effects={"woman": 1.3, "other": 0.6, "young": 0.2, "old": 0.8, "flat": 0.3},
                           area=A_INSECURE, wave={"alvdalen": 0.5, "*": 0.05}),
    # Oro: the young worry less.
    "oro_misshandel": _oro((0.30, 0.055, 0.012), area=A_INSECURE),
    "oro_bostadsinbrott": _oro((0.55, 0.19, 0.04), area=A_THEFT, wave={"*": 0.1}),
    "oro_forrad": _oro((0.45, 0.13, 0.03), dk=0.03, area=A_THEFT, effects={"flat": 0.3}),
    "oro_fordon": _oro((0.50, 0.17, 0.035), area=A_THEFT),
    "oro_sexualbrott": _oro((0.22, 0.055, 0.012), dk=0.03, area=A_INSECURE,
                            effects={"woman": 1.6, "other": 0.8, "young": 0.6, "old": -0.6}),
    # Konsekvenser av oro (scale has no "vet inte").
    "beteende_annan_vag": Item(ORDER_OFTA, (0.25, 0.08, 0.02), load=1.3,
                               effects={"woman": 0.6, "other": 0.3, "old": 0.3}, area=A_INSECURE),
    "beteende_avstatt": Item(ORDER_OFTA, (0.20, 0.06, 0.015), load=1.3,
                             effects={"woman": 0.6, "other": 0.3, "old": 0.3}, area=A_INSECURE),
    # Problem: cum = (share "till viss del" or worse, share "till stor del").
    "p_fortkorning": _p((0.60, 0.27), 0.02, road=0.6, area={"idre": 0.2, "fjallby": -0.3},
                        effects={"old": 0.2}, wave={"*": -0.15}),
    "p_storande_korning": _p((0.45, 0.16), 0.03, area=A_DRIVING, effects={"young": -0.2}),
    "p_trafikregler": _p((0.40, 0.12), 0.05, road=0.4, area={"idre": 0.3, "resort": 0.2}),
    "p_moped_gangvag": _p((0.20, 0.04), 0.04, area=A_PATHS),
    "p_bilar_gangvag": _p((0.10, 0.02), 0.04, area=A_PATHS),
    "p_belysning": _p((0.40, 0.12), 0.02, effects={"woman": 0.4, "old": 0.3},
                      area={"alvdalen": -0.2, "tatort": 0.1, "sarna": 0.1, "resort": 0.3, "fjallby": 0.5, "by": 0.4},
                      wave={"alvdalen": -0.5, "*": -0.1}),
    "p_klotter": _p((0.15, 0.025), 0.04, area=A_DISORDER, wave={"*": -0.3}),
    "p_nedskrapning": _p((0.30, 0.06), 0.02, effects={"old": 0.3}, wave={"*": -0.3},
                         area={"alvdalen": 0.5, "tatort": 0.1, "sarna": 0.2, "idre": 0.6, "resort": 0.6,
                               "fjallby": -0.6, "by": -0.5}),
    "p_skadegorelse": _p((0.20, 0.04), 0.05, area=A_DISORDER),
    "p_brander": _p((0.04, 0.008), 0.06, area=A_DISORDER),
    "p_berusade": _p((0.20, 0.05), 0.03, area=A_NIGHTLIFE),
    "p_alkohol_droger": _p((0.25, 0.065), 0.05, wave={"*": 0.1},
                           area={"alvdalen": 0.6, "tatort": 0.0, "sarna": 0.2, "idre": 1.2, "resort": 0.9,
                                 "fjallby": -0.8, "by": -0.7}),
    "p_brak": _p((0.08, 0.015), 0.04, area=A_NIGHTLIFE, effects={"young": 0.3}),
    "p_grannar": _p((0.10, 0.025), 0.02, area=A_INSECURE, effects={"flat": 1.0}),
    "p_gang": _p((0.07, 0.015), 0.06, area=A_DISORDER, effects={"young": 0.3}),
    "p_narkotikaforsaljning": _p((0.08, 0.025), 0.065, area=A_DISORDER | {"idre": 0.9},
                                 effects={"young": 0.3}, wave={"alvdalen": 0.6, "*": 0.1}),
    "p_narkotika_allman": _p((0.06, 0.012), 0.06, area=A_DISORDER),
    "p_narkotika_bostad": _p((0.06, 0.015), 0.065, area=A_DISORDER, effects={"flat": 0.4}),
    "p_antastas": _p((0.05, 0.01), 0.06, area=A_NIGHTLIFE, effects={"woman": 0.4}),
    "p_tiggeri": _p((0.02, 0.004), 0.03, area={"alvdalen": 0.8, "idre": 0.3, "fjallby": -1.0, "by": -0.8}),
    # Utsatthet: the young are victimised more.
    "u_vald": _victim(0.025, effects={"woman": -0.3}, area={"alvdalen": 0.3, "idre": 0.4}),
    "u_hot": _victim(0.05, area={"alvdalen": 0.2, "idre": 0.3}),
    "u_stold": _victim(0.07, area={"alvdalen": 0.2, "idre": 0.4, "resort": 0.3}),
    "u_skadegorelse": _victim(0.05, area={"alvdalen": 0.3, "idre": 0.2}),
    "u_bedrageri": _victim(0.06, effects={"young": 0.2, "mid": 0.1, "old": 0.3}, wave={"*": 0.3}),
    # Polisen: less trust far from the police station (Särna, Idre and the mountain villages).
    "pol_bryr_sig": Item(ORDER_INSTAMMER, (0.70, 0.33, 0.12), load=1.2, factor="t", dk=0.065,
                         effects={"young": 0.4, "old": -0.3, "woman": -0.15}, area=A_POLICE, wave={"*": -0.15}),
    "pol_fortroende": Item(ORDER_FORTROENDE, (0.80, 0.38, 0.14, 0.05), load=1.2, factor="t", dk=0.05,
                           effects={"young": 0.4, "old": -0.3, "woman": -0.15}, area=A_POLICE, wave={"*": -0.25}),
}

# q_flytta: 1 Nej, 2 Ja (otrygghet) [unfavourable], 3 Ja (andra skäl), 9 Vet inte.
FLYTTA = Item(order=(1, 2), cum=(0.03,), load=1.3, dk=0.04, effects={"woman": 0.3, "flat": 0.5}, area=A_INSECURE)
FLYTTA_OTHER = {"base": 0.09, "young": 0.14, "mid": 0.05, "fjallby": 0.03}

# Blocks a few respondents skip entirely (theme ids of the codebook).
SKIPPABLE_BLOCKS = (("oro", "beteende"), ("problem",), ("utsatthet",), ("polisen",))
BLOCK_SKIP_SHARE = 0.03

# --------------------------------------------------------------------------- free text
# Pools of short comments; {by} is the respondent's village.
FRITEXT = {
    "speed": [
        "Bilarna kör för fort genom byn.",
        "Det körs alldeles för fort på genomfartsvägen i {by}.",
        "Fartkameror eller farthinder behövs i {by}.",
        "Timmerbilarna och turisterna kör för fort förbi skolan.",
        "Ingen bryr sig om 40-skyltarna i {by}.",
    ],
    "driving": [
        "Buskörning med epa-traktorer på kvällarna.",
        "Mopeder som kör på gång- och cykelvägen.",
        "Skoteråkning mitt i byn sent på kvällen.",
        "Bilar som spinner på parkeringen vid affären på helgerna.",
    ],
    "light": [
        "Mer belysning vid busshållplatsen i {by}.",
        "Gatlyktorna släcks för tidigt, det är kolsvart på vintern.",
        "Mörkt och otäckt på gångvägen till skolan.",
        "Belysningen längs vägen genom {by} behöver lagas.",
    ],
    "police": [
        "Bra att polisen gör den här enkäten.",
        "Polisen borde synas mer på helgerna.",
        "Fler poliser ute på kvällarna, tack.",
    ],
    "police_far": [
        "Polisen syns för sällan här uppe.",
        "Det tar för lång tid innan polisen kommer till {by}.",
        "Polisen känns långt borta, det är många mil till närmaste polisstation.",
        "Önskar att kommunpolisen kom på besök i {by} någon gång.",
    ],
    "resort": [
        "Mycket fylla och bråk under sportlovsveckorna.",
        "Stökigt kring krogarna i {by} under högsäsong.",
        "Berusade turister som kör bil efter afterski.",
        "Nedskräpning efter turisterna när säsongen är slut.",
    ],
    "theft": [
        "Inbrott i fritidshus och förråd har ökat.",
        "Någon har stulit diesel från maskinerna i byn.",
        "Jag låser numera både bil och förråd, det gjorde man inte förr.",
        "Stölder av båtmotorer vid sjön på sommaren.",
        "Grannsamverkan i {by} fungerar bra.",
    ],
    "youth": [
        "Ungdomar samlas vid centrum på kvällarna och det känns otryggt.",
        "Det pratas om narkotika bland ungdomarna i {by}.",
        "Skadegörelse på busskuren igen.",
        "Klotter på skolan och idrottshallen.",
        "Det behövs fler fritidsaktiviteter för ungdomar i {by}.",
    ],
    "positive": [
        "Tryggt och lugnt att bo i {by}.",
        "Jag känner mig trygg, alla känner alla här.",
        "Inga problem med brott, men vägen är dålig.",
    ],
    "misc": [
        "Bedrägeriförsök på telefon mot äldre är det som oroar mig mest.",
        "Vargen oroar mig mer än brotten.",
        "Snöröjningen vid busshållplatsen är dålig, man halkar.",
        "Fler vuxna ute på kvällarna skulle hjälpa.",
        "Hundar som springer lösa i byn.",
    ],
}
PRIVATE_TEMPLATES = [
    "{marker}: Jag vill inte att detta visas. Grannen på Byvägen {n} i {by} hotade mig i höstas.",
    "{marker}: Ring mig gärna, jag bor på Byvägen {n} i {by}. {comment}",
    "{marker}: Min son blev slagen vid affären i {by}, vi anmälde aldrig. {comment}",
]


# --------------------------------------------------------------------------- helpers
def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _threshold(eta: np.ndarray, share: float) -> float:
    """The c with mean(sigmoid(eta - c)) == share (bisection; the mean falls as c grows)."""
    lo, hi = -30.0, 30.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if _sigmoid(eta - mid).mean() > share:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def read_villages(path: Path = VILLAGES, places: Path = PLACES) -> pd.DataFrame:
    """Villages (namn, in by.geojson order) with population, profile and response weight."""
    features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    names = [f["properties"]["namn"] for f in features]
    pop_by_name: dict[str, float] = {}
    if Path(places).exists():
        src = pd.read_csv(places, encoding="utf-8")
        for name, bef in zip(src["namn"], src["bef"]):  # first non-blank value per place
            if pd.notna(bef) and name not in pop_by_name:
                pop_by_name[name] = float(bef)
    rows = []
    for name in names:
        pop = pop_by_name.get(name, SMALL_PLACE_POP.get(name, DEFAULT_SMALL_POP))
        profile = PROFILE.get(name, DEFAULT_PROFILE)
        rows.append({"by": name, "bef": pop, "profile": profile,
                     "weight": pop * RESPONSE_FACTOR.get(profile, 1.0), "main_road": name in MAIN_ROAD})
    return pd.DataFrame(rows)


def _check_item(question: Question, codes: list[int]) -> None:
    """The generator's idea of the codes must agree with the codebook."""
    known = {o.code for o in question.options}
    missing = [c for c in codes if str(c) not in known]
    if missing:
        raise ValueError(f"survey.demo: question {question.id} has no option code(s) {missing} in the codebook")


def _generic_item(question: Question) -> tuple[Item, list[int]]:
    """Fallback for a single-choice question the generator has no model for: ~10 % unfavourable."""
    substantive = [o for o in question.options if not o.exclude]
    fav = [int(o.code) for o in substantive if not o.unfavourable]
    unf = [int(o.code) for o in substantive if o.unfavourable]
    order = tuple(fav + unf)
    n_fav = len(fav)
    cum = []
    for k in range(1, len(order)):
        if k < n_fav:
            cum.append(0.1 + 0.9 * (n_fav - k) / n_fav * 0.6)
        else:
            cum.append(0.10 * (len(order) - k) / max(len(unf), 1))
    excluded = [int(o.code) for o in question.options if o.exclude]
    return Item(order=order, cum=tuple(cum), dk=0.03 if excluded else 0.0), excluded


# --------------------------------------------------------------------------- generation
def build_responses(seed: int = SEED, codebook: Codebook | None = None,
                    villages: pd.DataFrame | None = None) -> pd.DataFrame:
    """The fictional responses as a DataFrame (columns in file order)."""
    cb = codebook or load_codebook(CODEBOOK)
    vil = villages if villages is not None else read_villages()
    rng = np.random.default_rng(seed)

    # --- respondents: wave, village, groups, latent factors
    frames = []
    for year, n in WAVES.items():
        counts = 1 + rng.multinomial(n - len(vil), vil["weight"].to_numpy() / vil["weight"].sum())
        idx = np.repeat(np.arange(len(vil)), counts)
        idx = idx[rng.permutation(len(idx))]
        frames.append(pd.DataFrame({"ar": year, "_v": idx}))
    resp = pd.concat(frames, ignore_index=True)
    n = len(resp)
    resp["by"] = vil["by"].to_numpy()[resp["_v"]]
    profile = vil["profile"].to_numpy()[resp["_v"]]
    main_road = vil["main_road"].to_numpy()[resp["_v"]]

    kon = rng.choice([1, 2, 3], size=n, p=[0.525, 0.455, 0.02])
    young_places = np.isin(profile, ["idre", "resort"])
    u = rng.random(n)
    age_p_default = np.cumsum([0.09, 0.22, 0.32, 0.37])
    age_p_young = np.cumsum([0.14, 0.28, 0.30, 0.28])
    alder = np.where(young_places, np.searchsorted(age_p_young, u, side="right"),
                     np.searchsorted(age_p_default, u, side="right")) + 1
    alder = np.minimum(alder, 4)
    flat_p = pd.Series(profile).map({"alvdalen": 0.30, "tatort": 0.07, "sarna": 0.15, "idre": 0.18,
                                     "resort": 0.10}).fillna(0.02).to_numpy()
    flat_p = np.minimum(flat_p * np.where(alder == 1, 1.8, 1.0), 0.9)
    u = rng.random(n)
    boende = np.where(u < flat_p, 2, np.where(u < flat_p + 0.04, 3, 1))

    z = rng.standard_normal(n)
    t = 0.35 * z + np.sqrt(1 - 0.35 ** 2) * rng.standard_normal(n)
    groups = {"woman": kon == 1, "other": kon == 3, "young": alder == 1, "mid": alder == 2,
              "old": alder == 4, "flat": boende == 2}
    is_2019 = resp["ar"].to_numpy() == 2019
    base = ~is_2019  # thresholds are calibrated on the 2016 respondents

    def linear(item: Item) -> tuple[np.ndarray, np.ndarray]:
        eta = item.load * (z if item.factor == "z" else t)
        for name, shift in item.effects.items():
            eta = eta + shift * groups[name]
        if item.area:
            eta = eta + pd.Series(profile).map(item.area).fillna(0.0).to_numpy()
        if item.road:
            eta = eta + np.where(main_road, item.road, -item.road)
        wave = pd.Series(profile).map(item.wave).fillna(item.wave.get("*", 0.0)).to_numpy() if item.wave else 0.0
        return eta, eta + wave * is_2019

    def ordinal(item: Item) -> np.ndarray:
        eta_base, eta = linear(item)
        cuts = [_threshold(eta_base[base], share) for share in item.cum]
        y = eta + rng.logistic(size=n)
        level = np.zeros(n, dtype=int)
        for c in cuts:
            level += y > c
        return np.asarray(item.order)[level]

    answers: dict[str, np.ndarray] = {}
    exclude_codes: dict[str, list[int]] = {}
    for q in cb.single_choice:
        if q.id in ITEMS:
            item = ITEMS[q.id]
            codes = ordinal(item)
            excluded = [9] if item.dk else []
            if item.order == ORDER_PROBLEM:
                # "Ja, men jag ser det inte som ett problem" (4): some of "till viss del" and a few "Nej".
                u = rng.random(n)
                codes = np.where(((codes == 2) & (u < 0.2)) | ((codes == 1) & (u < 0.02)), 4, codes)
                _check_item(q, [4])
            if q.id == "q_otrygg_kvall":
                # "Går inte ut på kvällen av andra orsaker" (6), mostly the oldest.
                u = rng.random(n)
                codes = np.where(u < 0.012 + 0.06 * groups["old"], 6, codes)
                _check_item(q, [6])
        elif q.id == "q_flytta":
            item = FLYTTA
            codes = ordinal(item)
            other_p = (FLYTTA_OTHER["base"] + FLYTTA_OTHER["young"] * groups["young"]
                       + FLYTTA_OTHER["mid"] * groups["mid"] + FLYTTA_OTHER["fjallby"] * (profile == "fjallby"))
            codes = np.where(rng.random(n) < other_p, 3, codes)
            excluded = [9]
            _check_item(q, [3])
        else:
            item, excluded = _generic_item(q)
            codes = ordinal(item)
        _check_item(q, list(item.order) + excluded)
        unf_codes = {int(o.code) for o in q.options if o.unfavourable}
        if q.id in ITEMS or q.id == "q_flytta":
            model_unf = {c for c in item.order if c in unf_codes}
            if not model_unf or any(c in unf_codes for c in item.order[:len(item.order) - len(model_unf)]):
                raise ValueError(f"survey.demo: the unfavourable codes of {q.id} in the codebook "
                                 f"({sorted(unf_codes)}) are not the top of the generator's order {item.order}")
        if excluded and item.dk:
            dk_p = item.dk * np.where(groups["old"], 1.5, 1.0)
            codes = np.where(rng.random(n) < dk_p, excluded[-1], codes)
        answers[q.id] = codes.astype(float)
        exclude_codes[q.id] = excluded

    # --- blanks: single items (1-4 % each) and a few whole blocks
    for q in cb.single_choice:
        rate = rng.uniform(0.01, 0.04)
        answers[q.id][rng.random(n) < rate] = np.nan
    skipper = rng.random(n) < BLOCK_SKIP_SHARE
    block = rng.integers(0, len(SKIPPABLE_BLOCKS), size=n)
    for b, themes in enumerate(SKIPPABLE_BLOCKS):
        rows = skipper & (block == b)
        for q in cb.single_choice:
            if q.theme in themes:
                answers[q.id][rows] = np.nan

    # --- free text
    fritext = _free_text(rng, cb, resp["by"].to_numpy(), profile, z, answers)

    # --- assemble in file order
    out = pd.DataFrame({cb.respondent_id: "", cb.wave_column: resp["ar"].to_numpy(),
                        cb.area_column: resp["by"].to_numpy()})
    for g, values in zip(cb.groups, (kon, alder, boende)):
        out[g.column] = pd.array(values, dtype="Int64")
    for q in cb.single_choice:
        out[q.column] = pd.array(np.where(np.isnan(answers[q.id]), pd.NA, answers[q.id]), dtype="Int64")
    for q in cb.questions:
        if q.type == "freetext":
            out[q.column] = fritext if q.id == "fritext" else None
    # id = wave + running number within the wave (the rows are already in random order)
    out[cb.respondent_id] = [f"{y}-{i:04d}" for y, i in
                             zip(out[cb.wave_column], out.groupby(cb.wave_column).cumcount() + 1)]
    return out


def _free_text(rng: np.random.Generator, cb: Codebook, by: np.ndarray, profile: np.ndarray,
               z: np.ndarray, answers: dict[str, np.ndarray]) -> list[str | None]:
    n = len(by)
    writes = rng.random(n) < 0.12 + 0.12 * (z > 0.8)
    pools = list(FRITEXT)

    def has(qid: str, codes: tuple[int, ...]) -> np.ndarray:
        a = answers.get(qid)
        return np.isin(a, codes) if a is not None else np.zeros(n, dtype=bool)

    distrust = (has("pol_fortroende", (4, 5)) | has("pol_bryr_sig", (3, 4))).astype(float)
    remote = np.isin(profile, ["sarna", "idre", "resort", "fjallby"]).astype(float)
    weights = {
        "speed": 0.5 + 3 * has("p_fortkorning", (2, 3)) + has("p_trafikregler", (2, 3)),
        "driving": 0.3 + 2 * has("p_storande_korning", (2, 3)) + has("p_moped_gangvag", (2, 3)),
        "light": 0.3 + 3 * has("p_belysning", (2, 3)),
        "police": 0.5 + distrust,
        "police_far": remote * (1 + 2 * distrust),  # "far from the police": only the northern places
        "resort": 3.0 * np.isin(profile, ["idre", "resort"]),
        "theft": 0.5 + 2 * (has("oro_bostadsinbrott", (1, 2)) | has("oro_forrad", (1, 2)) | has("u_stold", (1,))),
        "youth": np.isin(profile, ["alvdalen", "tatort", "sarna"])
                 * (1 + 2 * (has("p_klotter", (2, 3)) | has("p_skadegorelse", (2, 3)) | has("p_gang", (2, 3)))),
        "positive": np.where(z < -0.3, 3.0, 0.5),
        "misc": np.ones(n),
    }
    w = np.column_stack([np.broadcast_to(np.asarray(weights[p], dtype=float), (n,)) for p in pools])
    texts: list[str | None] = [None] * n
    writers = np.flatnonzero(writes)
    for i in writers:
        pool = pools[rng.choice(len(pools), p=w[i] / w[i].sum())]
        template = FRITEXT[pool][rng.integers(len(FRITEXT[pool]))]
        texts[i] = template.format(by=by[i])
    private = rng.choice(writers, size=min(N_PRIVATE, len(writers)), replace=False)
    for i in sorted(private):
        template = PRIVATE_TEMPLATES[rng.integers(len(PRIVATE_TEMPLATES))]
        texts[i] = template.format(marker=PRIVATE_MARKER, by=by[i], n=int(rng.integers(1, 40)), comment=texts[i])
    return texts


def write_csv(frame: pd.DataFrame, out: Path) -> None:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False, encoding="utf-8", lineterminator="\n")


def generate(out: Path | str = OUT, seed: int = SEED) -> pd.DataFrame:
    """Build the responses and write them to `out` (CSV, UTF-8). Returns the frame."""
    frame = build_responses(seed=seed)
    write_csv(frame, Path(out))
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m survey.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    parser.add_argument("--out", type=Path, default=OUT, help="output CSV (default data/demo/responses.csv)")
    args = parser.parse_args(argv)
    frame = generate(out=args.out, seed=args.seed)
    per_wave = ", ".join(f"{year}: {count}" for year, count in frame["ar"].value_counts().sort_index().items())
    print(f"{len(frame)} fiktiva svar ({per_wave}) i {frame['by'].nunique()} byar -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

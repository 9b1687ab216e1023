"""Population margins for the demo: SCB's real DeSO totals, split by sex and age group with a FICTIONAL split.

Run: python -m survey.demo_population   (writes data/demo/population.csv)

SCB publishes DeSO totals (data/demo/source/alvdalen_deso_befolkning.csv, 2022), but the sources here have no
split by sex and age. The split below is a plausible rural-Dalarna age structure, not SCB data: it only lets the
demo show weighting. Replace this file with SCB's table "Folkmängden per region efter ålder och kön" (DeSO)
for real use.
"""
from __future__ import annotations

import pandas as pd

SOURCE = "data/demo/source/alvdalen_deso_befolkning.csv"
OUT = "data/demo/population.csv"
YEAR = 2022
# Share of the whole population in each survey age group (the rest is 0–15 and 85+), per DeSO.
AGE_SHARES = {
    "default": {"1": 0.09, "2": 0.21, "3": 0.27, "4": 0.27},
    "2039A0030": {"1": 0.11, "2": 0.26, "3": 0.27, "4": 0.21},  # Idre: younger, the ski resort employs
    "2039C1010": {"1": 0.10, "2": 0.23, "3": 0.25, "4": 0.25},
}
WOMEN_SHARE = {"1": 0.47, "2": 0.47, "3": 0.48, "4": 0.51}  # women in each age group


def main() -> None:
    totals = pd.read_csv(SOURCE, dtype={"desokod": str})
    totals = totals[totals["ar"] == YEAR]
    rows = []
    for deso, total in zip(totals["desokod"], totals["bef"]):
        for age, share in AGE_SHARES.get(deso, AGE_SHARES["default"]).items():
            people = total * share
            women = round(people * WOMEN_SHARE[age])
            rows += [{"area_id": deso, "kon": "1", "alder": age, "population": women},
                     {"area_id": deso, "kon": "2", "alder": age, "population": round(people) - women}]
    pd.DataFrame(rows).to_csv(OUT, index=False)
    print(f"wrote {OUT}: {len(rows)} rows, {sum(r['population'] for r in rows)} people aged 16–84")


if __name__ == "__main__":
    main()

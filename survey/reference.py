"""External reference series (Brå's NTU kommunindikatorer) linked to questions through the codebook."""
from __future__ import annotations

import pandas as pd

from .codebook import Codebook
from .config import Config

LOW, HIGH = "KI (95 %) undre gräns", "KI (95 %) övre gräns"


def load_reference(config: Config, codebook: Codebook) -> pd.DataFrame:
    """Rows: question, geography, year, value, low, high (percent), source — for questions with a `reference`."""
    raw = pd.read_csv(config.reference, dtype={"enhet": str})
    linked = {q.reference: q.id for q in codebook.questions if q.reference}
    raw = raw[raw["variabel"].isin(linked)]
    raw = raw.assign(kind=raw["enhet"].map({LOW: "low", HIGH: "high"}).fillna("value"))
    wide = raw.pivot_table(index=["variabel", "geografi", "ar", "kalla"], columns="kind", values="varde",
                           aggfunc="first").reset_index()
    for column in ("value", "low", "high"):
        if column not in wide:
            wide[column] = float("nan")
    wide["question"] = wide["variabel"].map(linked)
    return (wide.rename(columns={"geografi": "geography", "ar": "year", "kalla": "source"})
            [["question", "geography", "year", "value", "low", "high", "source"]]
            .sort_values(["question", "geography", "year"]).reset_index(drop=True))

"""Interface strings in Swedish (first) and English, and number formatting per language."""
from __future__ import annotations

TEXTS = {
    "title": {"sv": "Trygghetskartan", "en": "Trygghetskartan (Safety map)"},
    "subtitle": {"sv": "Kommunpolisens trygghetsenkät i {kommun}", "en": "The municipal police safety survey in {kommun}"},
    "demo_banner": {"sv": "Fiktiva demodata: siffrorna är påhittade och visar bara hur verktyget fungerar.",
                    "en": "Fictional demo data: the numbers are made up and only show how the tool works."},
    "language_link": {"sv": "In English", "en": "På svenska"},
    "question": {"sv": "Fråga", "en": "Question"},
    "wave": {"sv": "År", "en": "Year"},
    "level": {"sv": "Områdesnivå", "en": "Area level"},
    "by": {"sv": "Dela upp efter", "en": "Break down by"},
    "by_none": {"sv": "Ingen uppdelning", "en": "No breakdown"},
    "filters": {"sv": "Visa bara svar från", "en": "Only show answers from"},
    "filter_all": {"sv": "Alla", "en": "All"},
    "share_label": {"sv": "Andel", "en": "Share"},
    "unfavourable": {"sv": "Andel som svarat {answers}", "en": "Share answering {answers}"},
    "or": {"sv": "eller", "en": "or"},
    "too_few": {"sv": "för få svar", "en": "too few answers"},
    "too_few_note": {"sv": "Grått: färre än {k} svar, visas inte för att skydda de svarandes anonymitet.",
                     "en": "Grey: fewer than {k} answers, not shown to protect respondents' anonymity."},
    "map_heading": {"sv": "Karta", "en": "Map"},
    "map_help": {"sv": "Klicka på ett område för att se hur svaren fördelar sig där.",
                 "en": "Click an area to see how the answers are distributed there."},
    "bars_heading": {"sv": "Svarsfördelning", "en": "Distribution of answers"},
    "table_heading": {"sv": "Siffrorna bakom diagrammen", "en": "The numbers behind the charts"},
    "area": {"sv": "Område", "en": "Area"},
    "group": {"sv": "Grupp", "en": "Group"},
    "n": {"sv": "Antal svar", "en": "Answers"},
    "share": {"sv": "Andel", "en": "Share"},
    "all_respondents": {"sv": "Alla svarande", "en": "All respondents"},
    "selected_area": {"sv": "Valt område", "en": "Selected area"},
    "choose_area": {"sv": "Välj område", "en": "Choose area"},
    "whole_kommun": {"sv": "Hela kommunen", "en": "Whole municipality"},
    "approximate": {"sv": "Bygränserna är ungefärliga (Voronoi-celler runt byarnas mittpunkter).",
                    "en": "Village boundaries are approximate (Voronoi cells around the village centres)."},
    "n_of": {"sv": "{n} svar", "en": "{n} answers"},
    "base_note": {"sv": "Andelar räknas på dem som svarat; {excluded} räknas inte.",
                  "en": "Shares are of those who answered; {excluded} are not counted."},
    "no_data": {"sv": "Inga svar för det här urvalet.", "en": "No answers for this selection."},
    "invalid": {"sv": "Urvalet kunde inte visas: {error}", "en": "The selection could not be shown: {error}"},
    "footer_data": {"sv": "Byggd {built}. {credit}", "en": "Built {built}. {credit}"},
    "skip": {"sv": "Hoppa till innehållet", "en": "Skip to content"},
    "api_link": {"sv": "Data som CSV", "en": "Data as CSV"},
    "sig_higher": {"sv": "Högre än övriga kommunen (statistiskt säkerställt)",
                   "en": "Higher than the rest of the municipality (statistically significant)"},
    "sig_lower": {"sv": "Lägre än övriga kommunen (statistiskt säkerställt)",
                  "en": "Lower than the rest of the municipality (statistically significant)"},
    "uncertain": {"sv": "osäker siffra", "en": "uncertain figure"},
    "uncertain_note": {"sv": "Blek färg: osäker siffra (färre än {n} svar eller ett osäkerhetsintervall bredare än {w} procentenheter).",
                       "en": "Faded colour: uncertain figure (fewer than {n} answers or an uncertainty interval wider than {w} percentage points)."},
    "share_axis": {"sv": "Andel med 95 % osäkerhetsintervall", "en": "Share with 95% uncertainty interval"},
    "shares_heading": {"sv": "Andel och osäkerhet", "en": "Share and uncertainty"},
    "trend_heading": {"sv": "Över tid", "en": "Over time"},
    "summary_heading": {"sv": "Sammanfattning", "en": "Summary"},
    "interval": {"sv": "95 % intervall", "en": "95% interval"},
    "remarks": {"sv": "Anmärkning", "en": "Remark"},
    "change_up": {"sv": "ökat sedan {wave} (säkerställt)", "en": "up since {wave} (significant)"},
    "change_down": {"sv": "minskat sedan {wave} (säkerställt)", "en": "down since {wave} (significant)"},
    "higher_short": {"sv": "högre än övriga (säkerställt)", "en": "higher than the rest (significant)"},
    "lower_short": {"sv": "lägre än övriga (säkerställt)", "en": "lower than the rest (significant)"},
    "weighted_note": {"sv": "Andelarna är vägda efter kön och ålder i varje område, så att de speglar befolkningen.",
                      "en": "Shares are weighted by sex and age in each area, so that they reflect the population."},
    "unweighted_note": {"sv": "Obs: andelarna är ovägda (ingen befolkningsfil), så de speglar de svarande, inte befolkningen.",
                        "en": "Note: shares are unweighted (no population file), so they reflect the respondents, not the population."},
    "reference_note": {"sv": "NTU (Brå) är en annan undersökning med andra metoder och urval; jämför med försiktighet.",
                       "en": "NTU (Brå) is a different survey with other methods and samples; compare with care."},
    "methods_link": {"sv": "Så räknar vi", "en": "How we count"},
    "back": {"sv": "Tillbaka till kartan", "en": "Back to the map"},
    "index_label": {"sv": "Index", "en": "Index"},
    "index_axis": {"sv": "Index (0–100) med 95 % osäkerhetsintervall", "en": "Index (0–100) with 95% uncertainty interval"},
    "index_subtitle": {"sv": "Medelvärde av {n} frågor, 0 = inga problem, 100 = stora problem med allt",
                       "en": "Mean of {n} questions, 0 = no problems, 100 = big problems with everything"},
    "index_no_distribution": {"sv": "Ett index har ingen svarsfördelning: se värdet och osäkerheten nedan.",
                              "en": "An index has no answer distribution: see its value and uncertainty below."},
}


def t(key: str, lang: str, **values) -> str:
    text = TEXTS[key].get(lang) or TEXTS[key]["sv"]
    return text.format(**values) if values else text


def percent(share: float | None, lang: str, decimals: int = 0) -> str:
    """34 % in Swedish (non-breaking space, decimal comma), 34% in English."""
    if share is None:
        return "–"
    number = f"{share * 100:.{decimals}f}"
    return number.replace(".", ",") + "\u00a0%" if lang == "sv" else number + "%"


def value(row: dict, key: str, lang: str) -> str:
    """A row's share as a percent, or an index value as a number 0–100."""
    if row.get("kind") == "index":
        return "–" if row[key] is None else f"{row[key] * 100:.0f}"
    return percent(row[key], lang)


def interval(row: dict, lang: str) -> str:
    return f"{value(row, 'share_low', lang)}–{value(row, 'share_high', lang)}"


def integer(n: int | None, lang: str) -> str:
    if n is None:
        return "–"
    return f"{n:,}".replace(",", "\u00a0" if lang == "sv" else ",")

"""The methods page "Så räknar vi": how the numbers are made, in plain words (klarspråk) for the audience of a
village-hall meeting, the technical terms in a part of their own ("För den som vill veta mer"); a link to the
other language."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from survey.results import Results
from views.labels import whole_words
from views.texts import t

# The page's text is in the catalogs (translations/*/LC_MESSAGES/messages.po): methods_body (Markdown with
# {placeholders}), methods_approximate, methods_unweighted, methods_roll_up and methods_grey.


def methods_page(results: Results, lang: str) -> html.Div:
    approximate = "".join("\n\n" + t("methods_approximate", lang, levels=lv["label"][lang])
                          for lv in results.manifest["levels"] if lv["approximate"])
    roll_up = t("methods_roll_up" if results.manifest.get("roll_up", True) else "methods_grey", lang)
    text = t("methods_body", lang, weighting="" if results.weighted else t("methods_unweighted", lang),
             min_n=results.reliable_min_n, width=round(results.reliable_max_width * 100), k=results.min_n,
             approximate=approximate, roll_up=roll_up, **whole_words(results, lang))
    other = "en" if lang == "sv" else "sv"
    return html.Div([dcc.Store(id="lang", data=lang), html.Span(id="html-lang", hidden=True), dbc.Container([
        html.Nav([dcc.Link(t("back", lang), href=f"/?lang={lang}"),
                  # the page in the other language (an English version for visitors, linked from the English UI)
                  html.A(t("language_link", lang), href=f"/metod?lang={other}", lang=other, id="methods-language",
                         className="btn btn-outline-primary btn-sm")],
                 className="d-flex justify-content-between align-items-center my-3"),
        html.Main(dcc.Markdown(text), id="main", className="methods"),
    ], className="py-2", style={"maxWidth": "52rem"})], lang=lang)

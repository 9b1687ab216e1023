"""The methods page "Så räknar vi": how the numbers are made, in plain words, for the audience."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from survey.results import Results
from views.texts import t

# The page's text is in the catalogs (translations/*/LC_MESSAGES/messages.po): methods_body (Markdown with
# {placeholders}), methods_approximate and methods_unweighted.


def methods_page(results: Results, lang: str) -> html.Div:
    approximate = "".join("\n\n" + t("methods_approximate", lang, levels=lv["label"][lang])
                          for lv in results.manifest["levels"] if lv["approximate"])
    text = t("methods_body", lang, weighting="" if results.weighted else t("methods_unweighted", lang),
             min_n=results.reliable_min_n, width=round(results.reliable_max_width * 100), k=results.min_n,
             approximate=approximate)
    return html.Div([dcc.Store(id="lang", data=lang), html.Span(id="html-lang", hidden=True), dbc.Container([
        dcc.Link(t("back", lang), href=f"/?lang={lang}", className="d-inline-block my-3"),
        html.Main(dcc.Markdown(text), id="main", className="methods"),
    ], className="py-2", style={"maxWidth": "52rem"})], lang=lang)

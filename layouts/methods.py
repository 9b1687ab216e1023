"""The methods page "Så räknar vi": how the numbers are made, in plain words, for the audience."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from survey.results import Results

from .texts import t

TEXT = {
    "sv": """
## Så räknar vi

**Andelen** på kartan och i diagrammen är andelen av dem som svarat på frågan som gett ett av de ogynnsamma
svaren, till exempel "ganska otrygg", "mycket otrygg" eller "går inte ut av oro för brott". Den som svarat
"vet inte" räknas inte, och inte heller den som hoppat över frågan.

**Vägning.** Alla grupper svarar inte lika ofta. Därför räknas svaren om så att varje område, kön och
åldersgrupp väger lika mycket som i befolkningen (SCB:s befolkning 16–84 år per område). {weighting}

**Osäkerhet.** En enkät fångar bara en del av invånarna, så varje andel är osäker. Intervallet "95 %"
(strecken i diagrammen) visar var den verkliga andelen med stor sannolikhet ligger. Vi räknar det med
Wilsons metod och den *effektiva* storleken på urvalet, som tar hänsyn till vägningen. En siffra som bygger
på färre än {min_n} svar, eller vars intervall är bredare än {width} procentenheter, visas blekt och
markeras som osäker.

**Skillnader.** Ett område jämförs med *övriga kommunen* och en grupp med *övriga svarande*, och varje år
med föregående mätning. Vi säger att en skillnad är *statistiskt säkerställd* bara när den är så stor att
den knappast kan bero på slumpen (ett z-test, 5 % risk). Eftersom kartan visar många jämförelser på en gång
justerar vi för det (Holms metod): annars skulle några områden se "annorlunda" ut av ren slump.
En skillnad som inte är säkerställd kan ändå finnas, men svaren räcker inte för att visa den.

**Anonymitet.** Ingen siffra visas för en grupp med färre än {k} svar: området blir grått och det står
"för få svar". Fritextsvar visas aldrig offentligt.

**Jämförelse med NTU.** Brås Nationella trygghetsundersökning (NTU) visas som referens. Den har andra
frågor, ett annat urval och andra metoder, så jämför med försiktighet.
{approximate}""",
    "en": """
## How we count

The **share** on the map and in the charts is the share of those who answered the question who gave one of
the unfavourable answers, for example "fairly unsafe", "very unsafe" or "does not go out for fear of crime".
"Don't know" does not count, nor does a skipped question.

**Weighting.** Not every group answers equally often, so the answers are weighted so that each area, sex and
age group counts as much as in the population (SCB's population aged 16–84 per area). {weighting}

**Uncertainty.** A survey reaches only some residents, so every share is uncertain. The "95 %" interval
(the whiskers in the charts) shows where the true share very likely lies. We compute it with Wilson's method
and the *effective* sample size, which accounts for the weighting. A figure from fewer than {min_n} answers,
or with an interval wider than {width} percentage points, is faded and marked uncertain.

**Differences.** An area is compared with *the rest of the municipality*, a group with *the other
respondents*, and each year with the previous survey. We call a difference *statistically significant* only
when it is too large to be chance (a z-test at 5 %). Because the map shows many comparisons at once we adjust
for that (Holm's method): otherwise some areas would look "different" by pure chance. A difference that is
not significant may still exist, but the answers are not enough to show it.

**Anonymity.** No figure is shown for a group with fewer than {k} answers: the area turns grey and says
"too few answers". Free-text answers are never shown publicly.

**Comparing with NTU.** Brå's National Crime Survey (NTU) is shown for reference. It has other questions,
another sample and other methods, so compare with care.
{approximate}""",
}

APPROXIMATE = {"sv": "\n**{levels}**: gränserna är ungefärliga, inte officiella.\n",
               "en": "\n**{levels}**: the boundaries are approximate, not official.\n"}
WEIGHTING = {
    True: {"sv": "", "en": ""},
    False: {"sv": "**Just nu är siffrorna ovägda**: det finns ingen befolkningsfil.",
            "en": "**These figures are unweighted**: there is no population file."},
}


def methods_page(results: Results, lang: str) -> html.Div:
    text = TEXT[lang].format(weighting=WEIGHTING[results.weighted][lang], min_n=results.reliable_min_n,
                             width=round(results.reliable_max_width * 100), k=results.min_n,
                             approximate="".join(APPROXIMATE[lang].format(levels=lv["label"][lang])
                                                 for lv in results.manifest["levels"] if lv["approximate"]))
    return html.Div(dbc.Container([
        dcc.Link(t("back", lang), href=f"/?lang={lang}", className="d-inline-block my-3"),
        html.Main(dcc.Markdown(text), id="main", className="methods"),
    ], className="py-2", style={"maxWidth": "52rem"}), lang=lang)

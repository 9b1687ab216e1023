"""plotly.js's texts in Swedish (the charts' and the map's toolbar, its messages), given to each graph in its config
(`locales`), so nothing is loaded from a CDN and the Swedish page has no English toolbar. The keys are plotly.js's
own English texts (src/components/modebar/buttons.js and friends)."""
from __future__ import annotations

SV = {
    "dictionary": {
        "Autoscale": "Skala automatiskt",
        "Box Select": "Välj med rektangel",
        "Compare data on hover": "Jämför data vid hovring",
        "Double-click on legend to isolate one trace": "Dubbelklicka på förklaringen för att visa bara en serie",
        "Double-click to zoom back out": "Dubbelklicka för att zooma ut igen",
        "Download plot": "Ladda ner diagrammet",
        "Download plot as a png": "Ladda ner diagrammet som PNG",
        "Download plot as a PNG": "Ladda ner diagrammet som PNG",
        "Lasso Select": "Välj med lasso",
        "Pan": "Panorera",
        "Produced with Plotly.js": "Gjort med Plotly.js",
        "Reset": "Återställ",
        "Reset axes": "Återställ axlarna",
        "Reset view": "Återställ vyn",
        "Reset views": "Återställ vyerna",
        "Show closest data on hover": "Visa närmaste data vid hovring",
        "Snapshot succeeded": "Bilden är sparad",
        "Sorry, there was a problem downloading your snapshot!": "Bilden kunde inte laddas ner.",
        "Taking snapshot - this may take a few seconds": "Sparar bilden – det kan ta några sekunder",
        "Toggle Spike Lines": "Visa eller dölj hjälplinjer",
        "Toggle show closest data on hover": "Visa eller dölj närmaste data vid hovring",
        "Zoom": "Zooma",
        "Zoom in": "Zooma in",
        "Zoom out": "Zooma ut",
        "lat:": "lat:",
        "lon:": "lon:",
        "trace": "serie",
    },
    "format": {
        "days": ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
        "shortDays": ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
        "months": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
                   "november", "december"],
        "shortMonths": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
        "date": "%Y-%m-%d",
        "decimal": ",",
        "thousands": "\u00a0",
    },
}

"""The view layer: what one view of the dashboard shows, made from the one query path (survey.results), in a
language. The Dash callbacks (callbacks/), the API (api/), the downloads (exports/), the presentation
(layouts/presentation.py) and the staff pages (staff/) take it from here.

- params.py: a view as URL parameters and back, the controls as a view, the view's language
- labels.py: the texts of the rows (group labels, "Uppgift saknas", roll-up)
- map.py: the map and the note under it
- figures.py: the bars, the shares with intervals, the trend
- details.py: everything beside the map (figures, summary, notes, table, CSV link)
- summary.py: the summary sentence
- table.py: the page's table and a download's table (one model for CSV and Excel)
- download.py: a view's table for a file, with its texts for Excel
- story.py: a story of views, its file and its list
- slides.py: a story's slides, their charts for an image or a projector
- qr.py: a shared link as a QR code
"""

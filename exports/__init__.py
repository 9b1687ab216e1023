"""Downloads made on the server: the table of a view (CSV, Excel) and a story as slides (PowerPoint, PDF).

Every number comes from survey.results through views/ (views.details.details_view), the path the dashboard uses.
The tables are modelled by views/table.py, the slides by views/slides.py; here they become files.
"""

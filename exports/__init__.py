"""Downloads made on the server: the table of a view (CSV, Excel) and a story as slides (PowerPoint, PDF).

Every number comes from survey.results through callbacks.view.details_view, the path the dashboard uses.
"""

"""Downloads made on the server: the table of a view (CSV, Excel) and a story as slides (PowerPoint, PDF).

Every number comes from survey.results through views/ (views.details.details_view), the path the dashboard uses.
The tables are modelled by views/table.py, the slides by views/slides.py; here they become files. A story's
PowerPoint or PDF is made as a job off the request path (jobs.py), at a rate per client (rate.py); routes.py
serves /export/ (the table, the story jobs' start, status and file).
"""

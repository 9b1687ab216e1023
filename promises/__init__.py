"""Medborgarlöften (issue 23): what staff promise on the survey's results, and the follow-up told back to residents.

- models, db, migrations/: the database of what staff write (SQLAlchemy 2, Alembic; SQLite or PostgreSQL).
- store: reads and writes, one transaction each, with the change log and optimistic versions.
- followup: an indicator's values from the baseline wave on and the verdict of the change, from the one query path.
- staff_pages: the staff pages under /personal/loften/ (behind staff/auth.py's guard).
- public_pages, flyer: the residents' återkoppling pages under /aterkoppling/ and their one-page A4 PDF.
- lagesbild, lagesbild_pdf: the lägesbild's sections, as Word and as PDF.
- slide: a promise's follow-up as a slide of the presentation.
"""

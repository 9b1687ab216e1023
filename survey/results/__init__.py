"""The one query path: every number the map, bars, table, API and exports show comes from `Results.query`.

Disclosure control is applied there and nowhere else (the rule and why it holds: survey/disclosure.py): a
cell with fewer than `min_n` respondents in the base, or hidden so that such a cell cannot be worked out
from the others, gets no count, no share and no distribution. With roll-up on ([privacy] roll_up, default
true) a hidden area's row carries the nearest enclosing area's published value instead, named in
`rolled_up_to`. The rows hold codes and numbers; the texts of a language are the view layer's (views/).

Modules: parameters (Query, parsing), areas (area indexes, the lattice), tables (a (wave, question)'s table,
stored and kept), sums (LevelSums), compute (the query itself), rows (Rows), processed (Results, open_results,
write_tables).
"""
from .areas import AreaIndex, swedish_order
from .compute import MISSING_GROUP
from .parameters import Query, QueryError
from .processed import ASSOCIATION_FILE, Results, open_results, write_tables
from .rows import ROW_FIELDS, Rows
from .sums import LevelSums
from .tables import TABLES_FOLDER, PackedBoxes, table_folder

__all__ = ["ASSOCIATION_FILE", "AreaIndex", "LevelSums",
           "MISSING_GROUP", "PackedBoxes", "Query", "QueryError", "ROW_FIELDS", "Results",
           "Rows", "TABLES_FOLDER", "open_results", "swedish_order", "table_folder", "write_tables"]

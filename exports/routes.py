"""GET /export/table.csv and /export/table.xlsx with the view's URL parameters (views/params.py): the table
the dashboard shows for that view. Unknown values fall back to the default view, as a shared link does.
The API's format=csv|xlsx is the same file (api/v1.py)."""
from __future__ import annotations

from flask import Blueprint, Response, request

from views.params import parse_view

from .tables import table_file


def make_blueprint(get_results) -> Blueprint:
    exports = Blueprint("exports", __name__, url_prefix="/export")

    @exports.get("/table.<fmt>")
    def table_download(fmt: str):
        if fmt not in ("csv", "xlsx"):
            return Response("csv or xlsx", status=404)
        results = get_results()
        body, mimetype, name = table_file(results, parse_view(request.args.to_dict(), results), fmt)
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                          "Cache-Control": "no-store"})

    return exports

"""GET /export/table.csv and /export/table.xlsx with the view's URL parameters (callbacks/state.py): the table
the dashboard shows for that view. Unknown values fall back to the default view, as a shared link does."""
from __future__ import annotations

from flask import Blueprint, Response, request

from callbacks.state import parse_view

from .tables import as_csv, as_xlsx, filename, table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def make_blueprint(get_results) -> Blueprint:
    exports = Blueprint("exports", __name__, url_prefix="/export")

    def download(body: bytes, mimetype: str, name: str) -> Response:
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                          "Cache-Control": "no-store"})

    @exports.get("/table.<fmt>")
    def table_file(fmt: str):
        if fmt not in ("csv", "xlsx"):
            return Response("csv or xlsx", status=404)
        results = get_results()
        view = parse_view(request.args.to_dict(), results)
        data = table(results, view)
        if fmt == "csv":
            return download(as_csv(data, view["lang"]), "text/csv; charset=utf-8", filename(view, "csv"))
        source = results.manifest.get("source_credit", "")
        return download(as_xlsx(data, view["lang"], source), XLSX, filename(view, "xlsx"))

    return exports

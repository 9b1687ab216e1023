"""GET /api/v1/questions and /api/v1/results (JSON, or CSV with format=csv).

Every number comes from survey.results, the path the dashboard uses, so the two cannot disagree.
Unknown parameter values give 400 with a message naming the parameter and the allowed values.
"""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, jsonify, request

from survey.results import QueryError
from views.labels import labelled_query

CSV_COLUMNS = ["area_id", "area_name", "level", "group", "group_label", "n", "share", "suppressed"]


def _rows_as_csv(rows: list[dict], option_codes: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + [f"share_option_{c}" for c in option_codes])
    for r in rows:
        dist = r["distribution"] or {}
        writer.writerow([("" if r[c] is None else r[c]) for c in CSV_COLUMNS] + [dist.get(c, "") for c in option_codes])
    return out.getvalue()


def make_blueprint(get_results) -> Blueprint:
    api = Blueprint("api_v1", __name__, url_prefix="/api/v1")

    def bad_request(parameter: str, message: str, allowed=None):
        body = {"error": message, "parameter": parameter}
        if allowed is not None:
            body["allowed"] = allowed
        return jsonify(body), 400

    def language():
        lang = request.args.get("lang", "sv")
        if lang not in ("sv", "en"):
            raise QueryError("lang", lang, ["sv", "en"])
        return lang

    @api.errorhandler(QueryError)
    def unknown_value(err: QueryError):
        return bad_request(err.parameter, str(err), err.allowed)

    @api.get("/questions")
    def questions():
        codebook = get_results().codebook
        return jsonify({"questions": [{
            "id": q.id, "theme": q.theme, "theme_text": codebook.themes[q.theme], "text": q.text, "short": q.short,
            "options": [{"code": o.code, "text": o.label, "unfavourable": o.unfavourable, "excluded": o.exclude}
                        for o in q.options],
        } for q in codebook.single_choice]})

    @api.get("/results")
    def results():
        data = get_results()
        lang = language()
        fmt = request.args.get("format", "json")
        if fmt not in ("json", "csv"):
            raise QueryError("format", fmt, ["json", "csv"])
        query = data.parse(request.args)
        rows = list(labelled_query(data, query, lang))
        question = data.codebook.question(query.question)
        if fmt == "csv":
            codes = [o.code for o in question.options if not o.exclude]
            filename = f"{query.question}_{query.wave}_{query.level}{'_' + query.by if query.by else ''}.csv"
            return Response(_rows_as_csv(rows, codes), mimetype="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{filename}"'})
        return jsonify({
            "query": {"question": query.question, "wave": query.wave, "level": query.level, "by": query.by,
                      "filters": dict(query.filters), "lang": lang},
            "min_n": data.min_n,
            "build_id": data.manifest["build_id"],
            "demo": data.manifest.get("demo", False),
            "rows": rows,
            "reference": data.reference_rows(query.question, query.wave),
        })

    return api

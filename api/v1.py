"""GET /api/v1/questions and /api/v1/results (JSON; with format=csv or xlsx the view's table as a file, the one
/export/table.csv|xlsx makes: exports/tables.py).

Every number comes from survey.results, the path the dashboard uses, so the two cannot disagree.
Unknown parameter values give 400 with a message naming the parameter and the allowed values.
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from exports.tables import table_file
from survey.results import QueryError
from translations import DEFAULT as DEFAULT_LANGUAGE
from translations import LANGUAGES
from views.labels import breakdown_phrase, filter_phrase, group_label, labelled_query
from views.params import query_view

FORMATS = ["json", "csv", "xlsx"]


def make_blueprint(get_results) -> Blueprint:
    api = Blueprint("api_v1", __name__, url_prefix="/api/v1")

    def bad_request(parameter: str, message: str, allowed=None):
        body = {"error": message, "parameter": parameter}
        if allowed is not None:
            body["allowed"] = allowed
        return jsonify(body), 400

    def language():
        lang = request.args.get("lang", DEFAULT_LANGUAGE)
        if lang not in LANGUAGES:
            raise QueryError("lang", lang, list(LANGUAGES))
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
        if fmt not in FORMATS:
            raise QueryError("format", fmt, FORMATS)
        query = data.parse(request.args)
        if fmt != "json":
            body, mimetype, name = table_file(data, query_view(query, lang), fmt)
            return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
        rows = list(labelled_query(data, query, lang))
        return jsonify({
            "query": {"question": query.question, "wave": query.wave, "level": query.level, "by": query.by,
                      "filters": dict(query.filters), "lang": lang},
            "filters": {"groups": [{"group": g, "group_name": data.codebook.group(g).label[lang], "code": c,
                                    "label": group_label(data, g, c, lang)} for g, c in query.filters],
                        "label": filter_phrase(data, query.filters, lang)},
            "breakdown": {"group": query.by, "group_name": data.codebook.group(query.by).label[lang],
                          "label": breakdown_phrase(data, query.by, lang)} if query.by else None,
            "min_n": data.min_n,
            "build_id": data.manifest["build_id"],
            "demo": data.manifest.get("demo", False),
            "rows": rows,
            "reference": data.reference_rows(query.question, query.wave),
        })

    return api

"""The residents' återkoppling pages (public, no login): /aterkoppling/ for the whole municipality with a list of
its areas, /aterkoppling/<level>/<area id> for one area, and the same as a one-page A4 PDF flyer (…/flygblad.pdf)
for the notice board. Swedish, or English with ?lang=en. What they say: promises/feedback.py."""
from __future__ import annotations

from flask import Blueprint, Response, abort, request

from views.texts import t

from .feedback import area_feedback, change_sentence
from .flyer import flyer_pdf
from .followup import area_name, kommun_area
from .render import database, keep, language, page, results

PREFIX = "/aterkoppling"


def public_nav(lang: str) -> list:
    return [(t("feedback_nav_map", lang), "/" + keep(lang), False),
            (t("aterkoppling_nav", lang), PREFIX + "/" + keep(lang), False)]


def checked_area(level: str, area_id: str) -> tuple[str, str]:
    data = results()
    if level not in data.levels or area_id not in data.area_ids(level):
        abort(404)
    return level, area_id


def make_blueprint() -> Blueprint:
    bp = Blueprint("promises_public", __name__, url_prefix=PREFIX, template_folder="templates")

    @bp.get("/")
    def municipality():
        return area_page(*kommun_area(results()))

    @bp.get("/<level>/<area_id>")
    def area(level: str, area_id: str):
        return area_page(*checked_area(level, area_id))

    @bp.get("/<level>/<area_id>/flygblad.pdf")
    def flyer(level: str, area_id: str):
        level, area_id = checked_area(level, area_id)
        lang = language()
        data = results()
        feedback = area_feedback(data, database(), level, area_id, lang)
        page_url = request.host_url.rstrip("/") + f"{PREFIX}/{level}/{area_id}{keep(lang)}"
        body = flyer_pdf(feedback, lang, demo=data.manifest.get("demo", False), url=page_url)
        name = f"aterkoppling-{area_id}.pdf"
        return Response(body, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}"',
                                 "Cache-Control": "public, max-age=60"})

    return bp


def area_page(level: str, area_id: str) -> Response:
    lang = language()
    data = results()
    feedback = area_feedback(data, database(), level, area_id, lang)
    levels = {lv["id"]: lv["label"][lang] for lv in data.manifest["levels"]}
    others = [(levels.get(lv, lv), [(area_name(data, lv, a), f"{PREFIX}/{lv}/{a}{keep(lang)}")
                                    for a in data.area_ids(lv)]) for lv in reversed(data.levels[:-1])]
    return page("feedback.html", t("feedback_title", lang, area=feedback["area"]), lang, public_nav(lang),
                f=feedback, sentence=lambda indicator: change_sentence(indicator, lang), other_areas=others,
                is_kommun=level == kommun_area(data)[0],
                pdf_href=f"{PREFIX}/{level}/{area_id}/flygblad.pdf{keep(lang)}",
                kommun_href=f"{PREFIX}/{keep(lang)}", area_href=lambda lv, a: f"{PREFIX}/{lv}/{a}{keep(lang)}")

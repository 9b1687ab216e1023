"""The staff pages of the promises, under /personal/loften/ (behind staff/auth.py's guard; each view checks the
session again): the list, a new promise, a promise with its indicators (followed up from the current build), its
actions and their status, the change log, export as JSON and deletion. "Följ upp som indikator" on the dashboard
opens /personal/loften/indikator with the view's parameters.

Server-drawn HTML forms (no script): each POST carries the session's CSRF token, and the Origin check of the
guard applies. Every write is one transaction (promises/store.py); a save from an outdated form is refused with
a message and the current text, never overwriting a colleague's.
"""
from __future__ import annotations

import hmac
import json
import secrets
from types import SimpleNamespace

from flask import Blueprint, Response, abort, flash, get_flashed_messages, redirect, request, session

from staff.auth import is_staff, staff_user, staff_user_label
from survey.results import QueryError
from views.labels import source_credit, whole_words
from views.texts import t

from . import store
from .followup import area_choices, check_indicator, describe, follow_up, indicator_from_view
from .lagesbild import WRITTEN, lagesbild, lagesbild_docx
from .lagesbild_pdf import lagesbild_pdf
from .priorities import matrix
from .render import STATUS_KEYS, database, keep, language, page, results

PREFIX = "/personal/loften"
REPORT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "pdf": "application/pdf"}


def csrf_token() -> str:
    token = session.get("csrf") or secrets.token_urlsafe(24)
    session["csrf"] = token
    return token


def check_request() -> str:
    """The staff member of a write (also checked by the guard) with a valid CSRF token; else 401/400."""
    if not is_staff():
        abort(401)
    token = session.get("csrf")
    if not token or not hmac.compare_digest(str(request.form.get("csrf", "")), token):
        abort(400, t("staff_form_expired", language()))
    return staff_user() or "personal"


def staff_page(template: str, title: str, lang: str, status: int = 200, **context) -> Response:
    nav = [(t("staff_nav_freetext", lang), "/personal/" + keep(lang), False),
           (t("promise_nav", lang), PREFIX + "/" + keep(lang), request.path == PREFIX + "/"),
           (t("priority_nav", lang), PREFIX + "/prioritering" + keep(lang), request.path == PREFIX + "/prioritering"),
           (t("lagesbild_nav", lang), PREFIX + "/lagesbild" + keep(lang), request.path == PREFIX + "/lagesbild"),
           (t("aterkoppling_nav", lang), "/aterkoppling/" + keep(lang), False),
           (t("staff_nav_map", lang), "/" + keep(lang), False)]
    messages = [(kind, text) for kind, text in get_flashed_messages(with_categories=True)] + \
        context.pop("messages", [])
    return page(template, title, lang, nav, status=status, staff=True, csrf=csrf_token(), messages=messages,
                staff_line=t("staff_logged_in", lang, user=staff_user_label(lang)), prefix=PREFIX, **context)


def input_message(err: store.InputError, lang: str) -> str:
    return t("promise_input_error", lang, field=t("promise_field_" + err.field, lang), error=t(err.key, lang))


def promise_form_context(lang: str) -> dict:
    data = results()
    problems = [(q.id, q.short[lang]) for q in data.codebook.single_choice] + \
        [(i.id, i.short[lang]) for i in data.codebook.indices]
    return {"area_options": area_choices(data, lang), "problem_options": problems}


def form_fields() -> dict:
    form = request.form
    return {"title": form.get("title", ""), "text": form.get("text", ""), "parties": form.get("parties", ""),
            "areas": form.getlist("areas"), "period_start": form.get("period_start", ""),
            "period_end": form.get("period_end", ""), "problems": form.getlist("problems")}


def indicator_fields(form) -> dict:
    """An indicator from hidden form fields: question, level, area_id, baseline_wave, filters as "kon=1&alder=2"."""
    filters = dict(part.split("=", 1) for part in str(form.get("filters", "")).split("&") if "=" in part)
    wave = str(form.get("baseline_wave", ""))
    return {"question": form.get("question"), "level": form.get("level"), "area_id": form.get("area_id"),
            "filters": filters, "baseline_wave": int(wave) if wave.isdigit() and len(wave) < 6 else wave}


def make_blueprint() -> Blueprint:
    bp = Blueprint("promises_staff", __name__, url_prefix=PREFIX, template_folder="templates")
    register_promise_routes(bp)
    register_part_routes(bp)
    register_view_routes(bp)
    return bp


def register_promise_routes(bp: Blueprint) -> None:
    @bp.get("/")
    def promise_list():
        lang = language()
        data = results()
        rows = [(p, sum(a.status == "genomford" for a in p.actions)) for p in store.list_promises(database())]
        return staff_page("promise_list.html", t("promise_list_title", lang), lang, rows=rows,
                          area_label=dict(area_choices(data, lang)))

    @bp.route("/nytt", methods=["GET", "POST"])
    def new_promise():
        lang = language()
        indicator = request.values.get("indicator")  # from "Följ upp som indikator": the view's parameters
        fields = {"problems": request.args.getlist("problem"), "areas": request.args.getlist("area")}
        if request.method == "POST":
            who = check_request()
            fields = form_fields()
            try:
                extra = [check_indicator(results(), indicator_fields(request.form))] if indicator else []
                pid = store.create_promise(database(), who, fields, extra)
            except store.InputError as err:
                flash(input_message(err, lang), "danger")
            except QueryError as err:
                flash(t("promise_indicator_error", lang, error=err), "danger")
            else:
                flash(t("promise_created", lang), "success")
                return redirect(f"{PREFIX}/{pid}{keep(lang)}")
        pending = indicator_from_view(results(), request.values) if indicator else None
        return staff_page("promise_form.html", t("promise_new_title", lang), lang, fields=fields, version=None,
                          form_action=f"{PREFIX}/nytt" + keep(lang, indicator="1" if indicator else None),
                          pending=pending, pending_text=describe_pending(pending, lang), **promise_form_context(lang))

    @bp.route("/<int:pid>", methods=["GET", "POST"])
    def promise_page(pid: int):
        lang = language()
        db = database()
        mine, status = None, 200
        if request.method == "POST":
            who = check_request()
            version = request.form.get("version", "")
            try:
                store.update_promise(db, who, pid, int(version) if version.isdigit() else -1, form_fields())
                flash(t("promise_saved", lang), "success")
                return redirect(f"{PREFIX}/{pid}{keep(lang)}")
            except store.InputError as err:
                flash(input_message(err, lang), "danger")
                mine, status = form_fields(), 400
            except store.Conflict:
                flash(t("promise_conflict", lang), "warning")
                mine, status = form_fields(), 409
        return show_promise(pid, lang, mine, status)

    @bp.get("/<int:pid>/export.json")
    def export(pid: int):
        data = store.export_promise(database(), pid)
        return Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="medborgarlofte-{pid}.json"',
                                 "Cache-Control": "no-store"})

    @bp.post("/<int:pid>/ta-bort")
    def delete(pid: int):
        check_request()
        lang = language()
        if request.form.get("confirm") != "ja":
            flash(t("promise_delete_confirm_missing", lang), "warning")
            return redirect(f"{PREFIX}/{pid}{keep(lang)}")
        store.delete_promise(database(), pid)
        flash(t("promise_deleted", lang), "success")
        return redirect(f"{PREFIX}/{keep(lang)}")

    @bp.errorhandler(store.NotFound)
    def not_found(_err):
        lang = language()
        return staff_page("promise_message.html", t("promise_not_found", lang), lang, status=404)

    @bp.errorhandler(QueryError)
    def bad_view(err: QueryError):
        lang = language()
        return staff_page("promise_message.html", t("promise_indicator_error", lang, error=err), lang, status=400)


def describe_pending(indicator: dict | None, lang: str) -> str:
    if not indicator:
        return ""
    labels = describe(results(), SimpleNamespace(**indicator), lang)
    return t("promise_indicator_line", lang, question=labels["question"], area=labels["area"],
             group=labels["group"], wave=indicator["baseline_wave"])


def show_promise(pid: int, lang: str, mine: dict | None = None, status: int = 200) -> Response:
    """The promise page; `mine`: the text of a form that was not saved (a conflict or bad input), shown again."""
    db, data = database(), results()
    promise = store.get_promise(db, pid)
    followups = [(i, follow_up(data, i, lang)) for i in promise.indicators]
    fields = mine or {k: getattr(promise, k) for k in store.PROMISE_FIELDS}
    return staff_page("promise_page.html", promise.title, lang, status=status, promise=promise, fields=fields,
                      status_open=mine is not None,
                      version=promise.version, followups=followups, log=store.change_log(db, pid),
                      log_line=lambda change: log_line(change, lang), waves=data.waves,
                      **promise_form_context(lang))


def log_line(change, lang: str) -> str:
    """A change in words: what was done, and to which fields or items."""
    detail = change.detail or {}
    if change.what in ("edited", "created"):
        fields = ", ".join(t("promise_field_" + k, lang) for k in detail)
        return t("promise_log_" + change.what, lang, fields=fields or "–")
    if change.what in ("action_added", "action_status", "action_edited"):
        action = detail.get("action")
        what = action.get("what") if isinstance(action, dict) else detail.get("what", "")
        status = [None, action.get("status")] if isinstance(action, dict) else detail.get("status", [None, None])
        return t("promise_log_" + change.what, lang, what=what, before=t_status(status[0], lang),
                 after=t_status(status[-1], lang))
    if change.what in ("indicator_added", "indicator_removed"):
        indicator = detail.get("indicator", {})
        question = results().codebook.question(indicator.get("question")) or \
            results().codebook.index(indicator.get("question"))
        return t("promise_log_" + change.what, lang, question=question.short[lang] if question else
                 indicator.get("question", ""),
                 wave=indicator.get("baseline_wave", ""))
    return change.what


def t_status(status: str | None, lang: str) -> str:
    return t(STATUS_KEYS[status], lang) if status in STATUS_KEYS else "–"


def register_part_routes(bp: Blueprint) -> None:
    @bp.post("/<int:pid>/atgarder")
    def add_action(pid: int):
        who, lang = check_request(), language()
        try:
            store.add_action(database(), who, pid, dict(request.form))
            flash(t("promise_action_added", lang), "success")
        except store.InputError as err:
            flash(input_message(err, lang), "danger")
        return redirect(f"{PREFIX}/{pid}{keep(lang)}#atgarder")

    @bp.post("/<int:pid>/atgarder/<int:aid>")
    def update_action(pid: int, aid: int):
        who, lang = check_request(), language()
        version = request.form.get("version", "")
        fields = {k: request.form[k] for k in store.ACTION_FIELDS if k in request.form}
        try:
            store.update_action(database(), who, pid, aid, int(version) if version.isdigit() else -1, fields)
            flash(t("promise_action_saved", lang), "success")
        except store.InputError as err:
            flash(input_message(err, lang), "danger")
        except store.Conflict:
            flash(t("promise_action_conflict", lang), "warning")
        return redirect(f"{PREFIX}/{pid}{keep(lang)}#atgarder")

    @bp.post("/<int:pid>/indikatorer")
    def add_indicator(pid: int):
        who, lang = check_request(), language()
        try:
            indicator = check_indicator(results(), indicator_fields(request.form))
            store.add_indicator(database(), who, pid, indicator)
            flash(t("promise_indicator_added", lang), "success")
        except QueryError as err:
            flash(t("promise_indicator_error", lang, error=err), "danger")
        return redirect(f"{PREFIX}/{pid}{keep(lang)}#indikatorer")

    @bp.post("/<int:pid>/indikatorer/<int:iid>/ta-bort")
    def remove_indicator(pid: int, iid: int):
        who, lang = check_request(), language()
        store.remove_indicator(database(), who, pid, iid)
        flash(t("promise_indicator_removed", lang), "success")
        return redirect(f"{PREFIX}/{pid}{keep(lang)}#indikatorer")



def register_view_routes(bp: Blueprint) -> None:
    """Pages made from the survey: the prioritisation, the lägesbild, a dashboard view as an indicator."""
    @bp.get("/prioritering")
    def priority_view():
        """Problems side by side for an area (promises/priorities.py); each starts a promise."""
        lang, data = language(), results()
        choices = area_choices(data, lang)
        chosen = request.args.get("area") or choices[0][0]
        if chosen not in dict(choices):
            raise QueryError("area", chosen, [c for c, _ in choices])
        wave = request.args.get("wave") or str(data.waves[-1])
        if wave not in {str(w) for w in data.waves}:
            raise QueryError("wave", wave, data.waves)
        level, _, area_id = chosen.partition(":")
        m = matrix(data, level, area_id, int(wave), lang)
        labels = {lv["id"]: lv["label"][lang] for lv in data.manifest["levels"]}
        return staff_page("priorities.html", t("priority_title", lang, area=dict(choices)[chosen], wave=wave), lang,
                          m=m, min_n=data.min_n, worse_level_label=labels.get(m["worse_level"], m["worse_level"]),
                          area_options=choices, chosen=chosen, wave=int(wave), waves=data.waves,
                          start_query=lambda problem: keep(lang, problem=problem, area=chosen))

    @bp.get("/lagesbild")
    def report_page():
        lang = language()
        return staff_page("lagesbild.html", t("lagesbild_title", lang), lang,
                          sections=lagesbild(results(), database(), lang))

    @bp.get("/lagesbild.<kind>")
    def report_file(kind: str):
        """The lägesbild as Word or PDF: the same sections (one call of `lagesbild`), set by each writer."""
        if kind not in REPORT_TYPES:
            abort(404)
        lang, data = language(), results()
        words = whole_words(data, lang)
        title = t("lagesbild_document_title", lang, wave=data.waves[-1], **words)
        sections = lagesbild(data, database(), lang)
        if kind == "docx":
            body = lagesbild_docx(sections, title, lang)
        else:
            subtitle = " ".join(filter(None, [t("source_survey", lang, wave=data.waves[-1], **words),
                                              t("demo_note", lang) if data.manifest.get("demo") else "",
                                              t("made_with", lang, built=data.manifest["built_at"][:10])]))
            body = lagesbild_pdf(sections, title, subtitle, " · ".join(
                filter(None, [title, source_credit(data.manifest, lang)])), lang)
        return Response(body, mimetype=REPORT_TYPES[kind], headers={
            "Content-Disposition": f'attachment; filename="lagesbild.{kind}"', "Cache-Control": "no-store"})

    @bp.post("/lagesbild/<key>")
    def save_report_part(key: str):
        who, lang = check_request(), language()
        if key not in WRITTEN:
            abort(404)
        version = request.form.get("version", "")
        try:
            store.save_report_text(database(), who, key, int(version) if version.isdigit() else None,
                                   request.form.get("text", ""))
            flash(t("promise_saved", lang), "success")
        except store.Conflict:
            flash(t("lagesbild_conflict", lang), "warning")
        except store.InputError as err:
            flash(t("promise_input_error", lang, field=t("lagesbild_section_" + key, lang), error=t(err.key, lang)),
                  "danger")
        return redirect(f"{PREFIX}/lagesbild{keep(lang)}#{key}")

    @bp.get("/indikator")
    def pick_promise():
        """"Följ upp som indikator": the dashboard's view as an indicator, added to a promise or a new one."""
        lang = language()
        indicator = indicator_from_view(results(), request.args)
        return staff_page("indicator_pick.html", t("promise_pick_title", lang), lang, indicator=indicator,
                          filters_text="&".join(f"{k}={v}" for k, v in sorted(indicator["filters"].items())),
                          indicator_text=describe_pending(indicator, lang), promises=store.list_promises(database()),
                          view_search=request.query_string.decode("ascii", "replace"))

"""Reading and writing promises, indicators and actions: each write is one transaction that also writes its line in
the change log (who, when, what changed), so a failed write leaves neither the change nor its log line.

Two staff members editing the same promise (or action) at once: each form carries the version it was made from;
a save from an older version is refused with `Conflict` (nothing is overwritten) and the page shows the current
text. The check is the UPDATE's own `WHERE version = ?` (SQLAlchemy's version_id_col), so it holds between
processes and on both databases. Adding an indicator or an action never conflicts: both are kept.
"""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from .db import Database
from .models import STATUSES, Action, Change, Indicator, Promise, ReportText

PROMISE_FIELDS = ("title", "text", "parties", "areas", "period_start", "period_end", "problems")
ACTION_FIELDS = ("what", "who", "when", "status")
LIMITS = {"title": 200, "text": 5000, "what": 300, "who": 200, "when": 100}
MAX_ITEMS = 30  # parties, areas, problems of one promise


class InputError(ValueError):
    """A field with a bad value: `field` names it, `key` is the message's key in the catalogs."""

    def __init__(self, field: str, key: str):
        super().__init__(f"{field}: {key}")
        self.field, self.key = field, key


class Conflict(RuntimeError):
    """Someone saved the same promise or action since this form was made; nothing was written."""


class NotFound(LookupError):
    pass


def clean_text(fields: dict, name: str, required: bool = False) -> str:
    value = str(fields.get(name) or "").strip()
    if required and not value:
        raise InputError(name, "promise_error_required")
    if len(value) > LIMITS[name]:
        raise InputError(name, "promise_error_too_long")
    return value


def clean_list(value) -> list[str]:
    items = value if isinstance(value, list) else re.split(r"[\n,]", str(value or ""))
    items = [str(i).strip() for i in items if str(i).strip()]
    return list(dict.fromkeys(items))[:MAX_ITEMS]


def clean_date(fields: dict, name: str) -> str:
    value = str(fields.get(name) or "").strip()
    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise InputError(name, "promise_error_date") from None
    return value


def clean_promise(fields: dict) -> dict:
    out = {"title": clean_text(fields, "title", required=True), "text": str(fields.get("text") or "").strip(),
           "parties": [p[:200] for p in clean_list(fields.get("parties"))], "areas": clean_list(fields.get("areas")),
           "period_start": clean_date(fields, "period_start"), "period_end": clean_date(fields, "period_end"),
           "problems": clean_list(fields.get("problems"))}
    if len(out["text"]) > LIMITS["text"]:
        raise InputError("text", "promise_error_too_long")
    if out["period_start"] and out["period_end"] and out["period_end"] < out["period_start"]:
        raise InputError("period_end", "promise_error_period")
    return out


def clean_action(fields: dict) -> dict:
    status = str(fields.get("status") or "planerad")
    if status not in STATUSES:
        raise InputError("status", "promise_error_status")
    return {"what": clean_text(fields, "what", required=True), "who": clean_text(fields, "who"),
            "when": clean_text(fields, "when"), "status": status}


def _log(session, promise_id: int, who: str, what: str, detail: dict) -> None:
    session.add(Change(promise_id=promise_id, who=who, what=what, detail=detail))


def _promise(session, promise_id: int) -> Promise:
    found = session.get(Promise, promise_id, options=[selectinload(Promise.indicators),
                                                      selectinload(Promise.actions)])
    if found is None:
        raise NotFound(promise_id)
    return found


def list_promises(db: Database) -> list[Promise]:
    with db.transaction() as session:
        return list(session.scalars(select(Promise).options(selectinload(Promise.indicators),
                                                            selectinload(Promise.actions)).order_by(Promise.id)))


def get_promise(db: Database, promise_id: int) -> Promise:
    with db.transaction() as session:
        return _promise(session, promise_id)


def create_promise(db: Database, who: str, fields: dict, indicators: list[dict] = ()) -> int:
    """A new promise, with `indicators` (checked by promises/followup.py) in the same transaction."""
    values = clean_promise(fields)
    with db.transaction() as session:
        promise = Promise(**values)
        session.add(promise)
        session.flush()
        _log(session, promise.id, who, "created", {k: [None, v] for k, v in values.items() if v})
        for indicator in indicators:
            row = Indicator(promise_id=promise.id, **indicator)
            session.add(row)
            session.flush()
            _log(session, promise.id, who, "indicator_added", {"indicator": dict(indicator, id=row.id)})
        return promise.id


def _changed(obj, values: dict) -> dict:
    return {k: [getattr(obj, k), v] for k, v in values.items() if getattr(obj, k) != v}


def update_promise(db: Database, who: str, promise_id: int, version: int, fields: dict) -> None:
    values = clean_promise(fields)
    try:
        with db.transaction() as session:
            promise = _promise(session, promise_id)
            if promise.version != version:
                raise Conflict(promise_id)
            changed = _changed(promise, values)
            if not changed:
                return
            for key, (_, new) in changed.items():
                setattr(promise, key, new)
            session.flush()  # UPDATE … WHERE version = :version: StaleDataError if someone saved meanwhile
            _log(session, promise_id, who, "edited", changed)
    except StaleDataError:
        raise Conflict(promise_id) from None


def add_indicator(db: Database, who: str, promise_id: int, indicator: dict) -> int:
    """`indicator`: question, level, area_id, filters, baseline_wave (checked by promises/followup.py)."""
    with db.transaction() as session:
        _promise(session, promise_id)
        row = Indicator(promise_id=promise_id, **indicator)
        session.add(row)
        session.flush()
        _log(session, promise_id, who, "indicator_added", {"indicator": dict(indicator, id=row.id)})
        return row.id


def remove_indicator(db: Database, who: str, promise_id: int, indicator_id: int) -> None:
    with db.transaction() as session:
        row = session.get(Indicator, indicator_id)
        if row is None or row.promise_id != promise_id:
            raise NotFound(indicator_id)
        _log(session, promise_id, who, "indicator_removed",
             {"indicator": {"id": row.id, "question": row.question, "level": row.level, "area_id": row.area_id,
                            "filters": row.filters, "baseline_wave": row.baseline_wave}})
        session.delete(row)


def add_action(db: Database, who: str, promise_id: int, fields: dict) -> int:
    values = clean_action(fields)
    with db.transaction() as session:
        _promise(session, promise_id)
        action = Action(promise_id=promise_id, **values)
        session.add(action)
        session.flush()
        _log(session, promise_id, who, "action_added", {"action": dict(values, id=action.id)})
        return action.id


def update_action(db: Database, who: str, promise_id: int, action_id: int, version: int, fields: dict) -> None:
    """Change an action's text or status; a status change is logged as such (with the date of the change)."""
    try:
        with db.transaction() as session:
            action = session.get(Action, action_id)
            if action is None or action.promise_id != promise_id:
                raise NotFound(action_id)
            values = clean_action({**{k: getattr(action, k) for k in ACTION_FIELDS}, **fields})
            if action.version != version:
                raise Conflict(action_id)
            changed = _changed(action, values)
            if not changed:
                return
            for key, (_, new) in changed.items():
                setattr(action, key, new)
            session.flush()
            kind = "action_status" if set(changed) == {"status"} else "action_edited"
            _log(session, promise_id, who, kind, {"action": action_id, "what": action.what, **changed})
    except StaleDataError:
        raise Conflict(action_id) from None


def change_log(db: Database, promise_id: int) -> list[Change]:
    with db.transaction() as session:
        return list(session.scalars(select(Change).where(Change.promise_id == promise_id)
                                    .order_by(Change.at.desc(), Change.id.desc())))


def export_promise(db: Database, promise_id: int) -> dict:
    """The promise with its indicators, actions and whole change log, as JSON-ready data."""
    with db.transaction() as session:
        promise = _promise(session, promise_id)
        log = session.scalars(select(Change).where(Change.promise_id == promise_id).order_by(Change.id))
        return {
            "format": "trygghetskartan-medborgarlofte", "version": 1,
            "promise": {"id": promise.id, **{k: getattr(promise, k) for k in PROMISE_FIELDS},
                        "version": promise.version, "created_at": promise.created_at.isoformat(),
                        "updated_at": promise.updated_at.isoformat()},
            "indicators": [{"id": i.id, "question": i.question, "level": i.level, "area_id": i.area_id,
                            "filters": i.filters, "baseline_wave": i.baseline_wave} for i in promise.indicators],
            "actions": [{"id": a.id, **{k: getattr(a, k) for k in ACTION_FIELDS},
                         "updated_at": a.updated_at.isoformat()} for a in promise.actions],
            "change_log": [{"at": c.at.isoformat(), "who": c.who, "what": c.what, "detail": c.detail} for c in log],
        }


def delete_promise(db: Database, promise_id: int) -> None:
    """The promise, its indicators, actions and change log: all gone in one transaction."""
    with db.transaction() as session:
        promise = _promise(session, promise_id)
        session.delete(promise)
        session.execute(delete(Change).where(Change.promise_id == promise_id))


def report_texts(db: Database) -> dict[str, ReportText]:
    with db.transaction() as session:
        return {r.key: r for r in session.scalars(select(ReportText))}


def save_report_text(db: Database, who: str, key: str, version: int | None, text: str) -> None:
    """Save one written part of the lägesbild; `version` None for a part not yet written. Conflict when someone
    saved it since the form was made."""
    text = str(text or "").strip()
    if len(text) > 20_000:
        raise InputError(key, "promise_error_too_long")
    try:
        with db.transaction() as session:
            row = session.get(ReportText, key)
            if row is None:
                if version is not None:
                    raise Conflict(key)
                session.add(ReportText(key=key, text=text, updated_by=who))
                return
            if row.version != version:
                raise Conflict(key)
            if row.text != text:
                row.text, row.updated_by = text, who
    except (StaleDataError, IntegrityError):
        raise Conflict(key) from None

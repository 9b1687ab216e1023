"""The promises' database, the same tests on SQLite and on PostgreSQL (conftest.py): migrations from empty, every
write with its log line, a failed write leaves nothing, two staff editing at once lose neither's work."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from promises import store
from promises.db import Database, database_url
from promises.models import Promise

ROOT = Path(__file__).resolve().parents[2]


def test_migrations_make_every_table_from_empty_and_run_again_harmlessly(db):
    db.migrate()  # a second start: nothing to do
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {"promise", "indicator", "action", "change_log", "report_text", "alembic_version"} <= tables
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"


def test_a_promise_its_actions_and_their_log(db):
    pid = store.create_promise(db, "anna@kommun.se", {"title": "Lugnare trafik", "parties": "Kommunen, Polisen",
                                                      "areas": ["distrikt:1"], "period_start": "2027-01-01",
                                                      "period_end": "2027-12-31", "problems": ["p_fortkorning"]})
    promise = store.get_promise(db, pid)
    assert (promise.title, promise.parties, promise.version) == ("Lugnare trafik", ["Kommunen", "Polisen"], 1)
    store.update_promise(db, "bo@polisen.se", pid, 1, {**_fields(promise), "text": "Fler kontroller."})
    action = store.add_action(db, "anna@kommun.se", pid, {"what": "Trafikkontroller", "who": "Polisen",
                                                          "when": "maj"})
    store.update_action(db, "bo@polisen.se", pid, action, 1, {"status": "pagar"})
    log = store.change_log(db, pid)
    assert [(c.who, c.what) for c in log] == [("bo@polisen.se", "action_status"), ("anna@kommun.se", "action_added"),
                                              ("bo@polisen.se", "edited"), ("anna@kommun.se", "created")]
    assert log[0].detail["status"] == ["planerad", "pagar"]
    assert log[2].detail == {"text": ["", "Fler kontroller."]}
    exported = store.export_promise(db, pid)
    assert exported["promise"]["text"] == "Fler kontroller." and len(exported["change_log"]) == 4
    assert exported["actions"][0]["status"] == "pagar"
    store.delete_promise(db, pid)
    with pytest.raises(store.NotFound):
        store.get_promise(db, pid)
    assert store.change_log(db, pid) == []


def test_bad_input_names_the_field(db):
    for fields, field in (({"title": " "}, "title"), ({"title": "x", "period_start": "2027-13-01"}, "period_start"),
                          ({"title": "x", "period_start": "2027-05-01", "period_end": "2027-01-01"}, "period_end")):
        with pytest.raises(store.InputError) as err:
            store.create_promise(db, "anna", fields)
        assert err.value.field == field
    with pytest.raises(store.InputError):
        store.add_action(db, "anna", 1, {"what": "x", "status": "klar"})


def test_a_failed_write_leaves_nothing_half_saved(db, monkeypatch):
    before = len(store.list_promises(db))

    def broken_log(*args):
        raise RuntimeError("the disk is full")
    monkeypatch.setattr(store, "_log", broken_log)
    with pytest.raises(RuntimeError):
        store.create_promise(db, "anna", {"title": "Halvsparat"})
    assert len(store.list_promises(db)) == before  # the promise went with its log line


def test_two_staff_editing_at_once_lose_neither(db):
    pid = store.create_promise(db, "anna", {"title": "Trygg väg till skolan"})
    form = _fields(store.get_promise(db, pid))  # both open the form at version 1
    store.update_promise(db, "anna", pid, 1, {**form, "text": "Annas text"})
    with pytest.raises(store.Conflict):  # Bo's form was made from version 1: refused, Anna's text stays
        store.update_promise(db, "bo", pid, 1, {**form, "text": "Bos text"})
    assert store.get_promise(db, pid).text == "Annas text"
    store.update_promise(db, "bo", pid, 2, {**form, "text": "Annas text. Bos text"})  # Bo merges and saves
    assert [c.who for c in store.change_log(db, pid)] == ["bo", "anna", "anna"]

    # The race itself: both read version 2, both write; the database's UPDATE … WHERE version = 2 lets one through.
    with db.transaction() as first:
        mine = first.get(Promise, pid)
        store.update_promise(db, "anna", pid, 3, {**form, "text": "Anna igen"})  # commits meanwhile
        mine.text = "Bo igen"
        with pytest.raises(StaleDataError):
            first.flush()
        first.rollback()
    assert store.get_promise(db, pid).text == "Anna igen"

    # Actions added at the same moment are all kept.
    errors = []

    def add(who):
        try:
            store.add_action(db, who, pid, {"what": f"Åtgärd av {who}"})
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)
    threads = [threading.Thread(target=add, args=(name,)) for name in ("anna", "bo", "cecilia", "david")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(a.what for a in store.get_promise(db, pid).actions) == [
        "Åtgärd av anna", "Åtgärd av bo", "Åtgärd av cecilia", "Åtgärd av david"]


def _fields(promise) -> dict:
    return {k: getattr(promise, k) for k in store.PROMISE_FIELDS}


def test_processes_starting_together_migrate_a_new_database_once(database_url, tmp_path):
    """Several workers or instances starting at once on an empty database: each waits for the lock, one migrates."""
    if database_url.startswith("sqlite"):
        fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    else:
        admin = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text("CREATE DATABASE fresh"))
        admin.dispose()
        fresh = database_url.rsplit("/", 1)[0] + "/fresh"
    code = ("import os; from promises.db import Database, database_url; "
            "Database(database_url(None)).migrate()")
    env = {**os.environ, "DATABASE_URL": fresh}
    starts = [subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, stderr=subprocess.PIPE)
              for _ in range(3)]
    assert [p.wait(timeout=120) for p in starts] == [0, 0, 0], [p.stderr.read().decode()[-500:] for p in starts]
    from promises.db import Database
    from promises.db import database_url as resolve
    os.environ["DATABASE_URL"], before = fresh, os.environ.get("DATABASE_URL")
    try:
        engine = Database(resolve(None)).engine
    finally:
        os.environ["DATABASE_URL"] = before or ""
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()


def test_an_unreachable_database_stops_the_start_with_a_message(monkeypatch):
    from promises.db import DatabaseUnavailable

    monkeypatch.setenv("DATABASE_URL", "postgresql://trygg:hemligt@127.0.0.1:1/ingen")
    with pytest.raises(DatabaseUnavailable) as err:
        Database(database_url(None)).migrate()
    assert "DATABASE_URL" in str(err.value) and "hemligt" not in str(err.value)

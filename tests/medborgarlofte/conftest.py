"""The database behind the promises, on SQLite and on a real PostgreSQL server: the same tests run on both."""
from __future__ import annotations

import pytest

from promises.db import Database

from .postgres import missing_reason, postgres_server


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('promises') / 'promises.sqlite3'}"
        return
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="module")
def db(database_url, monkeypatch_module):
    monkeypatch_module.setenv("DATABASE_URL", database_url)
    from promises.db import database_url as resolve

    database = Database(resolve(None))
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch

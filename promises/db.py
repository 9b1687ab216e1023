"""The database of what staff write (promises/models.py): PostgreSQL when DATABASE_URL is set, else a SQLite file
next to the data folder (`data/promises.sqlite3` for `make run`; TRYGG_PROMISES_DB names another file).

Migrations (Alembic, promises/migrations/) run when the app starts, under a lock so that several processes
starting at once (gunicorn workers without preload, instances behind nginx) migrate once: PostgreSQL's advisory
lock, or an exclusive file lock beside the SQLite file. Each process opens its own engine (after gunicorn's
fork, never inherited). Every write is one transaction (`Database.transaction`): it commits whole or not at all.
"""
from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ADVISORY_LOCK = 2039_0023  # PostgreSQL advisory lock key of the migration (any constant shared by the processes)


def database_url(data_dir: str | Path | None) -> str:
    """DATABASE_URL (postgresql://… is read with psycopg 3), else the SQLite file next to the data folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url
    path = os.environ.get("TRYGG_PROMISES_DB")
    if not path:
        base = Path(data_dir).resolve().parent if data_dir else Path(__file__).resolve().parents[1] / "data"
        path = base / "promises.sqlite3"
    return f"sqlite:///{Path(path).resolve()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached, created or migrated (the message names the setting to change)."""


class Database:
    """One database: its URL, a per-process engine, migrations and transactions."""

    def __init__(self, url: str):
        self.url = url
        self.sqlite = url.startswith("sqlite")
        self._engine: sa.Engine | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    @property
    def safe_url(self) -> str:
        """The URL without its password, for messages."""
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    @property
    def engine(self) -> sa.Engine:
        with self._lock:
            if self._engine is None or self._pid != os.getpid():  # after a fork: an engine of our own
                self._engine = sa.create_engine(self.url, pool_pre_ping=not self.sqlite)
                if self.sqlite:
                    sa.event.listen(self._engine, "connect", _sqlite_pragmas)
                self._pid = os.getpid()
                self._sessions = sessionmaker(self._engine, expire_on_commit=False)
            return self._engine

    def migrate(self) -> None:
        """Bring the schema to the newest migration, once even when several processes start together;
        DatabaseUnavailable when the database cannot be reached or written."""
        try:
            self._migrate()
        except (SQLAlchemyError, OSError) as err:  # stop the start with a message that says what to set
            raise DatabaseUnavailable(
                f"Medborgarlöftenas databas kan inte öppnas eller migreras ({self.safe_url}): sätt DATABASE_URL "
                "till en nåbar PostgreSQL eller TRYGG_PROMISES_DB till en skrivbar fil (the promises' database "
                f"cannot be opened or migrated: {type(err).__name__}: {str(err).splitlines()[0][:300]})") from None

    def _migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        if self.sqlite:
            path = Path(self.url.removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(f"{path}.migrate.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
                with self.engine.begin() as connection:
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
            return
        with self.engine.begin() as connection:
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back whole when it raises."""
        self.engine  # noqa: B018 - makes this process's engine and sessionmaker
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

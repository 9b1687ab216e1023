"""State that every worker and instance shares for the staff login: failed-attempt counters (the login limiter)
and ended sessions (logout). Redis when REDIS_URL is set (the scale-out setup's, shared by all instances), else a
small SQLite file (TRYGG_STATE_DB, default `staff-state.sqlite3` next to the data folder) shared by the workers of
one machine: WAL, one short transaction per operation, a connection per process and thread (opened after
gunicorn's fork, never inherited).

The store is a few counters and markers with an expiry, nothing more: `incr` (a counter that starts at 1 and
expires `ttl` seconds after it was created: a fixed window), `get`, `put` (a value with an expiry) and `delete`.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger("trygghetskartan.staff")


class StateError(RuntimeError):
    """The shared store could not be read or written (the caller refuses rather than guesses)."""


class SQLiteState:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.local = threading.local()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._connect()  # create the table once (and check that the file is writable); not kept
            try:
                db.execute("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value INTEGER NOT NULL, "
                           "expires REAL NOT NULL)")
                db.execute("CREATE INDEX IF NOT EXISTS kv_expires ON kv (expires)")
            finally:
                db.close()
        except (OSError, sqlite3.Error) as err:
            raise StateError(f"{self.path}: kan inte skrivas, sätt TRYGG_STATE_DB till en skrivbar fil eller "
                             f"REDIS_URL (not writable: set TRYGG_STATE_DB or REDIS_URL): {err}") from err

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=5000")
        return db

    def _db(self) -> sqlite3.Connection:
        db, pid = getattr(self.local, "db", None), getattr(self.local, "pid", None)
        if db is None or pid != os.getpid():  # after a fork: a connection of our own
            db = self.local.db = self._connect()
            self.local.pid = os.getpid()
        return db

    def _run(self, work):
        try:
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                result = work(db, time.time())
                db.execute("COMMIT")
                return result
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.Error as err:
            raise StateError(f"{self.path.name}: {err}") from err

    def incr(self, key: str, ttl: float) -> int:
        def work(db, now):
            db.execute("DELETE FROM kv WHERE expires <= ?", (now,))
            db.execute("INSERT INTO kv (key, value, expires) VALUES (?, 1, ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = value + 1", (key, now + ttl))
            return db.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()[0]
        return self._run(work)

    def get(self, key: str) -> int | None:
        try:
            row = self._db().execute("SELECT value FROM kv WHERE key = ? AND expires > ?",
                                     (key, time.time())).fetchone()
        except sqlite3.Error as err:
            raise StateError(f"{self.path.name}: {err}") from err
        return row[0] if row else None

    def ttl(self, key: str) -> float:
        try:
            row = self._db().execute("SELECT expires FROM kv WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as err:
            raise StateError(f"{self.path.name}: {err}") from err
        return max(0.0, row[0] - time.time()) if row else 0.0

    def put(self, key: str, value: int, ttl: float) -> None:
        self._run(lambda db, now: db.execute("INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)",
                                             (key, int(value), now + ttl)))

    def delete(self, *keys: str) -> None:
        self._run(lambda db, now: db.executemany("DELETE FROM kv WHERE key = ?", [(k,) for k in keys]))


class RedisState:
    def __init__(self, url: str, prefix: str = "trygg:staff:"):
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    def _call(self, work):
        import redis

        try:
            return work(self.redis)
        except redis.RedisError as err:
            raise StateError(f"Redis: {err}") from err

    def incr(self, key: str, ttl: float) -> int:
        key = self.prefix + key

        def work(r):
            pipe = r.pipeline()  # MULTI/EXEC: the expiry is set only when the counter is created (a fixed window)
            pipe.set(key, 0, ex=max(1, int(ttl)), nx=True)
            pipe.incr(key)
            return pipe.execute()[1]
        return self._call(work)

    def get(self, key: str) -> int | None:
        value = self._call(lambda r: r.get(self.prefix + key))
        return int(value) if value is not None else None

    def ttl(self, key: str) -> float:
        return max(0.0, float(self._call(lambda r: r.pttl(self.prefix + key))) / 1000)

    def put(self, key: str, value: int, ttl: float) -> None:
        self._call(lambda r: r.set(self.prefix + key, int(value), ex=max(1, int(ttl))))

    def delete(self, *keys: str) -> None:
        self._call(lambda r: r.delete(*(self.prefix + k for k in keys)))


def open_state(data_dir: str | Path | None = None):
    """Redis when REDIS_URL is set, else SQLite at TRYGG_STATE_DB (default: next to the data folder)."""
    url = os.environ.get("REDIS_URL")
    if url:
        return RedisState(url)
    path = os.environ.get("TRYGG_STATE_DB")
    if not path:
        base = Path(data_dir).resolve().parent if data_dir else Path(__file__).resolve().parents[1] / "data"
        path = base / "staff-state.sqlite3"
    return SQLiteState(path)

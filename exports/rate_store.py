"""A `limits` storage in a small SQLite file, so that Flask-Limiter's per-client export limit (exports/rate.py) is
shared by every worker of an instance when there is no Redis: `memory://` counted per worker, so four workers let a
client have four times the limit. Registered as the scheme `trygg-sqlite://<path>`; both strategies the app may
use (fixed and moving window) are supported. Each change is one IMMEDIATE transaction, so workers never lose a
count; the rows of a key older than its window are removed as the key is used."""
from __future__ import annotations

import os
import sqlite3
import threading
import time

from limits.storage import MovingWindowSupport, Storage

SCHEMA = """CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS entries (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS entries_key ON entries (key, at);"""


class SQLiteStorage(Storage, MovingWindowSupport):
    STORAGE_SCHEME = ["trygg-sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = uri.split("://", 1)[1]
        self.local = threading.local()  # opened at the first count: a store that cannot be opened must not stop the app

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        db, pid = getattr(self.local, "db", None), getattr(self.local, "pid", None)
        if db is None or pid != os.getpid():  # after a fork: a connection of our own, as staff/state.py
            db = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            self.local.db, self.local.pid = db, os.getpid()
        return db

    def _write(self, work):
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            out = work(db, time.time())
            db.execute("COMMIT")
            return out
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        def work(db, now):
            db.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
            db.execute("INSERT INTO counters VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = value + ?",
                       (key, amount, now + expiry, amount))
            return db.execute("SELECT value FROM counters WHERE key = ?", (key,)).fetchone()[0]
        return self._write(work)

    def get(self, key: str) -> int:
        row = self._db().execute("SELECT value FROM counters WHERE key = ? AND expires > ?",
                                 (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._db().execute("SELECT expires FROM counters WHERE key = ?", (key,)).fetchone()
        return row[0] if row else time.time()

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False

        def work(db, now):
            db.execute("DELETE FROM entries WHERE key = ? AND at <= ?", (key, now - expiry))
            if db.execute("SELECT count(*) FROM entries WHERE key = ?", (key,)).fetchone()[0] + amount > limit:
                return False
            db.executemany("INSERT INTO entries VALUES (?, ?)", [(key, now)] * amount)
            return True
        return self._write(work)

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        oldest, count = self._db().execute("SELECT min(at), count(*) FROM entries WHERE key = ? AND at > ?",
                                           (key, now - expiry)).fetchone()
        return (oldest if oldest is not None else now), count

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1")
            return True
        except sqlite3.Error:
            return False

    def reset(self) -> int | None:
        def work(db, now):
            removed = db.execute("DELETE FROM counters").rowcount + db.execute("DELETE FROM entries").rowcount
            return removed
        return self._write(work)

    def clear(self, key: str) -> None:
        self._write(lambda db, now: (db.execute("DELETE FROM counters WHERE key = ?", (key,)),
                                     db.execute("DELETE FROM entries WHERE key = ?", (key,))))

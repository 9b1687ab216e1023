"""The staff login's attempt limiter, in the store all workers share (staff/state.py): counted per key (the login
form and the client address), so one address's guesses never lock out another."""
from __future__ import annotations

import logging

log = logging.getLogger("trygghetskartan.staff")

MAX_FAILURES, FAILURE_WINDOW = 10, 600  # failed password attempts per (form, address) in 10 minutes, all workers
LOCK_SECONDS, MAX_LOCK = 600, 24 * 3600  # then refused for 10 minutes, doubling with each further lock, at most 24 h


class LoginLimiter:
    """Failed attempts per key (the form and the client address) in the shared store: after MAX_FAILURES in
    FAILURE_WINDOW the key is locked for LOCK_SECONDS, doubled for each lock in the last MAX_LOCK seconds."""

    def __init__(self, state):
        self.state = state

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again (0: now)."""
        return int(self.state.ttl("lock:" + key) + 0.999) if self.state.get("lock:" + key) else 0

    def attempt(self, key: str) -> int:
        """Count an attempt before the password is checked (so that parallel attempts on many workers cannot
        slip past the limit); the seconds to wait if it is over the limit (0: go ahead)."""
        if self.state.incr("fail:" + key, FAILURE_WINDOW) > MAX_FAILURES:
            return self._lock(key)
        return 0

    def failed(self, key: str) -> None:
        if (self.state.get("fail:" + key) or 0) >= MAX_FAILURES:
            self._lock(key)

    def succeeded(self, key: str) -> None:
        self.state.delete("fail:" + key, "lock:" + key, "strikes:" + key)

    def _lock(self, key: str) -> int:
        strikes = self.state.incr("strikes:" + key, MAX_LOCK)
        seconds = min(LOCK_SECONDS * 2 ** min(strikes - 1, 16), MAX_LOCK)
        self.state.put("lock:" + key, 1, seconds)
        self.state.delete("fail:" + key)
        log.warning("inloggning spärrad i %d s för %s (login locked)", seconds, key)
        return seconds

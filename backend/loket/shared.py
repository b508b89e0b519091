"""Shared ephemeral state: Redis when ``LOKET_REDIS_URL`` is set (every instance sees the same
counters), otherwise this process's memory (one machine; limits then count per worker).

Only what may be lost lives here — rate-limit counters. Sessions, codes, tokens and keys live in
the database, so a Redis restart signs nobody out.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

log = logging.getLogger(__name__)


class SharedState(Protocol):
    def hit(self, key: str, window: int) -> tuple[int, int]:
        """Count one event in the current window; returns (count, seconds left in window)."""

    def ping(self) -> None:
        """Raise when the store does not answer."""


class MemoryState:
    """Fixed-window counters in this process (the embedded default)."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, window: int) -> tuple[int, int]:
        now = time.monotonic()
        with self._lock:
            start, count = self._counts.get(key, (now, 0))
            if now - start >= window:
                start, count = now, 0
            count += 1
            self._counts[key] = (start, count)
            if len(self._counts) > 100_000:  # forget finished windows now and then
                self._counts = {k: v for k, v in self._counts.items() if now - v[0] < 3600}
        return count, max(1, int(window - (now - start)))

    def ping(self) -> None:
        return None


class RedisState:
    """Fixed-window counters in Redis, shared by every instance."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5,
                                           health_check_interval=30)
        self._prefix = prefix

    def hit(self, key: str, window: int) -> tuple[int, int]:
        name = f"{self._prefix}rl:{key}"
        pipe = self._redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, window, nx=True)
        pipe.ttl(name)
        count, _, ttl = pipe.execute()
        return int(count), max(1, int(ttl))

    def ping(self) -> None:
        self._redis.ping()


def make_state(url: str, prefix: str) -> SharedState:
    return RedisState(url, prefix) if url else MemoryState()

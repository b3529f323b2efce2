"""A fixed-window rate limit for the ``/api/rate-limit`` example.

Counts live in this process by default, as in Next.js's example (an LRU cache of 500
keys); with ``REDIS_URL`` set they live in Redis, so the limit holds across gunicorn
workers and machines.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from nextresp import ApiError, ApiRequest, ApiResponse

if TYPE_CHECKING:
    import redis

#: Requests allowed per key and window, and the window's length in seconds.
LIMIT = 10
WINDOW = 60


class Counter(Protocol):
    def hit(self, key: str) -> tuple[int, int]:
        """Count a request for ``key``; return the count in the current window and
        the seconds until the window ends."""
        ...


class InProcessCounter:
    """Windows kept in this process, for the ``max_keys`` most recently seen keys."""

    def __init__(
        self,
        window: int = WINDOW,
        max_keys: int = 500,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window
        self.max_keys = max_keys
        self._clock = clock
        self._windows: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn's threads share the counts

    def hit(self, key: str) -> tuple[int, int]:
        now = self._clock()
        with self._lock:
            start, count = self._windows.pop(key, (now, 0))
            if now - start >= self.window:
                start, count = now, 0
            self._windows[key] = (start, count + 1)
            if len(self._windows) > self.max_keys:
                self._windows.popitem(last=False)
        return count + 1, max(1, math.ceil(start + self.window - now))


class RedisCounter:
    """Windows kept in Redis: one key per client, created with its expiry."""

    def __init__(
        self, client: redis.Redis, window: int = WINDOW, prefix: str = "rate-limit:"
    ) -> None:
        self.client = client
        self.window = window
        self.prefix = prefix

    def hit(self, key: str) -> tuple[int, int]:
        name = self.prefix + key
        # One transaction: the window starts with the first request (SET NX EX),
        # and INCR keeps the expiry.
        with self.client.pipeline(transaction=True) as pipe:
            pipe.set(name, 0, ex=self.window, nx=True)
            pipe.incr(name)
            pipe.ttl(name)
            _, count, ttl = pipe.execute()
        return int(count), max(1, int(ttl))


def counter_from_environment() -> Counter:
    """Return a Redis counter when ``REDIS_URL`` is set, else one in this process."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return InProcessCounter()
    import redis

    return RedisCounter(redis.Redis.from_url(url))


def check(
    req: ApiRequest, res: ApiResponse, counter: Counter, limit: int = LIMIT
) -> None:
    """Count the request by client address; refuse it with 429 past ``limit``.

    Every answer says the limit and what is left of it; the 429 also says when to
    retry. Behind a proxy, let werkzeug's ``ProxyFix`` set the client's address.
    """
    count, reset = counter.hit(req.remote_addr or "unknown")
    res.set_header("X-RateLimit-Limit", limit)
    res.set_header("X-RateLimit-Remaining", max(limit - count, 0))
    if count > limit:
        raise ApiError(429, "Rate limit exceeded", headers={"Retry-After": reset})

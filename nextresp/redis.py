"""Server-sent events across workers and hosts, through a Redis Stream.

One :class:`EventChannel` names one Redis Stream. ``publish`` appends an event to
it from any process; ``subscribe`` reads it from any other, for ``res.sse``::

    from nextresp.redis import EventChannel

    channel = EventChannel("redis://127.0.0.1:6379/0", "news")

    @api_handler
    def events(req, res):
        res.sse(channel.subscribe(last_event_id=req.headers.get("Last-Event-ID")))

Each event's id is its Redis Stream entry id (``1733312345678-0``), so a client
that reconnects sends it back as ``Last-Event-ID`` and receives every event after
it exactly once, in order, as long as the stream still holds it: the stream keeps
about the latest ``maxlen`` events.

Requires the ``redis`` package: ``pip install 'nextresp[redis]'``.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from typing import Any

from . import _json
from ._events import Event

try:
    import redis as _redis
except ImportError:  # pragma: no cover - checked by a test that hides the package
    _redis = None  # type: ignore[assignment]

__all__ = ["EventChannel", "Subscription"]

#: How many events a channel keeps for clients that reconnect, unless told.
DEFAULT_MAXLEN = 10_000
#: Seconds one read waits for new events before it asks again; also how long a
#: subscription can outlive the client that left, at most.
DEFAULT_BLOCK = 5.0
# A Redis Stream entry id; anything else a client sends is not one of ours.
_ENTRY_ID = re.compile(r"[0-9]{1,20}-[0-9]{1,20}")
# Events fetched per read: enough to catch up fast, few enough to stay small.
_BATCH = 500


def _require_redis() -> Any:
    if _redis is None:
        raise ImportError(
            "nextresp.redis needs the redis package: pip install 'nextresp[redis]'"
        )
    return _redis


class EventChannel:
    """A named stream of events shared by every process that opens it.

    ``redis_url`` is a Redis URL (``redis://host:6379/0``, ``rediss://`` for TLS);
    ``name`` is the key of the Redis Stream. ``maxlen`` bounds the stream: Redis
    trims the oldest entries once it holds about that many (at least ``maxlen``
    are kept; trimming is approximate, which Redis does at a fraction of the cost).
    ``block`` is how many seconds a subscription's read waits for new events.
    ``json_dumps`` encodes data that is not a ``str``.

    One channel holds one connection pool: make it once, at import time, and share
    it between requests and threads.
    """

    def __init__(
        self,
        redis_url: str,
        name: str,
        *,
        maxlen: int = DEFAULT_MAXLEN,
        block: float = DEFAULT_BLOCK,
        json_dumps: _json.JsonDumps = _json.dumps,
    ) -> None:
        redis = _require_redis()
        if not isinstance(redis_url, str):
            raise TypeError(
                f"EventChannel redis_url must be a str such as"
                f" 'redis://127.0.0.1:6379/0', not {redis_url!r}"
            )
        if not isinstance(name, str):
            raise TypeError(f"EventChannel name must be a str, not {name!r}")
        if not name:
            raise ValueError("EventChannel name must not be empty")
        if isinstance(maxlen, bool) or not isinstance(maxlen, int):
            raise TypeError(f"EventChannel maxlen must be an int, not {maxlen!r}")
        if maxlen < 1:
            raise ValueError(f"EventChannel maxlen must be 1 or more, not {maxlen}")
        if isinstance(block, bool) or not isinstance(block, int | float):
            raise TypeError(
                f"EventChannel block must be a number of seconds, not {block!r}"
            )
        if not 0 < block <= 3600:
            raise ValueError(
                f"EventChannel block must be above 0 and at most 3600 seconds,"
                f" not {block!r}"
            )
        self.name = name
        self.maxlen = maxlen
        self.block = block
        self._json_dumps = json_dumps
        try:
            self.client = redis.Redis.from_url(redis_url)
        except ValueError as exc:
            raise ValueError(
                f"EventChannel redis_url {redis_url!r} is not a Redis URL: {exc}"
            ) from None

    def __repr__(self) -> str:
        return f"<EventChannel {self.name!r}>"

    def publish(self, data: object, event: str | None = None) -> str:
        """Append one event for every subscriber; return its id.

        ``data`` is sent as ``res.sse`` sends it: a ``str`` as its text, anything
        else as JSON (encoded here, so a value JSON cannot hold raises here).
        ``event`` names the event type. The id is the Redis entry id.
        """
        checked = Event(None, event=event)  # refuses an event name with a line break
        if data is None:
            raise ValueError(
                "publish() needs data: an event without data is never dispatched"
            )
        text = data if isinstance(data, str) else None
        if text is None:
            text = _json.encode(self._json_dumps, data, "publish").decode()
        fields: dict[str, str] = {"data": text}
        if checked.event is not None:
            fields["event"] = checked.event
        entry_id = self.client.xadd(
            self.name,
            fields,
            maxlen=self.maxlen,
            approximate=True,
        )
        return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)

    def subscribe(self, last_event_id: str | None = None) -> Subscription:
        """Return the events published after ``last_event_id``, as they come.

        ``last_event_id`` is the ``Last-Event-ID`` a reconnecting client sent (pass
        the header as it is: None, a value that is not one of our ids, or one
        ahead of the newest event, starts from the events published from now on).
        The subscription then starts at the stream's current end, read here, so
        no event published after this call is missed.
        """
        if last_event_id is not None and not isinstance(last_event_id, str):
            raise TypeError(
                "subscribe() last_event_id must be a str (the Last-Event-ID header)"
                f" or None, not {last_event_id!r} ({type(last_event_id).__name__})"
            )
        newest = self._last_id()
        start = last_event_id.strip() if last_event_id is not None else None
        if start is None or not _ENTRY_ID.fullmatch(start):
            return Subscription(self, newest)
        # An id ahead of the newest entry (another Redis's, or a forged one) would
        # wait for ids to catch up with it, missing every event until then.
        if _id_key(start) > _id_key(newest):
            return Subscription(self, newest)
        return Subscription(self, start)

    def _last_id(self) -> str:
        """Return the id of the stream's newest entry, or ``0-0`` when it has none."""
        newest = self.client.xrevrange(self.name, count=1)
        if not newest:
            return "0-0"
        entry_id = newest[0][0]
        return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)

    def close(self) -> None:
        """Close the channel's connections (at shutdown)."""
        self.client.close()


class Subscription:
    """The events of a channel after a given id, read as they are published.

    Iterating blocks until events come (``block`` seconds per read, then it asks
    again), so give it to ``res.sse`` with a heartbeat (the default), which pulls
    it on a helper thread. Iteration never ends by itself: the client leaving ends
    it, and ``close()`` stops it after the read in progress.
    """

    def __init__(self, channel: EventChannel, last_id: str) -> None:
        self._channel = channel
        self.last_id = last_id
        self._pending: deque[Event] = deque()
        self._closed = False

    def __iter__(self) -> Iterator[Event]:
        return self

    def __next__(self) -> Event:
        channel = self._channel
        block = max(int(channel.block * 1000), 1)
        while not self._pending:
            if self._closed:
                raise StopIteration
            answer = channel.client.xread(
                {channel.name: self.last_id}, count=_BATCH, block=block
            )
            for _stream, entries in answer or ():
                for entry_id, fields in entries:
                    self._pending.append(_event_of(entry_id, fields))
        event = self._pending.popleft()
        self.last_id = str(event.id)
        return event

    def close(self) -> None:
        self._closed = True
        self._pending.clear()


def _id_key(entry_id: str) -> tuple[int, int]:
    milliseconds, _, sequence = entry_id.partition("-")
    return int(milliseconds), int(sequence)


def _event_of(entry_id: bytes | str, fields: dict[Any, Any]) -> Event:
    def text(value: bytes | str) -> str:
        return value.decode() if isinstance(value, bytes) else value

    found = {text(key): text(value) for key, value in fields.items()}
    return Event(found.get("data", ""), event=found.get("event"), id=text(entry_id))

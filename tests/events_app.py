"""The app the live event-stream tests serve under gunicorn's gthread worker.

``/events?name=N`` sends a ``ready`` event, waits until ``/go?name=N`` is requested,
sends ``go``, then a ``tick`` every 50 ms until the client leaves; ``/async-events``
does the same from an async generator under an ``async def`` handler, ticking from
the start. ``/closed`` lists the names of the streams whose source was closed.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import AsyncIterator, Iterator

from nextresp import ApiRequest, ApiResponse, Event, api_handler

_lock = threading.Lock()
_gates: dict[str, threading.Event] = {}
CLOSED: list[str] = []


def gate(name: str) -> threading.Event:
    with _lock:
        return _gates.setdefault(name, threading.Event())


def feed(name: str) -> Iterator[Event]:
    try:
        yield Event("ready", id=1)
        gate(name).wait(10)
        yield Event("go", id=2)
        for n in itertools.count(3):
            time.sleep(0.05)
            yield Event({"n": n}, event="tick", id=n)
    finally:
        with _lock:
            CLOSED.append(name)


async def async_feed(name: str) -> AsyncIterator[Event]:
    try:
        yield Event("ready", id=1)
        for n in itertools.count(2):
            await asyncio.sleep(0.05)
            yield Event({"n": n}, event="tick", id=n)
    finally:
        with _lock:
            CLOSED.append(name)


@api_handler
def events(req: ApiRequest, res: ApiResponse) -> None:
    name = req.args.get("name", "")
    if req.path == "/events":
        res.sse(feed(name), heartbeat=0.2)
    elif req.path == "/go":
        gate(name).set()
        res.json({"go": name})
    else:
        with _lock:
            res.json(CLOSED)


@api_handler
async def async_events(req: ApiRequest, res: ApiResponse) -> None:
    await asyncio.sleep(0)
    res.sse(async_feed(req.args.get("name", "")), heartbeat=0.2)


def app(environ, start_response):  # type: ignore[no-untyped-def]
    if environ["PATH_INFO"] == "/async-events":
        return async_events(environ, start_response)
    return events(environ, start_response)

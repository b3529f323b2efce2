"""Live: events published on any worker reach subscribers on every worker.

``REDIS_URL`` names the Redis server. ``POST /publish/NAME?count=N&first=F``
publishes the events ``{"n": F}`` to ``{"n": F + N - 1}`` on channel NAME;
``GET /events/NAME`` subscribes, resuming after ``Last-Event-ID``. Every answer names
the worker that gave it in ``X-Worker``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIEnvironment

from nextresp import ApiRequest, ApiResponse, api_handler
from nextresp.redis import EventChannel

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@functools.cache
def channel(name: str) -> EventChannel:
    return EventChannel(REDIS_URL, name, maxlen=100_000, block=1.0)


@api_handler(methods=["POST"])
def publish(req: ApiRequest, res: ApiResponse) -> None:
    name = req.path.removeprefix("/publish/")
    first, count = int(req.query["first"]), int(req.query["count"])
    ids = [
        channel(name).publish({"n": n}, event="tick")
        for n in range(first, first + count)
    ]
    res.json({"ids": ids})


@api_handler(methods=["GET"])
def events(req: ApiRequest, res: ApiResponse) -> None:
    name = req.path.removeprefix("/events/")
    subscription = channel(name).subscribe(
        last_event_id=req.headers.get("Last-Event-ID")
    )
    res.sse(subscription, heartbeat=1.0)


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    def start(status: str, headers: list[tuple[str, str]], *args: object) -> object:
        return start_response(status, [*headers, ("X-Worker", str(os.getpid()))])

    path = environ["PATH_INFO"]
    handler = publish if path.startswith("/publish/") else events
    return handler(environ, start)  # type: ignore[arg-type, no-any-return]

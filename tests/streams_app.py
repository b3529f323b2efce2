"""Live: streams whose next item waits for the client (tests/test_streams_live.py).

``GET /ndjson/KEY``, ``GET /sse/KEY`` and ``POST /ai/KEY`` send one item, then wait
until ``POST /go/KEY`` arrives before sending the next: a client that receives the
first item before it sends ``/go`` proves the item left at once, not held in a
buffer. The handler compresses what it may (``compress=True``): streams never are,
and ``GET /big`` is, for a client that asks.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from wsgiref.types import StartResponse, WSGIEnvironment

from nextresp import ApiRequest, ApiResponse, ai, api_handler

_go: defaultdict[str, threading.Event] = defaultdict(threading.Event)
_closed: set[str] = set()


def _items(key: str, first: object, second: object) -> Iterator[object]:
    try:
        yield first
        if not _go[key].wait(timeout=20):
            return
        yield second
    finally:
        _closed.add(key)


#: A JSON answer large enough to be compressed.
BIG = [{"id": i, "name": f"Item number {i}"} for i in range(200)]


@api_handler(compress=True)
def handle(req: ApiRequest, res: ApiResponse) -> None:
    kind, _, key = req.path.strip("/").partition("/")
    if kind == "ndjson":
        res.ndjson(_items(key, {"n": 1}, {"n": 2}))
    elif kind == "sse":
        res.sse(_items(key, "first", "second"), heartbeat=None)
    elif kind == "big":
        res.json(BIG)
    elif kind == "ai":
        res.ai_stream(_items(key, "first", ai.Data("second", 2)))
    elif kind == "go":
        _go[key].set()
        res.end()
    elif kind == "closed":
        res.json(key in _closed)
    else:
        res.status(404).end()


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    return handle(environ, start_response)  # type: ignore[no-any-return]

"""Live: streams and files through three middleware layers (test_middleware_live).

``GET /sse/KEY`` sends one event, then waits for ``POST /go/KEY`` before the next, so a
client that reads the first event before it sends ``/go`` proves the middleware held
nothing back. ``GET /file/KEY`` sends this module's directory's ``support.py`` (a
real file, through the server's ``wsgi.file_wrapper``). Each answer queues a
``res.after`` callback; ``GET /ran/KEY`` tells what ran for ``KEY``, in order.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from nextresp import ApiError, ApiRequest, ApiResponse, api_handler

FILE = Path(__file__).with_name("support.py")

_go: defaultdict[str, threading.Event] = defaultdict(threading.Event)
_ran: defaultdict[str, list[str]] = defaultdict(list)


def _key(req: ApiRequest) -> str:
    return req.path.strip("/").partition("/")[2]


def layer(name: str) -> Callable[..., None]:
    def middleware(
        req: ApiRequest, res: ApiResponse, call_next: Callable[[], object]
    ) -> None:
        res.set_header(f"X-Layer-{name}", "in")
        call_next()
        if not req.path.startswith(("/ran/", "/go/")):  # the test's own requests
            _ran[_key(req)].append(f"{name} returned")

    return middleware


def _events(key: str) -> Iterator[str]:
    try:
        yield "first"
        if _go[key].wait(timeout=20):
            yield "second"
    finally:
        _ran[key].append("stream closed")


@api_handler(use=[layer("a"), layer("b"), layer("c")])
def app(req: ApiRequest, res: ApiResponse) -> None:
    kind = req.path.strip("/").partition("/")[0]
    key = _key(req)
    if kind == "ran":
        res.json(_ran[key])
        return
    if kind == "go":
        _go[key].set()
        res.end()
        return
    res.after(lambda: _ran[key].append("after"))
    if kind == "sse":
        res.sse(_events(key), heartbeat=None)
    elif kind == "file":
        res.send_file(FILE)
    elif kind == "fail":
        raise RuntimeError("boom")
    else:
        raise ApiError(404)

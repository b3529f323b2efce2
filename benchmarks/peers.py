"""The benchmark's workloads answered by each peer, as WSGI applications.

Each peer answers five requests, each the way its own documentation writes it:

- ``GET /`` → ``200 {"name":"Next.js"}``; ``DELETE /`` without ``Authorization`` →
  ``401`` with ``WWW-Authenticate: Basic`` (the seed's two requests);
- ``GET /items`` and ``GET /items-null`` → about 1 MB of JSON, a list of dicts, without
  and with one ``null`` per item (the same data for every peer);
- ``POST /count`` with about 100 KB of JSON → ``{"count": n}``, the body read through
  the framework's parsed-body API (``req.body``, ``get_media()``, ``get_json()``).

A peer is a table from path to WSGI app. Falcon and Flask route for themselves (their
routing is part of their cost); nextresp's handlers are one per route, as Next.js API
routes are, and so are the hand-written ones. :func:`served` turns a table into one
app for gunicorn. ``GET /file`` (gunicorn only) sends the file named by the
``NEXTRESP_BENCH_FILE`` environment variable, through nextresp or raw
``wsgi.file_wrapper``.

The "same-wire floor" is a hand-written function that sends exactly the bytes
nextresp sends (orjson, the same ETag and headers, werkzeug's status lines): what the
answers cost without a framework. The bench checks that the two agree.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib
import json
import os
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import HTTPException, Unauthorized
from werkzeug.wrappers import Request, Response

from nextresp import ApiError, ApiRequest, ApiResponse, api_handler

WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]
Peer = dict[str, WSGIApp]
Handler = Callable[[ApiRequest, ApiResponse], None]

dumps: Callable[[Any], bytes]
try:
    import orjson
except ImportError:  # the floor and raw WSGI still run, on the standard encoder
    dumps = lambda obj: json.dumps(  # noqa: E731
        obj, separators=(",", ":"), ensure_ascii=False
    ).encode()
else:
    dumps = orjson.dumps

try:  # CPython's own SHA-1: faster than OpenSSL's below about 64 bytes, slower above
    small_sha1: Callable[[bytes], Any] = importlib.import_module("_sha1").sha1
except ImportError:
    small_sha1 = hashlib.sha1


def etag(body: bytes) -> str:
    """nextresp's ETag for ``body``, hashed by the faster SHA-1 for its size."""
    sha1 = small_sha1 if len(body) < 64 else hashlib.sha1
    return f'"{sha1(body).hexdigest()}"'


SEED = {"name": "Next.js"}
PROBLEM_401 = dumps(
    {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Authentication required",
    }
)


def items(count: int, *, null: bool) -> list[dict[str, Any]]:
    """``count`` records of about 130 bytes of JSON each; ``null``: one None in each."""
    return [
        {
            "id": i,
            "name": f"Item number {i}",
            "email": f"user{i}@example.com",
            "active": i % 3 != 0,
            "score": i * 0.25,
            "tags": ["alpha", "beta"],
            "note": None if null else "",
        }
        for i in range(count)
    ]


ITEMS = items(7_500, null=False)  # about 1 MB as JSON
ITEMS_NULL = items(7_500, null=True)
POST_BODY = dumps(items(780, null=False))  # about 100 KB


def bench_file() -> str:
    return os.environ["NEXTRESP_BENCH_FILE"]


# -- raw WSGI: the plainest code that answers ---------------------------------------


def _raw_answer(start_response: Any, body: bytes) -> list[bytes]:
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


def raw_seed(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    if environ["REQUEST_METHOD"] == "DELETE" and not environ.get("HTTP_AUTHORIZATION"):
        start_response(
            "401 Unauthorized",
            [
                ("Content-Type", "application/problem+json"),
                ("Content-Length", str(len(PROBLEM_401))),
                ("WWW-Authenticate", "Basic"),
            ],
        )
        return [PROBLEM_401]
    return _raw_answer(start_response, json.dumps(SEED).encode())


def raw_items(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    return _raw_answer(start_response, dumps(ITEMS))


def raw_items_null(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    return _raw_answer(start_response, dumps(ITEMS_NULL))


def raw_count(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data = json.loads(environ["wsgi.input"].read(length))
    return _raw_answer(start_response, json.dumps({"count": len(data)}).encode())


def raw_file(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    file = open(bench_file(), "rb")  # noqa: SIM115 (the server closes it)
    start_response(
        "200 OK",
        [
            ("Content-Type", "application/octet-stream"),
            ("Content-Length", str(os.fstat(file.fileno()).st_size)),
        ],
    )
    return environ["wsgi.file_wrapper"](file, 64 * 1024)  # type: ignore[no-any-return]


# -- the same-wire floor: nextresp's bytes, hand-written ------------------------------


def _floor_json(start_response: Any, obj: object) -> list[bytes]:
    body = dumps(obj)
    start_response(
        "200 OK",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("ETag", etag(body)),
        ],
    )
    return [body]


_FLOOR_401_HEADERS = [
    ("Content-Type", "application/problem+json"),
    ("Content-Length", str(len(PROBLEM_401))),
    ("X-Content-Type-Options", "nosniff"),
    ("Vary", "Accept"),
    ("WWW-Authenticate", "Basic"),
]


def floor_seed(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    if environ["REQUEST_METHOD"] == "DELETE" and not environ.get("HTTP_AUTHORIZATION"):
        start_response("401 Unauthorized", _FLOOR_401_HEADERS[:])
        return [PROBLEM_401]
    return _floor_json(start_response, SEED)


def floor_items(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    return _floor_json(start_response, ITEMS)


def floor_items_null(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    return _floor_json(start_response, ITEMS_NULL)


def floor_count(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data = json.loads(environ["wsgi.input"].read(length))
    return _floor_json(start_response, {"count": len(data)})


# -- werkzeug by hand -----------------------------------------------------------------


@Request.application  # type: ignore[arg-type]
def werkzeug_by_hand(request: Request) -> Response | HTTPException:
    try:
        if request.path == "/items":
            return Response(json.dumps(ITEMS), mimetype="application/json")
        if request.path == "/items-null":
            return Response(json.dumps(ITEMS_NULL), mimetype="application/json")
        if request.path == "/count":
            count = {"count": len(request.get_json())}
            return Response(json.dumps(count), mimetype="application/json")
        if request.method == "DELETE" and not request.headers.get("Authorization"):
            raise Unauthorized(
                "Authentication required", www_authenticate=WWWAuthenticate("basic")
            )
        return Response(json.dumps(SEED), mimetype="application/json")
    except HTTPException as e:
        return e


# -- nextresp: one handler per route, sync, async, and async that waits -------------


def seed(req: ApiRequest, res: ApiResponse) -> None:
    if req.method == "DELETE" and not req.headers.get("Authorization"):
        res.set_header("WWW-Authenticate", "Basic")
        raise ApiError(401, "Authentication required")
    res.status(200).json({"name": "Next.js"})


def list_items(req: ApiRequest, res: ApiResponse) -> None:
    res.json(ITEMS)


def list_items_null(req: ApiRequest, res: ApiResponse) -> None:
    res.json(ITEMS_NULL)


def count(req: ApiRequest, res: ApiResponse) -> None:
    res.json({"count": len(req.body)})


def send_file(req: ApiRequest, res: ApiResponse) -> None:
    res.send(open(bench_file(), "rb"))  # noqa: SIM115 (closed with the response)


HANDLERS: dict[str, Handler] = {
    "/": seed,
    "/items": list_items,
    "/items-null": list_items_null,
    "/count": count,
    "/file": send_file,
}


def run_async(handler: Handler, *, sleep: bool) -> Callable[..., Any]:
    """``handler`` as an ``async def``; with ``sleep``, it awaits ``sleep(0)`` first."""

    async def async_handler(req: ApiRequest, res: ApiResponse) -> None:
        if sleep:
            await asyncio.sleep(0)
        handler(req, res)

    return async_handler


def nextresp_peer(*, run: str = "sync") -> Peer:
    """nextresp's handlers; ``run``: "sync", "async", or "sleep" (async, waits once)."""
    if run == "sync":
        return {path: api_handler(h) for path, h in HANDLERS.items()}
    sleep = run == "sleep"
    return {
        path: api_handler(run_async(h, sleep=sleep)) for path, h in HANDLERS.items()
    }


# -- Flask and Falcon ---------------------------------------------------------------


def flask_app() -> WSGIApp:
    import flask

    app = flask.Flask("bench")

    @app.route("/", methods=["GET", "DELETE"])
    def thing() -> dict[str, str]:
        if flask.request.method == "DELETE" and not flask.request.authorization:
            raise Unauthorized(
                "Authentication required", www_authenticate=WWWAuthenticate("basic")
            )
        return {"name": "Next.js"}

    @app.get("/items")
    def items_view() -> list[dict[str, Any]]:
        return ITEMS

    @app.get("/items-null")
    def items_null_view() -> list[dict[str, Any]]:
        return ITEMS_NULL

    @app.post("/count")
    def count_view() -> dict[str, int]:
        return {"count": len(flask.request.get_json())}

    return app  # type: ignore[return-value]


def falcon_app() -> WSGIApp:
    import falcon

    class Thing:
        def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
            resp.media = {"name": "Next.js"}

        def on_delete(self, req: falcon.Request, resp: falcon.Response) -> None:
            if not req.get_header("Authorization"):
                raise falcon.HTTPUnauthorized(
                    title="Authentication required", challenges=["Basic"]
                )

    class Items:
        def __init__(self, items: list[dict[str, Any]]) -> None:
            self.items = items

        def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
            resp.media = self.items

    class Count:
        def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
            resp.media = {"count": len(req.get_media())}

    app = falcon.App()
    app.add_route("/", Thing())
    app.add_route("/items", Items(ITEMS))
    app.add_route("/items-null", Items(ITEMS_NULL))
    app.add_route("/count", Count())
    return app  # type: ignore[return-value]


def _routed(app: WSGIApp) -> Peer:
    return dict.fromkeys(HANDLERS, app)


def peers() -> dict[str, Peer]:
    """Every peer that is installed, by name; nextresp's first."""
    tables: dict[str, Peer] = {
        "nextresp": nextresp_peer(),
        "nextresp async": nextresp_peer(run="async"),
        "nextresp sleep(0)": nextresp_peer(run="sleep"),
        "floor": {
            "/": floor_seed,
            "/items": floor_items,
            "/items-null": floor_items_null,
            "/count": floor_count,
        },
        "raw WSGI": {
            "/": raw_seed,
            "/items": raw_items,
            "/items-null": raw_items_null,
            "/count": raw_count,
            "/file": raw_file,
        },
        "werkzeug": _routed(werkzeug_by_hand),  # type: ignore[arg-type]
    }
    for name, factory in (("falcon", falcon_app), ("flask", flask_app)):
        with contextlib.suppress(ImportError):
            tables[name] = _routed(factory())
    return tables


def served(name: str) -> WSGIApp:
    """Peer ``name`` as one WSGI app, for gunicorn (``"benchmarks.peers:served('x')"``).

    Tables of one app each are that app; the others choose by path with one dict
    look-up, the same for every such peer.
    """
    table = peers()[name]
    apps = set(table.values())
    if len(apps) == 1:
        return apps.pop()

    def by_path(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return table[environ["PATH_INFO"]](environ, start_response)

    return by_path

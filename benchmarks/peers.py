"""The seed's two requests answered by each peer, as WSGI applications.

``GET /`` answers ``200 {"name":"Next.js"}``; ``DELETE /`` without ``Authorization``
answers ``401`` with ``WWW-Authenticate: Basic``. Each peer is written the way its own
documentation writes it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import HTTPException, Unauthorized
from werkzeug.wrappers import Request, Response

from nextresp import ApiError, ApiRequest, ApiResponse, api_handler

WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]
PROBLEM_401 = json.dumps(
    {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Authentication required",
    },
    separators=(",", ":"),
).encode()


def raw_wsgi(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
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
    body = json.dumps({"name": "Next.js"}).encode()
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


@Request.application  # type: ignore[arg-type]
def werkzeug_by_hand(request: Request) -> Response | HTTPException:
    try:
        if request.method == "DELETE" and not request.headers.get("Authorization"):
            raise Unauthorized(
                "Authentication required", www_authenticate=WWWAuthenticate("basic")
            )
        return Response(json.dumps({"name": "Next.js"}), mimetype="application/json")
    except HTTPException as e:
        return e


@api_handler
def nextresp_handler(req: ApiRequest, res: ApiResponse) -> None:
    if req.method == "DELETE" and not req.headers.get("Authorization"):
        res.set_header("WWW-Authenticate", "Basic")
        raise ApiError(401, "Authentication required")
    res.status(200).json({"name": "Next.js"})


@api_handler(etag=False)
def nextresp_no_etag(req: ApiRequest, res: ApiResponse) -> None:
    """The same handler without the automatic ETag (and 304s)."""
    if req.method == "DELETE" and not req.headers.get("Authorization"):
        res.set_header("WWW-Authenticate", "Basic")
        raise ApiError(401, "Authentication required")
    res.status(200).json({"name": "Next.js"})


@api_handler
async def nextresp_async_handler(req: ApiRequest, res: ApiResponse) -> None:
    if req.method == "DELETE" and not req.headers.get("Authorization"):
        res.set_header("WWW-Authenticate", "Basic")
        raise ApiError(401, "Authentication required")
    res.status(200).json({"name": "Next.js"})


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

    app = falcon.App()
    app.add_route("/", Thing())
    return app  # type: ignore[return-value]


def peers() -> dict[str, WSGIApp]:
    """Every peer that is installed, by name; nextresp's handlers first."""
    apps: dict[str, WSGIApp] = {
        "nextresp": nextresp_handler,
        "nextresp async": nextresp_async_handler,
        "raw WSGI": raw_wsgi,
        "werkzeug": werkzeug_by_hand,  # type: ignore[dict-item]
    }
    for name, factory in (("falcon", falcon_app), ("flask", flask_app)):
        with contextlib.suppress(ImportError):
            apps[name] = factory()
    return apps

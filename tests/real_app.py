"""The app the live tests of cookies and CORS serve under gunicorn."""

from __future__ import annotations

import os
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIEnvironment
from wsgiref.validate import validator

from nextresp import ApiError, ApiRequest, ApiResponse, Cors, api_handler

#: The origin of the page allowed to call ``/cors/hello`` (the browser test's page).
ORIGIN = os.environ.get("NEXTRESP_TEST_ORIGIN", "http://app.test")


@api_handler
def login(req: ApiRequest, res: ApiResponse) -> None:
    res.cookie("session", "s1; Domain=evil\r\nX-Injected: 1")
    res.cookie("theme", "dark", http_only=False, max_age=60)
    if req.method == "DELETE":
        raise ApiError(409, "Taken")
    if req.method == "PATCH":
        raise LookupError("hidden")
    res.json({"scheme": req.scheme})


@api_handler
def logout(req: ApiRequest, res: ApiResponse) -> None:
    res.clear_cookie("session").status(204).end()


@api_handler(
    methods=["GET", "PUT"],
    cors=Cors([ORIGIN], expose_headers=["X-Request-Id"], credentials=True, max_age=60),
)
def hello(req: ApiRequest, res: ApiResponse) -> None:
    res.set_header("X-Request-Id", "r1").set_header("X-Hidden", "h")
    kind = req.args.get("kind")
    if kind == "auth":
        res.set_header("WWW-Authenticate", "Bearer")
        raise ApiError(401, "Sign in first")
    if kind == "crash":
        raise LookupError("hidden")
    res.cookie("seen", "1", same_site="Lax")
    res.json({"method": req.method, "cookies": req.cookies.to_dict()})


@api_handler(cors=Cors(["https://elsewhere.test"]))
def elsewhere(req: ApiRequest, res: ApiResponse) -> None:
    res.json({"secret": True})


PATHS = {
    "/cookies/login": login,
    "/cookies/logout": logout,
    "/cors/hello": hello,
    "/cors/elsewhere": elsewhere,
}


def _app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    handler = PATHS.get(environ["PATH_INFO"])
    if handler is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no such probe"]
    return handler(environ, start_response)  # type: ignore[no-any-return]


app = validator(_app)

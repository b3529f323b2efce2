"""The app the live tests of cookies and CORS serve under gunicorn."""

from __future__ import annotations

from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIEnvironment
from wsgiref.validate import validator

from nextresp import ApiError, ApiRequest, ApiResponse, api_handler


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


PATHS = {"/cookies/login": login, "/cookies/logout": logout}


def _app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    handler = PATHS.get(environ["PATH_INFO"])
    if handler is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no such probe"]
    return handler(environ, start_response)  # type: ignore[no-any-return]


app = validator(_app)

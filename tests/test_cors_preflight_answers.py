"""Preflight answers: each handler's own methods under a shared ``Cors``, and an
answer as finished as ``res.status(204).end()`` leaves one."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from nextresp import ApiRequest, ApiResponse, Cors, api_handler
from nextresp._response import ResponseAlreadySent

from .support import call_wsgi

APP = "https://app.example.com"
PREFLIGHT = {"Origin": APP, "Access-Control-Request-Method": "PUT"}


def test_handlers_sharing_one_cors_each_list_their_own_methods() -> None:
    cors = Cors([APP], allow_headers=[])
    any_method = api_handler(cors=cors)(lambda req, res: None)
    get_put = api_handler(cors=cors, methods=["GET", "PUT"])(lambda req, res: None)
    every = [
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "GET, HEAD, PUT, PATCH, POST, DELETE"),
        ("Vary", "Origin"),
    ]
    own = [
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "GET, PUT"),
        ("Vary", "Origin"),
    ]
    for handler, lines in [(any_method, every), (get_put, own), (any_method, every)]:
        r = call_wsgi(handler, "OPTIONS", headers=PREFLIGHT)
        assert (r.status_code, r.headers.to_wsgi_list()) == (204, lines)


def test_a_preflight_answer_is_finished_as_end_finishes_one() -> None:
    cors = Cors([APP])

    @api_handler(cors=cors)
    def ended(req: ApiRequest, res: ApiResponse) -> None:
        res.status(204).end()

    refused: list[str] = []

    # A werkzeug host that calls the handler as its endpoint, then tries to add a
    # header with the helper to what it got back.
    @Request.application
    def host(request: Request) -> Any:
        answer = ended(request)
        try:
            answer.set_header("X-Frame-Options", "DENY")
        except ResponseAlreadySent as exc:
            refused.append(str(exc))
        return answer

    message = (
        "set_header() was called after end() already sent the response; a response"
        " is sent once, so set the status and headers before sending the body"
    )
    preflight = call_wsgi(host, "OPTIONS", headers=PREFLIGHT)
    assert (preflight.status_code, preflight.data) == (204, b"")
    assert refused == [message]
    assert "X-Frame-Options" not in preflight.headers
    refused.clear()
    plain = call_wsgi(host, "GET", headers={"Origin": APP})
    assert (plain.status_code, plain.data) == (204, b"")
    assert refused == [message]

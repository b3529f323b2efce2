"""A werkzeug exception's headers are checked as ``set_header`` checks them before
they reach the wire: a value built from request data cannot split the response."""

from __future__ import annotations

import logging
import re
from typing import Any

import flask
import pytest
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import HTTPException, Unauthorized
from werkzeug.test import Client
from werkzeug.wrappers import Request

from nextresp import ApiRequest, ApiResponse, api_handler, error_response_for
from nextresp.flask import init_app

from .support import Call

BARE_500 = b'{"type":"about:blank","title":"Internal Server Error","status":500}'
INJECTED = "bad\r\nSet-Cookie: session=attacker"


def _challenge(why: str) -> Unauthorized:
    return Unauthorized(www_authenticate=WWWAuthenticate("Bearer", {"error": why}))


class SlowDown(HTTPException):
    """A custom exception whose headers werkzeug itself would turn into text."""

    code = 503

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [("Content-Type", "text/html"), ("Retry-After", 30)]  # type: ignore[list-item]


class Overloaded(HTTPException):
    """A 503 that asks for the connection to be closed, as werkzeug lets it."""

    code = 503

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [("Retry-After", "5"), ("Connection", "close")]


class Unprintable(HTTPException):
    code = 429

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [("Retry-After", object())]  # type: ignore[list-item]


def test_a_header_the_server_manages_is_passed_on_as_werkzeug_passes_it() -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        raise Overloaded()

    # Not through the PEP 3333 validator, which refuses hop-by-hop headers.
    r = Client(handler).get("/")
    assert r.status_code == 503
    assert (r.headers["Retry-After"], r.headers["Connection"]) == ("5", "close")


def test_a_value_that_is_no_text_is_a_value_error_naming_it() -> None:
    environ = Request.from_values("/").environ
    with pytest.raises(
        ValueError, match=r"^value of header 'Retry-After' must be a str"
    ):
        error_response_for(Unprintable(), environ)


def test_a_broken_error_body_is_not_blamed_on_the_exception(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken(ApiResponse):
        def error_body(self, problem: dict[str, Any], /) -> tuple[bytes, str]:
            return "not bytes", "text/plain"  # type: ignore[return-value]

    @api_handler(response_class=Broken)
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        raise Unauthorized()

    with (
        caplog.at_level(logging.ERROR, logger="nextresp"),
        pytest.raises(TypeError, match=r"^Broken.error_body\(\) must return"),
    ):
        Client(handler).get("/")
    assert caplog.records == []


def test_a_header_that_would_split_the_response_is_a_logged_500(
    call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("X-Request-Id", "r1")
        raise _challenge(req.args["why"])

    with caplog.at_level(logging.ERROR, logger="nextresp"):
        r = call(handler, query_string={"why": INJECTED})
    assert (r.status_code, r.data) == (500, BARE_500)
    assert "Set-Cookie" not in r.headers
    assert "WWW-Authenticate" not in r.headers
    assert r.headers["X-Request-Id"] == "r1"
    logged = [record.exc_info[1] for record in caplog.records if record.exc_info]
    assert [str(error) for error in logged] == [
        "value of header 'WWW-Authenticate' has '\\r' at index 17: control"
        " characters could split the response; remove it"
    ]
    assert all(isinstance(error, ValueError) for error in logged)


def test_a_clean_challenge_is_sent_as_werkzeug_writes_it(call: Call) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        raise _challenge("invalid_token")

    r = call(handler)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer error=invalid_token"


def test_an_int_header_value_is_sent_as_its_digits(call: Call) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        raise SlowDown()

    r = call(handler)
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "30"
    assert r.headers["Content-Type"] == "application/problem+json"


def test_error_response_for_names_the_header_it_refuses() -> None:
    environ = Request.from_values("/").environ
    message = (
        "value of header 'WWW-Authenticate' has '\\r' at index 17: control"
        " characters could split the response; remove it"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        error_response_for(_challenge(INJECTED), environ)


def test_flask_answers_a_header_that_would_split_the_response_with_a_500() -> None:
    app = flask.Flask(__name__)
    init_app(app)

    @app.get("/")
    def view() -> str:
        raise _challenge(flask.request.args["why"])

    r = app.test_client().get("/", query_string={"why": INJECTED})
    assert (r.status_code, r.data) == (500, BARE_500)
    assert "Set-Cookie" not in r.headers

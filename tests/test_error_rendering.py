"""Error bodies: every 4xx and 5xx is problem details or text, and the options hold.

werkzeug's ``HTTPException``s from 400 to 599 are rendered like ``ApiError``, never as
werkzeug's HTML; ``problem_details=False`` makes every error text, on every path; an
``ApiError`` keeps werkzeug's ``description`` for the hosts' own error handlers.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from werkzeug.exceptions import BadRequest, HTTPException, NotFound
from werkzeug.wrappers import Request, Response

from nextresp import ApiError, ApiResponse, api_handler

from .support import Call, call_wsgi

TEXT = "text/plain; charset=utf-8"


def problem(code: int, title: str, detail: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {"type": "about:blank", "title": title, "status": code}
    if detail is not None:
        body["detail"] = detail
    return body


class Overloaded(HTTPException):
    """A werkzeug exception with the highest error status there is."""

    code = 599
    description = "Try again later."


class TeapotError(HTTPException):
    code = 418
    description = "Short and stout."


@pytest.mark.parametrize(
    ("exc", "code", "title"),
    [
        (BadRequest(), 400, "Bad Request"),
        (TeapotError(), 418, "I'm a Teapot"),
        (Overloaded(), 599, "Server Error"),
    ],
    ids=["400", "418", "599"],
)
def test_werkzeug_errors_from_400_to_599_are_problem_details(
    call: Call, exc: HTTPException, code: int, title: str
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        raise exc

    r = call(handler)
    assert r.status_code == code
    assert r.headers["Content-Type"] == "application/problem+json"
    # werkzeug's own stock sentence is left out; a subclass's description is sent.
    detail = None if type(exc) is BadRequest else exc.description
    assert json.loads(r.data) == problem(code, title, detail)
    assert r.headers["Content-Length"] == str(len(r.data))


def test_werkzeug_bad_request_as_text(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        raise BadRequest("Missing field 'name'.")

    r = call(handler, headers={"Accept": "text/plain"})
    assert (r.status_code, r.data) == (400, b"Missing field 'name'.")
    assert r.headers["Content-Type"] == TEXT


# -- problem_details=False, on every path ----------------------------------------


def raise_unexpected(req: Request, res: ApiResponse) -> None:
    raise RuntimeError("hidden")


def raise_werkzeug(req: Request, res: ApiResponse) -> None:
    raise NotFound("No user 7.")


def raise_api_error(req: Request, res: ApiResponse) -> None:
    raise ApiError(409, "Version mismatch")


@pytest.mark.parametrize(
    ("func", "code", "body"),
    [
        (raise_unexpected, 500, b"Internal Server Error"),
        (raise_werkzeug, 404, b"No user 7."),
        (raise_api_error, 409, b"Version mismatch"),
    ],
    ids=["unexpected", "werkzeug", "api-error"],
)
@pytest.mark.parametrize("accept", [None, "application/json", "*/*"])
def test_problem_details_false_makes_every_error_text(
    call: Call,
    caplog: pytest.LogCaptureFixture,
    func: Any,
    code: int,
    body: bytes,
    accept: str | None,
) -> None:
    handler = api_handler(problem_details=False)(func)
    headers = {} if accept is None else {"Accept": accept}
    with caplog.at_level(logging.CRITICAL, logger="nextresp"):
        r = call(handler, headers=headers)
    assert (r.status_code, r.data) == (code, body)
    assert r.headers["Content-Type"] == TEXT
    assert r.headers["Content-Length"] == str(len(body))


def test_the_unexpected_error_is_problem_details_by_default(
    call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.CRITICAL, logger="nextresp"):
        r = call(api_handler(raise_unexpected))
    assert r.status_code == 500
    assert r.headers["Content-Type"] == "application/problem+json"
    assert json.loads(r.data) == problem(500, "Internal Server Error")


# -- werkzeug's hooks get the request ----------------------------------------------


class PathEcho(HTTPException):
    """An exception whose headers depend on the request, through werkzeug's hook."""

    def get_headers(
        self, environ: Any = None, scope: dict[str, Any] | None = None
    ) -> list[tuple[str, str]]:
        path = "(none)" if environ is None else environ["PATH_INFO"]
        return [*super().get_headers(environ, scope), ("X-Path", path)]


class NotAllowedHere(PathEcho):
    code = 403


class SeeElsewhere(PathEcho):
    code = 303


@pytest.mark.parametrize(
    ("exc", "code"), [(NotAllowedHere, 403), (SeeElsewhere, 303)], ids=["4xx", "3xx"]
)
def test_werkzeug_exceptions_render_their_headers_for_the_request(
    call: Call, exc: type[HTTPException], code: int
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        raise exc()

    r = call(handler, "GET", "/items/7")
    assert r.status_code == code
    assert r.headers["X-Path"] == "/items/7"


# -- ApiError as a werkzeug HTTPException, outside api_handler ----------------------


def test_flask_error_handlers_see_the_message_as_description() -> None:
    flask = pytest.importorskip("flask")
    app = flask.Flask(__name__)

    @app.errorhandler(ApiError)
    def show(error: ApiError) -> tuple[dict[str, Any], int]:
        return {"error": error.description}, error.code

    @app.get("/users/<int:id>")
    def user(id: int) -> str:
        raise ApiError(404, f"No user {id}")

    r = call_wsgi(app, "GET", "/users/7")
    assert (r.status_code, json.loads(r.data)) == (404, {"error": "No user 7"})


def test_werkzeug_error_pages_show_the_message() -> None:
    # werkzeug's own rendering (HTTPException.get_body) shows the description.
    error = ApiError(404, "No user 7")
    assert error.description == "No user 7"
    assert "No user 7" in error.get_body()


@pytest.mark.parametrize(
    ("accept", "content_type", "body"),
    [
        ("text/plain", TEXT, b"gone for good"),
        (
            "application/json",
            "application/problem+json",
            json.dumps(
                problem(410, "Gone", "gone for good"), separators=(",", ":")
            ).encode(),
        ),
    ],
    ids=["text", "json"],
)
def test_get_response_takes_a_request(
    accept: str, content_type: str, body: bytes
) -> None:
    request = Request.from_values("/", headers={"Accept": accept})
    response = ApiError(410, "gone for good").get_response(request)
    assert (response.status_code, response.get_data()) == (410, body)
    assert response.headers["Content-Type"] == content_type


def test_get_response_takes_an_environ() -> None:
    environ = Request.from_values("/", headers={"Accept": "text/plain"}).environ
    response = ApiError(410).get_response(environ)
    assert (response.get_data(), response.headers["Content-Type"]) == (b"Gone", TEXT)


def test_a_werkzeug_app_handling_api_errors_itself() -> None:
    @Request.application  # type: ignore[arg-type]
    def app(request: Request) -> Response:
        try:
            raise ApiError(422, "name is required")
        except HTTPException as error:
            return error.get_response(request)

    r = call_wsgi(app, headers={"Accept": "text/plain"})
    assert (r.status_code, r.data) == (422, b"name is required")

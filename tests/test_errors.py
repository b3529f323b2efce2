"""ApiError: its evidence, its body, and how werkzeug and Flask apps render it."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from nextresp import ApiError

from .support import call_wsgi

PROBLEM_401 = {
    "type": "about:blank",
    "title": "Unauthorized",
    "status": 401,
    "detail": "Authentication required",
}


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (400, "Bad Request"),
        (401, "Unauthorized"),
        (403, "Forbidden"),
        (404, "Not Found"),
        (418, "I'm a Teapot"),
        (499, "Client Error"),
        (500, "Internal Server Error"),
        (512, "Server Error"),
        (599, "Server Error"),
        (HTTPStatus.CONFLICT, "Conflict"),
    ],
    ids=str,
)
def test_message_defaults_to_the_reason_phrase(status: int, message: str) -> None:
    err = ApiError(status)
    assert (err.status_code, err.code, err.message) == (
        int(status),
        int(status),
        message,
    )
    assert err.detail is None
    assert str(err) == f"{int(status)}: {message}"


def test_message_and_headers_are_kept() -> None:
    err = ApiError(
        401, "Authentication required", headers={"WWW-Authenticate": "Basic"}
    )
    assert (err.status_code, err.message, err.detail) == (
        401,
        "Authentication required",
        "Authentication required",
    )
    assert err.headers.to_wsgi_list() == [("WWW-Authenticate", "Basic")]
    assert str(err) == "401: Authentication required"
    assert repr(err) == "ApiError(401, 'Authentication required')"


def test_headers_accept_pairs_and_lists() -> None:
    err = ApiError(429, headers=[("Retry-After", 30), ("Link", "<a>"), ("Link", "<b>")])
    assert err.headers.to_wsgi_list() == [
        ("Retry-After", "30"),
        ("Link", "<a>"),
        ("Link", "<b>"),
    ]
    err = ApiError(405, headers={"Allow": ["GET", "PUT"]})
    assert err.headers.getlist("Allow") == ["GET", "PUT"]


def test_it_is_a_werkzeug_http_exception() -> None:
    err = ApiError(404)
    assert isinstance(err, HTTPException)
    assert err.name == "Not Found"


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((200,), ValueError, "ApiError status must be an int from 400 to 599, not 200"),
        ((302,), ValueError, "ApiError status must be an int from 400 to 599, not 302"),
        ((600,), ValueError, "ApiError status must be an int from 400 to 599, not 600"),
        (
            ("404",),
            TypeError,
            "ApiError status must be an int from 400 to 599, not '404' (str)",
        ),
        (
            (True,),
            TypeError,
            "ApiError status must be an int from 400 to 599, not True (bool)",
        ),
        (
            (404.0,),
            TypeError,
            "ApiError status must be an int from 400 to 599, not 404.0 (float)",
        ),
        (
            (404, 12),
            TypeError,
            "ApiError message must be a str or None, not 12 (int)",
        ),
        (
            (404, b"gone"),
            TypeError,
            "ApiError message must be a str or None, not b'gone' (bytes)",
        ),
    ],
    ids=["200", "302", "600", "str", "bool", "float", "int-message", "bytes-message"],
)
def test_bad_arguments_raise_naming_the_value(
    args: tuple[object, ...], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        ApiError(*args)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_a_message_that_is_not_utf8_encodable_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be encoded as UTF-8"):
        ApiError(400, "lone \ud800 surrogate")


@pytest.mark.parametrize(
    ("headers", "error", "fragment"),
    [
        ({"X-A": "a\r\nX-B: b"}, ValueError, "control characters"),
        ({"Bad Name": "v"}, ValueError, "not a valid header name"),
        ("X-A: b", TypeError, "headers must be a mapping or a list of (name, value)"),
        ([("X-A",)], TypeError, "headers must hold (name, value) pairs"),
        ({"Content-Length": "3"}, ValueError, "managed by the server"),
    ],
    ids=["crlf", "bad-name", "str", "short-pair", "content-length"],
)
def test_bad_headers_are_refused(
    headers: object, error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error) as info:
        ApiError(400, headers=headers)  # type: ignore[arg-type]
    assert fragment in str(info.value)


def test_message_and_status_are_positional_only() -> None:
    with pytest.raises(TypeError):
        ApiError(status=404)  # type: ignore[call-arg]


# -- rendering -------------------------------------------------------------------


def raising_app(err: HTTPException) -> Request:
    """A werkzeug app that does `except HTTPException as e: return e`."""

    @Request.application  # type: ignore[arg-type]
    def app(request: Request) -> Response | HTTPException:
        try:
            raise err
        except HTTPException as e:
            return e

    return app  # type: ignore[return-value]


def test_werkzeug_app_returning_the_error_sends_problem_details() -> None:
    err = ApiError(
        401, "Authentication required", headers={"WWW-Authenticate": "Basic"}
    )
    r = call_wsgi(raising_app(err), "DELETE")
    assert r.status_code == 401
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.headers["WWW-Authenticate"] == "Basic"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert json.loads(r.data) == PROBLEM_401
    assert r.headers["Content-Length"] == str(len(r.data))


def test_problem_details_leave_out_detail_when_no_message_was_given() -> None:
    r = call_wsgi(raising_app(ApiError(403)))
    assert r.data == b'{"type":"about:blank","title":"Forbidden","status":403}'


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("text/plain", "text/plain; charset=utf-8"),
        ("text/html", "text/plain; charset=utf-8"),
        ("text/*", "text/plain; charset=utf-8"),
        (
            "application/problem+json;q=0, application/json;q=0, */*",
            "text/plain; charset=utf-8",
        ),
        ("text/plain, application/json;q=0.5", "text/plain; charset=utf-8"),
        ("application/json", "application/problem+json"),
        ("application/problem+json", "application/problem+json"),
        ("*/*", "application/problem+json"),
        ("application/*", "application/problem+json"),
        ("text/html, application/json;q=0.9", "application/problem+json"),
        ("", "application/problem+json"),
    ],
    ids=str,
)
def test_accept_decides_between_problem_json_and_text(
    accept: str, content_type: str
) -> None:
    err = ApiError(401, "Authentication required")
    r = call_wsgi(raising_app(err), headers={"Accept": accept})
    assert r.headers["Content-Type"] == content_type
    if content_type.startswith("text/"):
        assert r.data == b"Authentication required"
    else:
        assert json.loads(r.data)["detail"] == "Authentication required"


def test_text_body_without_message_is_the_reason_phrase() -> None:
    r = call_wsgi(raising_app(ApiError(404)), headers={"Accept": "text/plain"})
    assert (r.status_code, r.data) == (404, b"Not Found")
    assert r.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("accept", ["application/json", "text/plain"])
def test_message_never_reaches_the_status_line_or_a_header(accept: str) -> None:
    err = ApiError(400, "bad\r\nSet-Cookie: stolen=1\r\n\r\n<html>")
    r = call_wsgi(raising_app(err), headers={"Accept": accept})
    assert r.status == "400 Bad Request"
    assert "Set-Cookie" not in r.headers
    assert sorted(name for name, _ in r.headers) == [
        "Content-Length",
        "Content-Type",
        "Vary",
        "X-Content-Type-Options",
    ]
    assert b"stolen=1" in r.data


def test_error_headers_cannot_override_the_bodys_content_type() -> None:
    err = ApiError(400, headers={"Content-Type": "text/html"})
    r = call_wsgi(raising_app(err))
    assert r.headers.getlist("Content-Type") == ["application/problem+json"]


def test_get_response_without_environ_is_problem_json() -> None:
    response = ApiError(409, "Version mismatch").get_response()
    assert response.status_code == 409
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "Version mismatch",
    }


def test_flask_view_raising_the_error_gets_the_same_response() -> None:
    flask = pytest.importorskip("flask")
    app = flask.Flask(__name__)

    @app.delete("/thing")
    def thing() -> str:
        raise ApiError(
            401, "Authentication required", headers={"WWW-Authenticate": "Basic"}
        )

    r = call_wsgi(app, "DELETE", "/thing")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Basic"
    assert r.headers["Content-Type"] == "application/problem+json"
    assert json.loads(r.data) == PROBLEM_401


# -- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (413, "Content Too Large"),
        (414, "URI Too Long"),
        (416, "Range Not Satisfiable"),
        (422, "Unprocessable Content"),
    ],
)
def test_titles_are_rfc_9110_names_on_every_python(status: int, name: str) -> None:
    err = ApiError(status)
    assert (err.message, err.name) == (name, name)
    assert json.loads(call_wsgi(raising_app(err)).data)["title"] == name


# -- Vary ----------------------------------------------------------------------------


def test_a_negotiated_error_body_varies_on_accept() -> None:
    r = call_wsgi(raising_app(ApiError(404, headers={"Vary": "Origin, accept"})))
    assert r.headers.getlist("Vary") == ["Origin, accept"]
    r = call_wsgi(raising_app(ApiError(404, headers={"Vary": "Origin"})))
    assert r.headers.getlist("Vary") == ["Origin, Accept"]
    r = call_wsgi(raising_app(ApiError(404, headers={"Vary": "*"})))
    assert r.headers.getlist("Vary") == ["*"]


@pytest.mark.parametrize(
    ("args", "description"),
    [
        ((401, "Sign in first"), "Sign in first"),
        ((404,), None),
        ((409, "Déjà"), "Déjà"),
    ],
    ids=["message", "no-message", "non-ascii"],
)
def test_an_api_error_holds_what_httpexceptions_init_sets(
    args: tuple[Any, ...], description: str | None
) -> None:
    # ApiError sets these itself, without HTTPException.__init__'s call.
    reference = HTTPException(description=description)
    error = ApiError(*args)
    # Every attribute werkzeug's __init__ sets, should a later version set more.
    assert {name: getattr(error, name) for name in vars(reference)} == vars(reference)
    assert error.description == reference.description
    assert error.args == (args[0], description)

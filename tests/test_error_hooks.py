"""``on_error=`` and ``errors=``: hooks for reporters, and exceptions as problems."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from nextresp import ApiError, ApiOptions, ApiRequest, ApiResponse, api_handler

from .support import call_wsgi

Next = Callable[[], object]


class NotFoundInStore(LookupError):
    pass


class Missing(NotFoundInStore):
    pass


def raising(exc: Exception) -> Callable[[ApiRequest, ApiResponse], None]:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("X-Handler", "1")
        raise exc

    return handler


def test_on_error_is_called_once_before_the_500() -> None:
    reported: list[tuple[Exception, str]] = []
    boom = RuntimeError("secret detail")

    handler = api_handler(on_error=lambda exc, req: reported.append((exc, req.path)))(
        raising(boom)
    )
    response = call_wsgi(handler, path="/orders")
    assert response.status_code == 500
    assert response.headers["X-Handler"] == "1"
    assert b"secret" not in response.data
    assert reported == [(boom, "/orders")]


def test_on_error_sees_an_exception_raised_in_a_middleware() -> None:
    reported: list[Exception] = []
    boom = ValueError("in middleware")

    def broken(req: ApiRequest, res: ApiResponse, call_next: Next) -> None:
        call_next()
        raise boom

    @api_handler(use=[broken], on_error=lambda exc, req: reported.append(exc))
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"ok": True})

    assert call_wsgi(handler).status_code == 500
    assert reported == [boom]


@pytest.mark.parametrize(
    "exc",
    [
        pytest.param(ApiError(404), id="api-error"),
        pytest.param(ApiError(500, "Handled"), id="api-error-500"),
        pytest.param(KeyError("k"), id="mapped-by-errors"),
    ],
)
def test_on_error_is_not_called_for_handled_exceptions(exc: Exception) -> None:
    reported: list[Exception] = []
    handler = api_handler(
        on_error=lambda exc, req: reported.append(exc), errors={KeyError: 404}
    )(raising(exc))
    assert call_wsgi(handler).status_code in (404, 500)
    assert reported == []


def test_an_exception_in_on_error_is_logged_never_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def report(exc: Exception, req: ApiRequest) -> None:
        raise OSError("reporter down: token sk-123")

    handler = api_handler(on_error=report)(raising(RuntimeError("boom")))
    with caplog.at_level(logging.ERROR, "nextresp"):
        response = call_wsgi(handler)
    assert response.status_code == 500
    assert b"sk-123" not in response.data
    assert "on_error raised while reporting an exception" in caplog.text
    reported, unhandled = caplog.records
    assert reported.getMessage() == (
        f"on_error raised while reporting an exception in {handler.name}"
    )
    assert reported.exc_info is not None
    assert type(reported.exc_info[1]) is OSError
    assert unhandled.getMessage() == f"unhandled exception in {handler.name} for GET /"


def test_on_error_is_called_before_an_exception_propagates() -> None:
    reported: list[Exception] = []
    boom = RuntimeError("boom")
    handler = api_handler(
        on_error=lambda exc, req: reported.append(exc), propagate_exceptions=True
    )(raising(boom))
    with pytest.raises(RuntimeError):
        call_wsgi(handler)
    assert reported == [boom]


@pytest.mark.parametrize(
    ("exc", "status", "title"),
    [
        pytest.param(LookupError("x"), 404, "Not Found", id="the-class"),
        pytest.param(KeyError("x"), 404, "Not Found", id="a-subclass"),
        pytest.param(NotFoundInStore("x"), 410, "Gone", id="nearer-class-wins"),
        pytest.param(Missing("x"), 410, "Gone", id="nearest-in-the-mro"),
        pytest.param(PermissionError("x"), 403, "Forbidden", id="another-class"),
    ],
)
def test_errors_maps_an_exception_to_a_problem(
    exc: Exception, status: int, title: str
) -> None:
    handler = api_handler(
        errors={LookupError: 404, NotFoundInStore: 410, PermissionError: 403}
    )(raising(exc))
    response = call_wsgi(handler)
    assert response.status_code == status
    assert response.headers["X-Handler"] == "1"
    assert response.headers["Content-Type"] == "application/problem+json"
    # As ApiError(status) answers: the reason phrase, never the exception's text.
    assert response.get_json() == {
        "type": "about:blank",
        "title": title,
        "status": status,
    }


def test_an_unmapped_exception_is_still_a_500() -> None:
    handler = api_handler(errors={LookupError: 404})(raising(ValueError("x")))
    assert call_wsgi(handler).status_code == 500


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        pytest.param(
            {"on_error": "sentry"},
            TypeError,
            "api_handler option on_error must be a function def on_error(exc, req)"
            " or None, not 'sentry'",
            id="on-error-not-callable",
        ),
        pytest.param(
            {"errors": [LookupError]},
            TypeError,
            "api_handler option errors must be a dict of exception classes to"
            " statuses, as in errors={LookupError: 404}, not [<class 'LookupError'>]",
            id="errors-not-a-dict",
        ),
        pytest.param(
            {"errors": {"LookupError": 404}},
            TypeError,
            "api_handler option errors maps 'LookupError', which is not an exception"
            " class; map classes such as LookupError",
            id="errors-key-not-a-class",
        ),
        pytest.param(
            {"errors": {LookupError: 302}},
            ValueError,
            "api_handler option errors[LookupError] must be an int from 400 to 599,"
            " not 302",
            id="errors-status-out-of-range",
        ),
        pytest.param(
            {"errors": {LookupError: "404"}},
            TypeError,
            "api_handler option errors[LookupError] must be an int from 400 to 599,"
            " not '404' (str)",
            id="errors-status-a-string",
        ),
    ],
)
def test_bad_hooks_are_refused_at_construction(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        ApiOptions(**options)
    assert str(raised.value) == message

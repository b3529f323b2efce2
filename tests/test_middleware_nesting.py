"""A sync middleware inside an async one: the handler still gets every check.

Such a chain runs the handler from a sync call inside the loop the async middleware
runs on, so nextresp cannot await there; the method guard, the check of what the
handler returned and the warning for a response never sent hold all the same.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import pytest

from nextresp import ApiRequest, ApiResponse, api_handler

from .support import call_wsgi

Next = Callable[[], object]
AsyncNext = Callable[[], Awaitable[object]]


def chain(seen: list[str]) -> list[Callable[..., Any]]:
    """An async middleware around a sync one, each recording that it ran."""

    async def outer(req: ApiRequest, res: ApiResponse, call_next: AsyncNext) -> None:
        seen.append("outer")
        await call_next()

    def inner(req: ApiRequest, res: ApiResponse, call_next: Next) -> None:
        seen.append("inner")
        res.set_header("X-Inner", "ran")
        call_next()

    return [outer, inner]


def test_a_method_the_handler_does_not_take_is_405_with_allow() -> None:
    seen: list[str] = []

    @api_handler(methods=["GET"], use=chain(seen))
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        seen.append("handler")
        res.json({"ok": True})

    response = call_wsgi(handler, "POST", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    assert response.headers["X-Inner"] == "ran"
    assert response.get_json()["detail"] == "Method POST Not Allowed"
    assert seen == ["outer", "inner"]


def test_an_options_request_is_answered_204_with_allow() -> None:
    seen: list[str] = []

    @api_handler(methods=["GET"], use=chain(seen))
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        seen.append("handler")

    response = call_wsgi(handler, "OPTIONS")
    assert (response.status_code, response.data) == (204, b"")
    assert response.headers["Allow"] == "GET"
    assert seen == ["outer", "inner"]


def test_a_method_the_handler_takes_reaches_it() -> None:
    seen: list[str] = []

    @api_handler(methods=["GET"], use=chain(seen))
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        seen.append("handler")
        res.json({"ok": True})

    response = call_wsgi(handler)
    assert (response.status_code, response.get_json()) == (200, {"ok": True})
    assert seen == ["outer", "inner", "handler"]


def test_a_handler_returning_a_coroutine_is_a_500_naming_the_fix(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def answer(res: ApiResponse) -> None:
        res.json({"never": "sent"})

    returned: list[Coroutine[Any, Any, None]] = []

    # Not async def itself, so the chain cannot see it is one when it is composed.
    @api_handler(use=chain([]))
    def handler(req: ApiRequest, res: ApiResponse) -> Any:
        returned.append(answer(res))
        return returned[0]

    with caplog.at_level(logging.ERROR, logger="nextresp"):
        response = call_wsgi(handler, headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert b"never" not in response.data
    # Closed, so it neither runs later nor warns that it was never awaited.
    assert inspect.getcoroutinestate(returned[0]) == "CORO_CLOSED"
    [record] = caplog.records
    assert record.exc_info is not None
    assert record.exc_info[0] is TypeError
    assert str(record.exc_info[1]) == (
        f"{handler.name}() is async def but runs under a sync middleware inside an"
        " async one, which cannot await it; make that middleware async def"
    )


def test_a_handler_returning_a_value_is_a_500_saying_what_it_returned(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @api_handler(use=chain([]))
    def handler(req: ApiRequest, res: ApiResponse) -> Any:
        return {"id": 1}

    with caplog.at_level(logging.ERROR, logger="nextresp"):
        response = call_wsgi(handler)
    assert response.status_code == 500
    [record] = caplog.records
    assert record.exc_info is not None
    assert record.exc_info[0] is TypeError
    assert str(record.exc_info[1]).startswith(
        f"{handler.name}() returned {{'id': 1}}; "
    )


def test_a_handler_returning_res_is_answered_as_it_set_it() -> None:
    @api_handler(use=chain([]))
    def handler(req: ApiRequest, res: ApiResponse) -> ApiResponse:
        return res.status(201).json({"made": True})

    response = call_wsgi(handler)
    assert (response.status_code, response.get_json()) == (201, {"made": True})


def test_a_handler_that_sends_nothing_is_warned_of(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @api_handler(use=chain([]))
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.status(202)

    with caplog.at_level(logging.WARNING, logger="nextresp"):
        response = call_wsgi(handler, "GET", "/quiet")
    assert (response.status_code, response.data) == (202, b"")
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        f"{handler.name} returned for GET /quiet without sending a response;"
        " answering 202 with an empty body (finish it with res.json(), res.send()"
        " or res.end())"
    )


class Limiter:
    """A sync middleware object: its name is its class's, with ``()``."""

    def __call__(self, req: ApiRequest, res: ApiResponse, call_next: Next) -> None:
        call_next()


class Timing:
    """An async middleware object."""

    async def __call__(
        self, req: ApiRequest, res: ApiResponse, call_next: AsyncNext
    ) -> None:
        await call_next()


def named(name: str) -> Limiter:
    """A middleware object given a name of its own, as a factory may give one."""
    limiter = Limiter()
    limiter.__name__ = name  # type: ignore[attr-defined]
    return limiter


@pytest.mark.parametrize(
    ("sync_middleware", "shown"),
    [(Limiter, "Limiter()"), (lambda: named("rate_limit"), "rate_limit")],
    ids=["an object", "an object with a __name__"],
)
def test_the_refusal_names_middleware_objects(
    sync_middleware: Callable[[], Limiter], shown: str
) -> None:
    with pytest.raises(TypeError) as raised:
        api_handler(use=[Timing(), sync_middleware(), Timing()])(lambda req, res: None)
    assert str(raised.value) == (
        f"the sync middleware {shown} runs inside the async middleware Timing() and"
        " around the async middleware Timing(), which it cannot await; make"
        f" {shown} async def, or list it before Timing()"
    )

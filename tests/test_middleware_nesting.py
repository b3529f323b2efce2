"""A sync middleware inside an async one, and the names refusals give middleware.

Such a chain runs the handler from a sync call inside the loop the async middleware
runs on, so nextresp cannot await there: a coroutine the handler returns is refused
with the fix. (The method guard and the checks every chain shares are in
``test_middleware_core.py``.)
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


def chain() -> list[Callable[..., Any]]:
    """An async middleware around a sync one."""

    async def outer(req: ApiRequest, res: ApiResponse, call_next: AsyncNext) -> None:
        await call_next()

    def inner(req: ApiRequest, res: ApiResponse, call_next: Next) -> None:
        call_next()

    return [outer, inner]


def test_a_handler_returning_a_coroutine_is_a_500_naming_the_fix(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def answer(res: ApiResponse) -> None:
        res.json({"never": "sent"})

    returned: list[Coroutine[Any, Any, None]] = []

    # Not async def itself, so the chain cannot see it is one when it is composed.
    @api_handler(use=chain())
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

"""A failed ``async def`` request leaves no reference cycle for the garbage collector.

The task holds the handler's exception, whose traceback holds frames: none of them
may hold the task. mutmut leaves this module out: the wrappers it puts around every
function hold their arguments in frames of their own.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import traceback
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder

from nextresp import ApiError, ApiRequest, ApiResponse, api_handler


def _unreachable_after(app: Any, requests: int = 20) -> int:
    """Serve ``requests`` requests, then count the objects only the collector frees."""
    environ = EnvironBuilder(method="DELETE").get_environ()

    def serve() -> None:
        for _chunk in app(dict(environ), lambda status, headers: None):
            pass

    serve()  # the thread's loop and the caches are made once, not per request
    gc.collect()
    gc.disable()
    try:
        for _ in range(requests):
            serve()
        return gc.collect()
    finally:
        gc.enable()


async def _refuse_at_once(req: ApiRequest, res: ApiResponse) -> None:
    res.set_header("WWW-Authenticate", "Basic")
    raise ApiError(401, "Authentication required")


async def _refuse_after_yielding(req: ApiRequest, res: ApiResponse) -> None:
    await asyncio.sleep(0)
    raise ApiError(401)


async def _refuse_after_a_timer(req: ApiRequest, res: ApiResponse) -> None:
    await asyncio.sleep(0.001)  # the loop runs: the task waited
    raise ApiError(401)


async def _fail_after_a_timer(req: ApiRequest, res: ApiResponse) -> None:
    await asyncio.sleep(0.001)
    raise LookupError("a bug")


async def _answer(req: ApiRequest, res: ApiResponse) -> None:
    await asyncio.sleep(0)
    res.json({"ok": True})


@pytest.mark.parametrize(
    "handler",
    [
        _refuse_at_once,
        _refuse_after_yielding,
        _refuse_after_a_timer,
        _fail_after_a_timer,
        _answer,
    ],
)
def test_an_async_request_leaves_no_cycle_for_the_collector(handler: Any) -> None:
    if sys.version_info >= (3, 12) and handler in (
        _refuse_after_a_timer,
        _fail_after_a_timer,
    ):
        pytest.skip(
            "from Python 3.12 a finished coroutine's frame refers to the frame that ran"
            " its last step: after the loop ran, asyncio's own, which holds the task"
        )
    logging.getLogger("nextresp").disabled = True  # the 500 is logged: not here
    try:
        assert _unreachable_after(api_handler(handler)) == 0
    finally:
        logging.getLogger("nextresp").disabled = False


def test_an_exception_after_waiting_keeps_the_handlers_frames() -> None:
    app = api_handler(propagate_exceptions=True)(_fail_after_a_timer)
    environ = EnvironBuilder().get_environ()
    with pytest.raises(LookupError, match="a bug") as raised:
        app(environ, lambda status, headers: None)
    names = [frame.name for frame in traceback.extract_tb(raised.value.__traceback__)]
    assert names[-1] == "_fail_after_a_timer"


def test_a_cancelled_handler_is_still_answered_as_cancelled() -> None:
    async def cancelled(req: ApiRequest, res: ApiResponse) -> None:
        raise asyncio.CancelledError

    app = api_handler(propagate_exceptions=True)(cancelled)
    with pytest.raises(asyncio.CancelledError):
        app(EnvironBuilder().get_environ(), lambda status, headers: None)

"""Cancellation reaches an ``async def`` handler where it waits, as asyncio delivers it.

A handler may catch ``CancelledError`` (or use ``asyncio.timeout``) and still answer;
the cancellation is thrown in at the ``await`` that was suspended, never skipped.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from werkzeug.wrappers import Request

from nextresp import ApiError, ApiResponse, api_handler

from .support import Call


def test_a_cancellation_at_a_bare_yield_is_thrown_into_the_handler(
    call: Call,
) -> None:
    @api_handler
    async def handler(req: Request, res: ApiResponse) -> None:
        await asyncio.sleep(0.001)  # a real wait: from here the handler is a task
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        try:
            await asyncio.sleep(0)
        except asyncio.CancelledError:
            res.status(503).json({"cancelled": True})
        else:
            res.json({"cancelled": False})

    r = call(handler)
    assert (r.status_code, json.loads(r.data)) == (503, {"cancelled": True})


def test_a_cancellation_while_waiting_on_a_future_is_thrown_into_the_handler(
    call: Call,
) -> None:
    @api_handler
    async def handler(req: Request, res: ApiResponse) -> None:
        await asyncio.sleep(0.001)
        task = asyncio.current_task()
        assert task is not None
        asyncio.get_running_loop().call_later(0.001, task.cancel)
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            res.status(503).json({"cancelled": True})

    r = call(handler)
    assert (r.status_code, json.loads(r.data)) == (503, {"cancelled": True})


@pytest.mark.parametrize("waits_first", [True, False], ids=["after-a-wait", "first"])
def test_asyncio_timeout_becomes_the_answer(call: Call, waits_first: bool) -> None:
    @api_handler
    async def handler(req: Request, res: ApiResponse) -> None:
        if waits_first:
            await asyncio.sleep(0.001)
        try:
            async with asyncio.timeout(0.001):  # needs a task, from the first line
                await asyncio.sleep(10)
        except TimeoutError:
            raise ApiError(504, "The upstream took too long") from None

    r = call(handler)
    assert (r.status_code, json.loads(r.data)["detail"]) == (
        504,
        "The upstream took too long",
    )


def test_the_handler_goes_on_after_a_cancellation_it_caught(call: Call) -> None:
    @api_handler
    async def handler(req: Request, res: ApiResponse) -> None:
        await asyncio.sleep(0.001)
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        steps = []
        try:
            await asyncio.sleep(0)
        except asyncio.CancelledError:
            steps.append("cancelled")
            task.uncancel()
        await asyncio.sleep(0.001)  # waits again, normally
        steps.append("waited")
        res.json(steps)

    r = call(handler)
    assert (r.status_code, json.loads(r.data)) == (200, ["cancelled", "waited"])

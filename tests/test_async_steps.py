"""An ``async def`` handler that only yields (``sleep(0)``, tasks that finish at once)
runs its steps in the order the event loop would, before the loop is started; one
that waits for a timer or I/O, or keeps yielding, gets the loop.
"""

from __future__ import annotations

import asyncio
import json

import pytest

import nextresp._async
import nextresp._handler
from nextresp import ApiRequest, ApiResponse, api_handler

from .support import Call, call_wsgi

#: The runner as the package defines it, before any handler has replaced it.
_run_coroutine_loader = nextresp._handler._run_coroutine


def test_steps_after_sleep_zero_run_in_the_loops_order(call: Call) -> None:
    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        order: list[str] = []

        async def child(name: str) -> str:
            order.append(f"{name} starts")
            await asyncio.sleep(0)
            order.append(f"{name} ends")
            return name

        first = asyncio.create_task(child("a"))
        second = asyncio.create_task(child("b"))
        order.append("handler yields")
        await asyncio.sleep(0)
        order.append("handler resumes")
        results = await asyncio.gather(first, second)
        running = asyncio.get_running_loop().is_running()
        res.json({"order": order, "results": results, "loop started": running})

    r = call(handler)
    assert json.loads(r.data) == {
        "order": [
            "handler yields",
            "a starts",
            "b starts",
            "handler resumes",
            "a ends",
            "b ends",
        ],
        "results": ["a", "b"],
        "loop started": False,
    }


def test_a_cancelled_callback_is_skipped(call: Call) -> None:
    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        ran: list[str] = []
        loop = asyncio.get_running_loop()
        loop.call_soon(ran.append, "kept")
        loop.call_soon(ran.append, "cancelled").cancel()
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        res.json(ran)

    assert json.loads(call(handler).data) == ["kept"]


def test_a_handler_that_keeps_yielding_gets_the_loop_and_its_timers(
    call: Call,
) -> None:
    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        loop.call_later(0.001, done.set_result, "timer fired")
        yields = 0
        while not done.done():  # yields until the timer, which only the loop runs
            await asyncio.sleep(0)
            yields += 1
        res.json({"result": done.result(), "loop started": loop.is_running()})

    assert json.loads(call(handler).data) == {
        "result": "timer fired",
        "loop started": True,
    }


def test_a_handler_that_yields_a_few_times_never_starts_the_loop(call: Call) -> None:
    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        for _ in range(7):
            await asyncio.sleep(0)
        res.json({"loop started": asyncio.get_running_loop().is_running()})

    assert json.loads(call(handler).data) == {"loop started": False}


def test_a_handler_that_yields_more_than_that_finishes_on_the_loop(
    call: Call,
) -> None:
    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        for _ in range(9):
            await asyncio.sleep(0)
        res.json({"loop started": asyncio.get_running_loop().is_running()})

    assert json.loads(call(handler).data) == {"loop started": True}


def test_the_first_async_handler_loads_the_runner_that_every_later_one_uses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As in a fresh process: asyncio is imported by the first async handler.
    assert _run_coroutine_loader.__module__ == "nextresp._handler"
    monkeypatch.setattr(nextresp._handler, "_run_coroutine", _run_coroutine_loader)

    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        await asyncio.sleep(0)
        res.json({"path": req.path})

    for path in ("/first", "/second"):
        r = call_wsgi(handler, "GET", path)
        assert (r.status_code, r.get_json()) == (200, {"path": path})
    assert nextresp._handler._run_coroutine is nextresp._async.run

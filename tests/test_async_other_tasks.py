"""Async code nextresp runs (an ``async def`` handler, an async stream source) finds
no task of nextresp's among ``asyncio.all_tasks()``: the loop is run until a task is
done without another task waiting for it, so the common ways to drain or stop
background work (gather, or cancel, every task but the current one) just work.

Each test runs in a thread of its own, whose event loop holds nothing left by other
tests, and fails rather than hangs the suite if that thread does not finish.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

from nextresp import ApiRequest, ApiResponse, api_handler
from nextresp._event_stream import HEARTBEAT

from .support import call_wsgi

T = TypeVar("T")


def _within(seconds: float, work: Callable[[], T]) -> T:
    """Return ``work()``, run in a new thread; fail if it has not returned in time."""
    results: list[T] = []
    worker = threading.Thread(target=lambda: results.append(work()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert results, f"nothing after {seconds} s: the code waits on what waits for it"
    return results[0]


async def _others() -> set[asyncio.Task[object]]:
    return asyncio.all_tasks() - {asyncio.current_task()}


def test_a_handler_gathering_every_other_task_waits_only_for_its_own() -> None:
    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        background = asyncio.create_task(asyncio.sleep(0.05))
        await asyncio.sleep(0.001)  # a real wait: the loop runs from here
        others = await _others()
        await asyncio.gather(*others)
        res.json({"others": len(others), "ours": others == {background}})

    r = _within(10, lambda: call_wsgi(handler))
    assert (r.status, r.data) == ("200 OK", b'{"others":1,"ours":true}')


def test_a_handler_cancelling_every_other_task_does_not_cancel_itself() -> None:
    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        poller = asyncio.create_task(asyncio.sleep(3600))
        await asyncio.sleep(0.005)  # a real wait: the loop runs from here
        for task in await _others():
            task.cancel()
        await asyncio.sleep(0)
        res.json({"poller cancelled": poller.cancelled()})

    r = _within(10, lambda: call_wsgi(handler))
    assert (r.status, r.data) == ("200 OK", b'{"poller cancelled":true}')


def test_a_stream_source_gathering_every_other_task_sends_its_events() -> None:
    async def events() -> AsyncIterator[str]:
        await asyncio.sleep(0.001)
        others = await _others()
        await asyncio.gather(*others)
        yield f"others: {len(others)}"

    res = ApiResponse.blank().sse(events(), heartbeat=None)
    assert _within(10, lambda: list(res.response)) == [b"data: others: 0\n\n"]


def test_a_stream_source_cancelling_every_other_task_sends_its_events() -> None:
    async def events() -> AsyncIterator[str]:
        await asyncio.sleep(0.001)
        for task in await _others():
            task.cancel()
        await asyncio.sleep(0)
        yield "one"

    res = ApiResponse.blank().ndjson(events())
    assert _within(10, lambda: list(res.response)) == [b'"one"\n']


def test_a_source_cancelled_on_close_may_gather_every_other_task() -> None:
    ran: list[int] = []

    async def events() -> AsyncIterator[str]:
        try:
            yield "first"
            await asyncio.sleep(3600)
            yield "never sent"
        finally:
            others = await _others()
            await asyncio.gather(*others)
            ran.append(len(others))

    res = ApiResponse.blank().sse(events(), heartbeat=0.01)

    def read_then_leave() -> list[object]:
        chunks = iter(res.response)
        read: list[object] = [next(chunks), next(chunks), next(chunks)]
        res.close()  # the client left while the source was waiting
        return read

    assert _within(10, read_then_leave) == [HEARTBEAT, b"data: first\n\n", HEARTBEAT]
    assert ran == [0]

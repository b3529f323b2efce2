"""An ``async def`` handler sees only the tasks it and its libraries made: the
runner waits for it without a task of its own, so the common ways to drain or stop
background work (gather, or cancel, every task but the current one) just work.
"""

from __future__ import annotations

import asyncio
import threading

from werkzeug.test import TestResponse

from nextresp import ApiRequest, ApiResponse, api_handler

from .support import call_wsgi


def _answer_within(app: object, seconds: float) -> TestResponse:
    """Call ``app`` in a thread; fail (not hang the suite) if it has not answered."""
    answers: list[TestResponse] = []
    caller = threading.Thread(
        target=lambda: answers.append(call_wsgi(app)), daemon=True
    )
    caller.start()
    caller.join(seconds)
    assert answers, f"no answer after {seconds} s: the handler waits on itself"
    return answers[0]


def test_gathering_every_other_task_waits_only_for_the_handlers_own() -> None:
    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        async def audit() -> None:
            await asyncio.sleep(0.01)

        background = asyncio.create_task(audit())
        await asyncio.sleep(0.001)  # a real wait: the loop runs from here
        others = asyncio.all_tasks() - {asyncio.current_task()}
        await asyncio.gather(*others)
        res.json({"others": len(others), "ours": others == {background}})

    r = _answer_within(handler, 10)
    assert (r.status, r.data) == ("200 OK", b'{"others":1,"ours":true}')


def test_cancelling_every_other_task_does_not_cancel_the_request() -> None:
    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        async def poll() -> None:
            while True:
                await asyncio.sleep(0.001)

        poller = asyncio.create_task(poll())
        await asyncio.sleep(0.005)  # a real wait: the loop runs from here
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()
        await asyncio.sleep(0)
        res.json({"poller cancelled": poller.cancelled()})

    r = call_wsgi(handler)
    assert (r.status, r.data) == ("200 OK", b'{"poller cancelled":true}')

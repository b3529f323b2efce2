"""Checked by ``mypy --strict``: ``sse`` chains and takes what the docs say."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import assert_type

from nextresp import ApiResponse, Event, encode_event


class MyResponse(ApiResponse):
    pass


def events() -> Iterator[Event | str]:
    yield Event({"n": 1}, event="tick", id=1, retry=1000)
    yield "text"


async def async_events() -> AsyncIterator[dict[str, object]]:
    yield {"data": [1, 2]}


def chains(res: MyResponse) -> None:
    assert_type(res.sse(events()), MyResponse)
    assert_type(res.status(200).sse(async_events(), heartbeat=None), MyResponse)
    assert_type(res.sse(["a", "b"], heartbeat=5), MyResponse)
    assert_type(encode_event(Event(None, id="7")), bytes)

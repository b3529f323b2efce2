"""Checked by ``mypy --strict``: ``ndjson``, ``ai_stream`` and ``send_file`` chain and
take what the docs say; ``EventChannel`` feeds ``sse``."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, assert_type

from nextresp import ApiResponse, ai
from nextresp.redis import EventChannel, Subscription


class MyResponse(ApiResponse):
    pass


def rows() -> Iterator[dict[str, int]]:
    yield {"n": 1}


async def async_rows() -> AsyncIterator[list[int]]:
    yield [1]


def parts() -> Iterator[str | ai.Reasoning | ai.ToolCall | ai.Data]:
    yield "text"
    yield ai.Reasoning("why")
    yield ai.ToolCall("c1", "search", {"q": "x"})
    yield ai.Data("chart", [1, 2], id="c", transient=True)


async def async_parts() -> AsyncIterator[str | dict[str, Any]]:
    yield "text"
    yield {"type": "source-url", "sourceId": "s", "url": "https://a.example"}


def chains(res: MyResponse) -> None:
    assert_type(res.ndjson(rows()), MyResponse)
    assert_type(res.ndjson(async_rows()), MyResponse)
    assert_type(res.ndjson([1, "a", None]), MyResponse)
    assert_type(res.ai_stream(parts()), MyResponse)
    assert_type(res.ai_stream(async_parts()), MyResponse)
    assert_type(res.ai_stream([ai.ToolResult("c1", 1), ai.Finish("stop")]), MyResponse)
    assert_type(res.send_file("a.txt"), MyResponse)
    assert_type(res.send_file(Path("a.txt"), download=True), MyResponse)
    assert_type(res.send_file(io.BytesIO(b"x"), filename="x.bin"), MyResponse)
    assert_type(res.status(200).send_file("a.txt", download=False), MyResponse)


def channel(res: ApiResponse, last: str | None) -> None:
    news = EventChannel("redis://127.0.0.1:6379/0", "news", maxlen=100, block=1.0)
    entry: str = news.publish({"a": 1}, event="tick")
    subscription = news.subscribe(last_event_id=last)
    assert_type(subscription, Subscription)
    res.sse(subscription)
    del entry

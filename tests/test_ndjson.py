"""``res.ndjson``: one JSON text per line, its source closed as ``sse`` closes it."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from nextresp import ApiResponse, api_handler
from nextresp._response import ResponseAlreadySent

from .support import Call
from .test_events import Source, read_all, start


def test_ndjson_sends_each_item_as_one_line(call: Call) -> None:
    items = [{"id": 1, "name": "Ada"}, [1, 2], "line\nbreak", 3.5, None, True]
    r = call(api_handler(lambda req, res: res.ndjson(items)))
    assert r.status_code == 200
    assert r.data == (
        b'{"id":1,"name":"Ada"}\n[1,2]\n"line\\nbreak"\n3.5\nnull\ntrue\n'
    )
    assert [json.loads(line) for line in r.data.splitlines()] == items


def test_ndjson_headers(call: Call) -> None:
    r = call(api_handler(lambda req, res: res.ndjson([1])))
    assert r.headers["Content-Type"] == "application/x-ndjson"
    assert r.headers["Cache-Control"] == "no-cache, no-transform"
    assert r.headers["X-Accel-Buffering"] == "no"
    assert "Content-Length" not in r.headers
    assert "ETag" not in r.headers


def test_ndjson_keeps_a_cache_control_set_before(call: Call) -> None:
    handler = api_handler(
        lambda req, res: res.set_header("Cache-Control", "private").ndjson([1])
    )
    assert call(handler).headers["Cache-Control"] == "private"


def test_an_empty_source_sends_an_empty_body(call: Call) -> None:
    r = call(api_handler(lambda req, res: res.ndjson([])))
    assert (r.status_code, r.data) == (200, b"")


def test_ndjson_uses_the_classs_json_dumps(call: Call) -> None:
    class Sorted(ApiResponse):
        json_dumps = staticmethod(lambda obj: json.dumps(obj, sort_keys=True))

    handler = api_handler(response_class=Sorted)(
        lambda req, res: res.ndjson([{"b": 1, "a": 2}])
    )
    assert call(handler).data == b'{"a": 2, "b": 1}\n'


def test_ndjson_streams_an_async_generator(call: Call) -> None:
    async def rows() -> AsyncIterator[dict[str, int]]:
        for n in range(3):
            yield {"n": n}

    r = call(api_handler(lambda req, res: res.ndjson(rows())))
    assert r.data == b'{"n":0}\n{"n":1}\n{"n":2}\n'


def test_each_line_leaves_before_the_next_item_is_pulled() -> None:
    source = Source([{"a": 1}, {"a": 2}])
    _started, body = start(api_handler(lambda req, res: res.ndjson(source)))
    chunks = iter(body)
    assert next(chunks) == b'{"a":1}\n'
    assert source.pulled == 1
    body.close()


def test_a_client_that_leaves_closes_the_generator() -> None:
    ran: list[str] = []

    def rows() -> Iterator[int]:
        try:
            yield 1
            yield 2
        finally:
            ran.append("finally")

    _started, body = start(api_handler(lambda req, res: res.ndjson(rows())))
    assert next(iter(body)) == b"1\n"
    assert ran == []
    body.close()
    assert ran == ["finally"]


def test_a_client_that_leaves_closes_the_async_generator() -> None:
    ran: list[str] = []

    async def rows() -> AsyncIterator[int]:
        try:
            yield 1
            yield 2
        finally:
            ran.append("finally")

    _started, body = start(api_handler(lambda req, res: res.ndjson(rows())))
    assert next(iter(body)) == b"1\n"
    body.close()
    assert ran == ["finally"]


def test_head_closes_a_source_it_never_reads() -> None:
    source = Source([1])
    (status, _headers), body = start(
        api_handler(lambda req, res: res.ndjson(source)), method="HEAD"
    )
    assert status == "200 OK"
    assert read_all(body) == []
    assert (source.pulled, source.closed) == (0, 1)


def test_an_item_json_cannot_hold_cuts_the_stream_short_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = Source([1, {1, 2}, 3])
    _started, body = start(api_handler(lambda req, res: res.ndjson(source)))
    chunks = iter(body)
    assert next(chunks) == b"1\n"
    with caplog.at_level(logging.ERROR, "nextresp"), pytest.raises(TypeError) as raised:
        next(chunks)
    assert str(raised.value) == (
        "ndjson() cannot encode the value as JSON: Object of type set is not JSON"
        " serializable; convert it to dict, list, str, int, float, bool or None first"
    )
    assert "NDJSON stream failed" in caplog.text
    assert next(chunks, None) is None
    body.close()
    assert source.closed == 1


@pytest.mark.parametrize(
    "items",
    ["abc", b"abc", {"a": 1}, 7, None],
    ids=["str", "bytes", "dict", "int", "None"],
)
def test_ndjson_refuses_what_is_not_a_stream_of_items(items: Any) -> None:
    with pytest.raises(TypeError, match=r"^ndjson\(\) takes an iterable of items"):
        ApiResponse.blank().ndjson(items)


def test_ndjson_after_a_finished_response_raises() -> None:
    with pytest.raises(
        ResponseAlreadySent, match=r"^ndjson\(\) was called after json\(\)"
    ):
        ApiResponse.blank().json({}).ndjson([])


def test_a_helper_after_ndjson_names_ndjson() -> None:
    with pytest.raises(ResponseAlreadySent) as raised:
        ApiResponse.blank().ndjson([]).json({})
    assert str(raised.value) == (
        "json() was called after ndjson() already sent the response; a response is"
        " sent once, so set the status and headers before sending the body"
    )

"""Every way of sending finishes the response, and a later helper names the first.

Like Node once headers are sent, a finished ``ApiResponse`` refuses every helper with
``RuntimeError``, saying which helper sent it, and keeps what it had.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from nextresp import ApiResponse


def chunks() -> Iterator[bytes]:
    yield b"streamed"


SENDS: dict[str, tuple[str, Callable[[ApiResponse], Any]]] = {
    "send-none": ("send", lambda res: res.send()),
    "send-empty-bytes": ("send", lambda res: res.send(b"")),
    "send-bytes": ("send", lambda res: res.send(b"bytes")),
    "send-bytearray": ("send", lambda res: res.send(bytearray(b"bytearray"))),
    "send-memoryview": ("send", lambda res: res.send(memoryview(b"memoryview"))),
    "send-str": ("send", lambda res: res.send("text")),
    "send-dict": ("send", lambda res: res.send({"a": 1})),
    "send-list": ("send", lambda res: res.send([1])),
    "send-int": ("send", lambda res: res.send(7)),
    "send-float": ("send", lambda res: res.send(2.5)),
    "send-bool": ("send", lambda res: res.send(True)),
    "send-file": ("send", lambda res: res.send(io.BytesIO(b"file"))),
    "send-generator": ("send", lambda res: res.send(chunks())),
    "send-tuple": ("send", lambda res: res.send((b"a", b"b"))),
    "json": ("json", lambda res: res.json({"a": 1})),
    "end-none": ("end", lambda res: res.end()),
    "end-str": ("end", lambda res: res.end("text")),
    "end-bytes": ("end", lambda res: res.end(b"bytes")),
    "redirect": ("redirect", lambda res: res.redirect("/next")),
}


@pytest.mark.parametrize("first", SENDS, ids=str)
def test_every_send_finishes_the_response_and_is_named_later(first: str) -> None:
    helper, send = SENDS[first]
    res = ApiResponse.blank()
    assert send(res) is res
    before = (res.status_code, list(res.headers), res.response)
    with pytest.raises(RuntimeError) as info:
        res.send("late")
    assert str(info.value) == (
        f"send() was called after {helper}() already sent the response; a response"
        " is sent once, so set the status and headers before sending the body"
    )
    assert (res.status_code, list(res.headers), res.response) == before


@pytest.mark.parametrize(
    "body",
    [bytearray(b"\x00\xffdata"), memoryview(b"\x00\xffdata")],
    ids=["bytearray", "memoryview"],
)
def test_binary_buffers_are_sent_as_bytes(body: bytearray | memoryview) -> None:
    res = ApiResponse.blank().send(body)
    assert res.get_data() == b"\x00\xffdata"
    assert res.headers["Content-Type"] == "application/octet-stream"
    assert res.headers["Content-Length"] == "6"


def test_a_memoryview_of_wider_items_is_sent_as_its_bytes() -> None:
    import array

    items = array.array("H", [1, 2])
    res = ApiResponse.blank().send(memoryview(items))
    assert res.get_data() == items.tobytes()


def test_a_strided_memoryview_is_sent_as_the_bytes_it_shows() -> None:
    res = ApiResponse.blank().send(memoryview(b"a-b-c")[::2])
    assert res.get_data() == b"abc"

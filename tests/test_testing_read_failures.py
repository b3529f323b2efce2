"""``Result``'s exact failures: a body left open, lines not JSON, a quoted body."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from nextresp import api_handler
from nextresp.testing import Client, StreamTimeout


def raw_app(content_type: str, body: bytes) -> Any:
    """A bare WSGI app answering 200 with one body of known length."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response(
            "200 OK",
            [("Content-Type", content_type), ("Content-Length", str(len(body)))],
        )
        return [body]

    return app


def ndjson_app(chunks: Iterable[bytes]) -> Any:
    @api_handler
    def app(req: Any, res: Any) -> None:
        res.set_header("Content-Type", "application/x-ndjson").send(iter(chunks))

    return app


def test_a_body_left_open_fails_the_request_quoting_and_holding_what_came() -> None:
    release = threading.Event()

    def stalls() -> Iterator[bytes]:
        yield b"partial"
        release.wait(10)

    client = Client(api_handler(lambda req, res: res.send(stalls())), timeout=0.1)
    try:
        with pytest.raises(StreamTimeout) as info:
            client.get("/")
    finally:
        release.set()
    assert str(info.value) == (
        "expected the body to end within 0.1 s; it stayed open after the body"
        " b'partial'. Read an endless stream with .events(limit=...) or"
        " .lines(limit=...)"
    )
    assert info.value.read == [b"partial"]


def test_lines_of_another_type_fail_saying_what_came() -> None:
    r = Client(raw_app("text/plain", b"hi")).get("/")
    with pytest.raises(AssertionError) as info:
        r.lines()
    assert str(info.value) == (
        "expected application/x-ndjson to read with .lines(), not a 200 answer of"
        " type 'text/plain' with the body b'hi'"
    )


@pytest.mark.parametrize(
    ("line", "shown"),
    [(b"X", "b'X'"), (b"\x0c", "b'\\x0c'"), (b"\x0b\t", "b'\\x0b\\t'")],
    ids=["a-letter", "a-form-feed", "a-vertical-tab"],
)
def test_a_line_of_what_is_not_json_whitespace_is_no_blank_line(
    line: bytes, shown: str
) -> None:
    """Only space, tab and CR make a blank line (RFC 8259's whitespace, less LF)."""
    r = Client(ndjson_app([b"1\n", line + b"\n", b"2\n"])).get("/")
    with pytest.raises(AssertionError) as info:
        r.lines()
    assert str(info.value) == (
        f"expected line 2 to be strict JSON, not the body {shown}:"
        " Expecting value: line 1 column 1 (char 0)"
    )


def test_a_line_of_json_whitespace_is_blank() -> None:
    assert Client(ndjson_app([b"1\n", b" \t\r\n", b"2\n"])).get("/").lines() == [1, 2]


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (200, f"the body {b'a' * 200!r}"),
        (201, f"a body of 201 bytes starting {b'a' * 200!r}"),
    ],
    ids=["200-bytes", "201-bytes"],
)
def test_a_body_is_quoted_whole_up_to_200_bytes(size: int, shown: str) -> None:
    r = Client(raw_app("text/plain", b"a" * size)).get("/")
    with pytest.raises(AssertionError) as info:
        _ = r.json
    assert str(info.value) == (
        "expected a JSON answer (application/json or a +json type), not a 200"
        f" answer of type 'text/plain' with {shown}"
    )

"""``Result.lines``: a stream that ends inside a line fails, quoting what was left."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from nextresp import api_handler
from nextresp.testing import Client


def ndjson_app(chunks: Iterable[bytes]) -> Any:
    @api_handler
    def app(req: Any, res: Any) -> None:
        res.set_header("Content-Type", "application/x-ndjson").send(iter(chunks))

    return app


@pytest.mark.parametrize(
    ("rest", "shown"),
    [(b"X", "b'X'"), (b"\x0c", "b'\\x0c'"), (b" \x0b\t", "b' \\x0b\\t'")],
    ids=["a-letter", "a-form-feed", "a-vertical-tab"],
)
def test_what_is_not_json_whitespace_after_the_last_line_fails(
    rest: bytes, shown: str
) -> None:
    """Only space, tab and CR may follow the last line break (RFC 8259's whitespace)."""
    r = Client(ndjson_app([b"1\n", rest])).get("/")
    with pytest.raises(AssertionError) as info:
        r.lines()
    assert str(info.value) == (
        f"expected the JSON lines to end with a line break, not with {shown}"
    )


def test_json_whitespace_after_the_last_line_is_no_line() -> None:
    assert Client(ndjson_app([b"1\n", b" \t\r"])).get("/").lines() == [1]


def test_a_long_unfinished_line_is_quoted_to_200_bytes() -> None:
    r = Client(ndjson_app([b"1\n", b"7" * 300])).get("/")
    with pytest.raises(AssertionError) as info:
        r.lines()
    assert str(info.value) == (
        f"expected the JSON lines to end with a line break, not with {b'7' * 200!r}"
    )

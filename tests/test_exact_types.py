"""PEP 3333 takes header names and values that are exactly ``str``, and body chunks
that are exactly ``bytes``: a subclass (a ``StrEnum``, a ``bytes`` wrapper) is sent
as its text or its bytes, checked as any other, never handed to the server as is.
"""

from __future__ import annotations

import enum

import pytest

from nextresp import ApiError, ApiRequest, ApiResponse, api_handler

from .support import Call


class Mode(enum.StrEnum):
    FAST = "fast"


class Name(str):
    """A str subclass whose str() is not its text."""

    def __str__(self) -> str:
        return "not the text"


class Chunk(bytes):
    pass


def test_a_str_enum_header_value_is_sent_as_its_text(call: Call) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("X-Mode", Mode.FAST).set_header("X-Modes", [Mode.FAST, "slow"])
        res.send("ok")

    r = call(handler)
    assert r.headers["X-Mode"] == "fast"
    assert r.headers.getlist("X-Modes") == ["fast", "slow"]
    assert type(r.headers["X-Mode"]) is str


def test_a_str_subclass_header_name_is_sent_as_its_text(call: Call) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header(Name("X-Named"), Name("value")).send("ok")

    r = call(handler)
    assert r.headers["X-Named"] == "value"
    assert [name for name, _ in r.headers if name == "X-Named"] == ["X-Named"]


def test_a_str_subclass_value_is_checked_as_its_text() -> None:
    with pytest.raises(ValueError, match=r"has '\\n' at index 1"):
        ApiResponse().set_header("X-A", Name("a\nb"))


def test_an_api_errors_str_enum_header_is_sent_as_its_text(call: Call) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        raise ApiError(429, headers={"Retry-After": Name("30"), "X-Mode": Mode.FAST})

    r = call(handler)
    assert r.status_code == 429
    assert (r.headers["Retry-After"], r.headers["X-Mode"]) == ("30", "fast")


@pytest.mark.parametrize("helper", ["send", "end"])
def test_a_bytes_subclass_body_is_sent_as_bytes(call: Call, helper: str) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        getattr(res, helper)(Chunk(b"abc"))

    r = call(handler)
    assert (r.status_code, r.data) == (200, b"abc")
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert r.headers["Content-Length"] == "3"


def test_a_bytes_subclass_body_is_held_as_bytes() -> None:
    res = ApiResponse().send(Chunk(b"abc"))
    assert [type(chunk) for chunk in res.response] == [bytes]

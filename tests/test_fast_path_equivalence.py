"""The ``# PERF:`` shortcut in ``get_wsgi_response`` answers exactly as werkzeug would.

It applies only to a finished list body of one ``bytes`` part; bodies set through
werkzeug's own API (several parts, ``str`` parts) take werkzeug's path, which encodes
them, so the server never receives a ``str`` (PEP 3333).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from nextresp import ApiResponse


def with_body(parts: list[bytes | str], length: int) -> ApiResponse:
    """A response whose body was set through werkzeug's ``response`` attribute."""
    res = ApiResponse.blank()
    res.response = parts  # type: ignore[assignment]
    res.headers["Content-Length"] = str(length)
    res.headers["Content-Type"] = "text/plain; charset=utf-8"
    return res


BODIES: dict[str, Callable[[], ApiResponse]] = {
    "bytes-then-str": lambda: with_body([b"ab", "cd"], 4),
    "two-bytes": lambda: with_body([b"ab", b"cd"], 4),
    "one-str": lambda: with_body(["abcd"], 4),
    "str-then-bytes": lambda: with_body(["ab", b"cd"], 4),
    "werkzeug-constructor": lambda: ApiResponse(
        ["ab", "cd"], headers={"Content-Length": "4"}
    ),
    "call-on-close": lambda: _with_callback(ApiResponse.blank().send(b"abcd")),
}


def _with_callback(res: ApiResponse) -> ApiResponse:
    res.call_on_close(lambda: None)
    return res


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("make", BODIES.values(), ids=list(BODIES))
def test_every_body_is_sent_as_werkzeug_sends_it(
    make: Callable[[], ApiResponse], method: str
) -> None:
    environ = EnvironBuilder(method=method).get_environ()
    ours = make()
    app_iter, status, headers = ours.get_wsgi_response(environ)
    theirs = make()
    theirs.finalize(environ)
    expected = Response.get_wsgi_response(theirs, environ)
    parts = list(app_iter)
    assert all(type(part) is bytes for part in parts)
    assert (b"".join(parts), status, headers) == (
        b"".join(expected[0]),
        str(expected[1]),
        expected[2],
    )


def with_line(name: str, value: str) -> ApiResponse:
    """A sent body, then one more line added through werkzeug's ``Headers``."""
    res = ApiResponse.blank().send(b"abcd")
    res.headers.add(name, value)
    return res


def spelled(type_name: str, length_name: str) -> ApiResponse:
    """A one-part body whose framing lines are spelled by the caller."""
    res = ApiResponse.blank()
    res.response = [b"abcd"]
    res.headers.add(type_name, "text/plain")
    res.headers.add(length_name, "4")
    return res


# The shortcut compares the names this package writes as they are spelled, and
# lower-cases any other spelling: each of these must still be read as werkzeug reads it.
SPELLINGS: dict[str, Callable[[], ApiResponse]] = {
    "lower-case-framing": lambda: spelled("content-type", "content-length"),
    "upper-case-framing": lambda: spelled("CONTENT-TYPE", "CONTENT-LENGTH"),
    "location": lambda: with_line("Location", "/caf\u00e9"),
    "lower-case-location": lambda: with_line("location", "/caf\u00e9"),
    "content-location": lambda: with_line("Content-Location", "/caf\u00e9"),
    "upper-case-content-location": lambda: with_line("CONTENT-LOCATION", "/x y"),
    "vary-and-etag": lambda: with_line("Vary", "Accept"),
}


@pytest.mark.parametrize("make", SPELLINGS.values(), ids=list(SPELLINGS))
def test_header_names_in_any_spelling_are_framed_as_werkzeug_frames_them(
    make: Callable[[], ApiResponse],
) -> None:
    environ = EnvironBuilder().get_environ()
    app_iter, status, headers = make().get_wsgi_response(environ)
    theirs = make()
    theirs.finalize(environ)
    expected = Response.get_wsgi_response(theirs, environ)
    assert (b"".join(app_iter), status, headers) == (
        b"".join(expected[0]),
        str(expected[1]),
        expected[2],
    )

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

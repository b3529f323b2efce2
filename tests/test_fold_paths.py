"""An ``ApiError`` is folded as its answer is made; every other error, after.

Both must send the same lines: the error's own, then those set on ``res`` that
describe no body and that the error does not set, with ``Vary``'s fields added up.
Each case runs the error through ``api_handler`` and compares the lines it sends
with the general fold of the same error, and with the lines written out.
"""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import EnvironBuilder

from nextresp import ApiError, ApiResponse, api_handler
from nextresp._errors import error_response
from nextresp._handler import fold

PROBLEM = "application/problem+json"

#: Lines set on res before the raise, the error's headers, then the lines sent after
#: Content-Type and Content-Length (Accept: */*).
CASES = {
    "nothing-set": (
        [],
        [],
        [("X-Content-Type-Options", "nosniff"), ("Vary", "Accept")],
    ),
    "a-challenge-set-on-res": (
        [("WWW-Authenticate", "Basic")],
        [],
        [
            ("X-Content-Type-Options", "nosniff"),
            ("Vary", "Accept"),
            ("WWW-Authenticate", "Basic"),
        ],
    ),
    "the-error-wins-a-clash-whatever-the-case": (
        [("www-authenticate", "Basic"), ("X-Request-Id", "7")],
        [("WWW-Authenticate", "Bearer")],
        [
            ("X-Content-Type-Options", "nosniff"),
            ("WWW-Authenticate", "Bearer"),
            ("Vary", "Accept"),
            ("X-Request-Id", "7"),
        ],
    ),
    "the-body-headers-of-res-go-with-its-body": (
        [
            ("Content-Language", "de"),
            ("ETag", '"x"'),
            ("X-Content-Type-Options", "other"),
            ("Cache-Control", "no-store"),
        ],
        [],
        [
            ("X-Content-Type-Options", "nosniff"),
            ("Vary", "Accept"),
            ("Cache-Control", "no-store"),
        ],
    ),
    "vary-fields-add-up": (
        [("Vary", "Origin"), ("X-A", "1")],
        [("Vary", "Cookie")],
        [
            ("X-Content-Type-Options", "nosniff"),
            ("X-A", "1"),
            ("Vary", "Cookie, Accept, Origin"),
        ],
    ),
    "vary-set-by-the-error-only": (
        [("X-A", "1")],
        [("Vary", "Cookie")],
        [
            ("X-Content-Type-Options", "nosniff"),
            ("Vary", "Cookie, Accept"),
            ("X-A", "1"),
        ],
    ),
    "vary-on-res-only": (
        [("vary", "accept-encoding")],
        [],
        [("X-Content-Type-Options", "nosniff"), ("Vary", "Accept, accept-encoding")],
    ),
}


def served(
    app: Any, environ: dict[str, Any]
) -> tuple[str, list[tuple[str, str]], bytes]:
    """The status line, header lines and body ``app`` answers ``environ`` with."""
    seen: list[tuple[str, list[tuple[str, str]]]] = []
    body = b"".join(app(environ, lambda status, lines: seen.append((status, lines))))
    return seen[0][0], seen[0][1], body


def raising(
    set_on_res: list[tuple[str, str]], error_headers: list[tuple[str, str]]
) -> Any:
    @api_handler
    def handler(req: object, res: ApiResponse) -> None:
        res.headers._list.extend(set_on_res)  # any spelling, as werkzeug's API allows
        raise ApiError(401, "Who are you?", headers=error_headers)

    return handler


def folded_after(
    set_on_res: list[tuple[str, str]],
    error_headers: list[tuple[str, str]],
    environ: dict[str, Any],
) -> list[tuple[str, str]]:
    """The lines of the general fold: the error's answer made, then folded."""
    res = ApiResponse.blank()
    res.headers._list.extend(set_on_res)
    error = ApiError(401, "Who are you?", headers=error_headers)
    answer = error_response(error.code, error.detail, error.headers, environ)
    return list(fold(res, answer).headers.items())


@pytest.mark.parametrize(
    ("set_on_res", "error_headers", "after_framing"), CASES.values(), ids=list(CASES)
)
def test_an_api_error_sends_the_lines_of_the_general_fold(
    set_on_res: list[tuple[str, str]],
    error_headers: list[tuple[str, str]],
    after_framing: list[tuple[str, str]],
) -> None:
    environ = EnvironBuilder(headers=[("Accept", "*/*")]).get_environ()
    status, lines, body = served(raising(set_on_res, error_headers), environ)
    assert status == "401 Unauthorized"
    assert lines == folded_after(set_on_res, error_headers, environ)
    assert lines == [
        ("Content-Type", PROBLEM),
        ("Content-Length", str(len(body))),
        *after_framing,
    ]


def test_a_text_answer_is_folded_alike() -> None:
    environ = EnvironBuilder(headers=[("Accept", "text/plain")]).get_environ()
    set_on_res = [("Vary", "Origin"), ("Retry-After", "5"), ("Content-Type", "x/y")]
    status, lines, body = served(raising(set_on_res, []), environ)
    assert status == "401 Unauthorized"
    assert body == b"Who are you?"
    assert lines == folded_after(set_on_res, [], environ)
    assert lines == [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "12"),
        ("X-Content-Type-Options", "nosniff"),
        ("Retry-After", "5"),
        ("Vary", "Accept, Origin"),
    ]

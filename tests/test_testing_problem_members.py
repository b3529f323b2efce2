"""``Result.problem``: each RFC 9457 member checked, and the whole failure message."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from nextresp.testing import Client


def problem_app(body: bytes) -> Any:
    """A bare WSGI app answering 404 with ``body`` as a problem."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("404 Not Found", [("Content-Type", "application/problem+json")])
        return [body]

    return app


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'{"status":404,"title":"x","type":3}',
            'expected a problem whose "type" member, when present, is a string,'
            """ not the body b'{"status":404,"title":"x","type":3}' (RFC 9457)""",
        ),
        (
            b'{"status":404,"title":"x","detail":null}',
            'expected a problem whose "detail" member, when present, is a string,'
            """ not the body b'{"status":404,"title":"x","detail":null}' (RFC 9457)""",
        ),
        (
            b'{"status":404,"title":"x","instance":["/a"]}',
            'expected a problem whose "instance" member, when present, is a string,'
            """ not the body b'{"status":404,"title":"x","instance":["/a"]}'"""
            " (RFC 9457)",
        ),
        (
            b'{"status":404,"title":7}',
            'expected a problem with a "title" member that is a string,'
            """ not the body b'{"status":404,"title":7}' (RFC 9457)""",
        ),
    ],
    ids=["type", "detail", "instance", "title"],
)
def test_a_member_of_the_wrong_type_fails_quoting_the_body(
    body: bytes, message: str
) -> None:
    with pytest.raises(AssertionError) as info:
        _ = Client(problem_app(body)).get("/").problem
    assert str(info.value) == message


def test_every_string_member_present_as_a_string_is_a_problem() -> None:
    body = b'{"type":"/t","title":"x","status":404,"detail":"d","instance":"/i"}'
    problem = Client(problem_app(body)).get("/").problem
    assert (problem.type, problem.detail, problem.instance) == ("/t", "d", "/i")


def test_a_problem_that_is_not_json_fails_naming_the_problem() -> None:
    with pytest.raises(AssertionError) as info:
        _ = Client(problem_app(b"{")).get("/").problem
    assert str(info.value) == (
        "expected the problem to be strict JSON, not the body b'{': Expecting"
        " property name enclosed in double quotes: line 1 column 2 (char 1)"
    )

"""Misuse raises at the call, with one message that names the value and the fix.

House style: ``TypeError`` for a wrong kind, ``ValueError`` for a bad value, and the
exact text a developer reads, so these tests compare whole messages.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.wrappers import Request

from nextresp import ApiError, ApiResponse, api_handler

from .support import call_wsgi


def set_header(name: Any, value: Any) -> Callable[[], object]:
    return lambda: ApiResponse.blank().set_header(name, value)


CASES: dict[str, tuple[Callable[[], object], type[Exception], str]] = {
    "header-name-type": (
        set_header(7, "v"),
        TypeError,
        "header name must be a str, not 7 (int)",
    ),
    "header-name-shape": (
        set_header("1x", "v"),
        ValueError,
        "header name '1x' is not a valid header name: start with a letter, then use"
        " letters, digits, '-' and '_' only",
    ),
    "header-name-managed": (
        set_header("Transfer-Encoding", "chunked"),
        ValueError,
        "header 'Transfer-Encoding' is managed by the server and set from the body;"
        " do not set it by hand",
    ),
    "header-value-type": (
        set_header("X-A", 1.5),
        TypeError,
        "value of header 'X-A' must be a str, an int or a list of str, not 1.5 (float)",
    ),
    "header-value-item-type": (
        set_header("X-A", ["ok", None]),
        TypeError,
        "value of header 'X-A' must be a str, an int or a list of str,"
        " not None (NoneType)",
    ),
    "header-value-u0100": (
        set_header("X-A", "ok\u0100"),
        ValueError,
        "value of header 'X-A' has 'Ā' at index 2: it is outside Latin-1;"
        " percent-encode it (RFC 8187) first",
    ),
    "header-value-emoji": (
        set_header("X-A", "\U0001f600"),
        ValueError,
        "value of header 'X-A' has '\U0001f600' at index 0: it is outside Latin-1;"
        " percent-encode it (RFC 8187) first",
    ),
    "header-value-c1-control": (
        set_header("X-A", "a\x85"),
        ValueError,
        "value of header 'X-A' has '\\x85' at index 1: control characters could"
        " split the response; remove it",
    ),
    "header-value-list-item": (
        set_header("X-A", ["ok", "a\nb"]),
        ValueError,
        "value of header 'X-A' has '\\n' at index 1: control characters could split"
        " the response; remove it",
    ),
    "error-headers-type": (
        lambda: ApiError(400, headers=5),  # type: ignore[arg-type]
        TypeError,
        "headers must be a mapping or a list of (name, value) pairs, not 5 (int)",
    ),
    "error-headers-list-item": (
        lambda: ApiError(400, headers={"X-A": ["ok", "a\rb"]}),
        ValueError,
        "value of header 'X-A' has '\\r' at index 1: control characters could split"
        " the response; remove it",
    ),
    "end-body": (
        lambda: ApiResponse.blank().end(7),  # type: ignore[arg-type]
        TypeError,
        "end() takes a str or bytes body, not 7 (int); use send() or json() for"
        " other bodies",
    ),
    "send-tuple-of-text": (
        lambda: ApiResponse.blank().send(("ok", "\ud800")),
        ValueError,
        "send() got text that UTF-8 cannot encode (surrogates not allowed at index 0);"
        " remove lone surrogates, or send bytes",
    ),
    "error-body-json": (
        lambda: ApiResponse.blank().error_body({"when": object()}),
        TypeError,
        "error_body() cannot encode the value as JSON: Object of type object is not"
        " JSON serializable; convert it to dict, list, str, int, float, bool or None"
        " first",
    ),
    "option-etag": (
        lambda: api_handler(etag=1),  # type: ignore[call-overload]
        TypeError,
        "api_handler option etag must be True or False, not 1",
    ),
    "option-problem-details": (
        lambda: api_handler(problem_details=None),  # type: ignore[call-overload]
        TypeError,
        "api_handler option problem_details must be True or False, not None",
    ),
    "option-propagate-exceptions": (
        lambda: api_handler(propagate_exceptions="yes"),  # type: ignore[call-overload]
        TypeError,
        "api_handler option propagate_exceptions must be True or False, not 'yes'",
    ),
    "option-body-limit-negative": (
        lambda: api_handler(body_limit=-1),
        ValueError,
        "api_handler option body_limit must be a number of bytes (an int >= 0),"
        " a size such as '1mb' or '500kb', or None, not -1",
    ),
    "option-body-limit-type": (
        lambda: api_handler(body_limit=1.5),  # type: ignore[call-overload]
        TypeError,
        "api_handler option body_limit must be a number of bytes (an int >= 0),"
        " a size such as '1mb' or '500kb', or None, not 1.5",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_misuse_is_refused_with_a_message_naming_it(case: str) -> None:
    attempt, error, message = CASES[case]
    with pytest.raises(error) as info:
        attempt()
    assert type(info.value) is error
    assert str(info.value) == message


def test_body_limit_zero_is_an_accepted_option() -> None:
    assert api_handler(body_limit=0)(lambda req, res: None).body_limit == 0


def test_a_text_mode_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("notes")
    with path.open() as file:
        with pytest.raises(TypeError) as info:
            ApiResponse.blank().send(file)
        assert str(info.value) == (
            f"send() got a text-mode file ({file!r}); open it in binary mode"
            " ('rb') or send its text as a str"
        )


def test_send_names_itself_when_json_cannot_encode() -> None:
    with pytest.raises(TypeError) as info:
        ApiResponse.blank().send({"tags": {"a"}})
    assert str(info.value) == (
        "send() cannot encode the value as JSON: Object of type set is not JSON"
        " serializable; convert it to dict, list, str, int, float, bool or None first"
    )


def test_send_names_itself_when_json_would_be_invalid() -> None:
    with pytest.raises(ValueError, match="valid JSON") as info:
        ApiResponse.blank().send([float("nan")])
    assert str(info.value).startswith("send() cannot encode the value as valid JSON: ")


@api_handler
def plain(req: Request, res: ApiResponse) -> None:
    res.send("ok")


def test_calling_with_the_wrong_arguments_names_the_call_forms() -> None:
    with pytest.raises(TypeError) as info:
        plain(1, 2, 3)
    assert str(info.value) == (
        f"{plain!r} is called as a WSGI app (environ, start_response), as a werkzeug"
        " endpoint (request, **values) or as a Flask view (**values), not with 3"
        " positional arguments"
    )


NO_REQUEST = (
    " was called with no request: call it as a WSGI app (environ, start_response),"
    " as a werkzeug endpoint (request, **values), or as a Flask view inside a request"
)


def test_calling_with_no_request_outside_flask_names_the_call_forms() -> None:
    with pytest.raises(TypeError) as info:
        plain()
    assert str(info.value) == f"{plain!r}{NO_REQUEST}"


def test_calling_with_no_request_without_flask_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "flask", None)  # import flask raises ImportError
    with pytest.raises(TypeError) as info:
        plain()
    assert str(info.value) == f"{plain!r}{NO_REQUEST}"


def test_returning_a_value_names_the_handler() -> None:
    @api_handler(propagate_exceptions=True)
    def handler(req: Request, res: ApiResponse) -> Any:  # Any: no type to send
        return 5

    with pytest.raises(TypeError) as info:
        call_wsgi(handler)
    assert str(info.value) == (
        f"{handler.name}() returned 5; an api_handler answers through"
        " res (res.json(...), res.send(...)) and returns None or res; to send a"
        " returned value as JSON, annotate its type (-> Todo)"
    )


def test_an_async_handler_in_a_running_loop_says_where_to_serve_it() -> None:
    @api_handler(propagate_exceptions=True)
    async def handler(req: Request, res: ApiResponse) -> None:
        res.send("never")

    async def from_async_code() -> Any:
        return call_wsgi(handler)

    with pytest.raises(RuntimeError) as info:
        asyncio.run(from_async_code())
    assert str(info.value) == (
        "an async api_handler cannot run in a thread whose event loop is already"
        " running (another loop is running here); serve it from a WSGI thread"
    )

"""What Next.js itself gets wrong, and what nextresp does instead, in every host.

Each test here is named in the table of docs/design-choices.md.
"""

from __future__ import annotations

import json
import logging

import pytest
from werkzeug.wrappers import Request

from nextresp import ApiRequest, ApiResponse, api_handler

from .support import Call


@pytest.mark.parametrize(
    ("target", "location"),
    [("/caf\u00e9", "/caf%C3%A9"), ("/\U0001f600", "/%F0%9F%98%80")],
    ids=["accented", "emoji"],
)
def test_a_non_ascii_redirect_target_is_percent_encoded(
    call: Call, target: str, location: str
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.redirect(302, target)

    r = call(handler)
    assert (r.status_code, r.headers["Location"], r.data) == (302, location, b"")


def test_a_status_given_as_a_string_to_redirect_is_refused_at_the_call() -> None:
    with pytest.raises(TypeError, match="the status goes first, as an int"):
        ApiResponse().redirect("302", "/login")  # type: ignore[call-overload]


def test_status_1000_is_refused_at_the_call() -> None:
    res = ApiResponse()
    with pytest.raises(ValueError, match="from 200 to 599, not 1000"):
        res.status(1000)
    assert res.status_code == 200


def test_a_handler_that_sends_nothing_is_answered_and_warned_about(
    call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("X-Forgot", "to send")

    with caplog.at_level(logging.WARNING, logger="nextresp"):
        r = call(handler)
    assert (r.status_code, r.data, r.headers["Content-Length"]) == (200, b"", "0")
    assert "without sending a response" in caplog.records[0].getMessage()


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [("match", 304), ('"other"', 200)],
    ids=["matching-tag", "other-tag"],
)
def test_if_none_match_takes_precedence_over_if_modified_since(
    call: Call, if_none_match: str, status: int
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")
        res.json({"hello": "world"})

    etag = call(handler).headers["ETag"]
    r = call(
        handler,
        headers={
            "If-None-Match": etag if if_none_match == "match" else if_none_match,
            # Later than Last-Modified: alone, it would allow a 304 (RFC 9110 13.2.2
            # says to ignore it when If-None-Match is there).
            "If-Modified-Since": "Thu, 01 Jan 2099 00:00:00 GMT",
        },
    )
    assert r.status_code == status


def test_a_json_content_type_with_an_empty_parameter_is_still_json(
    call: Call,
) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"type": type(req.body).__name__, "body": req.body})

    r = call(
        handler, "POST", data=b'{"a":1}', headers={"Content-Type": "application/json;"}
    )
    assert json.loads(r.data) == {"type": "dict", "body": {"a": 1}}

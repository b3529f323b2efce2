"""Locations: redirect URLs and ``Location`` headers reach the wire as valid URIs.

Non-ASCII characters are percent-encoded (RFC 3987's mapping, as werkzeug does);
a URL that cannot be made valid raises at the call, and the response is unchanged.
"""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from nextresp import ApiResponse, api_handler

from .support import Call, call_wsgi


@pytest.mark.parametrize("name", ["Location", "Content-Location"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_location_set_by_hand_is_percent_encoded_on_the_wire(
    call: Call, name: str, method: str
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.status(201).set_header(name, "/café").json({"id": 7})

    r = call(handler, method)
    assert r.status_code == 201
    assert r.headers[name] == "/caf%C3%A9"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.com:port/", "Port could not be cast to integer value"),
        ("http://[::1/", "Invalid IPv6 URL"),
        ("http://a..b/", "label empty"),  # Python 3.13 drops "or too long"
    ],
    ids=["port", "ipv6", "host"],
)
def test_redirect_to_an_invalid_url_raises_and_leaves_the_response(
    url: str, reason: str
) -> None:
    res = ApiResponse.blank()
    with pytest.raises(ValueError, match="is not a valid URL") as info:
        res.redirect(url)
    message = str(info.value)
    assert message.startswith(f"redirect URL {url!r} is not a valid URL: ")
    assert reason in message
    assert (res.status_code, "Location" in res.headers) == (200, False)
    assert res.send("still open").get_data() == b"still open"


def test_redirect_to_an_invalid_url_inside_a_handler_is_a_500(
    call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.redirect("http://example.com:port/")

    r = call(handler)
    assert r.status_code == 500
    assert "Location" not in r.headers


def test_redirect_needs_a_url() -> None:
    with pytest.raises(ValueError, match="needs a URL") as info:
        ApiResponse.blank().redirect("")
    assert str(info.value) == "redirect() needs a URL, not an empty string"


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        ((), "redirect()"),
        ((302,), "redirect(302)"),
        ((302, 7), "redirect(302, 7)"),
        ((302, "/a", "/b"), "redirect(302, '/a', '/b')"),
    ],
    ids=["none", "status-only", "url-not-str", "three"],
)
def test_redirect_usage_errors_show_the_call(args: tuple[Any, ...], shown: str) -> None:
    with pytest.raises(TypeError) as info:
        ApiResponse.blank().redirect(*args)
    assert str(info.value) == (
        "redirect() takes (url) or (status, url), as in res.redirect('/login')"
        f" or res.redirect(308, '/new'), not {shown}"
    )


def test_werkzeugs_autocorrect_location_header_still_works() -> None:
    # A werkzeug override point keeps its meaning on ApiResponse.
    class AbsoluteLocations(ApiResponse):
        autocorrect_location_header = True

    @Request.application  # type: ignore[arg-type]
    def app(request: Request) -> ApiResponse:
        return AbsoluteLocations.blank().redirect(302, "/login")

    r = call_wsgi(app, "GET", "/account/settings")
    assert (r.status_code, r.headers["Location"]) == (302, "http://localhost/login")


def test_a_relative_location_is_kept_relative_by_default() -> None:
    environ = EnvironBuilder("/account/settings").get_environ()
    res = ApiResponse.blank().redirect("/login")
    _, _, headers = res.get_wsgi_response(environ)
    assert dict(headers)["Location"] == "/login"

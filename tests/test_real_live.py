"""Live: cookies and CORS under gunicorn and granian, read with h11 as the client."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from .support import SERVERS, live_server
from .test_reliability_live import Answer, exchange


@pytest.fixture(scope="module", params=SERVERS)
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    with live_server("tests.real_app:app", request.param) as (address, _log):
        yield address


def cookies(answer: Answer) -> list[str]:
    return [v.decode("latin-1") for k, v in answer.headers if k == b"set-cookie"]


def without_expires(line: str) -> str:
    return re.sub(r"Expires=[^;]+; ", "", line)


SESSION = 'session="s1\\073 Domain=evil\\015\\012X-Injected: 1"'


def test_several_cookies_are_several_lines(server: str) -> None:
    a = exchange(server, "POST", "/cookies/login")
    assert (a.status, a.body) == (200, b'{"scheme":"http"}')
    assert [without_expires(line) for line in cookies(a)] == [
        f"{SESSION}; HttpOnly; Path=/; SameSite=Lax",
        "theme=dark; Max-Age=60; Path=/; SameSite=Lax",
    ]
    assert a.header("X-Injected") is None


def test_a_tls_terminating_proxy_on_the_same_host_makes_them_secure(
    server: str, request: pytest.FixtureRequest
) -> None:
    # gunicorn trusts X-Forwarded-Proto from 127.0.0.1 (--forwarded-allow-ips).
    if request.node.callspec.params["server"] == "granian":
        pytest.skip("granian trusts no X-Forwarded-* header: see the next test")
    a = exchange(server, "POST", "/cookies/login", [("X-Forwarded-Proto", "https")])
    assert a.body == b'{"scheme":"https"}'
    assert [without_expires(line) for line in cookies(a)] == [
        f"{SESSION}; Secure; HttpOnly; Path=/; SameSite=Lax",
        "theme=dark; Max-Age=60; Secure; Path=/; SameSite=Lax",
    ]


def test_granian_ignores_x_forwarded_proto(
    server: str, request: pytest.FixtureRequest
) -> None:
    # A documented difference: behind a TLS-terminating proxy, wrap the app in
    # werkzeug's ProxyFix (the deploy guide), which works under every server.
    if request.node.callspec.params["server"] != "granian":
        pytest.skip("gunicorn trusts it from 127.0.0.1: see the previous test")
    a = exchange(server, "POST", "/cookies/login", [("X-Forwarded-Proto", "https")])
    assert a.body == b'{"scheme":"http"}'
    assert [without_expires(line) for line in cookies(a)] == [
        f"{SESSION}; HttpOnly; Path=/; SameSite=Lax",
        "theme=dark; Max-Age=60; Path=/; SameSite=Lax",
    ]


@pytest.mark.parametrize(("method", "status"), [("DELETE", 409), ("PATCH", 500)])
def test_cookies_survive_errors(server: str, method: str, status: int) -> None:
    a = exchange(server, method, "/cookies/login")
    assert a.status == status
    assert json.loads(a.body)["status"] == status
    assert len(cookies(a)) == 2
    assert cookies(a)[0] == f"{SESSION}; HttpOnly; Path=/; SameSite=Lax"


def test_clear_cookie(server: str) -> None:
    a = exchange(server, "POST", "/cookies/logout")
    assert (a.status, a.body) == (204, b"")
    assert cookies(a) == [
        "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
    ]


# -- CORS --------------------------------------------------------------------------

ORIGIN = "http://app.test"
PREFLIGHT = [
    ("Origin", ORIGIN),
    ("Access-Control-Request-Method", "PUT"),
    ("Access-Control-Request-Headers", "x-token"),
]


def test_a_preflight_is_204_with_no_body_headers(server: str) -> None:
    a = exchange(server, "OPTIONS", "/cors/hello", PREFLIGHT)
    assert (a.status, a.body) == (204, b"")
    names = [name for name, _ in a.headers]
    assert b"content-length" not in names
    assert b"content-type" not in names
    assert [h for h in a.headers if h[0].startswith(b"access-control-")] == [
        (b"access-control-allow-origin", ORIGIN.encode()),
        (b"access-control-allow-credentials", b"true"),
        (b"access-control-allow-methods", b"GET, PUT"),
        (b"access-control-allow-headers", b"x-token"),
        (b"access-control-max-age", b"60"),
    ]
    assert a.header("Vary") == "Origin, Access-Control-Request-Headers"


@pytest.mark.parametrize(
    ("query", "status", "vary"),
    [
        ("", 200, "Origin"),
        ("?kind=auth", 401, "Accept, Origin"),
        ("?kind=crash", 500, "Accept, Origin"),
    ],
)
def test_every_answer_carries_the_headers(
    server: str, query: str, status: int, vary: str
) -> None:
    a = exchange(server, "GET", f"/cors/hello{query}", [("Origin", ORIGIN)])
    assert a.status == status
    assert a.header("Access-Control-Allow-Origin") == ORIGIN
    assert a.header("Access-Control-Allow-Credentials") == "true"
    assert a.header("Access-Control-Expose-Headers") == "X-Request-Id"
    assert a.header("Vary") == vary
    assert a.header("Content-Length") == str(len(a.body))


def test_the_405_carries_the_headers(server: str) -> None:
    a = exchange(server, "DELETE", "/cors/hello", [("Origin", ORIGIN)])
    assert (a.status, a.header("Allow")) == (405, "GET, PUT")
    assert a.header("Access-Control-Allow-Origin") == ORIGIN


def test_another_origin_gets_no_access(server: str) -> None:
    a = exchange(server, "OPTIONS", "/cors/elsewhere", PREFLIGHT)
    assert (a.status, a.header("Vary")) == (204, "Origin")
    assert not [h for h in a.headers if h[0].startswith(b"access-control-")]
    a = exchange(server, "GET", "/cors/elsewhere", [("Origin", ORIGIN)])
    assert (a.status, a.header("Vary")) == (200, "Origin")
    assert not [h for h in a.headers if h[0].startswith(b"access-control-")]

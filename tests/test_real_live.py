"""Live: cookies and CORS under a real gunicorn, read with h11 as the client."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from .support import gunicorn
from .test_reliability_live import Answer, exchange


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with gunicorn("tests.real_app:app", "--workers=1") as (address, _log):
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
    server: str,
) -> None:
    # gunicorn trusts X-Forwarded-Proto from 127.0.0.1 (--forwarded-allow-ips).
    a = exchange(server, "POST", "/cookies/login", [("X-Forwarded-Proto", "https")])
    assert a.body == b'{"scheme":"https"}'
    assert [without_expires(line) for line in cookies(a)] == [
        f"{SESSION}; Secure; HttpOnly; Path=/; SameSite=Lax",
        "theme=dark; Max-Age=60; Secure; Path=/; SameSite=Lax",
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

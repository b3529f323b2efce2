"""Next.js's api-routes-cors, api-routes-middleware and api-routes-rate-limit."""

from __future__ import annotations

import itertools
import re
import time
from wsgiref.validate import validator

import pytest
from werkzeug.http import parse_cookie, parse_date

from examples.api._rate_limit import InProcessCounter
from examples.app import app as demo
from nextresp.testing import Client

_addresses = itertools.count(1)


def fresh_address() -> dict[str, str]:
    """A client address no other test used: each gets a rate limit of its own."""
    return {"REMOTE_ADDR": f"10.1.0.{next(_addresses)}"}


def client() -> Client:
    """A client with an empty cookie jar, through the PEP 3333 validator."""
    return Client(validator(demo))


# -- api-routes-cors -----------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
def test_cors_answers_everyone(method: str) -> None:
    r = client().request(method, "/api/cors", headers={"Origin": "https://x.example"})
    assert (r.status, r.data) == (200, b'{"message":"Hello Everyone!"}')
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Vary" not in r.headers


def test_cors_preflight_allows_the_examples_methods() -> None:
    r = client().options(
        "/api/cors",
        headers={
            "Origin": "https://x.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert (r.status, r.data) == (204, b"")
    assert r.headers.to_wsgi_list() == [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", "POST, GET, HEAD"),
        ("Access-Control-Allow-Headers", "Content-Type"),
        ("Vary", "Access-Control-Request-Headers"),
    ]


# -- api-routes-middleware -----------------------------------------------------------


def test_cookies_answers_with_the_set_cookie_it_sent() -> None:
    before = time.time()
    r = client().get("/api/cookies")
    assert (r.status, r.content_type) == (200, "text/plain; charset=utf-8")
    [line] = r.headers.getlist("Set-Cookie")
    assert r.data == line.encode()
    match = re.fullmatch(
        r"Next\.js=api-middleware!; Expires=([^;]+); Max-Age=2592000; HttpOnly;"
        r" Path=/; SameSite=Lax",
        line,
    )
    assert match is not None, line
    expires = parse_date(match.group(1))
    assert expires is not None
    assert before + 2592000 - 1 <= expires.timestamp() <= time.time() + 2592000
    assert parse_cookie(line.split("; ")[0]).to_dict() == {"Next.js": "api-middleware!"}


# -- api-routes-rate-limit -------------------------------------------------------------


def test_ten_requests_a_minute_then_429() -> None:
    address = fresh_address()
    for remaining in range(9, -1, -1):
        r = client().get("/api/rate-limit", environ=address)
        assert r.status == 200
        assert re.fullmatch(r'\{"id":"[0-9a-f-]{36}"\}', r.data.decode())
        assert r.headers["X-RateLimit-Limit"] == "10"
        assert r.headers["X-RateLimit-Remaining"] == str(remaining)
    r = client().get("/api/rate-limit", environ=address)
    assert r.problem == {
        "type": "about:blank",
        "title": "Too Many Requests",
        "status": 429,
        "detail": "Rate limit exceeded",
    }
    assert r.headers["X-RateLimit-Limit"] == "10"
    assert r.headers["X-RateLimit-Remaining"] == "0"
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    # Another client is counted apart.
    r = client().get("/api/rate-limit", environ=fresh_address())
    assert (r.status, r.headers["X-RateLimit-Remaining"]) == (200, "9")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_starts_with_the_first_request() -> None:
    clock = Clock()
    counter = InProcessCounter(window=60, clock=clock)
    assert counter.hit("a") == (1, 60)
    clock.now += 0.5
    assert counter.hit("a") == (2, 60)  # 59.5 s left, rounded up
    clock.now += 59.0
    assert counter.hit("a") == (3, 1)  # 0.5 s left
    clock.now += 0.5  # exactly 60 s after the first: a new window
    assert counter.hit("a") == (1, 60)
    assert counter.hit("b") == (1, 60)


def test_the_least_recently_seen_key_is_forgotten_first() -> None:
    counter = InProcessCounter(window=60, max_keys=2, clock=Clock())
    counter.hit("a")
    counter.hit("b")
    counter.hit("a")  # a is now more recent than b
    counter.hit("c")  # b goes
    assert counter.hit("a") == (3, 60)
    assert counter.hit("b") == (1, 60)

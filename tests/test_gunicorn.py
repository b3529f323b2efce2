"""Live: the demo app and a few probes under gunicorn and granian on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from examples.thing import AUTH

from .live_app import DATA_FILE
from .support import fetch, live_server

# `nextresp serve --threads 1` runs gunicorn's sync worker; more, its gthread worker.
SERVED = {"gunicorn-sync": ("gunicorn", 1), "gunicorn-gthread": ("gunicorn", 4)}
SERVED["granian"] = ("granian", 4)


@pytest.fixture(scope="module", params=list(SERVED))
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    """Serve the live app with each server and worker; yield ``host:port``."""
    name, threads = SERVED[request.param]
    with live_server("tests.live_app:app", name, threads=threads) as (address, _log):
        yield address


def test_hello(server: str) -> None:
    r, body = fetch(server, "GET", "/api/hello")
    assert (r.status, body) == (200, b'{"name":"Next.js"}')
    assert r.headers["Content-Type"] == "application/json"
    assert r.headers["Content-Length"] == "18"


def test_delete_without_auth(server: str) -> None:
    r, body = fetch(server, "DELETE", "/api/thing")
    assert r.status == 401
    assert r.headers["WWW-Authenticate"] == "Basic"
    assert r.headers["Content-Type"] == "application/problem+json"
    assert json.loads(body) == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Authentication required",
    }


def test_delete_with_wrong_auth(server: str) -> None:
    r, body = fetch(server, "DELETE", "/api/thing", {"Authorization": "Basic eDp5"})
    assert r.status == 403
    assert json.loads(body)["title"] == "Forbidden"


def test_delete_with_auth_is_204_without_body(server: str) -> None:
    r, body = fetch(server, "DELETE", "/api/thing", {"Authorization": AUTH})
    assert (r.status, body) == (204, b"")
    assert r.headers["Content-Type"] is None
    assert r.headers["Content-Length"] is None


def test_get_thing_then_304(server: str) -> None:
    r, body = fetch(server, "GET", "/api/thing")
    assert (r.status, body) == (200, b'{"hello":"world"}')
    etag = r.headers["ETag"]
    r, body = fetch(server, "GET", "/api/thing", {"If-None-Match": etag})
    assert (r.status, body, r.headers["ETag"]) == (304, b"", etag)


def test_head(server: str) -> None:
    r, body = fetch(server, "HEAD", "/api/thing")
    assert (r.status, body) == (200, b"")
    assert r.headers["Content-Length"] == "17"


def test_text_client_gets_text(server: str) -> None:
    r, body = fetch(server, "DELETE", "/api/thing", {"Accept": "text/plain"})
    assert (r.status, body) == (401, b"Authentication required")


def test_unknown_path_is_404_problem(server: str) -> None:
    r, body = fetch(server, "GET", "/nope")
    assert (r.status, json.loads(body)["status"]) == (404, 404)


def test_unexpected_exception_is_a_bare_500(server: str) -> None:
    r, body = fetch(server, "GET", "/probe/crash")
    assert r.status == 500
    assert json.loads(body) == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
    }
    assert r.headers["X-Partial"] == "1"  # set before the crash, kept as Express does


def test_streamed_body_is_chunked(server: str) -> None:
    r, body = fetch(server, "GET", "/probe/stream")
    assert (r.status, body) == (200, b"chunk 0\nchunk 1\nchunk 2\n")
    assert r.headers["Transfer-Encoding"] == "chunked"


def test_file_body_through_the_servers_file_wrapper(server: str) -> None:
    r, body = fetch(server, "GET", "/probe/file")
    assert (r.status, body) == (200, DATA_FILE.read_bytes())
    assert r.headers["Content-Length"] == str(DATA_FILE.stat().st_size)


def test_redirect_location_is_percent_encoded(server: str) -> None:
    r, body = fetch(server, "GET", "/probe/moved")
    assert (r.status, r.headers["Location"], body) == (301, "/api/h%C3%A9llo", b"")


def test_people_and_person(server: str) -> None:
    r, body = fetch(server, "GET", "/api/people")
    assert (r.status, len(json.loads(body))) == (200, 10)
    r, body = fetch(server, "GET", "/api/people/4")
    assert json.loads(body)["name"] == "Darth Vader"
    r, body = fetch(server, "GET", "/api/people/01")
    assert (r.status, json.loads(body)) == (
        404,
        {"message": "User with id: 01 not found."},
    )


def test_users_and_user(server: str) -> None:
    r, body = fetch(server, "GET", "/api/users")
    assert (r.status, body) == (200, b'[{"id":1},{"id":2},{"id":3}]')
    r, body = fetch(server, "GET", "/api/user/2")
    assert json.loads(body) == {"id": 2, "name": "User 2"}
    r, body = fetch(server, "PUT", "/api/user/2?name=Grace")
    assert json.loads(body) == {"id": 2, "name": "Grace"}
    r, body = fetch(server, "DELETE", "/api/user/2")
    assert (r.status, r.headers["Allow"]) == (405, "GET, HEAD, OPTIONS, PUT")
    assert json.loads(body)["detail"] == "Method DELETE Not Allowed"
    r, body = fetch(server, "GET", "/api/user/abc")
    assert r.status == 404


def test_async_handler(server: str) -> None:
    r, body = fetch(server, "GET", "/probe/async?tag=x")
    assert (r.status, json.loads(body)["tag"]) == (200, "x")
    r, body = fetch(server, "DELETE", "/probe/async")
    assert (r.status, r.headers["WWW-Authenticate"]) == (401, "Basic")
    assert json.loads(body)["detail"] == "Authentication required"


def test_concurrent_async_requests_each_get_their_own_answer(server: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def tagged(i: int) -> str:
        r, body = fetch(server, "GET", f"/probe/async?tag=t{i}")
        assert r.status == 200
        tag: str = json.loads(body)["tag"]
        return tag

    with ThreadPoolExecutor(max_workers=8) as pool:
        tags = list(pool.map(tagged, range(40)))
    assert tags == [f"t{i}" for i in range(40)]

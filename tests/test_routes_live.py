"""Live: the examples' tree under ``gunicorn "nextresp:routes('examples/api')"`` and
``nextresp serve examples/api`` (granian), read with h11 as the client."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from .support import gunicorn, live_server
from .test_reliability_live import exchange

PROBLEM_404 = b'{"type":"about:blank","title":"Not Found","status":404}'


@pytest.fixture(scope="module", params=["gunicorn-app-spec", "nextresp-serve"])
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    """Serve the examples' tree with the app spec the README shows, or the command."""
    if request.param == "gunicorn-app-spec":
        served = gunicorn("nextresp:routes('examples/api')", "--workers=1")
    else:
        served = live_server("examples/api", "granian")
    with served as (address, _log):
        yield address


def test_a_route_with_a_parameter(server: str) -> None:
    a = exchange(server, "GET", "/api/people/4")
    assert a.status == 200
    assert json.loads(a.body)["name"] == "Darth Vader"
    assert a.header("Content-Type") == "application/json"
    assert a.header("Content-Length") == str(len(a.body))


def test_method_functions(server: str) -> None:
    a = exchange(server, "PUT", "/api/user/2?name=Grace")
    assert (a.status, a.body) == (200, b'{"id":2,"name":"Grace"}')
    a = exchange(server, "HEAD", "/api/user/2")
    assert (a.status, a.body, a.header("Content-Length")) == (200, b"", "24")
    a = exchange(server, "OPTIONS", "/api/user/2")
    assert (a.status, a.body, a.header("Allow")) == (
        204,
        b"",
        "GET, HEAD, OPTIONS, PUT",
    )
    assert a.header("Content-Length") is None


def test_405_with_allow(server: str) -> None:
    a = exchange(server, "DELETE", "/api/user/2", [("Accept", "text/plain")])
    assert (a.status, a.body) == (405, b"Method DELETE Not Allowed")
    assert a.header("Allow") == "GET, HEAD, OPTIONS, PUT"
    assert a.header("Vary") == "Accept"


def test_unknown_path_is_a_404_problem(server: str) -> None:
    a = exchange(server, "GET", "/api/nothing")
    assert (a.status, a.body) == (404, PROBLEM_404)
    assert a.header("Content-Type") == "application/problem+json"
    assert a.header("Vary") == "Accept"
    assert a.header("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/api/people/", "/api/people"),
        ("/api/people/1/?x=%20y", "/api/people/1?x=%20y"),
        ("/api/people/caf%C3%A9/", "/api/people/caf%C3%A9"),
        ("/api//users", "/api/users"),
    ],
)
def test_other_spellings_are_redirected_308(
    server: str, target: str, location: str
) -> None:
    a = exchange(server, "GET", target)
    assert (a.status, a.body, a.header("Location")) == (308, b"", location)
    assert a.header("Content-Length") == "0"


def test_typed_input_is_validated_before_the_todo_is_made(server: str) -> None:
    body = b'{"title": "", "done": "secret-token-42"}'
    headers = [("Content-Type", "application/json")]
    a = exchange(server, "POST", "/api/todos", headers, body)
    assert (a.status, a.header("Content-Type")) == (422, "application/problem+json")
    assert json.loads(a.body)["errors"] == [
        {"detail": "String should have at least 1 character", "pointer": "#/title"},
        {
            "detail": "Input should be a valid boolean, unable to interpret input",
            "pointer": "#/done",
        },
    ]
    assert b"secret-token-42" not in a.body
    created = exchange(server, "POST", "/api/todos", headers, b'{"title": "Milk"}')
    assert created.status == 201
    assert created.header("Location") == f"/api/todos/{json.loads(created.body)['id']}"

"""The ``# PERF:`` paths of the routes tree and CORS answer as the general paths do.

A doubled slash is answered with a 308 by ``RoutesApp._redirect``, lines written
directly; the general path (``res.redirect`` finished by werkzeug) still answers for
a response class of the user's, and is forced here to compare the two. A preflight's
answer is a 204 that ``get_wsgi_response`` sends as it is; werkzeug's own path must
send the same.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from wsgiref.validate import validator

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from nextresp import ApiResponse, Cors, api_handler, routes
from nextresp._cors import answer_preflight

ORIGIN = "https://app.example.com"


def call_wsgi(
    app: Any, path: str, environ: dict[str, str]
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Answer ``path`` (the raw PATH_INFO, as a server sets it) through PEP 3333's
    validator; return the status line, header lines and body."""
    env = EnvironBuilder().get_environ()
    env.update(environ)
    env["PATH_INFO"] = path
    seen: list[Any] = []

    def start_response(status: str, lines: list[tuple[str, str]], *_: Any) -> Any:
        seen.append((status, lines))

    body = validator(app)(env, start_response)
    try:
        data = b"".join(body)
    finally:
        body.close()  # type: ignore[attr-defined]
    return seen[0][0], seen[0][1], data


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    api = tmp_path / "api"
    (api / "users").mkdir(parents=True)
    (api / "users" / "[id].py").write_text(
        "def GET(req, res, id):\n    res.json({'id': id})\n"
    )
    (api / "users.py").write_text("def GET(req, res):\n    res.json([])\n")
    (api / "café.py").write_text("def GET(req, res):\n    res.json('café')\n")
    return api


def answers_alike(app: Any, path: str, **environ: str) -> tuple[str, list[Any], bytes]:
    """Answer ``path`` on the direct path and on the general one; return the answer."""
    assert app._direct_redirect
    fast = call_wsgi(app, path, environ)
    app._direct_redirect = False
    try:
        general = call_wsgi(app, path, environ)
    finally:
        app._direct_redirect = True
    assert fast == general
    return fast


REDIRECTS = [
    ("/api//users", {}, "/api/users"),
    ("/api/users/", {}, "/api/users"),
    ("//api///users//7//", {}, "/api/users/7"),
    (
        "/api//users",
        {"QUERY_STRING": "a=%20b?c#d&e=é".encode().decode("latin-1")},
        "/api/users?a=%20b?c%23d&e=%C3%A9",
    ),
    ("/api//caf\xc3\xa9", {}, "/api/caf%C3%A9"),
    ("/api//users/a b", {"SCRIPT_NAME": "/mount/"}, "/mount/api/users/a%20b"),
    ("/api//users/%2F:@!", {}, "/api/users/%252F:@!"),
]


@pytest.mark.parametrize(("path", "environ", "location"), REDIRECTS)
@pytest.mark.parametrize("origin", [None, ORIGIN, "https://other.example"])
def test_the_direct_308_sends_the_general_paths_bytes(
    tree: Path,
    path: str,
    environ: dict[str, str],
    location: str,
    origin: str | None,
) -> None:
    extra = dict(environ)
    if origin is not None:
        extra["HTTP_ORIGIN"] = origin
    app = routes(tree, cors=Cors([ORIGIN]))
    status, headers, body = answers_alike(app, path, **extra)
    cors = [("Access-Control-Allow-Origin", ORIGIN)] if origin == ORIGIN else []
    assert (status, headers, body) == (
        "308 Permanent Redirect",
        [
            ("Location", location),
            ("Content-Length", "0"),
            *cors,
            ("Vary", "Origin"),
            ("Content-Type", "text/plain; charset=utf-8"),
        ],
        b"",
    )


def test_a_tree_without_cors_redirects_with_three_lines(tree: Path) -> None:
    assert answers_alike(routes(tree), "/api//users", HTTP_ORIGIN=ORIGIN) == (
        "308 Permanent Redirect",
        [
            ("Location", "/api/users"),
            ("Content-Length", "0"),
            ("Content-Type", "text/plain; charset=utf-8"),
        ],
        b"",
    )


def test_a_location_starting_with_two_slashes_takes_the_general_path(
    tree: Path,
) -> None:
    app = routes(tree)
    assert call_wsgi(app, "/api//users", {"SCRIPT_NAME": "//evil"})[:2] == (
        "308 Permanent Redirect",
        [
            ("Location", "//evil/api/users"),
            ("Content-Length", "0"),
            ("Content-Type", "text/plain; charset=utf-8"),
        ],
    )


class Plain(ApiResponse):
    """A response class of the user's: the tree redirects through its helpers."""

    def redirect(self, *args: Any) -> Plain:
        super().redirect(*args)
        self.headers["X-Redirected"] = "1"
        return self


def test_a_response_class_of_the_users_redirects_through_its_own_helper(
    tree: Path,
) -> None:
    app = routes(tree, response_class=Plain)
    assert not app._direct_redirect
    assert call_wsgi(app, "/api//users", {})[:2] == (
        "308 Permanent Redirect",
        [
            ("Location", "/api/users"),
            ("Content-Length", "0"),
            ("X-Redirected", "1"),
            ("Content-Type", "text/plain; charset=utf-8"),
        ],
    )


# -- 204s, a preflight's answer among them ---------------------------------------------


def preflight(cors: Cors, methods: tuple[str, ...] | None = None) -> ApiResponse:
    environ = EnvironBuilder(
        method="OPTIONS",
        headers=[
            ("Origin", ORIGIN),
            ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", "x-one, content-type"),
        ],
    ).get_environ()
    answer = answer_preflight(cors, environ, methods, ApiResponse)
    assert answer is not None
    return answer


def with_lines(*lines: tuple[str, str]) -> ApiResponse:
    res = ApiResponse.blank().status(204)
    for name, value in lines:
        res.headers.add(name, value)
    return res.end()


NO_CONTENT: dict[str, Callable[[], ApiResponse]] = {
    "preflight": lambda: preflight(Cors([ORIGIN], max_age=60, credentials=True)),
    "preflight-any": lambda: preflight(Cors("*", allow_headers=[]), ("GET",)),
    "bare": lambda: with_lines(),
    "etag": lambda: with_lines(("ETag", '"x"')),
    "typed": lambda: with_lines(("Content-Type", "text/plain")),
    "length": lambda: with_lines(("Content-Length", "3")),
    "location": lambda: with_lines(("Location", "/é")),
    "content-location": lambda: with_lines(("Content-Location", "/x")),
    "on-close": lambda: _with_callback(with_lines()),
}


def _with_callback(res: ApiResponse) -> ApiResponse:
    res.call_on_close(lambda: None)
    return res


@pytest.mark.parametrize("method", ["OPTIONS", "GET", "HEAD"])
@pytest.mark.parametrize("if_none_match", [None, '"x"'])
@pytest.mark.parametrize("make", NO_CONTENT.values(), ids=list(NO_CONTENT))
def test_every_204_is_sent_as_werkzeug_sends_it(
    make: Callable[[], ApiResponse], method: str, if_none_match: str | None
) -> None:
    headers = [] if if_none_match is None else [("If-None-Match", if_none_match)]
    environ = EnvironBuilder(method=method, headers=headers).get_environ()
    app_iter, status, lines = make().get_wsgi_response(environ)
    theirs = make()
    theirs.finalize(environ)
    expected = Response.get_wsgi_response(theirs, environ)
    assert (b"".join(app_iter), status, lines) == (
        b"".join(expected[0]),
        str(expected[1]),
        expected[2],
    )


def test_a_preflights_lines_are_kept_per_methods_and_the_origin_is_each_ones() -> None:
    cors = Cors([ORIGIN, "https://b.example"])
    first = preflight(cors, ("GET",))
    second = preflight(cors, ("POST",))
    environ = EnvironBuilder(
        method="OPTIONS",
        headers=[
            ("Origin", "https://b.example"),
            ("Access-Control-Request-Method", "GET"),
        ],
    ).get_environ()
    third = answer_preflight(cors, environ, ("GET",), ApiResponse)
    assert third is not None
    assert [list(r.headers.items()) for r in (first, second, third)] == [
        [
            ("Access-Control-Allow-Origin", ORIGIN),
            ("Access-Control-Allow-Methods", "GET"),
            ("Access-Control-Allow-Headers", "x-one, content-type"),
            ("Vary", "Origin, Access-Control-Request-Headers"),
        ],
        [
            ("Access-Control-Allow-Origin", ORIGIN),
            ("Access-Control-Allow-Methods", "POST"),
            ("Access-Control-Allow-Headers", "x-one, content-type"),
            ("Vary", "Origin, Access-Control-Request-Headers"),
        ],
        [
            ("Access-Control-Allow-Origin", "https://b.example"),
            ("Access-Control-Allow-Methods", "GET"),
            ("Vary", "Origin, Access-Control-Request-Headers"),
        ],
    ]


def test_a_preflight_handler_answers_with_the_fixed_headers() -> None:
    handler = api_handler(cors=Cors("*", allow_headers=["X-One"], max_age=5))(
        lambda req, res: res.json(1)
    )
    environ = {
        "HTTP_ORIGIN": ORIGIN,
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
        "REQUEST_METHOD": "OPTIONS",
    }
    assert call_wsgi(handler, "/", environ) == (
        "204 No Content",
        [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", "GET, HEAD, PUT, PATCH, POST, DELETE"),
            ("Access-Control-Allow-Headers", "X-One"),
            ("Access-Control-Max-Age", "5"),
        ],
        b"",
    )

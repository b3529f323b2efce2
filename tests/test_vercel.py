"""Vercel: every file of the examples' tree starts under the runtime's look-up rules and
answers there, route parameters recovered from the path; and the recovery on its own."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from nextresp import api_handler
from nextresp._file_route import FileRoute, exporting_file, file_route

from . import vercel_runtime
from .support import ROOT, call_wsgi, fetch

TREE = ROOT / "examples" / "api"
LUKE = {
    "id": "1",
    "name": "Luke Skywalker",
    "height": "172",
    "mass": "77",
    "hair_color": "blond",
    "skin_color": "fair",
    "eye_color": "blue",
    "gender": "male",
}
UNAUTHORIZED = {
    "type": "about:blank",
    "title": "Unauthorized",
    "status": 401,
    "detail": "Authentication required",
}


# Each function file of the tree, with requests as Vercel routes them to it: the
# project's root holding api/ (``/api/...``), or the repository's root
# (``/examples/api/...``).
REQUESTS: list[tuple[str, str, str, int, Any]] = [
    ("hello.py", "GET", "/api/hello", 200, {"name": "Next.js"}),
    ("thing.py", "GET", "/api/thing", 200, {"hello": "world"}),
    ("thing.py", "DELETE", "/api/thing", 401, UNAUTHORIZED),
    ("users.py", "GET", "/api/users", 200, [{"id": 1}, {"id": 2}, {"id": 3}]),
    ("people/index.py", "GET", "/api/people", 200, 10),
    ("people/[id].py", "GET", "/api/people/1", 200, LUKE),
    ("people/[id].py", "GET", "/examples/api/people/1", 200, LUKE),
    (
        "people/[id].py",
        "GET",
        "/api/people/11",
        404,
        {"message": "User with id: 11 not found."},
    ),
    ("user/[id].py", "GET", "/api/user/42", 200, {"id": 42, "name": "User 42"}),
    ("user/[id].py", "PUT", "/api/user/7?name=Ada", 200, {"id": 7, "name": "Ada"}),
    ("user/[id].py", "PUT", "/examples/api/user/7", 200, {"id": 7, "name": "User 7"}),
    ("todos/index.py", "GET", "/api/todos?limit=5", 200, []),
    (
        "todos/[id].py",
        "GET",
        "/api/todos/1",
        404,
        {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": "There is no todo 1",
        },
    ),
    ("cors.py", "GET", "/api/cors", 200, {"message": "Hello Everyone!"}),
    ("rate-limit.py", "GET", "/api/rate-limit", 200, 1),  # {"id": <a new UUID>}
    ("cookies.py", "GET", "/api/cookies", 200, b"Next.js=api-middleware!; "),
    (
        "chat.py",
        "GET",
        "/api/chat",
        405,
        {
            "type": "about:blank",
            "title": "Method Not Allowed",
            "status": 405,
            "detail": "Method GET Not Allowed",
        },
    ),
    (
        "webhook.py",
        "GET",
        "/api/webhook",
        405,
        {
            "type": "about:blank",
            "title": "Method Not Allowed",
            "status": 405,
            "detail": "Method GET Not Allowed",
        },
    ),
]


def function_files() -> set[str]:
    """The files Vercel deploys as functions: not those starting with _ or ."""
    return {
        file.relative_to(TREE).as_posix()
        for file in TREE.rglob("*.py")
        if not any(part.startswith(("_", ".")) for part in file.relative_to(TREE).parts)
    }


def test_every_function_file_of_the_tree_is_requested() -> None:
    assert {file for file, *_ in REQUESTS} == function_files()


@pytest.mark.parametrize(
    ("file", "method", "path", "status", "expected"),
    REQUESTS,
    ids=[f"{method} {path}" for _file, method, path, *_ in REQUESTS],
)
def test_each_file_answers_under_vercels_runtime(
    file: str, method: str, path: str, status: int, expected: Any
) -> None:
    with vercel_runtime.serve(TREE / file, "vercel_function") as address:
        r, body = fetch(address, method, path)
    assert r.status == status
    if isinstance(expected, bytes):  # a text answer whose tail holds a date
        assert body.startswith(expected)
        return
    answer = json.loads(body)
    if isinstance(expected, int):
        assert len(answer) == expected
    else:
        assert answer == expected
    if status == 401:
        assert r.headers["WWW-Authenticate"] == "Basic"


def test_a_catch_all_and_an_optional_catch_all(tmp_path: Path) -> None:
    source = (
        "from nextresp import api_handler\n"
        "app = api_handler(lambda req, res, **params: res.json(params))\n"
    )
    catch_all = tmp_path / "api" / "files" / "[...path].py"
    optional = tmp_path / "api" / "docs" / "[[...slug]].py"
    for file in (catch_all, optional):
        file.parent.mkdir(parents=True)
        file.write_text(source)
    with vercel_runtime.serve(catch_all, "vercel_catch_all") as address:
        assert (
            fetch(address, "GET", "/api/files/a/b.txt")[1] == b'{"path":["a","b.txt"]}'
        )
        assert fetch(address, "GET", "/api/files")[1] == b"{}"
    with vercel_runtime.serve(optional, "vercel_optional") as address:
        assert fetch(address, "GET", "/api/docs")[1] == b'{"slug":[]}'
        assert fetch(address, "GET", "/api/docs/x/y")[1] == b'{"slug":["x","y"]}'


def test_an_async_handler_is_served_as_wsgi(tmp_path: Path) -> None:
    file = tmp_path / "api" / "[name].py"
    file.parent.mkdir()
    file.write_text(
        "import asyncio\n"
        "from nextresp import api_handler\n"
        "@api_handler\n"
        "async def app(req, res, name):\n"
        "    await asyncio.sleep(0)\n"
        "    res.json({'hello': name})\n"
    )
    with vercel_runtime.serve(file, "vercel_async") as address:
        r, body = fetch(address, "GET", "/api/ada")
    assert (r.status, body) == (200, b'{"hello":"ada"}')


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "def handler(req, res):\n    res.json({})\n",
            "Handler must inherit from BaseHTTPRequestHandler",
        ),
        (
            "def GET(req, res):\n    res.json({})\n",
            "Missing variable `handler` or `app` in file",
        ),
    ],
    ids=["handler-function", "method-functions"],
)
def test_what_routes_accepts_but_vercel_refuses(
    tmp_path: Path, source: str, message: str
) -> None:
    # The deploy page says so: for Vercel, a file exports app.
    file = tmp_path / "api.py"
    file.write_text(source)
    module = vercel_runtime.load(file, "vercel_refused")
    try:
        with pytest.raises(vercel_runtime.FunctionFailed, match=f"^{message}$"):
            vercel_runtime.entry_point(module)
    finally:
        del sys.modules["vercel_refused"]


# -- The recovery on its own ---------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "path", "params"),
    [
        ("/var/task/api/users/[id].py", "/api/users/7", {"id": "7"}),
        ("/var/task/api/users/[id].py", "/users/7", {"id": "7"}),
        ("/var/task/api/users/[id].py", "/var/task/api/users/7", {"id": "7"}),
        ("/var/task/api/users/[id].py", "/api/users/7/", None),
        ("/var/task/api/users/[id].py", "/api//users/7", None),
        ("/var/task/api/users/[id].py", "/api/users", None),
        ("/var/task/api/users/[id].py", "/api/people/7", None),
        ("/var/task/api/users/[id].py", "/other/api/users/7", None),
        ("/srv/[org]/api/[id].py", "/api/7", {"id": "7"}),
        ("/srv/[org]/api/[id].py", "/acme/api/7", None),
        ("/srv/[org]/api/[id].py", "/srv/acme/api/7", {"org": "acme", "id": "7"}),
        ("/p/api/[a]/[b]/index.py", "/api/1/2", {"a": "1", "b": "2"}),
        ("/p/api/[...all].py", "/api/a/b", {"all": ["a", "b"]}),
        ("/p/api/[...all].py", "/api/a//b", None),
        ("/p/api/[...all].py", "/api/a/", None),
        ("/p/api/[[...all]].py", "/api", {"all": []}),
        ("/p/api/[[...all]].py", "/", None),
        ("/p/api/[[...all]].py", "/p/api", {"all": []}),
        ("/p/[...x]/api/[id].py", "/api/3", {"id": "3"}),
        ("/p/[id]/api/[id].py", "/api/3", {"id": "3"}),
        ("/p/[a]/[a].py", "/p/7", None),
        ("/p/[a]/[b].py", "/p/6/7", {"a": "6", "b": "7"}),
        ("/p/api/[id].py", "/7", None),
        ("/p/api/[...all].py", "/api", None),
        ("/p/a[b/api/[id].py", "/a[b/api/3", None),
        ("/p/a[b/api/[id].py", "/api/3", {"id": "3"}),
        ("/p/api/[id].py", "/api/%E2%82%AC", {"id": "%E2%82%AC"}),
    ],
)
def test_the_longest_tail_of_the_path_that_matches_gives_the_params(
    file: str, path: str, params: dict[str, Any] | None
) -> None:
    assert FileRoute(file).match(path) == params


def test_a_file_route_decodes_the_path_as_a_wsgi_server_gives_it() -> None:
    route = FileRoute("/p/api/[id].py")
    environ = {"PATH_INFO": "/api/\xe2\x82\xac"}  # UTF-8 bytes as latin-1, per PEP 3333
    assert route.params(environ) == {"id": "€"}
    assert route.params({"PATH_INFO": "/nothing/here"}) == {}
    assert route.params({}) == {}
    assert repr(route) == "<FileRoute '/p/api/[id].py': 2 patterns>"


def test_a_file_route_path_that_is_not_utf8_has_replacement_characters() -> None:
    # As werkzeug decodes request.path: each byte that is not UTF-8 becomes U+FFFD.
    route = FileRoute("/p/api/[id].py")
    assert route.params({"PATH_INFO": "/api/a\xffb"}) == {"id": "a\ufffdb"}


@pytest.mark.parametrize(
    "file",
    ["/p/api/users.py", "/p/api/[...x]/more.py", "/", "/[...x]/[id].py", "/[id].py"],
)
def test_a_file_with_no_usable_parameter_has_no_route(file: str) -> None:
    assert FileRoute(file).candidates == ()


def test_file_route_finds_the_module_that_exports_the_handler(tmp_path: Path) -> None:
    file = tmp_path / "api" / "[id].py"
    file.parent.mkdir()
    file.write_text(
        "from nextresp import api_handler\n"
        "app = api_handler(lambda req, res, **params: res.json(req.query['id']))\n"
        "other = api_handler(lambda req, res, **params: res.json(params))\n"
    )
    module = vercel_runtime.load(file, "vercel_exporting")
    try:
        assert exporting_file(module.app) == str(file)
        assert exporting_file(module.other) is None
        route = file_route(module.app)
        assert route is not None
        assert route.file == str(file)
        assert file_route(module.other) is None
        r = call_wsgi(module.app, "GET", "/api/9")
        assert (r.status_code, r.data) == (200, b'"9"')
        assert module.app._params_from_path.__self__.file == str(file)
        r = call_wsgi(module.other, "GET", "/api/9")
        assert (r.status_code, r.data) == (200, b"{}")
        assert module.other._params_from_path is None
    finally:
        del sys.modules["vercel_exporting"]


def test_a_module_without_a_file_is_passed_over() -> None:
    import types

    handler = api_handler(lambda req, res: res.end())
    module = types.ModuleType("vercel_no_file")
    module.app = handler  # type: ignore[attr-defined]
    sys.modules["vercel_no_file"] = module
    try:
        assert exporting_file(handler) is None
    finally:
        del sys.modules["vercel_no_file"]


def test_a_handler_exported_from_a_plain_file_looks_once_then_never(
    tmp_path: Path,
) -> None:
    file = tmp_path / "hello.py"
    file.write_text(
        "from nextresp import api_handler\n"
        "app = api_handler(lambda req, res, **params: res.json(params))\n"
    )
    module = vercel_runtime.load(file, "vercel_plain")
    try:
        assert file_route(module.app) is None
        assert call_wsgi(module.app, "GET", "/x/7").data == b"{}"
        assert module.app._params_from_path is None
    finally:
        del sys.modules["vercel_plain"]


def test_params_a_host_passes_are_not_replaced(tmp_path: Path) -> None:
    @api_handler
    def app(req: Any, res: Any, **params: Any) -> None:
        res.json(params)

    assert file_route(app) is None  # defined here: no module exports it as app
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path="/api/7").get_environ()
    answer: list[Any] = []
    body = app(environ, lambda status, headers: answer.append(status))
    assert (answer, b"".join(body)) == (["200 OK"], b"{}")

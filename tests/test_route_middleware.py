"""``_middleware.py`` per folder and ``routes(use=)``: what runs, and in which order."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nextresp import ApiRequest, ApiResponse, routes
from nextresp._dev import format_table

from .support import call_wsgi


def tag(name: str) -> str:
    """The source of a middleware that adds its name to ``X-Order``."""
    return (
        f"def {name}(req, res, call_next):\n"
        f"    res.headers.add('X-Order', '{name}')\n"
        "    call_next()\n"
    )


TREE = {
    "_middleware.py": tag("root") + "middleware = [root]\n",
    "hello.py": "def GET(req, res):\n    res.json({'at': 'hello'})\n",
    "users/_middleware.py": tag("auth").replace("def auth", "def middleware"),
    "users/[id].py": "def GET(req, res, id):\n    res.json({'id': id})\n",
    "users/admin/_middleware.py": tag("admin")
    + tag("audit")
    + "middleware = [admin, audit]\n",
    "users/admin/index.py": "from nextresp import api_handler\n"
    + tag("own")
    + "app = api_handler(use=[own])(lambda req, res: res.json({'at': 'admin'}))\n",
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return root


@pytest.fixture(autouse=True)
def forget_imports() -> Iterator[None]:
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


def outermost(
    req: ApiRequest, res: ApiResponse, call_next: Callable[[], object]
) -> None:
    res.headers.add("X-Order", "outermost")
    call_next()


@pytest.fixture
def api(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "api", TREE)


@pytest.mark.parametrize(
    ("path", "order", "body"),
    [
        pytest.param("/api/hello", ["outermost", "root"], {"at": "hello"}, id="root"),
        pytest.param(
            "/api/users/7", ["outermost", "root", "auth"], {"id": "7"}, id="one-fn"
        ),
        pytest.param(
            "/api/users/admin",
            ["outermost", "root", "auth", "admin", "audit", "own"],
            {"at": "admin"},
            id="nested-and-own",
        ),
    ],
)
def test_folders_middleware_apply_outermost_folder_first_inside_use(
    api: Path, path: str, order: list[str], body: dict[str, str]
) -> None:
    app = routes(api, use=[outermost])
    response = call_wsgi(app, path=path)
    assert response.status_code == 200
    assert response.get_json() == body
    assert response.headers.getlist("X-Order") == order


def test_a_path_no_route_serves_runs_no_middleware(api: Path) -> None:
    response = call_wsgi(routes(api, use=[outermost]), path="/api/nothing")
    assert response.status_code == 404
    assert response.headers.getlist("X-Order") == []


def test_the_routes_table_shows_each_routes_middleware_in_order(api: Path) -> None:
    assert format_table(routes(api, use=[outermost])).splitlines() == [
        "Route             Methods             File                      Middleware",
        "----------------  ------------------  ------------------------  ----------",
        "/api/hello        GET, HEAD, OPTIONS  api/hello.py              outermost,"
        " root",
        "/api/users/admin  ANY                 api/users/admin/index.py  outermost,"
        " root, middleware, admin, audit, own",
        "/api/users/[id]   GET, HEAD, OPTIONS  api/users/[id].py         outermost,"
        " root, middleware",
    ]


def test_a_middleware_file_that_defines_none_is_refused(tmp_path: Path) -> None:
    api = write_tree(
        tmp_path / "api",
        {"_middleware.py": "auth = 1\n", "hello.py": "def GET(req, res): ...\n"},
    )
    with pytest.raises(ValueError, match="defines neither") as raised:
        routes(api)
    assert str(raised.value) == (
        "api/_middleware.py: expected middleware = [...] or def middleware(req, res,"
        " call_next), not a module that defines neither"
    )


def test_a_middleware_list_that_holds_no_function_is_refused(tmp_path: Path) -> None:
    api = write_tree(
        tmp_path / "api",
        {
            "_middleware.py": "middleware = ['auth']\n",
            "hello.py": "def GET(req, res): ...\n",
        },
    )
    with pytest.raises(TypeError) as raised:
        routes(api)
    assert str(raised.value) == (
        "api/_middleware.py: api_handler option use holds 'auth', which is not a"
        " middleware function def mw(req, res, call_next), as in use=[timing]"
    )


def test_a_middleware_file_is_imported_once_for_every_route_below(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "imports"
    api = write_tree(
        tmp_path / "api",
        {
            "_middleware.py": f"with open({str(marker)!r}, 'a') as f: f.write('x')\n"
            + tag("middleware"),
            "a.py": "def GET(req, res): res.send('a')\n",
            "b.py": "def GET(req, res): res.send('b')\n",
        },
    )
    app = routes(api)
    assert marker.read_text() == "x"
    assert call_wsgi(app, path="/api/b").headers["X-Order"] == "middleware"


def test_a_middleware_file_that_raises_is_named_in_the_import_error(
    tmp_path: Path,
) -> None:
    api = write_tree(
        tmp_path / "api",
        {
            "users/_middleware.py": "raise RuntimeError('no auth server')\n",
            "users/index.py": "def GET(req, res): ...\n",
        },
    )
    with pytest.raises(ImportError) as raised:
        routes(api)
    assert str(raised.value) == (
        "api/users/_middleware.py: expected the route file to import, not to raise"
        " RuntimeError: no auth server"
    )
    assert type(raised.value.__cause__) is RuntimeError

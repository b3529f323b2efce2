"""The routes table lists a handler that is not a function (a partial, a callable
object), or takes ``**query``, beside those that take typed input."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nextresp import routes
from nextresp._dev import format_table
from nextresp.testing import Client

TREE = {
    "greet.py": "import functools\n"
    "def greet(req, res, greeting):\n    res.send(greeting)\n"
    "handler = functools.partial(greet, greeting='hi')\n",
    "hello.py": "class Hello:\n"
    "    def __call__(self, req, res):\n        res.send('hello')\n"
    "handler = Hello()\n",
    "orders.py": "from tests.validation_models import PydanticOrder\n"
    "def POST(req, res, body: PydanticOrder): ...\n",
}


@pytest.fixture(autouse=True)
def forget_imports() -> Iterator[None]:
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


def test_a_partial_and_a_callable_object_are_listed_as_taking_no_input(
    tmp_path: Path,
) -> None:
    api = tmp_path / "api"
    api.mkdir()
    for name, source in TREE.items():
        (api / name).write_text(source)
    assert format_table(routes(api)).splitlines() == [
        "Route        Methods        File           Input",
        "-----------  -------------  -------------  -----",
        "/api/greet   ANY            api/greet.py   -",
        "/api/hello   ANY            api/hello.py   -",
        "/api/orders  OPTIONS, POST  api/orders.py  POST body PydanticOrder",
    ]


def test_a_catch_all_of_keywords_named_query_is_not_listed_as_input(
    tmp_path: Path,
) -> None:
    # `**query` takes the route parameters; no model validates it, as when the
    # handler answers, whatever its annotation names.
    api = tmp_path / "api"
    api.mkdir()
    (api / "a.py").write_text(
        "from __future__ import annotations\n"
        "def GET(req, res, **query: Nope):\n    res.json({'ok': True})\n"
    )
    (api / "b.py").write_text("def GET(req, res, *body: int, **query: int): ...\n")
    tree = routes(api)
    assert Client(tree).get("/api/a").json == {"ok": True}
    assert format_table(tree).splitlines() == [
        "Route   Methods             File",
        "------  ------------------  ----",
        "/api/a  GET, HEAD, OPTIONS  api/a.py",
        "/api/b  GET, HEAD, OPTIONS  api/b.py",
    ]

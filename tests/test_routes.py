"""``routes()``: a directory of route files served as Next.js serves ``pages/api``.

Each test writes its tree of small modules under ``tmp_path``; every request goes
through ``wsgiref.validate``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import create_environ
from werkzeug.wrappers import Response

from nextresp import routes
from nextresp._route_files import module_name
from nextresp._routes import RoutesApp

from .support import call_wsgi

ECHO = """
from nextresp import api_methods

def GET(req, res, **params):
    res.json({"file": __file__.rsplit("/api/", 1)[1], "params": params,
              "query": req.query.to_dict(flat=False)})
"""
TREE = {
    "hello.py": """
        from nextresp import api_handler

        @api_handler
        def hello(req, res):
            res.json({"name": "Next.js"})

        app = hello
    """,
    "plain.py": """
        def handler(req, res):
            res.set_header("X-Method", req.method).json({"plain": True})
    """,
    "own.py": """
        from nextresp import api_handler

        @api_handler(methods=["GET"], problem_details=False)
        def app(req, res):
            res.json({"own": True})
    """,
    "users/index.py": """
        def GET(req, res):
            res.json([{"id": 1}])

        async def POST(req, res):
            res.status(201).json(req.body)
    """,
    "users/[id].py": ECHO,
    "users/me.py": ECHO,
    "files/[...path].py": ECHO,
    "docs/[[...slug]].py": ECHO,
    "caf\u00e9.py": ECHO,
    "_helpers.py": "raise RuntimeError('a _ file is never imported')",
}
PROBLEM = "application/problem+json"


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return root


@pytest.fixture
def api(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "api", TREE)


@pytest.fixture
def app(api: Path) -> RoutesApp:
    return routes(api)


@pytest.fixture(autouse=True)
def forget_route_modules() -> Iterator[None]:
    """Drop the modules a test imported, so trees of other tests start afresh."""
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


def etag(data: bytes) -> str:
    return f'"{hashlib.sha1(data).hexdigest()}"'


def body(app: Any, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    r = call_wsgi(app, method, path, **kwargs)
    return r.status_code, json.loads(r.data) if r.data else None


# -- matching and parameters ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "file", "params", "query"),
    [
        ("/api/users/7", "users/[id].py", {"id": "7"}, {"id": ["7"]}),
        ("/api/users/me", "users/me.py", {}, {}),
        (
            "/api/users/7?id=9&x=1",
            "users/[id].py",
            {"id": "7"},
            {"id": ["7"], "x": ["1"]},
        ),
        ("/api/users/%C3%A9", "users/[id].py", {"id": "é"}, {"id": ["é"]}),
        ("/api/users/a%20b", "users/[id].py", {"id": "a b"}, {"id": ["a b"]}),
        ("/api/files/a", "files/[...path].py", {"path": ["a"]}, {"path": ["a"]}),
        (
            "/api/files/a/b/c?path=x",
            "files/[...path].py",
            {"path": ["a", "b", "c"]},
            {"path": ["a", "b", "c"]},
        ),
        (
            "/api/files/a%2Fb",
            "files/[...path].py",
            {"path": ["a", "b"]},
            {"path": ["a", "b"]},
        ),
        ("/api/docs", "docs/[[...slug]].py", {"slug": []}, {}),
        ("/api/docs?slug=x", "docs/[[...slug]].py", {"slug": []}, {}),
        (
            "/api/docs/a/b",
            "docs/[[...slug]].py",
            {"slug": ["a", "b"]},
            {"slug": ["a", "b"]},
        ),
        ("/api/caf%C3%A9", "caf\u00e9.py", {}, {}),
    ],
    ids=[
        "param",
        "static-wins",
        "param-wins-over-query",
        "utf8-param",
        "space",
        "catch-all-one",
        "catch-all-many",
        "encoded-slash-splits",
        "optional-none",
        "optional-none-hides-query",
        "optional-many",
        "utf8-file",
    ],
)
def test_route_parameters_reach_the_handler(
    app: RoutesApp, path: str, file: str, params: dict[str, Any], query: dict[str, Any]
) -> None:
    assert body(app, "GET", path) == (
        200,
        {"file": file, "params": params, "query": query},
    )


def test_an_api_handler_answers_every_method(app: RoutesApp) -> None:
    assert body(app, "GET", "/api/hello") == (200, {"name": "Next.js"})
    assert body(app, "DELETE", "/api/hello") == (200, {"name": "Next.js"})


def test_a_plain_handler_function_gets_api_handlers_defaults(app: RoutesApp) -> None:
    r = call_wsgi(app, "PATCH", "/api/plain")
    assert (r.status_code, r.data, r.headers["X-Method"]) == (
        200,
        b'{"plain":true}',
        "PATCH",
    )
    assert r.headers["ETag"] == etag(b'{"plain":true}')


def test_method_functions_answer_as_api_methods(app: RoutesApp) -> None:
    assert body(app, "GET", "/api/users") == (200, [{"id": 1}])
    assert body(app, "POST", "/api/users", json={"name": "Ada"}) == (
        201,
        {"name": "Ada"},
    )
    r = call_wsgi(app, "HEAD", "/api/users")
    assert (r.status_code, r.data, r.headers["Content-Length"]) == (200, b"", "10")
    r = call_wsgi(app, "OPTIONS", "/api/users")
    assert (r.status_code, r.headers["Allow"], r.data) == (
        204,
        "GET, HEAD, OPTIONS, POST",
        b"",
    )


def test_a_method_the_module_does_not_answer_is_405_with_allow(app: RoutesApp) -> None:
    r = call_wsgi(app, "DELETE", "/api/users")
    assert r.status_code == 405
    assert sorted(r.headers.items()) == [
        ("Allow", "GET, HEAD, OPTIONS, POST"),
        ("Content-Length", "101"),
        ("Content-Type", PROBLEM),
        ("Vary", "Accept"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    assert json.loads(r.data) == {
        "type": "about:blank",
        "title": "Method Not Allowed",
        "status": 405,
        "detail": "Method DELETE Not Allowed",
    }


# -- options -------------------------------------------------------------------------


def test_options_apply_to_method_modules_and_plain_handlers(api: Path) -> None:
    app = routes(api, problem_details=False, etag=False)
    r = call_wsgi(app, "DELETE", "/api/users")
    assert (r.status_code, r.data) == (405, b"Method DELETE Not Allowed")
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Vary" not in r.headers
    assert "ETag" not in call_wsgi(app, "GET", "/api/plain").headers


def test_an_api_handler_the_module_built_keeps_its_own_options(api: Path) -> None:
    for app in (routes(api), routes(api, problem_details=True)):
        r = call_wsgi(app, "POST", "/api/own")
        assert (r.status_code, r.data, r.headers["Allow"]) == (
            405,
            b"Method POST Not Allowed",
            "GET",
        )
    r = call_wsgi(routes(api, etag=False), "GET", "/api/own")
    assert r.headers["ETag"] == etag(b'{"own":true}')


def test_body_limit_applies_to_method_modules(api: Path) -> None:
    app = routes(api, body_limit=4)
    r = call_wsgi(app, "POST", "/api/users", json="long")
    assert r.status_code == 413


def test_bad_options_are_refused_as_api_handler_refuses_them(api: Path) -> None:
    with pytest.raises(
        TypeError, match=r"^api_handler option etag must be True or False"
    ):
        routes(api, etag=1)  # type: ignore[arg-type]


# -- unknown paths and other spellings ----------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/nothing", "/api", "/", "/api/users/7/8", "/api/files", "/apix/hello"]
)
def test_unknown_paths_are_404_problems(app: RoutesApp, path: str) -> None:
    r = call_wsgi(app, "GET", path)
    assert r.status_code == 404
    assert sorted(r.headers.items()) == [
        ("Content-Length", "55"),
        ("Content-Type", PROBLEM),
        ("Vary", "Accept"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    assert r.data == b'{"type":"about:blank","title":"Not Found","status":404}'


def test_404_is_text_for_a_text_client(app: RoutesApp) -> None:
    r = call_wsgi(app, "GET", "/api/nothing", headers={"Accept": "text/plain"})
    assert (r.status_code, r.data, r.headers["Vary"]) == (404, b"Not Found", "Accept")
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_404_is_text_without_problem_details(api: Path) -> None:
    r = call_wsgi(routes(api, problem_details=False), "GET", "/api/nothing")
    assert (r.status_code, r.data) == (404, b"Not Found")
    assert "Vary" not in r.headers


def test_head_of_an_unknown_path_has_no_body(app: RoutesApp) -> None:
    r = call_wsgi(app, "HEAD", "/api/nothing")
    assert (r.status_code, r.data, r.headers["Content-Length"]) == (404, b"", "55")


@pytest.mark.parametrize(
    ("path_info", "query", "location"),
    [
        ("/api/users/", "", "/api/users"),
        ("/api/users/7/", "", "/api/users/7"),
        ("/api//users", "", "/api/users"),
        ("//api/users", "", "/api/users"),
        ("/api/users/", "a=1&b=%20c&d", "/api/users?a=1&b=%20c&d"),
        ("/api/users/", "q=\xc3\xa9 x", "/api/users?q=%C3%A9%20x"),
        ("/api/users/caf\xc3\xa9/", "", "/api/users/caf%C3%A9"),
        ("/api/users/a?b#c%d/", "", "/api/users/a%3Fb%23c%25d"),
        ("/api/users/a:b@c!$&'()*+,;=~/", "", "/api/users/a:b@c!$&'()*+,;=~"),
        ("/api/files/a//b/", "", "/api/files/a/b"),
        ("/api/docs/", "", "/api/docs"),
    ],
    ids=[
        "trailing-slash",
        "dynamic",
        "double-slash",
        "leading-double-slash",
        "query-kept",
        "raw-query-encoded",
        "utf8-encoded",
        "reserved-encoded",
        "pchar-kept",
        "catch-all",
        "optional-catch-all",
    ],
)
def test_other_spellings_are_redirected_308(
    app: RoutesApp, path_info: str, query: str, location: str
) -> None:
    r = call_wsgi(
        app,
        "GET",
        "/",
        environ_overrides={"PATH_INFO": path_info, "QUERY_STRING": query},
    )
    assert r.status_code == 308
    assert sorted(r.headers.items()) == [
        ("Content-Length", "0"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Location", location),
    ]
    assert r.data == b""


def test_a_spelling_of_no_route_is_404_not_a_redirect(app: RoutesApp) -> None:
    assert call_wsgi(app, "GET", "/api/nothing/").status_code == 404


@pytest.mark.parametrize(
    "environ",
    [{"PATH_INFO": ""}, {}],
    ids=["empty", "absent"],
)
def test_an_empty_or_absent_path_info_is_the_root(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    # PEP 3333: PATH_INFO may be empty, or left out, for the application's root.
    api = write_tree(tmp_path / "api", {"index.py": ECHO})
    app = routes(api, prefix="/")
    wsgi_environ = create_environ("/")
    del wsgi_environ["PATH_INFO"]
    wsgi_environ.update(environ)
    r = Response.from_app(app, wsgi_environ)
    assert (r.status_code, json.loads(r.data)["params"]) == (200, {})


@pytest.mark.parametrize(
    "path",
    [
        "/api/files/a\xffb/\xc3\xa9",
        "/api/users/\xff\xfe",
        "/api/users/\xc3",
        "/api/users/\xff/",
    ],
    ids=["catch-all", "param", "truncated", "trailing-slash"],
)
def test_a_path_that_is_not_utf8_is_a_bad_request(app: RoutesApp, path: str) -> None:
    # As Next.js answers a URL it cannot decode: 400, never a guess at the bytes
    # (%FF and %FE would both have become U+FFFD, the same id). A server gives
    # PATH_INFO its bytes as Latin-1 (PEP 3333), as here.
    r = call_wsgi(app, "GET", "/", environ_overrides={"PATH_INFO": path})
    assert r.status_code == 400
    assert r.headers["Content-Type"] == "application/problem+json"
    assert json.loads(r.data) == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "The request path is not valid UTF-8 once percent-decoded",
    }


def test_a_utf8_path_still_reaches_its_route(app: RoutesApp) -> None:
    r = call_wsgi(app, "GET", "/api/files/a%C3%A9b/%E2%82%AC")
    assert json.loads(r.data)["params"] == {"path": ["a\u00e9b", "\u20ac"]}


def test_uploaded_files_are_closed_once_the_route_has_answered(
    tmp_path: Path,
) -> None:
    api = write_tree(
        tmp_path / "api",
        {
            "upload.py": """
                SEEN = []

                def POST(req, res):
                    SEEN.append(req.files["f"])
                    res.send(req.files["f"].read())
            """
        },
    )
    app = routes(api)
    r = call_wsgi(app, "POST", "/api/upload", data={"f": (io.BytesIO(b"hi"), "a.txt")})
    assert r.data == b"hi"
    [upload] = sys.modules[module_name(api / "upload.py")].SEEN
    assert upload.stream.closed


# -- mounted under a SCRIPT_NAME -----------------------------------------------------


def test_a_mounted_tree_routes_on_path_info(app: RoutesApp) -> None:
    r = call_wsgi(app, "GET", "/api/users/7", base_url="http://localhost/mount")
    assert json.loads(r.data)["params"] == {"id": "7"}


def test_a_mounted_tree_redirects_under_its_script_name(app: RoutesApp) -> None:
    r = call_wsgi(app, "GET", "/api/users/", base_url="http://localhost/m\u00e9/")
    assert (r.status_code, r.headers["Location"]) == (308, "/m%C3%A9/api/users")


@pytest.mark.parametrize(
    ("script_name", "location"),
    [("/m/", "/m/api/users"), ("/X//", "/X/api/users"), ("", "/api/users")],
    ids=["slash", "slashes", "empty"],
)
def test_a_redirect_under_a_script_name_has_one_slash_before_the_path(
    app: RoutesApp, script_name: str, location: str
) -> None:
    # A mount point written with its slash still gives one slash between the two.
    r = call_wsgi(
        app,
        "GET",
        "/",
        environ_overrides={"SCRIPT_NAME": script_name, "PATH_INFO": "/api/users/"},
    )
    assert (r.status_code, r.headers["Location"]) == (308, location)


def test_a_redirect_without_script_name_or_query_string(app: RoutesApp) -> None:
    # PEP 3333: both may be left out of the environ when they are empty.
    environ = create_environ("/api/users/")
    del environ["SCRIPT_NAME"], environ["QUERY_STRING"]
    r = Response.from_app(app, environ)
    assert (r.status_code, r.headers["Location"]) == (308, "/api/users")


def test_a_tree_mounted_at_the_root_with_prefix(api: Path) -> None:
    app = routes(api, prefix="/")
    assert body(app, "GET", "/hello") == (200, {"name": "Next.js"})
    assert call_wsgi(app, "GET", "/api/hello").status_code == 404


# -- loading the modules -------------------------------------------------------------


def test_each_module_is_imported_once_at_routes_time(tmp_path: Path) -> None:
    marker = tmp_path / "imports"
    api = write_tree(
        tmp_path / "api",
        {
            "count.py": f"""
                with open({str(marker)!r}, "a") as f:
                    f.write("x")

                def GET(req, res):
                    res.end()
            """
        },
    )
    app = routes(api)
    assert marker.read_text() == "x"
    for _ in range(3):
        assert call_wsgi(app, "GET", "/api/count").status_code == 200
    assert marker.read_text() == "x"


def test_modules_are_registered_so_dataclasses_and_pickle_work(tmp_path: Path) -> None:
    api = write_tree(
        tmp_path / "api",
        {
            "[id].py": """
                import dataclasses
                import pickle

                @dataclasses.dataclass
                class Item:
                    id: str

                def GET(req, res, id):
                    again = pickle.loads(pickle.dumps(Item(id)))
                    res.json(dataclasses.asdict(again))
            """
        },
    )
    app = routes(api)
    assert body(app, "GET", "/api/7") == (200, {"id": "7"})
    [route] = app.table.routes
    module = sys.modules[module_name(route.file)]
    assert pickle.loads(pickle.dumps(module.Item("8"))) == module.Item("8")


def test_module_names_are_stable_unique_and_derived_from_the_path(
    tmp_path: Path,
) -> None:
    file = tmp_path / "api" / "users" / "[id].py"
    name = module_name(file)
    assert re.fullmatch(r"nextresp_route_api_users__id__[0-9a-f]{8}", name)
    assert module_name(file) == name
    assert module_name(tmp_path / "other" / "api" / "users" / "[id].py") != name
    assert name.isidentifier()


def test_a_path_that_is_not_utf8_is_hashed_as_its_bytes() -> None:
    # On POSIX, os.fsdecode reads a name that is not UTF-8 with lone surrogates.
    file = Path(os.fsdecode(b"/srv/api/caf\xe9.py"))
    digest = hashlib.sha1(b"/srv/api/caf\xe9.py").hexdigest()[:8]
    assert module_name(file) == f"nextresp_route_srv_api_caf__{digest}"


def test_an_exception_of_a_route_is_a_500_by_default(tmp_path: Path) -> None:
    api = write_tree(
        tmp_path / "api",
        {"crash.py": "def handler(req, res):\n    raise LookupError('secret')\n"},
    )
    r = call_wsgi(routes(api), "GET", "/api/crash")
    assert (r.status_code, b"secret" in r.data) == (500, False)


def test_helpers_are_imported_the_ordinary_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    write_tree(
        project,
        {
            "shop/__init__.py": "",
            "shop/api/_db.py": "ITEMS = {'7': 'seven'}",
            "shop/api/items/[id].py": """
                from shop.api._db import ITEMS

                def GET(req, res, id):
                    res.json({"item": ITEMS[id]})
            """,
        },
    )
    monkeypatch.syspath_prepend(str(project))
    app = routes(project / "shop" / "api")
    assert body(app, "GET", "/api/items/7") == (200, {"item": "seven"})
    assert sys.modules["shop.api._db"].ITEMS == {"7": "seven"}


@pytest.mark.parametrize(
    ("files", "error", "message"),
    [
        (
            {"a.py": "x = 1"},
            ValueError,
            "api/a.py: expected functions named after methods (def GET(req, res)) or"
            " app = api_handler(...), not a module that answers no request",
        ),
        (
            {"a.py": "def GET(req, res): ...\ndef app(req, res): ..."},
            ValueError,
            "api/a.py: expected functions named after methods or app, not both (GET"
            " and app); keep one way of answering",
        ),
        (
            {
                "a.py": "def GET(req, res): ...\ndef POST(req, res): ...\n"
                "app = handler = GET"
            },
            ValueError,
            "api/a.py: expected functions named after methods or app and handler, not"
            " both (GET, POST and app and handler); keep one way of answering",
        ),
        (
            {"a.py": "def handler(req, res): ...\ndef app(req, res): ..."},
            ValueError,
            "api/a.py: expected one of app and handler, not both; keep app",
        ),
        (
            {
                "a.py": "from http.server import BaseHTTPRequestHandler\n"
                "class handler(BaseHTTPRequestHandler): ..."
            },
            ValueError,
            "api/a.py: expected handler to be an api_handler or a function def"
            " handler(req, res), not <class 'nextresp_route_",
        ),
        (
            {"a.py": "app = 'hello'"},
            ValueError,
            "api/a.py: expected app to be an api_handler or a function def app(req,"
            " res), not 'hello'",
        ),
        (
            {"b/[id].py": "GET = 3"},
            TypeError,
            "api/b/[id].py: api_methods GET expected a function def GET(req, res),"
            " not 3",
        ),
        (
            {"[req].py": "def GET(req, res): ..."},
            ValueError,
            "api/[req].py: expected a parameter name other than 'req', which the"
            " handler takes as its own argument; rename [req]",
        ),
        (
            {"a.py": "x = 1", "a/index.py": "x = 1"},
            ValueError,
            "api/a/index.py and api/a.py both serve /api/a",
        ),
    ],
    ids=[
        "no-answer",
        "functions-and-app",
        "functions-and-app-and-handler",
        "app-and-handler",
        "vercel-handler-class",
        "not-callable",
        "method-not-function",
        "param-named-req",
        "table-refusal",
    ],
)
def test_modules_that_cannot_answer_are_refused_naming_the_file(
    tmp_path: Path, files: dict[str, str], error: type[Exception], message: str
) -> None:
    api = write_tree(tmp_path / "api", files)
    with pytest.raises(error) as caught:
        routes(api)
    assert str(caught.value).startswith(message), str(caught.value)


def test_app_and_handler_may_be_the_same_object(tmp_path: Path) -> None:
    api = write_tree(
        tmp_path / "api",
        {"a.py": "def handler(req, res):\n    res.send('one')\napp = handler"},
    )
    assert call_wsgi(routes(api), "GET", "/api/a").data == b"one"


@pytest.mark.parametrize(
    ("source", "cause"),
    [
        ("def GET(req, res)\n    pass", SyntaxError),
        ("import a_module_that_is_not_there", ModuleNotFoundError),
        ("raise RuntimeError('no database')", RuntimeError),
    ],
    ids=["syntax", "missing-import", "raises"],
)
def test_an_import_error_names_the_file_and_chains_the_original(
    tmp_path: Path, source: str, cause: type[Exception]
) -> None:
    api = write_tree(tmp_path / "api", {"ok.py": ECHO, "users/[id].py": source})
    with pytest.raises(ImportError) as caught:
        routes(api)
    assert str(caught.value).startswith(
        f"api/users/[id].py: expected the route file to import, not to raise"
        f" {cause.__name__}: "
    )
    assert type(caught.value.__cause__) is cause
    assert caught.value.path == str(api / "users" / "[id].py")
    assert caught.value.name == module_name(api / "users" / "[id].py")
    assert module_name(api / "users" / "[id].py") not in sys.modules


def test_a_missing_directory_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="route directory"):
        routes(tmp_path / "api")


def test_repr_names_the_prefix_and_the_directory(app: RoutesApp, api: Path) -> None:
    assert repr(app) == f"<routes '/api' from {str(api)!r}: 9 routes>"

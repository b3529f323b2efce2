"""CORS: ``Cors`` checked at construction, preflights, and headers on every answer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from werkzeug.exceptions import NotFound

from nextresp import (
    ApiError,
    ApiRequest,
    ApiResponse,
    Cors,
    api_handler,
    api_methods,
    routes,
)
from nextresp._handler import ApiHandler, CorsHandler

from .support import Call, call_wsgi, plain_id

APP = "https://app.example.com"
OTHER = "https://evil.example.com"
PREFLIGHT = {
    "Origin": APP,
    "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "X-Token, Content-Type",
}
ran: list[str] = []


def cors_handler(cors: Cors, **options: Any) -> ApiHandler:
    @api_handler(cors=cors, **options)
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        ran.append(req.method)
        res.set_header("X-Request-Id", "r1")
        kind = req.args.get("kind")
        if kind == "auth":
            res.set_header("WWW-Authenticate", "Bearer")
            raise ApiError(401, "Sign in first")
        if kind == "crash":
            raise LookupError("hidden")
        if kind == "missing":
            raise NotFound()
        res.json({"hello": "world"})

    return handler


def access(r: Any) -> list[tuple[str, str]]:
    """The CORS headers of an answer, and its Vary, in order."""
    return [
        (name, value)
        for name, value in r.headers.to_wsgi_list()
        if name.startswith("Access-Control-") or name == "Vary"
    ]


def full() -> Cors:
    """Every option set; made in each test, so that the test checks the making too."""
    return Cors(
        [APP, "http://localhost:3000"],
        expose_headers=["X-Request-Id"],
        credentials=True,
        max_age=600,
    )


ALLOWED = [
    ("Access-Control-Allow-Origin", APP),
    ("Access-Control-Allow-Credentials", "true"),
    ("Access-Control-Expose-Headers", "X-Request-Id"),
]


# -- the configuration -------------------------------------------------------------


def test_the_configuration_is_kept() -> None:
    cors = Cors(
        [APP, APP, "http://[::1]:8080"],
        methods=["get", "PUT", "Get"],
        allow_headers=["X-Token", "x-token"],
        expose_headers=["X-Request-Id"],
        credentials=True,
        max_age=0,
    )
    assert cors.origins == (APP, "http://[::1]:8080")
    assert cors.methods == ("GET", "PUT")
    assert cors.allow_headers == ("X-Token",)
    assert cors.expose_headers == ("X-Request-Id",)
    assert (cors.credentials, cors.max_age) == (True, 0)
    assert repr(cors) == (
        "Cors(origins=['https://app.example.com', 'http://[::1]:8080'],"
        " methods=['GET', 'PUT'], allow_headers=['X-Token'],"
        " expose_headers=['X-Request-Id'], credentials=True, max_age=0)"
    )


def test_the_defaults() -> None:
    cors = Cors("*")
    assert cors.origins is None
    assert (cors.methods, cors.allow_headers, cors.expose_headers) == (None, None, ())
    assert (cors.credentials, cors.max_age) == (False, None)
    assert repr(cors) == (
        "Cors(origins='*', methods=None, allow_headers=None, expose_headers=[],"
        " credentials=False, max_age=None)"
    )
    assert Cors(origins=[APP], allow_headers=[]).allow_headers == ()


@pytest.mark.parametrize(
    ("origins", "origin", "allowed"),
    [
        ("*", APP, True),
        ("*", "null", True),
        ("*", None, False),
        ([APP], APP, True),
        ([APP], OTHER, False),
        ([APP], APP + "/", False),
        ([APP], "https://APP.example.com", False),
        ([APP], None, False),
    ],
)
def test_allows(origins: Any, origin: str | None, allowed: bool) -> None:
    assert Cors(origins).allows(origin) is allowed


ORIGIN_FIX = (
    "which is not an origin: write scheme://host[:port] in lower case with no path or"
    " trailing slash, as browsers send it ('https://app.example.com')"
)


@pytest.mark.parametrize(
    ("args", "options", "error", "message"),
    [
        (
            (APP,),
            {},
            TypeError,
            "Cors origins must be a list of origins such as"
            " ['https://app.example.com'], or '*', not 'https://app.example.com'",
        ),
        (
            (None,),
            {},
            TypeError,
            "Cors origins must be a list of origins such as"
            " ['https://app.example.com'], or '*', not None",
        ),
        (
            ([],),
            {},
            ValueError,
            "Cors origins must name at least one origin, or be '*'",
        ),
        (
            (["*", APP],),
            {},
            ValueError,
            "Cors origins holds '*' among other origins; write origins='*' alone to"
            " allow any origin",
        ),
        *[
            (([bad],), {}, ValueError, f"Cors origins holds {bad!r}, {ORIGIN_FIX}")
            for bad in [
                APP + "/",
                "https://App.example.com",
                "app.example.com",
                "null",
                APP + "/path",
                "https://",
                "https://a.com:port",
                " https://a.com",
                5,
            ]
        ],
        (
            ([APP],),
            {"methods": "GET"},
            TypeError,
            "Cors option methods must be a list of method names, not 'GET'",
        ),
        (
            ([APP],),
            {"methods": ["GET POST"]},
            ValueError,
            "Cors option methods holds 'GET POST', which is not a method name",
        ),
        (
            ([APP],),
            {"methods": []},
            ValueError,
            "Cors option methods must name at least one method",
        ),
        (
            ([APP],),
            {"allow_headers": "X-Token"},
            TypeError,
            "Cors option allow_headers must be a list of header names, not 'X-Token'",
        ),
        (
            ([APP],),
            {"expose_headers": [None]},
            ValueError,
            "Cors option expose_headers holds None, which is not a header name",
        ),
        (
            ([APP],),
            {"expose_headers": 5},
            TypeError,
            "Cors option expose_headers must be a list of header names, not 5",
        ),
        (
            ([APP],),
            {"credentials": "yes"},
            TypeError,
            "Cors option credentials must be True or False, not 'yes'",
        ),
        (
            ("*",),
            {"credentials": True},
            ValueError,
            "Cors cannot allow credentials from any origin ('*'): browsers refuse"
            " credentials with Access-Control-Allow-Origin: *; list the origins",
        ),
        *[
            (
                ([APP],),
                {"max_age": bad},
                error,
                "Cors option max_age must be a number of seconds (an int >= 0) or"
                f" None, not {bad!r}",
            )
            for bad, error in [
                (-1, ValueError),
                (1.5, TypeError),
                (True, TypeError),
                ("600", TypeError),
            ]
        ],
    ],
    ids=plain_id,
)
def test_a_bad_configuration_is_refused_at_construction(
    args: tuple[Any, ...], options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        Cors(*args, **options)
    assert str(info.value) == message


@pytest.mark.parametrize("value", ["*", [APP], {"origins": "*"}])
def test_the_option_takes_a_cors_only(value: object) -> None:
    message = (
        "api_handler option cors must be a Cors or None, as in"
        f" cors=Cors(origins=['https://app.example.com']), not {value!r}"
    )
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        api_handler(cors=value)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        api_methods(GET=lambda req, res: None, cors=value)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        routes(Path(__file__).parent, cors=value)  # type: ignore[arg-type]


def test_only_handlers_with_cors_pay_for_it() -> None:
    assert type(api_handler(lambda req, res: None)) is ApiHandler
    handler = cors_handler(Cors("*"))
    assert type(handler) is CorsHandler
    assert handler.cors is not None
    assert api_handler(lambda req, res: None).cors is None


# -- preflights --------------------------------------------------------------------


def test_a_preflight_from_an_allowed_origin(call: Call) -> None:
    ran.clear()
    r = call(cors_handler(full()), "OPTIONS", headers=PREFLIGHT)
    assert (r.status_code, r.data) == (204, b"")
    assert r.headers.to_wsgi_list() == [
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "GET, HEAD, PUT, PATCH, POST, DELETE"),
        ("Access-Control-Allow-Headers", "X-Token, Content-Type"),
        ("Access-Control-Max-Age", "600"),
        ("Vary", "Origin, Access-Control-Request-Headers"),
    ]
    assert ran == []  # answered before the handler


def test_a_preflight_from_another_origin_gets_no_access(call: Call) -> None:
    ran.clear()
    r = call(cors_handler(full()), "OPTIONS", headers={**PREFLIGHT, "Origin": OTHER})
    assert (r.status_code, r.data) == (204, b"")
    assert r.headers.to_wsgi_list() == [("Vary", "Origin")]
    assert ran == []


def test_a_preflight_lists_the_configured_methods_and_headers(call: Call) -> None:
    cors = Cors(
        [APP], methods=["POST", "GET"], allow_headers=["X-Token", "Content-Type"]
    )
    r = call(cors_handler(cors, methods=["GET"]), "OPTIONS", headers=PREFLIGHT)
    assert r.headers.to_wsgi_list() == [
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "POST, GET"),
        ("Access-Control-Allow-Headers", "X-Token, Content-Type"),
        ("Vary", "Origin"),
    ]


def test_a_preflight_lists_the_handlers_own_methods(call: Call) -> None:
    cors = Cors([APP], allow_headers=[])
    r = call(cors_handler(cors, methods=["GET", "PUT"]), "OPTIONS", headers=PREFLIGHT)
    assert r.headers.to_wsgi_list() == [
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "GET, PUT"),
        ("Vary", "Origin"),
    ]
    methods = api_methods(
        GET=lambda req, res: None, PUT=lambda req, res: None, cors=cors
    )
    r = call(methods, "OPTIONS", headers=PREFLIGHT)
    assert r.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS, PUT"


def test_a_preflight_to_any_origin(call: Call) -> None:
    r = call(cors_handler(Cors("*")), "OPTIONS", headers={**PREFLIGHT, "Origin": OTHER})
    assert r.status_code == 204
    assert r.headers.to_wsgi_list() == [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", "GET, HEAD, PUT, PATCH, POST, DELETE"),
        ("Access-Control-Allow-Headers", "X-Token, Content-Type"),
        ("Vary", "Access-Control-Request-Headers"),
    ]
    r = call(
        cors_handler(Cors("*", allow_headers=["X-Token"])),
        "OPTIONS",
        headers=PREFLIGHT,
    )
    assert "Vary" not in r.headers


@pytest.mark.parametrize(
    "asked",
    [None, "", " , ", "X-Token, Bad Name", "X-Token;x", "é"],
    ids=plain_id,
)
def test_requested_headers_that_are_not_names_are_not_echoed(
    call: Call, asked: str | None
) -> None:
    headers = {"Origin": APP, "Access-Control-Request-Method": "PUT"}
    if asked is not None:
        headers["Access-Control-Request-Headers"] = asked
    r = call(cors_handler(Cors([APP])), "OPTIONS", headers=headers)
    assert r.status_code == 204
    assert "Access-Control-Allow-Headers" not in r.headers
    assert r.headers["Vary"] == "Origin, Access-Control-Request-Headers"


def test_requested_headers_are_echoed_trimmed(call: Call) -> None:
    headers = {**PREFLIGHT, "Access-Control-Request-Headers": " x-token ,content-type"}
    r = call(cors_handler(Cors([APP])), "OPTIONS", headers=headers)
    assert r.headers["Access-Control-Allow-Headers"] == "x-token, content-type"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": APP},
        {"Access-Control-Request-Method": "PUT"},
        {},
    ],
    ids=["no-request-method", "no-origin", "neither"],
)
def test_other_options_requests_reach_the_handler(
    call: Call, headers: dict[str, str]
) -> None:
    ran.clear()
    r = call(cors_handler(full(), methods=["GET"]), "OPTIONS", headers=headers)
    assert (r.status_code, r.headers["Allow"]) == (204, "GET")  # the method guard
    assert ran == []
    r = call(cors_handler(full()), "OPTIONS", headers=headers)
    assert r.status_code == 200
    assert ran == ["OPTIONS"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_only_options_can_be_a_preflight(call: Call, method: str) -> None:
    ran.clear()
    r = call(cors_handler(full()), method, headers=PREFLIGHT)
    assert (r.status_code, ran) == (200, [method])
    assert access(r) == [*ALLOWED, ("Vary", "Origin")]


# -- every other answer ------------------------------------------------------------

ERRORS_VARY = ("Vary", "Accept, Origin")


@pytest.mark.parametrize(
    ("query", "status", "vary"),
    [
        ("", 200, ("Vary", "Origin")),
        ("?kind=auth", 401, ERRORS_VARY),
        ("?kind=crash", 500, ERRORS_VARY),
        ("?kind=missing", 404, ERRORS_VARY),
    ],
    ids=["success", "api-error", "crash", "werkzeug-error"],
)
def test_every_answer_to_an_allowed_origin_carries_the_headers(
    call: Call, query: str, status: int, vary: tuple[str, str]
) -> None:
    r = call(cors_handler(full()), "GET", f"/{query}", headers={"Origin": APP})
    assert r.status_code == status
    assert access(r) == [*ALLOWED, vary]
    assert r.headers["X-Request-Id"] == "r1"


def test_the_method_guards_405_carries_the_headers(call: Call) -> None:
    r = call(cors_handler(full(), methods=["GET"]), "DELETE", headers={"Origin": APP})
    assert (r.status_code, r.headers["Allow"]) == (405, "GET")
    assert access(r) == [*ALLOWED, ERRORS_VARY]


@pytest.mark.parametrize("query", ["", "?kind=auth", "?kind=crash"])
@pytest.mark.parametrize("origin", [OTHER, None], ids=["other-origin", "no-origin"])
def test_other_origins_get_only_vary(
    call: Call, query: str, origin: str | None
) -> None:
    headers = {} if origin is None else {"Origin": origin}
    r = call(cors_handler(full()), "GET", f"/{query}", headers=headers)
    vary = "Origin" if query == "" else "Accept, Origin"
    assert access(r) == [("Vary", vary)]


def test_any_origin_needs_no_vary(call: Call) -> None:
    cors = Cors("*", expose_headers=["X-Request-Id", "ETag"])
    for headers in ({"Origin": OTHER}, {}):
        r = call(cors_handler(cors), "GET", headers=headers)
        assert access(r) == [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Expose-Headers", "X-Request-Id, ETag"),
        ]
        r = call(cors_handler(cors), "GET", "/?kind=crash", headers=headers)
        assert access(r) == [
            ("Vary", "Accept"),
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Expose-Headers", "X-Request-Id, ETag"),
        ]


def test_headers_the_handler_set_are_merged_or_replaced(call: Call) -> None:
    @api_handler(cors=full())
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("Vary", "Cookie")
        res.set_header("Access-Control-Allow-Origin", "*")
        res.set_header("Access-Control-Allow-Credentials", "false")
        res.json({})

    r = call(handler, headers={"Origin": APP})
    assert access(r) == [*ALLOWED, ("Vary", "Cookie, Origin")]


@pytest.mark.parametrize("vary", ["vary", "VARY"])
def test_a_vary_spelled_otherwise_is_merged_too(call: Call, vary: str) -> None:
    @api_handler(cors=full())
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header(vary, "Cookie")
        res.json({})

    r = call(handler, headers={"Origin": APP})
    assert access(r) == [*ALLOWED, ("Vary", "Cookie, Origin")]


def wide_open_handler(cors: Cors) -> ApiHandler:
    """A handler that opens itself to every page, as a careless one might."""

    @api_handler(cors=cors)
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("Access-Control-Allow-Origin", "*")
        res.set_header("Access-Control-Allow-Credentials", "true")
        res.set_header("Access-Control-Expose-Headers", "X-Secret")
        res.set_header("access-control-max-age", "86400")
        res.json({"secret": 1})

    return handler


@pytest.mark.parametrize("origin", [OTHER, None], ids=["other-origin", "no-origin"])
def test_a_refused_origin_gets_none_of_the_handlers_own_access_headers(
    call: Call, origin: str | None
) -> None:
    headers = {} if origin is None else {"Origin": origin}
    r = call(wide_open_handler(Cors([APP])), "GET", headers=headers)
    assert (r.status_code, r.data) == (200, b'{"secret":1}')
    assert access(r) == [("Vary", "Origin")]


def test_an_allowed_origin_gets_only_what_cors_allows() -> None:
    r = call_wsgi(wide_open_handler(Cors([APP])), headers={"Origin": APP})
    assert access(r) == [("Access-Control-Allow-Origin", APP), ("Vary", "Origin")]


def test_a_304_keeps_the_headers(call: Call) -> None:
    handler = cors_handler(full())
    etag = call(handler, headers={"Origin": APP}).headers["ETag"]
    r = call(handler, headers={"Origin": APP, "If-None-Match": etag})
    assert r.status_code == 304
    assert access(r) == [*ALLOWED, ("Vary", "Origin")]


# -- routes() ----------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    api = tmp_path / "api"
    api.mkdir()
    (api / "hello.py").write_text(
        "def GET(req, res):\n    res.json({'hello': 'world'})\n"
        "def PUT(req, res):\n    res.json({'put': True})\n"
    )
    return api


def test_routes_answers_preflights_for_its_files(tree: Path) -> None:
    app = routes(tree, cors=Cors([APP], allow_headers=[]))
    assert app.cors is not None
    r = call_wsgi(app, "OPTIONS", "/api/hello", headers=PREFLIGHT)
    assert (r.status_code, r.headers.to_wsgi_list()) == (
        204,
        [
            ("Access-Control-Allow-Origin", APP),
            ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS, PUT"),
            ("Vary", "Origin"),
        ],
    )
    r = call_wsgi(app, "GET", "/api/hello", headers={"Origin": APP})
    assert access(r) == [("Access-Control-Allow-Origin", APP), ("Vary", "Origin")]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/nothing", 404), ("/api/hello/", 308)],
    ids=["404", "308"],
)
def test_routes_404_and_308_carry_the_headers(
    tree: Path, path: str, status: int
) -> None:
    app = routes(tree, cors=full())
    r = call_wsgi(app, "GET", path, headers={"Origin": APP})
    vary = "Accept, Origin" if status == 404 else "Origin"
    assert r.status_code == status
    assert access(r) == [*ALLOWED, ("Vary", vary)]
    r = call_wsgi(app, "GET", path, headers={"Origin": OTHER})
    assert access(r) == [("Vary", vary)]
    r = call_wsgi(routes(tree), "GET", path, headers={"Origin": APP})
    assert access(r) == ([("Vary", "Accept")] if status == 404 else [])


OWN_HANDLER = """
from nextresp import Cors, api_handler

def handle(req, res):
    res.json({"own": True})

app = api_handler(methods=["GET", "PUT"], etag=False)(handle)
with_own_cors = api_handler(cors=Cors(["https://own.example"]))(handle)
"""


def test_a_file_that_builds_its_own_handler_takes_the_trees_cors(
    tmp_path: Path,
) -> None:
    api = tmp_path / "api"
    api.mkdir()
    (api / "own.py").write_text(OWN_HANDLER)
    app = routes(api, cors=Cors([APP], allow_headers=[]))
    r = call_wsgi(app, "OPTIONS", "/api/own", headers=PREFLIGHT)
    assert (r.status_code, r.headers.to_wsgi_list()) == (
        204,
        [
            ("Access-Control-Allow-Origin", APP),
            ("Access-Control-Allow-Methods", "GET, PUT"),  # the file's own methods
            ("Vary", "Origin"),
        ],
    )
    r = call_wsgi(app, "GET", "/api/own", headers={"Origin": APP})
    assert r.get_json() == {"own": True}
    assert access(r) == [("Access-Control-Allow-Origin", APP), ("Vary", "Origin")]
    assert "ETag" not in r.headers  # the file keeps its other options
    r = call_wsgi(app, "GET", "/api/own", headers={"Origin": OTHER})
    assert access(r) == [("Vary", "Origin")]


def test_a_file_with_its_own_cors_keeps_it(tmp_path: Path) -> None:
    api = tmp_path / "api"
    api.mkdir()
    (api / "own.py").write_text(
        OWN_HANDLER.replace("app = ", "plain = ").replace("with_own_cors = ", "app = ")
    )
    app = routes(api, cors=Cors([APP]))
    r = call_wsgi(app, "GET", "/api/own", headers={"Origin": "https://own.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "https://own.example"
    r = call_wsgi(app, "GET", "/api/own", headers={"Origin": APP})
    assert "Access-Control-Allow-Origin" not in r.headers


# -- Flask ---------------------------------------------------------------------------

flask = pytest.importorskip("flask")


def test_flask_lets_the_preflight_reach_a_cors_handler() -> None:
    app = flask.Flask(__name__)
    app.add_url_rule("/hello", view_func=cors_handler(full()))  # methods: GET only
    r = call_wsgi(app, "OPTIONS", "/hello", headers=PREFLIGHT)
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == APP
    assert r.headers["Access-Control-Allow-Methods"] == (
        "GET, HEAD, PUT, PATCH, POST, DELETE"
    )
    r = call_wsgi(app, "GET", "/hello", headers={"Origin": APP})
    assert access(r) == [*ALLOWED, ("Vary", "Origin")]


def test_flasks_automatic_options_would_answer_without_cors() -> None:
    app = flask.Flask(__name__)
    handler = cors_handler(full())
    app.add_url_rule("/hello", view_func=handler, provide_automatic_options=True)
    r = call_wsgi(app, "OPTIONS", "/hello", headers=PREFLIGHT)
    assert r.status_code == 200
    assert "Access-Control-Allow-Origin" not in r.headers
    assert sorted(r.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS"]


def test_a_wrapping_view_lets_the_preflight_through_in_one_line() -> None:
    handler = cors_handler(full())
    app = flask.Flask(__name__)

    @app.route("/automatic")
    def automatic() -> Any:
        return handler()

    @app.route("/through", methods=["GET", "OPTIONS"], provide_automatic_options=False)
    def through() -> Any:
        return handler()

    r = call_wsgi(app, "OPTIONS", "/automatic", headers=PREFLIGHT)
    assert (r.status_code, "Access-Control-Allow-Origin" in r.headers) == (200, False)
    r = call_wsgi(app, "OPTIONS", "/through", headers=PREFLIGHT)
    assert (r.status_code, r.headers["Access-Control-Allow-Origin"]) == (204, APP)

"""Getting the OpenAPI document, and what the contract changes at run time:
returned values sent as JSON, ``responses=`` and ``raises=``, the served document,
``nextresp openapi`` and its ``--check``, and the source hints read at load."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pydantic
import pytest
from werkzeug.exceptions import NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request

import nextresp
from nextresp import ApiError, ApiOptions, ApiResponse, Cors, api_handler, routes
from nextresp._cli import main
from nextresp._openapi_source import SourceHints, hints_of
from nextresp.testing import Client

from .openapi_tree.models import TodoGone
from .support import ROOT

TREE = ROOT / "tests" / "openapi_tree" / "api"


class Todo(pydantic.BaseModel):
    id: int
    title: str


class Point(msgspec.Struct):
    x: int
    y: int


@dataclasses.dataclass
class Size:
    width: int


# -- a returned value is the answer when the return annotation names its type ------


@pytest.mark.parametrize(
    ("returned", "value", "body"),
    [
        (Todo, Todo(id=1, title="a"), {"id": 1, "title": "a"}),
        (Point, Point(1, 2), {"x": 1, "y": 2}),
        (Size, Size(3), {"width": 3}),
        (list[Todo], [Todo(id=2, title="b")], [{"id": 2, "title": "b"}]),
        (dict[str, int], {"n": 1}, {"n": 1}),
    ],
    ids=["pydantic", "msgspec", "dataclass", "list", "dict"],
)
def test_a_value_returned_under_its_annotation_is_sent_as_json(
    returned: Any, value: Any, body: Any
) -> None:
    def handler(req: Any, res: Any) -> Any:
        return value

    handler.__annotations__["return"] = returned
    result = Client(api_handler(handler)).get("/")
    assert result.status == 200
    assert result.headers["Content-Type"] == "application/json"
    assert result.json == body


def test_a_returned_value_that_does_not_fit_its_annotation_is_a_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @api_handler
    def read(req: Any, res: Any) -> Todo:
        return {"id": "secret-id", "title": 1}  # type: ignore[return-value]

    result = Client(read).get("/")
    assert (result.status, result.problem["title"]) == (500, "Internal Server Error")
    assert b"secret-id" not in result.data
    assert (
        "TypeError: the handler returned a dict that does not fit its return"
        " annotation <class 'tests.test_openapi_use.Todo'>; return a value of that type"
    ) in caplog.text


def test_an_async_handler_returns_its_value_too() -> None:
    @api_handler
    async def read(req: Any, res: Any) -> Todo:
        return Todo(id=5, title="async")

    assert Client(read).get("/").json == {"id": 5, "title": "async"}


def test_an_async_callable_object_returns_its_value_too() -> None:
    class Reader:
        async def __call__(self, req: Any, res: Any) -> Todo:
            return Todo(id=6, title="object")

    assert Client(api_handler(Reader())).get("/").json == {"id": 6, "title": "object"}


@pytest.mark.parametrize("annotation", ["NoReturn", "Never", "'NoReturn'"])
def test_a_function_that_never_returns_answers_through_what_it_raises(
    annotation: str,
) -> None:
    namespace: dict[str, Any] = {"ApiError": ApiError}
    exec(
        f"from typing import NoReturn, Never\n"
        f"def gone(req, res) -> {annotation}:\n"
        "    raise ApiError(410, 'Deleted')\n",
        namespace,
    )
    result = Client(api_handler(namespace["gone"])).get("/")
    assert (result.status, result.problem["detail"]) == (410, "Deleted")


def test_an_async_handler_with_a_return_type_is_checked_against_its_middleware() -> (
    None
):
    async def outer(req: Any, res: Any, call_next: Any) -> None:
        await call_next()

    def inner(req: Any, res: Any, call_next: Any) -> None:
        call_next()

    async def read(req: Any, res: Any) -> Todo:
        return Todo(id=1, title="a")

    with pytest.raises(TypeError) as info:
        api_handler(read, use=[outer, inner])
    message = str(info.value)
    assert message.startswith("the sync middleware ")
    assert ".inner runs inside the async middleware " in message
    assert ".outer and around the async def handler " in message
    answer = Client(api_handler(read, use=[outer])).get("/")
    assert (answer.status, answer.json) == (200, {"id": 1, "title": "a"})


def test_the_status_set_before_returning_is_kept() -> None:
    @api_handler(methods=["POST"])
    def create(req: Any, res: Any) -> Todo:
        res.status(201)
        return Todo(id=1, title="new")

    result = Client(create).post("/")
    assert (result.status, result.json) == (201, {"id": 1, "title": "new"})


def test_returning_none_or_res_still_answers_through_res() -> None:
    @api_handler
    def read(req: Any, res: Any) -> Todo:
        res.json({"through": "res"})
        return res  # type: ignore[no-any-return]

    assert Client(read).get("/").json == {"through": "res"}


def test_a_typed_route_parameter_and_a_returned_value_together() -> None:
    @api_handler
    def read(req: Any, res: Any, id: int) -> Todo:
        return Todo(id=id, title="t")

    urls = Map([Rule("/api/<id>", endpoint="read")])

    @Request.application
    def app(request: Request) -> Any:
        _, values = urls.bind_to_environ(request.environ).match()
        return read(request, **values)  # a werkzeug endpoint's call

    assert Client(app).get("/api/7").json == {"id": 7, "title": "t"}


@pytest.mark.parametrize(
    "annotation",
    ["None", "ApiResponse", "'ApiResponse'", "Any", "'Undefined'", ""],
    ids=["none", "response", "string-response", "any", "unresolvable", "absent"],
)
def test_a_returned_value_without_a_type_to_send_is_still_a_type_error(
    annotation: str, caplog: pytest.LogCaptureFixture
) -> None:
    arrow = f" -> {annotation}" if annotation else ""
    namespace: dict[str, Any] = {"ApiResponse": ApiResponse, "Any": Any}
    exec(f"def handler(req, res){arrow}:\n    return 5\n", namespace)
    result = Client(api_handler(namespace["handler"])).get("/")
    assert result.status == 500
    if annotation == "'Undefined'":
        assert (
            "returned 5; its return annotation 'Undefined' could not be resolved when"
            " the handler was made (a name defined after it, or imported only under"
            " TYPE_CHECKING), so nothing is sent; define the type before the handler,"
            " or answer through res"
        ) in caplog.text
    else:
        assert "returned 5; an api_handler answers through res" in caplog.text


class Opaque:
    """A class no schema library knows."""


def test_a_return_annotation_no_library_validates_is_refused_when_decorated() -> None:
    def handler(req: Any, res: Any) -> Opaque:
        return Opaque()

    with pytest.raises(
        TypeError,
        match=r"^test_a_return_annotation.*handler\(\) return"
        r" annotation: cannot validate",
    ):
        api_handler(handler)


# -- responses= and raises= are checked where they are given -------------------------


@pytest.mark.parametrize(
    ("keywords", "error", "message"),
    [
        (
            {"responses": [200]},
            TypeError,
            "api_handler option responses must be a dict of statuses to types, as in"
            " responses={201: Todo}, not [200]",
        ),
        (
            {"responses": {"200": Todo}},
            TypeError,
            "api_handler option responses' status must be an int from 200 to 599,"
            " not '200' (str)",
        ),
        (
            {"responses": {99: Todo}},
            ValueError,
            "api_handler option responses' status must be an int from 200 to 599,"
            " not 99",
        ),
        (
            {"responses": {200: Todo(id=1, title="t")}},
            TypeError,
            "api_handler option responses[200] must be a type (Todo, list[Todo]) or"
            " None for no body, not Todo(id=1, title='t')",
        ),
        (
            {"raises": 404},
            TypeError,
            "api_handler option raises must be a list of statuses or error classes,"
            " as in raises=[404, TodoMissing], not 404",
        ),
        (
            {"raises": ["404"]},
            TypeError,
            "api_handler option raises must list statuses from 400 to 599 or"
            " HTTPException classes with a code, not '404'",
        ),
        (
            {"raises": [302]},
            ValueError,
            "api_handler option raises must be an int from 400 to 599, not 302",
        ),
        (
            {"raises": [ApiError]},
            TypeError,
            "api_handler option raises lists ApiError, which has no code from 400 to"
            " 599 (its code is None); give the class code = 404, say, or list the"
            " status itself",
        ),
    ],
    ids=[
        "responses-list",
        "responses-str-status",
        "responses-low-status",
        "responses-instance",
        "raises-int",
        "raises-str",
        "raises-redirect",
        "raises-no-code",
    ],
)
def test_bad_responses_and_raises_are_refused_at_the_call(
    keywords: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        ApiOptions(**keywords)
    assert str(raised.value) == message


def test_responses_and_raises_are_kept_checked() -> None:
    options = ApiOptions(
        responses={201: Todo, 204: None}, raises=[404, NotFound, TodoGone]
    )
    assert dict(options.responses) == {201: Todo, 204: None}
    assert options.raises == (404, NotFound, TodoGone)
    assert ApiOptions().responses == {}
    assert ApiOptions().raises == ()


# -- openapi() ---------------------------------------------------------------------


def test_openapi_takes_a_loaded_app_or_a_directory() -> None:
    app = routes(TREE)
    assert (
        nextresp.openapi(app) == nextresp.openapi(TREE) == nextresp.openapi(str(TREE))
    )


def test_openapi_of_a_directory_takes_a_prefix() -> None:
    document = nextresp.openapi(TREE, prefix="/v1")
    assert list(document["paths"])[:2] == ["/v1/events", "/v1/health"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: nextresp.openapi(42),  # type: ignore[arg-type]
            "openapi() expected the app routes() returns or a route directory, not 42",
        ),
        (
            lambda: nextresp.openapi(routes(TREE), prefix="/v1"),
            "openapi() takes prefix= with a directory only: the app's routes have"
            " theirs ('/api')",
        ),
        (
            lambda: nextresp.openapi(TREE, version=2),  # type: ignore[arg-type]
            "openapi version must be a non-empty str, as version='1.0', not 2",
        ),
    ],
    ids=["not-a-tree", "prefix-with-app", "int-version"],
)
def test_openapi_refuses_what_it_cannot_use(call: Any, message: str) -> None:
    with pytest.raises(TypeError) as raised:
        call()
    assert str(raised.value) == message


def test_openapi_refuses_an_empty_title_as_a_value_error() -> None:
    message = "openapi title must be a non-empty str, as title='Todos', not ''"
    with pytest.raises(ValueError, match=re.escape(message)):
        nextresp.openapi(TREE, title="")


# -- routes(openapi=...) serves the document -----------------------------------------


@pytest.fixture(scope="module")
def served() -> Any:
    return routes(TREE, openapi="/api/openapi.json", cors=Cors(["https://a.example"]))


def test_the_served_document_is_the_documents_json(served: Any) -> None:
    result = Client(served).get("/api/openapi.json")
    assert result.status == 200
    assert result.headers["Content-Type"] == "application/json"
    assert result.json == nextresp.openapi(served)
    assert result.headers["ETag"].startswith('"')


def test_the_served_document_answers_304_to_its_etag(served: Any) -> None:
    client = Client(served)
    etag = client.get("/api/openapi.json").headers["ETag"]
    again = client.get("/api/openapi.json", headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.data == b""


def test_the_served_document_has_the_trees_cors_headers(served: Any) -> None:
    result = Client(served).get(
        "/api/openapi.json", headers={"Origin": "https://a.example"}
    )
    assert result.headers["Access-Control-Allow-Origin"] == "https://a.example"
    assert result.headers["Vary"] == "Origin"
    preflight = Client(served).options(
        "/api/openapi.json",
        headers={
            "Origin": "https://a.example",
            "Access-Control-Request-Method": "GET",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_the_served_document_takes_get_head_and_options_only(served: Any) -> None:
    client = Client(served)
    head = client.head("/api/openapi.json")
    assert (head.status, head.data) == (200, b"")
    options = client.options("/api/openapi.json")
    assert (options.status, options.headers["Allow"]) == (204, "GET, HEAD, OPTIONS")
    post = client.post("/api/openapi.json")
    assert post.status == 405
    assert post.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert post.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/api/openapi.json/", "/api/openapi.json"),
        ("/api//openapi.json?v=2", "/api/openapi.json?v=2"),
    ],
)
def test_another_spelling_of_the_documents_path_is_redirected(
    served: Any, target: str, location: str
) -> None:
    result = Client(served).get(target)
    assert (result.status, result.headers["Location"], result.data) == (
        308,
        location,
        b"",
    )


def test_without_openapi_the_path_is_a_404() -> None:
    assert Client(routes(TREE)).get("/api/openapi.json").status == 404


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        (
            b"/x",
            TypeError,
            "routes option openapi must be the path to serve the document at, as in"
            " openapi='/api/openapi.json', not b'/x'",
        ),
        (
            "api/openapi.json",
            ValueError,
            "routes option openapi must be a path starting with / and without empty"
            " segments or a trailing slash, as '/api/openapi.json', not"
            " 'api/openapi.json'",
        ),
        (
            "/api/health",
            ValueError,
            "routes option openapi is '/api/health', which the route /api/health"
            " serves already; choose another path",
        ),
        (
            "/api/docs/openapi.json",
            ValueError,
            "routes option openapi is '/api/docs/openapi.json', which the route"
            " /api/docs/[...slug] serves already; choose another path",
        ),
    ],
    ids=["bytes", "relative", "a-routes-path", "a-catch-alls-path"],
)
def test_openapi_path_is_checked_when_the_tree_loads(
    path: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        routes(TREE, openapi=path)
    assert str(raised.value) == message


# -- nextresp openapi -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def keep_sys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep ``sys.path`` as it was: main() adds the cwd."""
    monkeypatch.setattr(sys, "path", list(sys.path))


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def test_the_command_prints_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        ["openapi", str(TREE), "--title", "Todos", "--version", "3"], capsys
    )
    assert (status, err) == (0, "")
    assert (
        out
        == json.dumps(nextresp.openapi(TREE, title="Todos", version="3"), indent=2)
        + "\n"
    )


def test_check_passes_on_a_fresh_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed = tmp_path / "openapi.json"
    committed.write_text(json.dumps(nextresp.openapi(TREE)))
    assert run(["openapi", str(TREE), "--check", str(committed)], capsys) == (0, "", "")


def test_check_fails_on_a_stale_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed = tmp_path / "openapi.json"
    stale = nextresp.openapi(TREE)
    del stale["paths"]["/api/health"]
    committed.write_text(json.dumps(stale))
    assert run(["openapi", str(TREE), "--check", str(committed)], capsys) == (
        1,
        "",
        f"nextresp openapi: error: {committed} is stale: it is not the document the"
        f" routes make now; regenerate it with nextresp openapi {TREE} > {committed}\n",
    )


def test_check_compares_with_the_title_and_version_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed = tmp_path / "openapi.json"
    committed.write_text(json.dumps(nextresp.openapi(TREE, version="2")))
    args = ["openapi", str(TREE), "--check", str(committed)]
    assert run(args, capsys)[0] == 1
    assert run([*args, "--version", "2"], capsys) == (0, "", "")
    # The command it suggests makes the document it checks against.
    failed = run(
        [*args, "--version", "3", "--title", "My API", "--prefix", "/v1"], capsys
    )
    assert failed[2].endswith(
        f"; regenerate it with nextresp openapi {TREE} --prefix /v1 --title 'My API'"
        f" --version 3 > {committed}\n"
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "No such file or directory"), ("{not json", "not JSON")],
    ids=["missing", "not-json"],
)
def test_check_fails_on_a_file_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, reason: str
) -> None:
    committed = tmp_path / "openapi.json"
    if content is not None:
        committed.write_text(content)
    assert run(["openapi", str(TREE), "--check", str(committed)], capsys) == (
        1,
        "",
        f"nextresp openapi: error: {committed} cannot be read ({reason});"
        f" regenerate it with nextresp openapi {TREE} > {committed}\n",
    )


def test_the_command_says_why_a_tree_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "empty.py").write_text("")
    status, out, err = run(["openapi", str(tmp_path / "api")], capsys)
    assert (status, out) == (1, "")
    assert err.startswith("nextresp: error: api/empty.py: expected functions named")


# -- the source hints, read once when the tree loads -------------------------------


def test_hints_name_streams_success_statuses_and_what_is_raised(
    tmp_path: Path,
) -> None:
    source = tmp_path / "route.py"
    source.write_text(
        "def GET(req, res):\n    res.sse(events())\n"
        "async def POST(req, res):\n"
        "    if req.body is None:\n        raise ApiError(400, 'no body')\n"
        "    if not req.body:\n        raise errors.Gone(410)\n"
        "    raise ApiError(status)\n"
        "    raise TodoGone('deleted')\n"
        "    raise errors.Missing\n"
        "    raise make_error()()\n"
        "    raise\n"
        "    res.status(201).json({})\n"
        "def PUT(req, res):\n    res.ndjson(rows())\n"
        "def DELETE(req, res):\n    res.status(204).end()\n"
        "def PATCH(req, res):\n    res.json({})\n"
        "class NotAFunction:\n    def GET(self):\n        self.sse(1)\n"
    )
    assert hints_of(source) == {
        "GET": SourceHints(stream="text/event-stream"),
        "POST": SourceHints(
            raises=(400, 410),
            statuses=(201,),
            raised_names=("ApiError", "TodoGone", "errors.Missing"),
        ),
        "PUT": SourceHints(stream="application/x-ndjson"),
        "DELETE": SourceHints(statuses=(204,)),
    }


def test_a_file_that_does_not_parse_gives_no_hints(tmp_path: Path) -> None:
    source = tmp_path / "route.py"
    source.write_text("def GET(req, res:\n")
    assert hints_of(source) == {}
    assert hints_of(tmp_path / "missing.py") == {}


def test_the_tree_reads_its_hints_when_it_loads(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    route = tmp_path / "api" / "clock.py"
    route.write_text("def GET(req, res):\n    res.sse(iter([]))\n")
    app = routes(tmp_path / "api")
    route.write_text("def GET(req, res):\n    res.json({})\n")  # read once, before
    content = nextresp.openapi(app)["paths"]["/api/clock"]["get"]["responses"]["200"]
    assert list(content["content"]) == ["text/event-stream"]


def test_a_catch_all_value_with_an_encoded_slash_is_its_segments() -> None:
    # openapi-fetch encodes a path parameter's "/" as %2F: the segments come back.
    result = Client(routes(TREE)).get("/api/docs/guide%2Fopenapi")
    assert result.json == {"path": "guide/openapi", "words": 2}


def test_the_command_writes_utf_8_whatever_the_terminal_encoding(
    tmp_path: Path,
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "task.py").write_text(
        'def GET(req, res):\n    """Lire la tâche."""\n    res.json({})\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "nextresp", "openapi", str(tmp_path / "api")],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    document = json.loads(done.stdout.decode("utf-8"))
    assert document["paths"]["/api/task"]["get"]["summary"] == "Lire la tâche."
    assert "Lire la tâche.".encode() in done.stdout

"""``nextresp.testing.Client``: requests, cookies, answers, JSON, problems."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.wrappers import Request, Response

import nextresp.testing
from nextresp import ApiError, api_handler, api_methods, routes
from nextresp.testing import Client, Problem


@api_handler
def echo(req: Any, res: Any, **params: str) -> None:
    """Answer what the request was: method, query, body, cookies, a header."""
    res.json(
        {
            "method": req.method,
            "query": req.query,
            "body": req.body,
            "cookies": req.cookies,
            "x": req.headers.get("X-Test"),
        }
    )


def raw_app(status: str, headers: list[tuple[str, str]], body: bytes) -> Any:
    """A bare WSGI app answering exactly what it is given."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response(status, headers)
        return [body]

    return app


def test_all_is_pinned_and_sorted() -> None:
    assert nextresp.testing.__all__ == [
        "Client",
        "Problem",
        "ReceivedEvent",
        "RequestOptions",
        "Result",
        "StreamTimeout",
    ]
    assert nextresp.testing.__all__ == sorted(nextresp.testing.__all__)


# -- what Client takes --------------------------------------------------------


def tree(tmp_path: Path) -> Path:
    api = tmp_path / "api"
    (api / "users").mkdir(parents=True)
    (api / "users" / "[id].py").write_text(
        "def GET(req, res, id):\n    res.json({'id': id})\n"
    )
    return api


def test_an_api_handler_is_called_through_wsgi() -> None:
    assert Client(echo).get("/").json["method"] == "GET"


def test_an_api_methods_app_answers_its_methods() -> None:
    app = api_methods(PUT=lambda req, res: res.status(201).end())
    r = Client(app).put("/")
    assert (r.status, r.data) == (201, b"")


def test_a_directory_is_served_with_routes(tmp_path: Path) -> None:
    r = Client(tree(tmp_path)).get("/api/users/7")
    assert (r.status, r.json) == (200, {"id": "7"})


def test_a_directory_as_a_str_takes_route_options(tmp_path: Path) -> None:
    client = Client(str(tree(tmp_path)), problem_details=False)
    r = client.get("/api/nothing")
    assert (r.status, r.headers["Content-Type"], r.text) == (
        404,
        "text/plain; charset=utf-8",
        "Not Found",
    )


def test_a_routes_app_is_taken_as_it_is(tmp_path: Path) -> None:
    r = Client(routes(tree(tmp_path), prefix="/v1")).get("/v1/users/8")
    assert r.json == {"id": "8"}


def test_a_flask_app_is_a_wsgi_app_too() -> None:
    flask = pytest.importorskip("flask")
    app = flask.Flask(__name__)
    app.add_url_rule("/hello/<name>", view_func=echo)
    r = Client(app).get("/hello/Ada", query={"a": "1"})
    assert r.json["query"] == {"a": "1", "name": "Ada"}


def test_route_options_with_an_app_are_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"route options \(prefix\) apply to a"):
        Client(echo, prefix="/api")


@pytest.mark.parametrize("app", [None, 3, b"api"], ids=["none", "int", "bytes"])
def test_what_is_not_an_app_is_a_type_error(app: Any) -> None:
    with pytest.raises(TypeError, match="Client takes a WSGI application"):
        Client(app)


@pytest.mark.parametrize(
    ("timeout", "error"),
    [
        (0, ValueError),
        (-1.0, ValueError),
        (float("nan"), ValueError),
        (True, TypeError),
        ("5", TypeError),
    ],
    ids=["zero", "negative", "nan", "bool", "str"],
)
def test_a_bad_timeout_is_refused(timeout: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="timeout must be a number of seconds"):
        Client(echo, timeout=timeout)


@pytest.mark.parametrize(
    "url", ["localhost", "ftp://x", ""], ids=["bare", "ftp", "empty"]
)
def test_a_base_url_that_is_not_http_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="base_url must be an http or https URL"):
        Client(echo, base_url=url)


def test_an_unknown_request_option_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"unexpected request options \['params'\]"):
        Client(echo).get("/", params={"a": "1"})  # type: ignore[call-arg]


def test_a_path_without_a_leading_slash_is_refused() -> None:
    with pytest.raises(ValueError, match="path must be a str starting with '/'"):
        Client(echo).get("users")


# -- requests -----------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
def test_each_method_sends_its_name(method: str) -> None:
    r = getattr(Client(echo), method)("/")
    assert r.json["method"] == method.upper()


def test_head_is_answered_without_a_body() -> None:
    r = Client(echo).head("/")
    assert (r.status, r.headers["Content-Type"], r.data) == (
        200,
        "application/json",
        b"",
    )


def test_request_sends_any_method() -> None:
    app = api_handler(lambda req, res: res.send(req.method))
    assert Client(app).request("PROPFIND", "/").text == "PROPFIND"


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/", {"a": "1", "b": ["2", "3"]}, {"a": "1", "b": ["2", "3"]}),
        ("/", [("a", "1"), ("a", "2")], {"a": ["1", "2"]}),
        ("/", "a=%C3%A9", {"a": "é"}),
        ("/?a=1", {"b": 2}, {"a": "1", "b": "2"}),
        ("/?a=1", None, {"a": "1"}),
    ],
    ids=["mapping", "pairs", "string", "added-to-the-path", "path-only"],
)
def test_query_is_sent_as_a_query_string(
    path: str, query: Any, expected: dict[str, Any]
) -> None:
    assert Client(echo).get(path, query=query).json["query"] == expected


def test_headers_are_sent() -> None:
    assert Client(echo).get("/", headers={"X-Test": "yes"}).json["x"] == "yes"


def test_json_is_sent_compact_as_application_json() -> None:
    app = api_handler(
        lambda req, res: res.send(req.content_type + " " + req.get_data(as_text=True))
    )
    r = Client(app).post("/", json={"a": [1, None]})
    assert r.text == 'application/json {"a":[1,null]}'


def test_json_none_sends_null() -> None:
    assert Client(echo).post("/", json=None).json["body"] is None


@pytest.mark.parametrize("value", [float("nan"), float("inf")], ids=["nan", "inf"])
def test_json_that_is_not_json_is_refused_at_the_call(value: float) -> None:
    with pytest.raises(ValueError, match="json= must be JSON, strictly"):
        Client(echo).post("/", json={"x": value})


def test_json_of_a_type_json_lacks_is_a_type_error_at_the_call() -> None:
    with pytest.raises(TypeError, match="json= must be JSON, strictly: Object of type"):
        Client(echo).post("/", json={"x": object()})


def test_json_and_data_together_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="json= or data="):
        Client(echo).post("/", json={}, data=b"x")


def test_data_bytes_are_sent_with_their_content_type() -> None:
    r = Client(echo).post("/", data=b"hi", headers={"Content-Type": "text/plain"})
    assert r.json["body"] == "hi"


def test_content_type_sets_the_header_as_werkzeug_does() -> None:
    r = Client(echo).post("/", data="hi", content_type="text/plain")
    assert r.json["body"] == "hi"


def test_client_headers_go_with_every_request_unless_replaced() -> None:
    client = Client(echo, headers={"X-Test": "client"})
    assert client.get("/").json["x"] == "client"
    assert client.get("/", headers={"x-test": "request"}).json["x"] == "request"


def test_a_data_mapping_is_sent_as_a_form() -> None:
    app = api_handler(lambda req, res: res.json(req.form))
    assert Client(app).post("/", data={"name": "Ada"}).json == {"name": "Ada"}


def uploads(req: Any, res: Any) -> None:
    res.json(
        {
            name: [f.filename, f.content_type, f.read().decode()]
            for name, f in req.files.items()
        }
        | {"form": req.form}
    )


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (("a.csv", b"x,y\n"), ["a.csv", "text/csv", "x,y\n"]),
        (("a.txt", b"hi", "text/plain"), ["a.txt", "text/plain", "hi"]),
        (("a.bin", io.BytesIO(b"\x01")), ["a.bin", "application/octet-stream", "\x01"]),
    ],
    ids=["name-and-bytes", "with-content-type", "name-and-file"],
)
def test_files_are_uploaded_as_multipart(upload: Any, expected: list[str]) -> None:
    r = Client(api_handler(uploads)).post("/", files={"f": upload})
    assert r.json == {"f": expected, "form": {}}


def test_an_open_file_is_uploaded_under_its_own_name(tmp_path: Path) -> None:
    (tmp_path / "report.txt").write_bytes(b"report")
    with (tmp_path / "report.txt").open("rb") as file:
        r = Client(api_handler(uploads)).post("/", files={"f": file})
    assert r.json["f"] == ["report.txt", "text/plain", "report"]


def test_files_go_with_the_form_fields_of_data() -> None:
    r = Client(api_handler(uploads)).post(
        "/", data={"title": "T"}, files={"f": ("a.txt", b"a")}
    )
    assert r.json["form"] == {"title": "T"}


@pytest.mark.parametrize(
    ("files", "data", "message"),
    [
        ({"f": b"bare"}, None, r"files\['f'\] must be \(filename, content\)"),
        ({"f": ("a.txt", b"a")}, b"raw", "with files=, data must be a mapping"),
    ],
    ids=["bare-bytes", "raw-data"],
)
def test_bad_uploads_are_a_type_error(files: Any, data: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        Client(echo).post("/", files=files, data=data)


def test_environ_keys_are_set() -> None:
    app = api_handler(lambda req, res: res.send(req.remote_addr))
    r = Client(app).get("/", environ={"REMOTE_ADDR": "203.0.113.9"})
    assert r.text == "203.0.113.9"


def test_redirects_are_followed_when_asked(tmp_path: Path) -> None:
    client = Client(tree(tmp_path))
    assert client.get("/api/users/7/").status == 308
    r = client.get("/api/users/7/", follow_redirects=True)
    assert (r.status, r.json) == (200, {"id": "7"})


def test_a_base_url_sets_the_scheme_and_host() -> None:
    app = api_handler(lambda req, res: res.send(req.url))
    r = Client(app, base_url="https://example.com").get("/a?b=1")
    assert r.text == "https://example.com/a?b=1"


# -- cookies ------------------------------------------------------------------


@api_handler
def session(req: Any, res: Any) -> None:
    if req.method == "POST":
        res.cookie("session", "s 1").json({})
    elif req.method == "DELETE":
        res.clear_cookie("session").json({})
    else:
        res.json(dict(req.cookies))


def test_a_cookie_set_by_an_answer_is_sent_back() -> None:
    client = Client(session)
    client.post("/")
    assert client.cookies == {"session": "s 1"}
    assert client.get("/").json == {"session": "s 1"}


def test_a_cleared_cookie_leaves_the_jar() -> None:
    client = Client(session)
    client.post("/")
    client.delete("/")
    assert (client.cookies, client.get("/").json) == ({}, {})


def test_request_cookies_win_over_the_jar_and_are_not_kept() -> None:
    client = Client(session)
    client.post("/")
    assert client.get("/", cookies={"session": "mine", "b": "2"}).json == {
        "session": "mine",
        "b": "2",
    }
    assert client.get("/").json == {"session": "s 1"}


def test_a_cookie_header_is_sent_with_the_jar() -> None:
    client = Client(session)
    client.set_cookie("jar", "1")
    r = client.get("/", headers={"Cookie": "own=2"})
    assert r.json == {"own": "2", "jar": "1"}


def test_client_cookies_start_the_jar() -> None:
    client = Client(session, cookies={"session": "given"})
    assert client.get("/").json == {"session": "given"}


def test_set_cookie_and_delete_cookie_edit_the_jar() -> None:
    client = Client(session)
    client.set_cookie("token", "abc")
    assert client.get("/").json == {"token": "abc"}
    client.delete_cookie("token")
    assert client.get("/").json == {}


def test_set_cookie_keeps_its_path_and_domain() -> None:
    client = Client(session)
    client.set_cookie("admin", "1", path="/admin")
    client.set_cookie("elsewhere", "2", domain="other.example")
    assert client.get("/admin/users").json == {"admin": "1"}
    assert client.get("/").json == {}


def test_delete_cookie_takes_out_only_the_cookie_of_its_path_and_domain() -> None:
    client = Client(session)
    client.set_cookie("token", "root")
    client.set_cookie("token", "admin", path="/admin")
    client.set_cookie("token", "other", domain="other.example")
    client.delete_cookie("token", path="/admin")
    assert client.get("/admin/").json == {"token": "root"}
    client.delete_cookie("token", domain="other.example")
    client.delete_cookie("token")
    assert client.get("/admin/").json == {}
    client.set_cookie("token", "other", domain="other.example")
    client.delete_cookie("token")
    assert client.cookies == {"token": "other"}


# -- answers ------------------------------------------------------------------


def test_status_headers_and_body() -> None:
    r = Client(raw_app("201 Created", [("X-A", "1"), ("X-A", "2")], b"hi")).get("/")
    assert (r.status, r.status_line, r.headers.getlist("X-A"), r.data, r.text) == (
        201,
        "201 Created",
        ["1", "2"],
        b"hi",
        "hi",
    )


def test_text_uses_the_charset_of_the_content_type() -> None:
    app = raw_app("200 OK", [("Content-Type", "text/plain; charset=latin-1")], b"\xe9")
    assert Client(app).get("/").text == "é"


def test_text_that_does_not_decode_fails() -> None:
    app = raw_app("200 OK", [("Content-Type", "text/plain")], b"\xff")
    with pytest.raises(AssertionError, match="to decode as 'utf-8'"):
        _ = Client(app).get("/").text


@pytest.mark.parametrize(
    ("headers", "content_type"),
    [([("Content-Type", "text/csv")], "text/csv"), ([], None)],
    ids=["given", "absent"],
)
def test_content_type_is_the_header_or_none(
    headers: list[tuple[str, str]], content_type: str | None
) -> None:
    assert Client(raw_app("200 OK", headers, b"")).get("/").content_type == content_type


def test_repr_names_status_and_type() -> None:
    assert repr(Client(echo).get("/")) == "<Result 200 application/json>"
    untyped = Client(raw_app("204 No Content", [], b"")).get("/")
    assert repr(untyped) == "<Result 204 with no Content-Type>"


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/problem+json", "application/vnd.api+json"],
)
def test_json_reads_json_types(content_type: str) -> None:
    app = raw_app("200 OK", [("Content-Type", content_type)], b'{"a":1}')
    assert Client(app).get("/").json == {"a": 1}


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        (
            "text/plain",
            b"hi",
            "expected a JSON answer (application/json or a +json type), not a 200"
            " answer of type 'text/plain' with the body b'hi'",
        ),
        (
            None,
            b"",
            "not a 200 answer with no Content-Type with an empty body",
        ),
        (
            "text/event-stream",
            b"data: 1\n\n",
            "; read events with .events()",
        ),
        (
            "application/x-ndjson",
            b"1\n",
            "; read JSON lines with .lines()",
        ),
    ],
    ids=["text", "no-type", "events", "lines"],
)
def test_json_of_another_type_fails_saying_what_came(
    content_type: str | None, body: bytes, message: str
) -> None:
    headers = [] if content_type is None else [("Content-Type", content_type)]
    headers.append(("Content-Length", str(len(body))))
    r = Client(raw_app("200 OK", headers, body)).get("/")
    with pytest.raises(AssertionError) as info:
        _ = r.json
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b'{"a":NaN}', "NaN is not JSON"),
        (b"[Infinity]", "Infinity is not JSON"),
        (b"-Infinity", "-Infinity is not JSON"),
        (b'{"a":1,"a":2}', "the object has the member 'a' twice"),
        (b'"\xff"', "invalid start byte"),
        (b"{", "Expecting property name"),
        (b"", "Expecting value"),
    ],
    ids=["nan", "infinity", "minus-infinity", "duplicate", "not-utf8", "cut", "empty"],
)
def test_json_is_strict(body: bytes, why: str) -> None:
    app = raw_app("200 OK", [("Content-Type", "application/json")], body)
    with pytest.raises(AssertionError, match="to be strict JSON") as info:
        _ = Client(app).get("/").json
    assert why in str(info.value)


# -- problems -----------------------------------------------------------------


def test_a_problem_is_parsed_with_its_members() -> None:
    @api_handler
    def create(req: Any, res: Any) -> None:
        raise ApiError(422, "Invalid todo", errors=[{"pointer": "#/title"}], code="E1")

    problem = Client(create).post("/").problem
    assert (problem.status, problem.title, problem.detail, problem.type) == (
        422,
        "Unprocessable Content",
        "Invalid todo",
        "about:blank",
    )
    assert problem.errors == [{"pointer": "#/title"}]
    assert problem.extensions == {"errors": [{"pointer": "#/title"}], "code": "E1"}
    assert problem["code"] == "E1"
    assert problem.instance is None


@api_handler
def not_found(req: Any, res: Any) -> None:
    raise ApiError(404)


def test_a_problem_equals_the_dict_of_its_members() -> None:
    r = Client(not_found).get("/")
    assert r.problem == {"type": "about:blank", "title": "Not Found", "status": 404}
    assert repr(r.problem) == (
        "Problem({'type': 'about:blank', 'title': 'Not Found', 'status': 404})"
    )
    assert isinstance(r.problem, Problem)
    assert len(r.problem) == 3


@pytest.mark.parametrize(
    ("app", "message"),
    [
        (
            echo,
            "expected a problem (application/problem+json), not a 200 answer of"
            " type 'application/json' with the body b'{",
        ),
        (
            raw_app("404 Not Found", [("Content-Type", "text/plain")], b"Not Found"),
            "expected a problem (application/problem+json), not a 404 answer of"
            " type 'text/plain' with the body b'Not Found'",
        ),
    ],
    ids=["json", "text"],
)
def test_an_answer_that_is_not_a_problem_fails_naming_status_and_type(
    app: Any, message: str
) -> None:
    with pytest.raises(AssertionError) as info:
        _ = Client(app).get("/").problem
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[1]", "expected the problem to be a JSON object, not the body b'[1]'"),
        (
            b'{"title":"Not Found","status":400}',
            'expected a problem whose "status" member is the answer\'s status, 404',
        ),
        (
            b'{"title":"Not Found","status":"404"}',
            'expected a problem whose "status" member is the answer\'s status, 404',
        ),
        (
            b'{"status":404}',
            'expected a problem with a "title" member that is a string',
        ),
        (
            b'{"status":404,"title":"x","detail":3}',
            'expected a problem whose "detail" member, when present, is a string',
        ),
    ],
    ids=["array", "other-status", "status-as-str", "no-title", "detail-not-str"],
)
def test_a_problem_of_the_wrong_shape_fails(body: bytes, message: str) -> None:
    app = raw_app("404 Not Found", [("Content-Type", "application/problem+json")], body)
    with pytest.raises(AssertionError) as info:
        _ = Client(app).get("/").problem
    assert str(info.value).startswith(message)


def test_a_werkzeug_response_app_works_as_any_wsgi_app() -> None:
    @Request.application  # type: ignore[arg-type]
    def app(request: Request) -> Response:
        return Response("ok", headers={"X-Path": request.path})

    r = Client(app).get("/x")
    assert (r.text, r.headers["X-Path"]) == ("ok", "/x")


def test_a_client_is_a_context_manager() -> None:
    with Client(echo) as client:
        assert repr(client).startswith("<Client <api_handler ")
        assert client.get("/").status == 200

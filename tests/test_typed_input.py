"""Typed query, route parameters and late validation; what decoration refuses."""

from __future__ import annotations

import collections.abc
import dataclasses
import decimal
import io
import logging
import sys
import typing
import uuid
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
import pydantic
import pytest
from werkzeug.routing import Map, Rule

import nextresp._schemas
from nextresp import (
    ApiOptions,
    ApiRequest,
    ApiResponse,
    api_handler,
    api_methods,
    routes,
)
from nextresp._schema_libs import adapter_for
from nextresp._validation import pointer
from nextresp.schemas import InvalidInput, MalformedInput, register_adapter
from nextresp.testing import Client

from . import typed_handlers as handlers
from .support import plain_id
from .validation_models import PydanticAuth, PydanticOrder, PydanticPaging

TYPE = "https://nextresp.readthedocs.io/en/latest/validation.html"
TITLE = "The request's input is not valid"
GOOD = {"items": [{"name": "tea", "qty": 1}]}


@pytest.mark.parametrize(
    "handler",
    [handlers.pydantic_page, handlers.msgspec_page],
    ids=["pydantic", "msgspec"],
)
@pytest.mark.parametrize(
    ("query", "answer"),
    [
        ("", {"page": 1, "tags": []}),
        ("page=3", {"page": 3, "tags": []}),
        ("tags=a&tags=b", {"page": 1, "tags": ["a", "b"]}),
        ("tags=a", {"page": 1, "tags": ["a"]}),
        ("page=2&other=x", {"page": 2, "tags": []}),
    ],
    ids=["none", "converted", "repeated", "single-list", "unknown-ignored"],
)
def test_a_typed_query_converts_strings(
    handler: Any, query: str, answer: dict[str, Any]
) -> None:
    result = Client(handler).get("/", query=query)
    assert (result.status, result.json) == (200, answer)


@pytest.mark.parametrize(
    ("handler", "detail"),
    [
        (
            handlers.pydantic_page,
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        (handlers.msgspec_page, "Expected `int`, got `str`"),
    ],
    ids=["pydantic", "msgspec"],
)
def test_a_query_error_names_the_parameter_not_its_value(
    handler: Any, detail: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = Client(handler).get("/", query="page=hunter2-secret")
    assert result.status == 422
    assert result.json == {
        "type": TYPE,
        "title": TITLE,
        "status": 422,
        "detail": "The query has 1 error",
        "errors": [{"detail": detail, "parameter": "page"}],
    }
    assert "hunter2" not in caplog.text


def test_query_and_body_errors_come_in_one_answer() -> None:
    result = Client(handlers.order_page).post("/", query="page=x", json={"items": 1})
    assert result.status == 422
    assert result.json["detail"] == "The request has 2 errors"
    assert result.json["errors"] == [
        {
            "detail": "Input should be a valid integer, unable to parse string as an"
            " integer",
            "parameter": "page",
        },
        {"detail": "Input should be a valid array", "pointer": "#/items"},
    ]


def test_get_and_head_never_read_the_body() -> None:
    client = Client(handlers.optional_body)
    assert client.get("/", data=b"{", content_type="application/json").json == {
        "body": None
    }
    assert client.head("/", data=b"{", content_type="application/json").status == 200
    assert client.post("/", json=GOOD).json == {"body": 1}


def test_an_empty_body_takes_the_default() -> None:
    assert Client(handlers.optional_body).post("/").json == {"body": None}


def test_body_as_and_query_as_validate_late() -> None:
    client = Client(handlers.late)
    assert client.post("/", query="page=4", json=GOOD).json == {"items": 1, "page": 4}
    result = client.post("/", json={"items": [{"qty": 1}]})
    assert result.status == 422
    assert result.json["errors"] == [
        {"detail": "Field required", "pointer": "#/items/0/name"}
    ]


def test_body_as_answers_with_the_handlers_validation_status() -> None:
    result = Client(handlers.late_400).post("/", json={"items": 1})
    assert result.status == 400
    assert result.json["type"] == TYPE


def test_body_as_refuses_what_is_not_json_as_req_body_does() -> None:
    client = Client(handlers.late)
    assert client.post("/", data=b"{", content_type="application/json").status == 400
    assert client.post("/", data=b"x", content_type="text/plain").status == 415


# Route parameters: converted from their annotation; a value that does not
# convert names nothing, so the answer is 404.
ROUTE_CASES = [
    ("item", "[id].py", "/api/7", 200, {"id": 7, "type": "int"}),
    ("item", "[id].py", "/api/-7", 200, {"id": -7, "type": "int"}),
    ("item", "[id].py", "/api/seven", 404, None),
    ("item", "[id].py", "/api/7.5", 404, None),
    ("item", "[id].py", "/api/%EF%BC%97", 404, None),  # a full-width digit seven
    ("item", "[id].py", "/api/1_000", 404, None),
    ("price", "[amount].py", "/api/2.5", 200, {"amount": 2.5}),
    ("price", "[amount].py", "/api/nan", 404, None),
    ("price", "[amount].py", "/api/1e999", 404, None),
    (
        "by_uuid",
        "[id].py",
        "/api/12345678-1234-5678-1234-567812345678",
        200,
        {"id": "12345678-1234-5678-1234-567812345678"},
    ),
    ("by_uuid", "[id].py", "/api/not-a-uuid", 404, None),
    ("docs", "[...slug].py", "/api/a/b", 200, {"slug": ["a", "b"]}),
]


@pytest.mark.parametrize(
    ("function", "file", "path", "status", "answer"),
    ROUTE_CASES,
    ids=[
        "int",
        "negative-int",
        "not-int",
        "decimal-not-int",
        "unicode-digit",
        "underscores",
        "float",
        "nan-not-float",
        "huge-not-float",
        "uuid",
        "not-uuid",
        "catch-all",
    ],
)
def test_route_parameters_convert_from_their_annotation(
    tmp_path: Path,
    function: str,
    file: str,
    path: str,
    status: int,
    answer: dict[str, Any] | None,
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / file).write_text(
        f"from tests.typed_handlers import {function} as GET\n"
    )
    result = Client(routes(tmp_path / "api")).get(path)
    assert result.status == status
    if answer is not None:
        assert result.json == answer
    else:
        assert result.json == {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
        }


def test_a_werkzeug_converter_value_is_kept() -> None:
    handler = api_handler(handlers.item)
    url_map = Map([Rule("/items/<int:id>", endpoint="item")])

    def app(environ: Any, start_response: Any) -> Any:
        _, values = url_map.bind_to_environ(environ).match()
        return handler(ApiRequest(environ), **values)(environ, start_response)

    assert Client(app).get("/items/7").json == {"id": 7, "type": "int"}


def test_a_handler_without_typed_input_is_called_as_it_is() -> None:
    def plain(req: ApiRequest, res: ApiResponse, id: Any) -> None:
        res.json({"id": id})

    def untyped(req, res, id):  # type: ignore[no-untyped-def]
        res.json({"id": id})

    assert api_handler(plain).func is plain
    assert api_handler(untyped).func is untyped


def test_validation_status_must_be_422_or_400() -> None:
    assert ApiOptions().validation_status == 422
    assert ApiOptions(validation_status=400).validation_status == 400
    with pytest.raises(ValueError, match=r"^api_handler option validation_status must"):
        ApiOptions(validation_status=409)
    with pytest.raises(TypeError, match=r"must be 422 or 400, not '400'$"):
        ApiOptions(validation_status="400")  # type: ignore[arg-type]


# What decoration refuses, with a message naming the function and the fix.
def _get_with_body(req: ApiRequest, res: ApiResponse, body: PydanticOrder) -> None:
    """A GET cannot take a body."""


def _unresolvable(req: ApiRequest, res: ApiResponse, body: NoSuchModel) -> None:  # type: ignore[name-defined]  # noqa: F821
    """The annotation names nothing."""


def _decimal_id(req: ApiRequest, res: ApiResponse, id: complex) -> None:
    """Route parameters convert to a few types only."""


class Opaque:
    """A class no schema library knows."""

    def __init__(self, whatever: object) -> None:
        self.whatever = whatever


def _opaque(req: ApiRequest, res: ApiResponse, body: Opaque) -> None:
    """No adapter for this body."""


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: api_handler(methods=["GET"])(_get_with_body),
            TypeError,
            "_get_with_body() takes a typed body but answers GET: GET and HEAD",
        ),
        (
            lambda: api_handler(_get_with_body),
            TypeError,
            "_get_with_body() takes a typed body but answers any method",
        ),
        (
            lambda: api_methods(GET=_get_with_body),
            TypeError,
            "_get_with_body() takes a typed body but answers GET",
        ),
        (
            lambda: api_handler(methods=["POST"])(_unresolvable),
            TypeError,
            "_unresolvable() parameter body: cannot resolve its annotation"
            " 'NoSuchModel'",
        ),
        (
            lambda: api_handler(_decimal_id),
            TypeError,
            "_decimal_id() route parameter id is annotated <class 'complex'>",
        ),
        (
            lambda: api_handler(methods=["POST"])(_opaque),
            TypeError,
            "_opaque() parameter body: cannot validate",
        ),
    ],
    ids=[
        "get",
        "any-method",
        "api-methods-get",
        "unresolvable",
        "route-type",
        "opaque",
    ],
)
def test_decoration_refuses_what_cannot_be_planned(
    make: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        make()
    assert str(raised.value).startswith(message)


@dataclasses.dataclass
class Note:
    text: str


def test_a_missing_schema_library_is_a_type_error_at_decoration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    adapter_for.cache_clear()

    def post(req: ApiRequest, res: ApiResponse, body: Note) -> None:
        """Needs a library for the dataclass."""

    monkeypatch.setitem(sys.modules, "pydantic", None)
    monkeypatch.setitem(sys.modules, "msgspec", None)
    with pytest.raises(TypeError) as raised:
        api_handler(methods=["POST"])(post)
    assert "pip install 'nextresp[pydantic]' or 'nextresp[msgspec]'" in str(
        raised.value
    )


def test_a_dataclass_goes_to_msgspec_when_pydantic_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    adapter_for.cache_clear()
    monkeypatch.setitem(sys.modules, "pydantic", None)
    assert type(adapter_for(Note)).__name__ == "MsgspecAdapter"
    adapter_for.cache_clear()


# The adapter seam: another library plugs in with a factory.
class Pair:
    def __init__(self, left: int, right: int) -> None:
        self.left, self.right = left, right


class PairAdapter:
    """Reads ``[left, right]`` of ints, as another library's adapter would."""

    strict_json = False

    def decode_json(self, data: bytes, /) -> Pair:
        import json

        try:
            value = json.loads(data)
        except ValueError:
            raise MalformedInput("Invalid JSON") from None
        errors = [
            ((index,), "Expected an integer")
            for index, item in enumerate(value)
            if type(item) is not int
        ]
        if errors or len(value) != 2:
            raise InvalidInput(errors or [((), "Expected two items")])
        return Pair(*value)

    def convert(self, values: Any, /) -> Pair:
        raise InvalidInput([(("left",), "Not in a query")])


register_adapter(lambda model: PairAdapter() if model is Pair else None)


class Triple(Pair):
    """A pair no factory registered at import knows: only a test's own factories."""


def test_a_registered_adapter_validates_its_types() -> None:
    def post(req: ApiRequest, res: ApiResponse, body: Pair) -> None:
        res.json({"sum": body.left + body.right})

    client = Client(api_handler(methods=["POST"])(post))
    assert client.post("/", json=[1, 2]).json == {"sum": 3}
    result = client.post("/", json=["a", "b"])
    assert result.status == 422
    assert result.json["errors"] == [
        {"detail": "Expected an integer", "pointer": "#/0"},
        {"detail": "Expected an integer", "pointer": "#/1"},
    ]
    assert (
        client.post("/", data=b"[1, NaN]", content_type="application/json").status
        == 400
    )


def test_the_last_registered_factory_is_asked_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Swapped(PairAdapter):
        def decode_json(self, data: bytes, /) -> Pair:
            pair = super().decode_json(data)
            return Pair(pair.right, pair.left)

    monkeypatch.setattr(nextresp._schemas, "_factories", [])
    asked: list[str] = []

    def first(model: Any) -> PairAdapter | None:
        asked.append("first")
        return PairAdapter() if model is Triple else None

    def passing(model: Any) -> None:
        asked.append("passing")

    def last(model: Any) -> PairAdapter | None:
        asked.append("last")
        return Swapped() if model is Triple else None

    for factory in (first, last, passing):
        assert register_adapter(factory) is factory

    def post(req: ApiRequest, res: ApiResponse, body: Triple) -> None:
        res.json([body.left, body.right])

    client = Client(api_handler(methods=["POST"])(post))
    assert client.post("/", json=[1, 2]).json == [2, 1]
    assert asked == ["passing", "last"]


def test_register_adapter_refuses_what_is_not_callable() -> None:
    with pytest.raises(TypeError, match=r"^register_adapter expected a function"):
        register_adapter("pairs")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("location", "text"),
    [
        ((), "#"),
        (("items", 0, "qty"), "#/items/0/qty"),
        (("a/b",), "#/a~1b"),
        (("m~n",), "#/m~0n"),
        (("~/",), "#/~0~1"),
        (("with space",), "#/with%20space"),
        (("",), "#/"),
        (("caf\u00e9",), "#/caf%C3%A9"),
        (("snake_case", 12, "_x9"), "#/snake_case/12/_x9"),
        (("a%b", "#", "-1"), "#/a%25b/%23/-1"),
        (("k:v@x?y!$&'()*+,;=",), "#/k:v@x?y!$&'()*+,;="),
    ],
    ids=[
        "root",
        "path",
        "slash",
        "tilde",
        "both",
        "space",
        "empty-key",
        "non-ascii",
        "plain-names",
        "percent-hash-minus",
        "sub-delims-kept",
    ],
)
def test_pointers_escape_as_rfc_6901_says(location: tuple[Any, ...], text: str) -> None:
    assert pointer(location) == text


# Route files: what routes() refuses when the tree loads.
@pytest.mark.parametrize(
    ("file", "source", "message"),
    [
        (
            "[id].py",
            "def GET(req, res):\n    pass\n",
            "api/[id].py: expected GET to take the route parameter 'id', as in"
            " def GET(req, res, id) or def GET(req, res, **params)",
        ),
        (
            "[body].py",
            "def GET(req, res, body):\n    pass\n",
            "api/[body].py: expected a parameter name other than 'body', which the"
            " handler takes as its own argument; rename [body]",
        ),
        (
            "[query].py",
            "def GET(req, res, **params):\n    pass\n",
            "api/[query].py: expected a parameter name other than 'query', which the"
            " handler takes as its own argument; rename [query]",
        ),
    ],
    ids=["missing-parameter", "body", "query"],
)
def test_routes_refuse_a_file_whose_functions_cannot_take_its_parameters(
    tmp_path: Path, file: str, source: str, message: str
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / file).write_text(source)
    with pytest.raises(ValueError, match=r"^api/") as raised:
        routes(tmp_path / "api")
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "source",
    [
        "def GET(req, res, id):\n    res.json({'id': id})\n",
        "def GET(req, res, **params):\n    res.json({'id': params['id']})\n",
        "def GET(req, res, *, id):\n    res.json({'id': id})\n",
    ],
    ids=["named", "keywords", "keyword-only"],
)
def test_routes_take_a_file_whose_functions_take_its_parameters(
    tmp_path: Path, source: str
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "[id].py").write_text(source)
    assert Client(routes(tmp_path / "api")).get("/api/7").json == {"id": "7"}


def test_a_route_file_reports_its_plan_errors_with_its_name(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "orders.py").write_text(
        "from tests.validation_models import PydanticOrder\n"
        "def GET(req, res, body: PydanticOrder):\n    pass\n"
    )
    with pytest.raises(TypeError) as raised:
        routes(tmp_path / "api")
    assert str(raised.value).startswith(
        "api/orders.py: GET() takes a typed body but answers GET"
    )


def test_the_body_read_for_a_model_is_still_req_body() -> None:
    @api_handler(methods=["POST"])
    def both(req: ApiRequest, res: ApiResponse, body: PydanticOrder) -> None:
        res.json({"raw": req.get_data(as_text=True), "body": req.body})

    result = Client(both).post(
        "/", data=b'{"items": []}', content_type="application/json"
    )
    assert result.json == {"raw": '{"items": []}', "body": {"items": []}}


def test_a_body_shorter_than_its_content_length_is_400() -> None:
    @api_handler(methods=["POST"])
    def post(req: ApiRequest, res: ApiResponse, body: PydanticOrder) -> None:
        res.json({})

    result = Client(post).post(
        "/",
        data=b'{"items": []}',
        content_type="application/json",
        environ={"CONTENT_LENGTH": "40"},
    )
    assert result.status == 400
    assert (
        result.json["detail"] == "The request body is shorter than its Content-Length"
    )


def test_schemas_exports_the_adapter_seam() -> None:
    import nextresp.schemas

    assert nextresp.schemas.__all__ == [
        "AdapterFactory",
        "InvalidInput",
        "Location",
        "MalformedInput",
        "SchemaAdapter",
        "register_adapter",
    ]
    for name in ["InvalidInput", "MalformedInput", "SchemaAdapter", "register_adapter"]:
        assert getattr(nextresp.schemas, name).__module__ == "nextresp._schemas"


@pytest.mark.parametrize(
    ("annotation", "value", "converted"),
    [
        (int, 7, 7),
        (int, "007", 7),
        (float, 2, 2.0),
        (float, "-0.5", -0.5),
        (str, "x", "x"),
        (list[str], ["a", "b"], ["a", "b"]),
        (list[str], "a/b", ["a", "b"]),
    ],
    ids=["int-kept", "int", "float-from-int", "float", "str", "segments", "path"],
)
def test_a_converter_takes_a_value_of_its_kind(
    annotation: Any, value: Any, converted: Any
) -> None:
    from nextresp._input_plan import _CONVERTERS

    result = _CONVERTERS[annotation](value)
    assert (result, type(result)) == (converted, type(converted))


@pytest.mark.parametrize(
    ("annotation", "value"),
    [
        (int, 7.0),
        (int, " 7"),
        (int, "+7"),
        (float, "1."),
        (float, ".5"),
        (float, "inf"),
        (str, 7),
        (list[str], [1]),
        (list[str], 7),
    ],
    ids=[
        "int-from-float",
        "int-space",
        "int-plus",
        "float-dot",
        "float-leading-dot",
        "float-inf",
        "str-from-int",
        "segments-of-ints",
        "segments-from-int",
    ],
)
def test_a_converter_refuses_another_kind(annotation: Any, value: Any) -> None:
    from nextresp._input_plan import _CONVERTERS

    with pytest.raises(ValueError):  # noqa: PT011 (the value itself is the message)
        _CONVERTERS[annotation](value)


def test_a_uuid_converter_keeps_a_uuid() -> None:
    from nextresp._input_plan import _CONVERTERS

    value = uuid.UUID(int=7)
    assert _CONVERTERS[uuid.UUID](value) is value


@pytest.mark.parametrize(
    ("hint", "repeats"),
    [
        (list[str], True),
        (tuple[int, ...], True),
        (set[str], True),
        (list[str] | None, True),
        (Annotated[list[str], "meta"], True),
        (str, False),
        (int | None, False),
        (dict[str, str], False),
    ],
    ids=[
        "list",
        "tuple",
        "set",
        "optional-list",
        "annotated",
        "str",
        "optional",
        "dict",
    ],
)
def test_which_query_fields_keep_every_value(hint: Any, repeats: bool) -> None:
    from nextresp._input_plan import _is_sequence

    assert _is_sequence(hint) is repeats


def test_a_type_without_fields_keeps_no_list() -> None:
    from nextresp._input_plan import list_fields

    assert list_fields(int) == frozenset()
    assert list_fields(PydanticPaging) == frozenset({"tags"})


def test_query_as_answers_every_error() -> None:
    @api_handler(methods=["GET"])
    def page(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"page": req.query_as(PydanticPaging).page})

    result = Client(page).get("/", query="page=x")
    assert result.status == 422
    assert result.json["errors"] == [
        {
            "detail": "Input should be a valid integer, unable to parse string as an"
            " integer",
            "parameter": "page",
        }
    ]


def test_a_builtin_takes_no_plan() -> None:
    from nextresp._input_plan import plan_for

    assert plan_for(len, "len", None) is None


def test_a_flask_view_takes_typed_input_from_flasks_own_request() -> None:
    import flask

    def update(req: ApiRequest, res: ApiResponse, id: int, body: PydanticOrder) -> None:
        res.json({"id": id, "items": len(body.items), "raw": len(req.get_data())})

    app = flask.Flask(__name__)
    app.add_url_rule(
        "/orders/<id>",
        view_func=api_handler(methods=["PUT"])(update),
        methods=["PUT"],
    )
    client = Client(app)
    data = b'{"items": [{"name": "tea", "qty": 1}]}'
    result = client.put("/orders/7", data=data, content_type="application/json")
    assert (result.status, result.json) == (
        200,
        {"id": 7, "items": 1, "raw": len(data)},
    )
    assert (
        client.put("/orders/x", data=data, content_type="application/json").status
        == 404
    )
    refused = client.put("/orders/7", json={"items": [{"name": "tea"}]})
    assert refused.status == 422
    assert refused.json["errors"] == [
        {"detail": "Field required", "pointer": "#/items/0/qty"}
    ]


def test_an_async_handler_takes_typed_input() -> None:
    @api_handler(methods=["POST"])
    async def post(req: ApiRequest, res: ApiResponse, body: PydanticOrder) -> None:
        res.json({"items": len(body.items)})

    assert Client(post).post("/", json=GOOD).json == {"items": 1}


def test_a_422_carries_the_cors_headers(tmp_path: Path) -> None:
    from nextresp import Cors

    def post(req: ApiRequest, res: ApiResponse, body: PydanticOrder) -> None:
        res.json({})

    handler = api_handler(methods=["POST"], cors=Cors(["https://app.example.com"]))(
        post
    )
    result = Client(handler).post(
        "/", json={"items": 1}, headers={"Origin": "https://app.example.com"}
    )
    assert result.status == 422
    assert result.headers["Access-Control-Allow-Origin"] == "https://app.example.com"


def test_the_option_reads_as_an_attribute_of_the_handler() -> None:
    assert api_handler(validation_status=400)(handlers.item).validation_status == 400


class Cat(pydantic.BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(pydantic.BaseModel):
    kind: Literal["dog"]
    name: str


class Pets(pydantic.BaseModel):
    either: int | str = 0
    pet: Annotated[Cat | Dog, pydantic.Field(discriminator="kind")] | None = None
    counts: dict[str, int] = {}


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ({"either": []}, ["#/either", "#/either"]),
        ({"pet": {"kind": "cat", "lives": "nine"}}, ["#/pet/lives"]),
        ({"pet": {"kind": "dog"}}, ["#/pet/name"]),
        ({"counts": {"a/b": "x"}}, ["#/counts/a~1b"]),
    ],
    ids=["union", "tagged-union", "missing-in-tagged", "escaped-key"],
)
def test_pointers_leave_union_tags_out(body: Any, pointers: list[str]) -> None:
    def post(req: ApiRequest, res: ApiResponse, body: Pets) -> None:
        res.json({})

    result = Client(api_handler(methods=["POST"])(post)).post("/", json=body)
    assert result.status == 422
    assert [error["pointer"] for error in result.json["errors"]] == pointers


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Length": "13"},
        {"Content-Length": "13", "Transfer-Encoding": "chunked"},
        {"Transfer-Encoding": "chunked"},
    ],
    ids=["declared", "chunked-with-a-length", "chunked"],
)
def test_a_typed_body_is_read_whatever_its_framing(headers: dict[str, str]) -> None:
    environ: dict[str, Any] = {
        "CONTENT_TYPE": "application/json",
        "wsgi.input": io.BytesIO(b'{"items": []}'),
        "wsgi.input_terminated": True,
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_LENGTH" else f"HTTP_{key}"] = value
    result = Client(handlers.order_page).post("/", environ=environ)
    assert (result.status, result.json) == (200, {"items": 0, "page": 1})


# The wrapper made for typed input runs the handler's validation status and names.
@api_handler(methods=["POST"], validation_status=400)
def typed_query_late_body(
    req: ApiRequest, res: ApiResponse, query: PydanticPaging
) -> None:
    order = req.body_as(PydanticOrder)
    res.json({"items": len(order.items), "page": query.page})


def test_body_as_in_a_typed_handler_answers_with_its_validation_status() -> None:
    client = Client(typed_query_late_body)
    ok = client.post("/", query="page=2", json=GOOD)
    assert (ok.status, ok.json) == (200, {"items": 1, "page": 2})
    result = client.post("/", json={"items": 1})
    assert result.status == 400
    assert result.json == {
        "type": TYPE,
        "title": TITLE,
        "status": 400,
        "detail": "The request body has 1 error",
        "errors": [{"detail": "Input should be a valid array", "pointer": "#/items"}],
    }


def _scaled(req: ApiRequest, res: ApiResponse, id: int, *, scale: int) -> None:
    res.json({"id": id * scale})


class Scaler:
    """A callable object with typed input."""

    def __call__(self, req: ApiRequest, res: ApiResponse, id: int) -> None:
        res.json({"id": id, "type": type(id).__name__})


def test_a_typed_partial_is_named_after_its_function() -> None:
    import functools

    handler = api_handler(functools.partial(_scaled, scale=10))
    assert handler.__name__ == "_scaled"
    assert handler.func.__name__ == "_scaled"
    assert handler.__qualname__ == "_scaled"
    assert handler.__module__ == __name__
    assert handler.name == f"{__name__}._scaled"
    url_map = Map([Rule("/items/<id>", endpoint="item")])

    def app(environ: Any, start_response: Any) -> Any:
        _, values = url_map.bind_to_environ(environ).match()
        return handler(ApiRequest(environ), **values)(environ, start_response)

    assert Client(app).get("/items/7").json == {"id": 70}
    assert Client(app).get("/items/x").status == 404


def test_a_typed_callable_object_is_named_after_its_class() -> None:
    handler = api_handler(Scaler())
    assert (handler.__name__, handler.__qualname__) == ("Scaler", "Scaler")
    assert handler.name == f"{__name__}.Scaler"
    url_map = Map([Rule("/items/<id>", endpoint="item")])

    def app(environ: Any, start_response: Any) -> Any:
        _, values = url_map.bind_to_environ(environ).match()
        return handler(ApiRequest(environ), **values)(environ, start_response)

    assert Client(app).get("/items/7").json == {"id": 7, "type": "int"}


def test_a_float_route_parameter_already_converted_is_kept() -> None:
    from nextresp._input_plan import _CONVERTERS

    result = _CONVERTERS[float](2.5)
    assert (result, type(result)) == (2.5, float)


@pytest.mark.parametrize(
    "source",
    [
        "def handler(req, res, **params: str):\n    res.json(params)\n",
        "def handler(req, res, *rest: int):\n    res.json({})\n",
        "def handler(req, res, id: object):\n    res.json({'id': id})\n",
        "def handler(req, res, id: Any):\n    res.json({'id': id})\n",
    ],
    ids=["keywords", "positionals", "object", "any"],
)
def test_an_annotation_that_asks_for_no_conversion_takes_no_plan(
    source: str,
) -> None:
    namespace: dict[str, Any] = {"Any": Any}
    exec(source, namespace)
    handler = api_handler(namespace["handler"])
    assert handler.func is namespace["handler"]


def _item_scaled(
    req: ApiRequest,
    res: ApiResponse,
    id: int,
    scale: decimal.Decimal = decimal.Decimal(2),
) -> None:
    res.json({"id": id, "scaled": str(id * scale)})


def test_a_keyword_of_the_functions_own_is_left_to_its_default() -> None:
    handler = api_handler(_item_scaled)
    url_map = Map([Rule("/items/<id>", endpoint="item")])

    def app(environ: Any, start_response: Any) -> Any:
        _, values = url_map.bind_to_environ(environ).match()
        return handler(ApiRequest(environ), **values)(environ, start_response)

    assert Client(app).get("/items/7").json == {"id": 7, "scaled": "14"}


def test_a_typed_body_refused_for_get_names_every_method_answered() -> None:
    with pytest.raises(TypeError) as raised:
        api_handler(methods=["POST", "GET"])(_get_with_body)
    assert str(raised.value) == (
        "_get_with_body() takes a typed body but answers POST, GET: GET and"
        " HEAD requests carry no body nextresp reads; answer the methods that take"
        " one (methods=['POST']), or give body a default (body: T | None = None)"
    )


@pytest.mark.parametrize(
    "data", [b"NaN", b"Infinity", b"-Infinity", b"[1, NaN]"], ids=plain_id
)
def test_nan_and_infinity_anywhere_in_the_body_are_400_for_a_registered_adapter(
    data: bytes,
) -> None:
    def post(req: ApiRequest, res: ApiResponse, body: Pair) -> None:
        res.json({"sum": body.left + body.right})

    result = Client(api_handler(methods=["POST"])(post)).post(
        "/", data=data, content_type="application/json"
    )
    assert result.status == 400
    assert result.json == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "JSON numbers must be finite: NaN, Infinity and 1e999 are refused",
    }


class StrictPaging(msgspec.Struct, forbid_unknown_fields=True):
    page: int = 1


@api_handler(methods=["GET"])
def strict_page(req: ApiRequest, res: ApiResponse, query: StrictPaging) -> None:
    res.json({"page": query.page})


def test_a_query_error_at_no_parameter_names_none() -> None:
    result = Client(strict_page).get("/", query="page=2&secret-key=1")
    assert result.status == 422
    assert result.json == {
        "type": TYPE,
        "title": TITLE,
        "status": 422,
        "detail": "The query has 1 error",
        "errors": [{"detail": "Object contains an unknown field"}],
    }


# An adapter with neither ``strict_json`` nor ``dump``: the plainest a library needs.
Labels = typing.NewType("Labels", list)  # type: ignore[type-arg]


class LabelsAdapter:
    """Reads a JSON list of strings."""

    def decode_json(self, data: bytes, /) -> Any:
        import json

        value = json.loads(data)
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise InvalidInput([((), "Expected a list of strings")])
        return value

    def convert(self, values: Any, /) -> Any:
        raise InvalidInput([((), "Not in a query")])


register_adapter(lambda model: LabelsAdapter() if model is Labels else None)


def test_an_adapter_without_strict_json_has_nan_refused_before_it_reads() -> None:
    def post(req: ApiRequest, res: ApiResponse, body: Labels) -> None:
        res.json({"labels": body})

    client = Client(api_handler(methods=["POST"])(post))
    assert client.post("/", json=["a"]).json == {"labels": ["a"]}
    result = client.post("/", data=b'["a", NaN]', content_type="application/json")
    assert result.status == 400
    assert result.json["detail"] == (
        "JSON numbers must be finite: NaN, Infinity and 1e999 are refused"
    )


@pytest.mark.parametrize("data", [b"[1e999]", b"[-1E400]", b'{"a": [2.5e999]}'])
def test_an_adapter_without_strict_json_has_1e999_refused_before_it_reads(
    data: bytes,
) -> None:
    def post(req: ApiRequest, res: ApiResponse, body: Labels) -> None:
        res.json({"labels": body})

    client = Client(api_handler(methods=["POST"])(post))
    result = client.post("/", data=data, content_type="application/json")
    assert (result.status, result.json["detail"]) == (
        400,
        "JSON numbers must be finite: NaN, Infinity and 1e999 are refused",
    )
    # A finite number with an exponent goes on to the adapter, which refuses it.
    result = client.post("/", data=b"[1e300]", content_type="application/json")
    assert (result.status, result.problem["errors"]) == (
        422,
        [{"detail": "Expected a list of strings", "pointer": "#"}],
    )


PARTIAL_MODULE = """\
from __future__ import annotations

import functools

import pydantic


class Note(pydantic.BaseModel):
    text: str


def create(req, res, body: Note, *, prefix: str) -> None:
    res.json({"text": prefix + body.text})


handler = functools.partial(create, prefix="> ")
"""


def test_a_partial_resolves_string_annotations_in_its_functions_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "partial_handlers.py").write_text(PARTIAL_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    import partial_handlers

    app = api_handler(methods=["POST"])(partial_handlers.handler)
    result = Client(app).post("/", json={"text": "hi"})
    assert (result.status, result.json) == (200, {"text": "> hi"})


def test_a_value_returned_under_an_adapter_without_dump_is_sent_as_it_is() -> None:
    def read(req: ApiRequest, res: ApiResponse) -> Labels:
        return Labels(["a", "b"])

    result = Client(api_handler(read)).get("/")
    assert (result.status, result.json) == (200, ["a", "b"])
    assert result.headers["Content-Type"] == "application/json"


# Late validation: req.body_as, req.query_as and req.headers_as in a handler made
# inside the test, so that its wrapper is made under the code tested.
def test_a_late_validation_status_reaches_every_late_validator() -> None:
    def late(req: ApiRequest, res: ApiResponse) -> None:
        part = req.args.get("part", "body")
        if part == "query":
            res.json({"page": req.query_as(PydanticPaging).page})
        elif part == "headers":
            res.json({"token": req.headers_as(PydanticAuth).x_token})
        else:
            res.json({"items": len(req.body_as(PydanticOrder).items)})

    handler = api_handler(methods=["POST"], validation_status=400)(late)
    assert (handler.__name__, handler.__qualname__) == (
        "late",
        "test_a_late_validation_status_reaches_every_late_validator.<locals>.late",
    )
    assert handler.func.__name__ == "late"
    client = Client(handler)
    assert client.post("/", json=GOOD).json == {"items": 1}
    query = client.post("/", query="part=query&page=x")
    assert (query.status, query.json["detail"]) == (400, "The query has 1 error")
    headers = client.post("/", query="part=headers")
    assert (headers.status, headers.json["errors"]) == (
        400,
        [{"detail": "Field required", "header": "X-Token"}],
    )
    body = client.post("/", json={"items": 1})
    assert (body.status, body.json["detail"]) == (400, "The request body has 1 error")


def test_body_as_refuses_an_empty_body_as_required() -> None:
    result = Client(handlers.late).post("/")
    assert result.status == 422
    assert result.json == {
        "type": TYPE,
        "title": TITLE,
        "status": 422,
        "detail": "The request body has 1 error",
        "errors": [{"detail": "A request body is required", "pointer": "#"}],
    }


def test_query_as_and_headers_as_keep_every_value_of_a_list_field() -> None:
    @api_handler(methods=["GET"])
    def lists(req: ApiRequest, res: ApiResponse) -> None:
        query = req.query_as(PydanticPaging)
        headers = req.headers_as(PydanticAuth)
        res.json({"tags": query.tags, "languages": headers.accept_language})

    result = Client(lists).get(
        "/",
        query="tags=a&tags=b",
        headers={"X-Token": "t", "Accept-Language": "en, fr"},
    )
    assert (result.status, result.json) == (
        200,
        {"tags": ["a", "b"], "languages": ["en", "fr"]},
    )


class Todo(pydantic.BaseModel):
    id: int
    title: str


def test_a_returned_value_is_sent_from_a_handler_given_req_res_and_params() -> None:
    @api_handler(methods=["POST"])
    def create(req: ApiRequest, res: ApiResponse, id: int) -> Todo:
        res.status(201)
        return Todo(id=id, title=req.method)

    @api_handler(methods=["POST"])
    async def create_async(req: ApiRequest, res: ApiResponse, id: int) -> Todo:
        res.status(201)
        return Todo(id=id, title=req.method)

    url_map = Map([Rule("/todos/<id>", endpoint="todo")])
    for handler in (create, create_async):

        def app(environ: Any, start_response: Any, handler: Any = handler) -> Any:
            _, values = url_map.bind_to_environ(environ).match()
            return handler(ApiRequest(environ), **values)(environ, start_response)

        result = Client(app).post("/todos/7")
        assert (result.status, result.json) == (201, {"id": 7, "title": "POST"})


def test_a_handler_that_answers_through_res_and_returns_none_is_sent_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @api_handler
    def read(req: ApiRequest, res: ApiResponse) -> Todo:
        res.status(202).json({"through": "res"})
        return None  # type: ignore[return-value]

    @api_handler
    async def read_async(req: ApiRequest, res: ApiResponse) -> Todo:
        res.status(202).json({"through": "res"})
        return None  # type: ignore[return-value]

    caplog.set_level(logging.DEBUG, logger="nextresp")
    for handler in (read, read_async):
        result = Client(handler).get("/")
        assert (result.status, result.json) == (202, {"through": "res"})
    assert caplog.records == []


def test_a_partial_that_cannot_be_planned_is_named_by_its_repr() -> None:
    import functools

    refused = functools.partial(_decimal_id)
    with pytest.raises(TypeError) as raised:
        api_handler(refused)
    assert str(raised.value).startswith(
        f"{refused!r}() route parameter id is annotated <class 'complex'>"
    )


def route_app(handler: Any, rule: str) -> Any:
    """Serve ``handler`` at a werkzeug ``rule`` with its converted values."""
    url_map = Map([Rule(rule, endpoint="item")])

    def app(environ: Any, start_response: Any) -> Any:
        _, values = url_map.bind_to_environ(environ).match()
        return handler(ApiRequest(environ), **values)(environ, start_response)

    return app


def test_a_route_parameter_after_an_input_model_is_converted() -> None:
    @api_handler(methods=["GET"])
    def page(req: ApiRequest, res: ApiResponse, query: PydanticPaging, id: int) -> None:
        res.json({"id": id, "tags": query.tags})

    result = Client(route_app(page, "/items/<id>")).get(
        "/items/7", query="tags=a&tags=b"
    )
    assert (result.status, result.json) == (200, {"id": 7, "tags": ["a", "b"]})


def test_a_route_parameter_after_an_unconverted_one_is_converted() -> None:
    @api_handler(methods=["GET"])
    def item(req: ApiRequest, res: ApiResponse, slug: Any, id: int) -> None:
        res.json({"slug": slug, "id": id})

    result = Client(route_app(item, "/items/<slug>/<id>")).get("/items/a/7")
    assert (result.status, result.json) == (200, {"slug": "a", "id": 7})


def test_a_route_parameter_after_a_keyword_of_the_functions_own_is_converted() -> None:
    @api_handler(methods=["GET"])
    def item(
        req: ApiRequest,
        res: ApiResponse,
        scale: decimal.Decimal = decimal.Decimal(2),
        *,
        id: int,
    ) -> None:
        res.json({"scaled": str(id * scale)})

    result = Client(route_app(item, "/items/<id>")).get("/items/7")
    assert (result.status, result.json) == (200, {"scaled": "14"})


def test_a_route_parameter_of_another_type_is_refused_with_the_types_it_takes() -> None:
    with pytest.raises(TypeError) as raised:
        api_handler(_decimal_id)
    assert str(raised.value) == (
        "_decimal_id() route parameter id is annotated <class 'complex'>; a route"
        " parameter converts to int, float, uuid.UUID, str or list[str] (a catch-all)"
    )


def test_an_unresolvable_annotation_is_refused_with_the_fix() -> None:
    with pytest.raises(TypeError) as raised:
        api_handler(methods=["POST"])(_unresolvable)
    assert str(raised.value) == (
        "_unresolvable() parameter body: cannot resolve its annotation 'NoSuchModel'"
        " (NameError: name 'NoSuchModel' is not defined); define or import the name"
        " at the module's top level, not under `if TYPE_CHECKING:`"
    )


class BaseResponse:
    """werkzeug's response base class was named so before werkzeug 2.1."""


class OldStyleResponse(BaseResponse):
    pass


def test_a_return_annotation_of_an_old_style_response_sends_no_value() -> None:
    def read(req: ApiRequest, res: ApiResponse) -> OldStyleResponse:
        res.json({"through": "res"})
        return res  # type: ignore[return-value]

    handler = api_handler(read)
    assert handler.func is read
    result = Client(handler).get("/")
    assert (result.status, result.json) == (200, {"through": "res"})


class TodoReader:
    """A callable object whose return annotation names the value it returns."""

    def __call__(self, req: ApiRequest, res: ApiResponse) -> Todo:
        return Todo(id=3, title="object")


def test_a_callable_object_returns_its_value_too() -> None:
    result = Client(api_handler(TodoReader())).get("/")
    assert (result.status, result.json) == (200, {"id": 3, "title": "object"})


def test_a_value_returned_under_an_optional_type_is_sent() -> None:
    @api_handler
    def read(req: ApiRequest, res: ApiResponse) -> Todo | None:
        return Todo(id=4, title="optional")

    result = Client(read).get("/")
    assert (result.status, result.json) == (200, {"id": 4, "title": "optional"})


def test_an_optional_response_annotation_sends_no_value() -> None:
    def read(req: ApiRequest, res: ApiResponse) -> ApiResponse | None:
        return res.json({"through": "res"})

    handler = api_handler(read)
    assert handler.func is read
    result = Client(handler).get("/")
    assert (result.status, result.json) == (200, {"through": "res"})


async def _answer(req: ApiRequest, res: ApiResponse) -> None:
    res.json({"awaited": True})


def test_a_handler_returning_an_awaitable_sends_no_value_of_its_own() -> None:
    def read(req: ApiRequest, res: ApiResponse) -> collections.abc.Awaitable[None]:
        return _answer(req, res)

    handler = api_handler(read)
    assert handler.func is read
    result = Client(handler).get("/")
    assert (result.status, result.json) == (200, {"awaited": True})


# An adapter whose parser refuses NaN and Infinity itself, with its own words.
Strictly = typing.NewType("Strictly", list)  # type: ignore[type-arg]


class StrictlyAdapter:
    strict_json = True

    def decode_json(self, data: bytes, /) -> Any:
        from nextresp._json_read import standard_loads

        try:
            return standard_loads(data)
        except ValueError:
            raise MalformedInput("Not JSON by RFC 8259") from None

    def convert(self, values: Any, /) -> Any:
        raise InvalidInput([((), "Not in a query")])


register_adapter(lambda model: StrictlyAdapter() if model is Strictly else None)


@pytest.mark.parametrize("data", [b"[NaN]", b"[Infinity]"], ids=["nan", "infinity"])
def test_an_adapter_with_strict_json_answers_nan_in_its_own_words(data: bytes) -> None:
    def post(req: ApiRequest, res: ApiResponse, body: Strictly) -> None:
        res.json(body)

    result = Client(api_handler(methods=["POST"])(post)).post(
        "/", data=data, content_type="application/json"
    )
    assert (result.status, result.json["detail"]) == (400, "Not JSON by RFC 8259")


def _counts(req: ApiRequest, res: ApiResponse, *, scale: int) -> dict[str, int]:
    return {"n": scale}


def test_a_partial_returns_a_value_of_a_builtin_type_too() -> None:
    import functools

    result = Client(api_handler(functools.partial(_counts, scale=3))).get("/")
    assert (result.status, result.json) == (200, {"n": 3})

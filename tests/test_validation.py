"""Typed bodies: every adapter, in every place, validated from bytes into answers.

One fixture serves the same order model through ``api_handler``, ``api_methods``
and a route file, for pydantic, msgspec, a dataclass and a TypedDict; every test
asserts the exact answer under all twelve.
"""

from __future__ import annotations

import decimal
import enum
import io
import logging
from pathlib import Path
from typing import Any

import msgspec
import pydantic
import pytest
from typing_extensions import TypedDict

from nextresp import ApiRequest, ApiResponse, Cors, api_handler, api_methods, routes
from nextresp._finite_numbers import NOT_FINITE
from nextresp._schema_libs import _nests_freely, adapter_for
from nextresp.schemas import InvalidInput, MalformedInput
from nextresp.testing import Client

from .validation_models import ORDERS, summary

VALIDATION_TYPE = "https://nextresp.readthedocs.io/en/latest/validation.html"
TITLE = "The request's input is not valid"
GOOD = {"items": [{"name": "tea", "qty": 1}, {"name": "cake", "qty": 2}]}
SECRET = "hunter2-secret"
BAD = {"items": [{"name": "tea", "qty": SECRET}, {"qty": 2}]}
INT_ERROR = "Input should be a valid integer, unable to parse string as an integer"
# pydantic reports every error; msgspec stops at the first.
BAD_ERRORS = {
    "pydantic": [
        {"detail": INT_ERROR, "pointer": "#/items/0/qty"},
        {"detail": "Field required", "pointer": "#/items/1/name"},
    ],
    "msgspec": [{"detail": "Expected `int`, got `str`", "pointer": "#/items/0/qty"}],
}
ROUTE_FILE = """\
from __future__ import annotations

from tests.validation_models import {model}, summary


def POST(req, res, body: {model}):
    res.json(summary(body))


def PATCH(req, res, body: {model}):
    res.json(summary(body))
"""
ADAPTERS = list(ORDERS)
PLACES = ["api_handler", "api_methods", "routes"]


def library(adapter: str) -> str:
    """The library that validates ``adapter``'s order (a typing.TypedDict goes to
    msgspec where pydantic cannot take it, before Python 3.12)."""
    chosen = type(adapter_for(ORDERS[adapter])).__name__
    return "msgspec" if chosen == "MsgspecAdapter" else "pydantic"


def app_for(adapter: str, place: str, tmp_path: Path, **options: Any) -> Any:
    """Serve the order of ``adapter`` from ``place``, at ``/``; ``options`` as given."""
    model = ORDERS[adapter]

    def post(req: ApiRequest, res: ApiResponse, body: Any) -> None:
        res.json(summary(body))

    post.__annotations__["body"] = model
    if place == "api_handler":
        return api_handler(methods=["POST", "PATCH"], **options)(post)
    if place == "api_methods":
        return api_methods(POST=post, PATCH=post, **options)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "index.py").write_text(ROUTE_FILE.format(model=model.__name__))
    return routes(tmp_path / "api", prefix="/", **options)


@pytest.fixture(params=[(a, p) for a in ADAPTERS for p in PLACES], ids="-".join)
def served(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Client]:
    adapter, place = request.param
    return adapter, Client(app_for(adapter, place, tmp_path))


def problem(status: int, detail: str, errors: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "type": VALIDATION_TYPE,
        "title": TITLE,
        "status": status,
        "detail": detail,
        "errors": errors,
    }


def plain(status: int, detail: str) -> dict[str, Any]:
    title = {
        400: "Bad Request",
        413: "Content Too Large",
        415: "Unsupported Media Type",
    }
    return {
        "type": "about:blank",
        "title": title[status],
        "status": status,
        "detail": detail,
    }


def test_a_valid_body_reaches_the_function_as_its_model(
    served: tuple[str, Client],
) -> None:
    adapter, client = served
    result = client.post("/", json=GOOD)
    assert result.status == 200
    assert result.json == {
        "items": 2,
        "qty": 3,
        "type": "dict" if adapter == "typeddict" else ORDERS[adapter].__name__,
    }


def test_schema_errors_are_one_422_problem_with_pointers(
    served: tuple[str, Client],
) -> None:
    adapter, client = served
    result = client.post("/", json=BAD)
    errors = BAD_ERRORS[library(adapter)]
    count = len(errors)
    assert result.status == 422
    assert result.headers["Content-Type"] == "application/problem+json"
    assert result.json == problem(
        422, f"The request body has {count} error{'s' if count > 1 else ''}", errors
    )


def test_a_missing_field_points_at_the_field(served: tuple[str, Client]) -> None:
    adapter, client = served
    result = client.post("/", json={"items": [{"qty": 1}]})
    detail = {
        "pydantic": "Field required",
        "msgspec": "Object missing required field `name`",
    }[library(adapter)]
    assert result.status == 422
    assert result.json == problem(
        422,
        "The request body has 1 error",
        [{"detail": detail, "pointer": "#/items/0/name"}],
    )


def test_a_secret_in_a_wrong_typed_field_is_never_echoed(
    served: tuple[str, Client], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = client_post_bad(served[1])
    assert result.status == 422
    assert SECRET not in result.text
    assert SECRET not in caplog.text
    assert SECRET not in str(result.headers)


def client_post_bad(client: Client) -> Any:
    return client.post(
        "/", json={"items": [{"name": "x", "qty": {"password": SECRET}}]}
    )


def test_plain_text_is_the_detail_for_clients_that_want_text(
    served: tuple[str, Client],
) -> None:
    adapter, client = served
    result = client.post("/", json=BAD, headers={"Accept": "text/plain"})
    count = len(BAD_ERRORS[library(adapter)])
    assert result.status == 422
    assert result.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert (
        result.text == f"The request body has {count} error{'s' if count > 1 else ''}"
    )


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b'{"items": [], "meta": NaN}', "finite"),
        (b'{"items": [], "meta": Infinity}', "finite"),
        (b'{"items": [], "meta": -Infinity}', "finite"),
        (b'{"items": [{"name": "x", "qty": NaN}]}', "finite"),
        (b'{"items": [{"name": "x", "qty": 1e999}]}', "finite"),
        (b'{"items": [{"name": "x", "qty": -1e999}]}', "finite"),
        (b'{"items": [], "meta": 1e999}', "finite"),
        (b'{"items": [], "meta": [1E400]}', "finite"),
        (b'{"items": [], "meta": {"a": -1e999}}', "finite"),
        (b'{"items": [], "note": 1e999}', "finite"),
        (b'{"items": [', "Invalid JSON"),
        (b'{"items": []} trailing', "Invalid JSON"),
        (b'{"items": [], "note": "\xff"}', "Invalid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "deep"),
        (b'{"items": [], "meta": ' + b"[" * 5000 + b"]" * 5000 + b"}", "deep"),
    ],
    ids=[
        "nan",
        "infinity",
        "minus-infinity",
        "nan-in-int",
        "1e999-in-int",
        "minus-1e999",
        "1e999-in-any",
        "1E400-in-a-list-in-any",
        "minus-1e999-in-an-object-in-any",
        "1e999-for-a-string",
        "truncated",
        "trailing",
        "invalid-utf-8",
        "deep-array",
        "deep-in-any",
    ],
)
def test_bytes_that_are_not_json_are_400(
    served: tuple[str, Client], data: bytes, detail: str
) -> None:
    _, client = served
    result = client.post("/", data=data, content_type="application/json")
    expected = {
        "finite": "JSON numbers must be finite: NaN, Infinity and 1e999 are refused",
        "Invalid JSON": "Invalid JSON",
        "deep": "JSON nested too deeply",
    }[detail]
    assert (result.status, result.json) == (400, plain(400, expected))


def nested_in_meta(levels: int) -> bytes:
    """An order whose ``meta`` (typed Any) nests ``levels`` lists: the body's own
    depth is one more, its outer object."""
    return b'{"items": [], "meta": ' + b"[" * levels + b"]" * levels + b"}"


def test_nesting_past_512_levels_is_400_on_every_python_and_library(
    served: tuple[str, Client],
) -> None:
    _, client = served
    result = client.post("/", data=nested_in_meta(512), content_type="application/json")
    assert (result.status, result.json) == (400, plain(400, "JSON nested too deeply"))


def test_msgspec_takes_nesting_up_to_512_levels() -> None:
    adapter = adapter_for(ORDERS["msgspec"])
    order = adapter.decode_json(nested_in_meta(511))
    assert order.items == []
    assert nested_in_meta(511).count(b"[") == 512  # the items' list, and meta's


@pytest.mark.parametrize("wrong", [b'"not a list"', b"[1]"], ids=["items", "item"])
def test_msgspec_answers_too_deep_before_a_type_error(wrong: bytes) -> None:
    from nextresp.schemas import MalformedInput

    data = nested_in_meta(512).replace(b"[]", wrong, 1)
    with pytest.raises(MalformedInput, match=r"^JSON nested too deeply$"):
        adapter_for(ORDERS["msgspec"]).decode_json(data)


def test_nan_inside_a_string_is_text_not_a_number(served: tuple[str, Client]) -> None:
    _, client = served
    body = {"items": [{"name": "NaN Infinity 1e999", "qty": 1}]}
    result = client.post("/", json=body)
    assert result.status == 200
    assert result.json["qty"] == 1


def test_duplicate_keys_keep_the_last_as_json_loads_does(
    served: tuple[str, Client],
) -> None:
    _, client = served
    data = b'{"items": [{"name": "x", "qty": 1, "qty": 5}]}'
    result = client.post("/", data=data, content_type="application/json")
    assert result.status == 200
    assert result.json["qty"] == 5


def test_a_body_of_another_type_is_415_with_accept_post(
    served: tuple[str, Client],
) -> None:
    _, client = served
    result = client.post(
        "/", data="items=1", content_type="application/x-www-form-urlencoded"
    )
    assert result.status == 415
    assert result.headers["Accept-Post"] == "application/json"
    assert result.json == plain(415, "The request body must be JSON (application/json)")


def test_a_patch_of_another_type_is_415_with_accept_patch(
    served: tuple[str, Client],
) -> None:
    _, client = served
    result = client.patch("/", data="x", content_type="text/plain")
    assert result.status == 415
    assert result.headers["Accept-Patch"] == "application/json"
    assert "Accept-Post" not in result.headers


@pytest.mark.parametrize(
    "content_type", ["application/merge-patch+json", "application/json; charset=utf-8"]
)
def test_every_json_type_is_read(served: tuple[str, Client], content_type: str) -> None:
    _, client = served
    import json

    result = client.post("/", data=json.dumps(GOOD), content_type=content_type)
    assert result.status == 200


def test_a_body_over_the_limit_is_413(served: tuple[str, Client]) -> None:
    _, client = served
    data = b'{"items": [], "note": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    result = client.post("/", data=data, content_type="application/json")
    assert result.status == 413
    assert result.json == plain(413, "Request body exceeds the limit of 1048576 bytes")


@pytest.mark.parametrize("content_type", [None, "application/json"])
def test_a_missing_body_is_422_required(
    served: tuple[str, Client], content_type: str | None
) -> None:
    _, client = served
    options: dict[str, Any] = (
        {} if content_type is None else {"content_type": content_type}
    )
    result = client.post("/", **options)
    assert result.status == 422
    assert result.json == problem(
        422,
        "The request body has 1 error",
        [{"detail": "A request body is required", "pointer": "#"}],
    )


# Order of checks: each pair, the first status wins.
@pytest.mark.parametrize(
    ("method", "data", "content_type", "status"),
    [
        ("PUT", b"<x/>", "text/xml", 405),
        ("PUT", b"{", "application/json", 405),
        ("PUT", b'{"items": 1}', "application/json", 405),
        ("POST", b"x" * (2 * 1024 * 1024), "text/plain", 415),
        ("POST", b"{" * (2 * 1024 * 1024), "application/json", 413),
        ("POST", b"{", "application/json", 400),
        ("POST", b'{"items": [{"qty": "x"}], "meta": NaN}', "application/json", 400),
        ("POST", b'{"items": 1}', "application/json", 422),
    ],
    ids=[
        "405-before-415",
        "405-before-400",
        "405-before-422",
        "415-before-413",
        "413-before-400",
        "400",
        "400-before-422",
        "422",
    ],
)
def test_the_first_failed_check_answers(
    served: tuple[str, Client], method: str, data: bytes, content_type: str, status: int
) -> None:
    _, client = served
    result = client.request(method, "/", data=data, content_type=content_type)
    assert result.status == status


@pytest.mark.parametrize("place", PLACES)
def test_a_preflight_is_answered_before_any_validation(
    place: str, tmp_path: Path
) -> None:
    cors = Cors(["https://app.example.com"])
    client = Client(app_for("pydantic", place, tmp_path, cors=cors))
    result = client.options(
        "/",
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "POST",
            "Content-Type": "text/plain",
        },
        data=b"{",
    )
    assert result.status == 204
    assert result.headers["Access-Control-Allow-Origin"] == "https://app.example.com"


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("adapter", ["pydantic", "msgspec"])
def test_validation_status_400_is_an_option_of_every_entry_point(
    place: str, adapter: str, tmp_path: Path
) -> None:
    client = Client(app_for(adapter, place, tmp_path, validation_status=400))
    result = client.post("/", json=BAD)
    errors = BAD_ERRORS[library(adapter)]
    count = len(errors)
    assert result.status == 400
    assert result.json == problem(
        400, f"The request body has {count} error{'s' if count > 1 else ''}", errors
    )


class Enveloped(ApiResponse):
    """Every error in the team's envelope."""

    def error_body(self, problem: dict[str, Any]) -> tuple[bytes, str]:
        import json

        envelope = {
            "error": {"code": problem["status"], "errors": problem.get("errors")}
        }
        return json.dumps(envelope).encode(), "application/json"


def test_error_body_renders_validation_problems_too(tmp_path: Path) -> None:
    client = Client(
        app_for("pydantic", "api_handler", tmp_path, response_class=Enveloped)
    )
    result = client.post("/", json=BAD)
    assert result.status == 422
    assert result.json == {"error": {"code": 422, "errors": BAD_ERRORS["pydantic"]}}


class Floats(pydantic.BaseModel):
    number: float = 0.0
    numbers: list[float] = []
    either: float | str = 0.0
    amount: decimal.Decimal = decimal.Decimal(0)
    anything: Any = None
    mapping: dict[str, Any] = {}
    bare: dict = {}  # type: ignore[type-arg]


class Extras(pydantic.BaseModel, extra="allow"):
    name: str = ""


@pytest.mark.parametrize("model", [Floats, Extras])
@pytest.mark.parametrize(
    "member",
    [
        '"number": 1e999',
        '"number": -1E400',
        '"numbers": [1.5, 1e999]',
        '"either": 1e999',
        '"amount": 1e999',
        '"anything": 1e999',
        '"anything": {"deep": [[-1e999]]}',
        '"mapping": {"a": 1e999}',
        '"bare": {"a": 1e999}',
        '"other": 1e999',
        '"other": [1e999]',
        '"number": NaN',
        '"anything": -Infinity',
        '"other": NaN',
    ],
)
def test_pydantic_refuses_numbers_past_a_float_in_every_kind_of_field(
    model: type[pydantic.BaseModel], member: str
) -> None:
    def post(req: ApiRequest, res: ApiResponse, body: Any) -> None:
        res.json({"type": type(body).__name__})

    post.__annotations__["body"] = model
    handler = api_handler(methods=["POST"])(post)
    data = b"{" + member.encode() + b"}"
    result = Client(handler).post("/", data=data, content_type="application/json")
    if model is Floats and member in ('"other": 1e999', '"other": [1e999]'):
        # A key the model ignores is never read: pydantic skips its value. NaN,
        # which is not JSON at all, is refused wherever it is.
        assert (result.status, result.json) == (200, {"type": "Floats"})
        return
    assert result.status == 400
    assert result.json == plain(400, NOT_FINITE)


@pytest.mark.parametrize("model", [Floats, Extras])
def test_finite_numbers_still_pass_and_the_model_is_left_as_it_was(
    model: type[pydantic.BaseModel],
) -> None:
    def post(req: ApiRequest, res: ApiResponse, body: Any) -> None:
        res.json({"type": type(body).__name__, "dump": body.model_dump(mode="json")})

    post.__annotations__["body"] = model
    data = b'{"anything": {"a": [1e308, -2.5]}, "other": 1e-999}'
    result = Client(api_handler(methods=["POST"])(post)).post(
        "/", data=data, content_type="application/json"
    )
    assert result.status == 200
    assert result.json["type"] == model.__name__
    assert result.json["dump"]["anything" if model is Floats else "other"] == (
        {"a": [1e308, -2.5]} if model is Floats else 0.0
    )
    # The model's own validator is untouched: pydantic still reads 1e999 as inf.
    assert model.__pydantic_complete__ is True
    kept = model.model_validate_json(b'{"anything": 1e999}').model_dump()
    assert kept["anything"] == float("inf")


class Node(msgspec.Struct):
    kids: list[Node] = []


class Fixed(msgspec.Struct):
    rows: list[list[int]]
    names: dict[str, str] = {}


@pytest.mark.parametrize(
    ("model", "free"),
    [
        (Fixed, False),
        (ORDERS["msgspec"], True),  # meta: Any
        (Node, True),
        (list[int], False),
        (list, True),
        (dict[str, int], False),
        (tuple[int, str] | None, False),
        (msgspec.Raw, False),
    ],
    ids=["fixed", "any", "recursive", "list-int", "bare-list", "dict", "tuple", "raw"],
)
def test_msgspec_measures_nesting_only_where_the_type_leaves_room(
    model: Any, free: bool
) -> None:
    assert _nests_freely(msgspec.inspect.type_info(model), ()) is free


def test_a_recursive_msgspec_type_is_still_held_to_512_levels() -> None:
    adapter = adapter_for(Node)
    deep = b'{"kids": [' * 513 + b"]}" * 513
    with pytest.raises(MalformedInput, match=r"^JSON nested too deeply$"):
        adapter.decode_json(deep)
    shallow = b'{"kids": [' * 200 + b"]}" * 200
    assert isinstance(adapter.decode_json(shallow), Node)


class Color(enum.Enum):
    RED = "red"


class Strict(msgspec.Struct, forbid_unknown_fields=True):
    color: Color


class Item(msgspec.Struct):
    name: str
    qty: int


@pytest.mark.parametrize(
    ("model", "data", "errors"),
    [
        (
            dict[str, Item],
            b'{"a": {"name": "x", "qty": "y"}}',
            [((), "Expected `int`, got `str`")],
        ),
        (
            dict[str, Item],
            b'{"a": {"qty": 1}}',
            [((), "Object missing required field `name`")],
        ),
        (
            list[Item],
            b'[{"qty": 1}]',
            [((0, "name"), "Object missing required field `name`")],
        ),
        (Strict, b'{"color": "secret-blue"}', [(("color",), "Invalid enum value")]),
        (
            Strict,
            b'{"color": "red", "secret-key": 1}',
            [((), "Object contains an unknown field")],
        ),
    ],
    ids=["under-a-key", "missing-under-a-key", "missing", "enum", "unknown-field"],
)
def test_msgspec_errors_locate_what_they_can_and_quote_nothing(
    model: Any, data: bytes, errors: list[tuple[Any, str]]
) -> None:
    with pytest.raises(InvalidInput) as raised:
        adapter_for(model).decode_json(data)
    assert raised.value.errors == errors
    assert b"secret" not in repr(raised.value.errors).encode()


def put_order(**options: Any) -> Client:
    def put(req: ApiRequest, res: ApiResponse, body: Any) -> None:
        res.json(summary(body))

    put.__annotations__["body"] = ORDERS["pydantic"]
    return Client(api_handler(methods=["PUT"], **options)(put))


def test_a_put_of_another_type_is_415_without_an_accept_header() -> None:
    result = put_order().put("/", data="x", content_type="text/plain")
    assert result.status == 415
    assert result.json == plain(415, "The request body must be JSON (application/json)")
    for name in ("Accept-Post", "Accept-Patch", "Accept-Put"):
        assert name not in result.headers


def test_an_empty_body_of_another_type_is_a_missing_body() -> None:
    result = put_order().put("/", data=b"", content_type="text/plain")
    assert result.status == 422
    assert result.json == problem(
        422,
        "The request body has 1 error",
        [{"detail": "A request body is required", "pointer": "#"}],
    )


def chunked(data: bytes, content_type: str) -> dict[str, Any]:
    """The environ of a body sent without a length, as a server passes it on."""
    return {
        "CONTENT_TYPE": content_type,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(data),
        "wsgi.input_terminated": True,
    }


def test_a_chunked_body_of_another_type_is_415() -> None:
    result = put_order().put("/", environ=chunked(b"items=1", "text/plain"))
    assert result.status == 415
    assert result.json == plain(415, "The request body must be JSON (application/json)")


# '{"items": []}' is 13 bytes.
@pytest.mark.parametrize(
    ("limit", "status"), [(13, 200), (12, 413)], ids=["at-the-limit", "over"]
)
def test_a_body_of_declared_length_is_read_up_to_the_limit(
    limit: int, status: int
) -> None:
    result = put_order(body_limit=limit).put(
        "/", data=b'{"items": []}', content_type="application/json"
    )
    assert result.status == status
    if status == 200:
        assert result.json == {"items": 0, "qty": 0, "type": "PydanticOrder"}
    else:
        assert result.json == plain(
            413, f"Request body exceeds the limit of {limit} bytes"
        )


@pytest.mark.parametrize(
    ("limit", "status"), [(13, 200), (12, 413)], ids=["at-the-limit", "over"]
)
def test_a_chunked_body_is_read_up_to_the_limit(limit: int, status: int) -> None:
    environ = chunked(b'{"items": []}', "application/json")
    result = put_order(body_limit=limit).put("/", environ=environ)
    assert result.status == status
    if status == 200:
        assert result.json == {"items": 0, "qty": 0, "type": "PydanticOrder"}
    else:
        assert result.json == plain(
            413, f"Request body exceeds the limit of {limit} bytes"
        )


def test_a_chunked_body_is_read_whole_whatever_content_length_says() -> None:
    # RFC 9112, section 6.3: Transfer-Encoding overrides Content-Length.
    environ = chunked(b'{"items": []}', "application/json")
    environ["CONTENT_LENGTH"] = "40"
    result = put_order().put("/", environ=environ)
    assert (result.status, result.json) == (
        200,
        {"items": 0, "qty": 0, "type": "PydanticOrder"},
    )


def test_only_the_declared_length_is_read_from_the_servers_input() -> None:
    environ = {
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": "13",
        "wsgi.input": io.BytesIO(b'{"items": []}{"items": [1]}'),
    }
    result = put_order().put("/", environ=environ)
    assert (result.status, result.json) == (
        200,
        {"items": 0, "qty": 0, "type": "PydanticOrder"},
    )


def test_a_body_the_handler_read_first_is_validated_from_what_it_read() -> None:
    def put(req: ApiRequest, res: ApiResponse) -> None:
        raw = req.get_data()
        order = req.body_as(ORDERS["pydantic"])
        res.json({"raw": len(raw), **summary(order)})

    result = Client(api_handler(methods=["PUT"])(put)).put(
        "/", data=b'{"items": []}', content_type="application/json"
    )
    assert (result.status, result.json) == (
        200,
        {"raw": 13, "items": 0, "qty": 0, "type": "PydanticOrder"},
    )


def test_body_as_beside_a_typed_body_validates_the_same_bytes_again() -> None:
    def put(req: ApiRequest, res: ApiResponse, body: Any) -> None:
        again = req.body_as(ORDERS["msgspec"])
        res.json({"typed": summary(body), "again": summary(again)})

    put.__annotations__["body"] = ORDERS["pydantic"]
    result = Client(api_handler(methods=["PUT"])(put)).put(
        "/",
        data=b'{"items": [{"name": "tea", "qty": 2}]}',
        content_type="application/json",
    )
    assert (result.status, result.json) == (
        200,
        {
            "typed": {"items": 1, "qty": 2, "type": "PydanticOrder"},
            "again": {"items": 1, "qty": 2, "type": "MsgspecOrder"},
        },
    )


@pytest.mark.parametrize(
    "member",
    ['"number": "Infinity"', '"number": "-Infinity"', '"amount": "Infinity"'],
    ids=["float", "minus-float", "decimal"],
)
def test_pydantic_refuses_infinity_spelled_as_a_string_in_a_number_field(
    member: str,
) -> None:
    def post(req: ApiRequest, res: ApiResponse, body: Floats) -> None:
        res.json({"type": type(body).__name__})

    data = b"{" + member.encode() + b"}"
    result = Client(api_handler(methods=["POST"])(post)).post(
        "/", data=data, content_type="application/json"
    )
    assert (result.status, result.json) == (400, plain(400, NOT_FINITE))


class Counts(pydantic.BaseModel, extra="allow"):
    __pydantic_extra__: dict[str, int]
    name: str = ""


def test_typed_extra_fields_keep_their_own_validation() -> None:
    def post(req: ApiRequest, res: ApiResponse, body: Counts) -> None:
        res.json(body.model_dump(mode="json"))

    result = Client(api_handler(methods=["POST"])(post)).post(
        "/", data=b'{"other": "5"}', content_type="application/json"
    )
    assert (result.status, result.json) == (200, {"name": "", "other": 5})


class OpenTypedDict(TypedDict):
    __pydantic_config__ = pydantic.ConfigDict(extra="allow")  # type: ignore[misc]
    name: str


def test_pydantic_refuses_1e999_in_an_extra_key_of_a_typed_dict() -> None:
    def post(req: ApiRequest, res: ApiResponse, body: OpenTypedDict) -> None:
        res.json(dict(body))

    client = Client(api_handler(methods=["POST"])(post))
    ok = client.post(
        "/", data=b'{"name": "x", "other": 1.5}', content_type="application/json"
    )
    assert (ok.status, ok.json) == (200, {"name": "x", "other": 1.5})
    result = client.post(
        "/", data=b'{"name": "x", "other": 1e999}', content_type="application/json"
    )
    assert (result.status, result.json) == (400, plain(400, NOT_FINITE))

"""How adapters refuse a body: msgspec's answers for a type made in the test (its
adapter made there too), pydantic's missing field beside a member it ignores, and an
``InvalidInput`` that keeps its errors in a copy."""

from __future__ import annotations

import pickle
from typing import Any

import msgspec
import pydantic
import pytest

from nextresp import ApiRequest, ApiResponse, api_handler
from nextresp.schemas import InvalidInput
from nextresp.testing import Client


def bad_request(detail: str) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": detail,
    }


def note_client() -> Client:
    class Note(msgspec.Struct):
        qty: int
        meta: Any = None

    def post(req: ApiRequest, res: ApiResponse, body: Note) -> None:
        res.json({"qty": body.qty})

    post.__annotations__["body"] = Note  # a class of this call, not of the module
    return Client(api_handler(methods=["POST"])(post))


@pytest.mark.parametrize(
    ("levels", "status"), [(511, 200), (512, 400)], ids=["512-deep", "513-deep"]
)
def test_a_msgspec_field_typed_any_is_held_to_512_levels(
    levels: int, status: int
) -> None:
    body = b'{"qty": 1, "meta": ' + b"[" * levels + b"]" * levels + b"}"
    result = note_client().post("/", data=body, content_type="application/json")
    expected = {"qty": 1} if status == 200 else bad_request("JSON nested too deeply")
    assert (result.status, result.json) == (status, expected)


def test_msgspec_names_a_number_beyond_a_float_in_a_body_that_is_not_utf_8() -> None:
    # The field's error comes first; the second parse, untyped, meets 1e999 before
    # the byte that is not UTF-8.
    body = b'{"qty": "x", "price": 1e999, "memo": "\xff"}'
    result = note_client().post("/", data=body, content_type="application/json")
    assert (result.status, result.json) == (
        400,
        bad_request("JSON numbers must be finite: NaN, Infinity and 1e999 are refused"),
    )


def test_a_missing_pydantic_field_is_422_beside_an_ignored_number_beyond_a_float() -> (
    None
):
    # The missing field's input is the whole object; the member pydantic ignores
    # is not read, so its 1e999 is no reason to refuse the body as not JSON.
    class Tag(pydantic.BaseModel):
        name: str

    def post(req: ApiRequest, res: ApiResponse, body: Tag) -> None:
        res.json({"name": body.name})

    post.__annotations__["body"] = Tag
    client = Client(api_handler(methods=["POST"])(post))
    result = client.post("/", data=b'{"other": 1e999}', content_type="application/json")
    assert (result.status, result.json) == (
        422,
        {
            "type": "https://nextresp.readthedocs.io/en/latest/validation.html",
            "title": "The request's input is not valid",
            "status": 422,
            "detail": "The request body has 1 error",
            "errors": [{"detail": "Field required", "pointer": "#/name"}],
        },
    )


def test_invalid_input_keeps_its_errors_when_pickled() -> None:
    errors = [(("items", 0, "qty"), "Input should be a valid integer")]
    copied = pickle.loads(pickle.dumps(InvalidInput(errors)))
    assert type(copied) is InvalidInput
    assert copied.errors == errors
    assert copied.args == (errors,)


class Locked(msgspec.Struct):
    """A Struct with a field msgspec cannot validate: a function is no type."""

    lock: len  # type: ignore[valid-type]


def post_locked(req: ApiRequest, res: ApiResponse, body: Locked) -> None: ...


def post_locked_list(req: ApiRequest, res: ApiResponse, body: list[Locked]) -> None: ...


@pytest.mark.parametrize(
    ("handler", "shown"),
    [
        (post_locked, f"<class '{__name__}.Locked'>"),
        (post_locked_list, f"list[{__name__}.Locked]"),
    ],
    ids=["struct", "list-of-struct"],
)
def test_a_struct_msgspec_refuses_is_refused_by_msgspec_alone(
    handler: Any, shown: str
) -> None:
    # The class is msgspec's, so only msgspec is asked: pydantic's refusal of a
    # class it does not know would only add noise to the message.
    with pytest.raises(TypeError) as raised:
        api_handler(methods=["POST"])(handler)
    assert str(raised.value) == (
        f"{handler.__name__}() parameter body: cannot validate {shown} (msgspec: Type"
        " '<built-in function len>' is not supported); annotate with a"
        " model, a dataclass or a TypedDict, or register an adapter with"
        " nextresp.schemas.register_adapter"
    )


class Loose(pydantic.BaseModel):
    """Untyped places where pydantic would keep 1e999 as an infinity."""

    meta: Any = None
    tags: dict[str, Any] = {}


class Open(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow")
    name: str


class Holder(pydantic.BaseModel):
    inner: Open


@pytest.mark.parametrize(
    ("model", "body"),
    [
        (Loose, b'{"meta": 1e999}'),
        (Loose, b'{"tags": {"a": [1, -1e999]}}'),
        (Open, b'{"name": "n", "extra": 1e999}'),
        (Holder, b'{"inner": {"name": "n", "extra": {"x": 1e999}}}'),
    ],
    ids=["any", "dict-of-any", "extra-allowed", "nested-extra-allowed"],
)
def test_1e999_in_an_untyped_place_is_refused_where_the_handler_is_made_in_the_test(
    model: type[pydantic.BaseModel], body: bytes
) -> None:
    # The handler is decorated here, not at import: its checked copy of the
    # model's schema is made while the test runs.
    def post(req: ApiRequest, res: ApiResponse, body: Any) -> None:
        res.json({"ok": True})

    post.__annotations__["body"] = model
    client = Client(api_handler(methods=["POST"])(post))
    r = client.post("/", data=body, content_type="application/json")
    assert (r.status, r.json) == (
        400,
        bad_request("JSON numbers must be finite: NaN, Infinity and 1e999 are refused"),
    )
    assert model.__pydantic_complete__ is True  # the class is left as it was
    fine = client.post(
        "/", data=body.replace(b"1e999", b"1"), content_type="application/json"
    )
    assert (fine.status, fine.json) == (200, {"ok": True})

"""A 422's pointers name the body's own keys and indexes, whichever kind of union
pydantic tagged its locations with; each model is made in its test, so no adapter
made earlier answers for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

import pydantic

from nextresp import ApiRequest, ApiResponse, api_handler
from nextresp.testing import Client

INT = "Input should be a valid integer"
STR = "Input should be a valid string"


def errors_for(model: Any, body: object) -> list[dict[str, Any]]:
    """The errors of the 422 a POST of ``body`` gets from ``req.body_as(model)``."""

    def post(req: ApiRequest, res: ApiResponse) -> None:
        res.json(req.body_as(model).model_dump())

    result = Client(api_handler(methods=["POST"])(post)).post("/", json=body)
    assert result.status == 422
    errors: list[dict[str, Any]] = result.json["errors"]
    return errors


def test_a_plain_unions_member_names_are_left_out() -> None:
    class Either(pydantic.BaseModel):  # its schema holds anyOf only
        either: int | str

    assert errors_for(Either, {"either": []}) == [
        {"detail": INT, "pointer": "#/either"},
        {"detail": STR, "pointer": "#/either"},
    ]


def test_a_tagged_unions_tag_is_left_out() -> None:
    class Cat(pydantic.BaseModel):
        kind: Literal["cat"]
        lives: int

    class Dog(pydantic.BaseModel):
        kind: Literal["dog"]
        name: str

    class Owner(pydantic.BaseModel):  # its schema holds oneOf only
        pet: Annotated[Cat | Dog, pydantic.Field(discriminator="kind")]

    body = {"pet": {"kind": "cat", "lives": "nine"}}
    assert errors_for(Owner, body) == [
        {
            "detail": "Input should be a valid integer, unable to parse string as an"
            " integer",
            "pointer": "#/pet/lives",
        }
    ]


def test_union_members_are_left_out_of_a_model_pydantic_writes_no_schema_of() -> None:
    class Job(pydantic.BaseModel):
        run: Callable[[], int] | None = None
        either: int | str = 0

    assert errors_for(Job, {"either": []}) == [
        {"detail": INT, "pointer": "#/either"},
        {"detail": STR, "pointer": "#/either"},
    ]


def test_an_index_is_kept_before_the_member_names_left_out() -> None:
    class Rows(pydantic.BaseModel):
        rows: list[int | str]

    assert errors_for(Rows, {"rows": [[], 1, []]}) == [
        {"detail": INT, "pointer": "#/rows/0"},
        {"detail": STR, "pointer": "#/rows/0"},
        {"detail": INT, "pointer": "#/rows/2"},
        {"detail": STR, "pointer": "#/rows/2"},
    ]

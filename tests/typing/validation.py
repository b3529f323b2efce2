"""Checked by ``mypy --strict``: typed input is typed where a handler reads it."""

from __future__ import annotations

from typing import assert_type

import msgspec
import pydantic

from nextresp import ApiOptions, ApiRequest, ApiResponse, api_handler, api_methods
from nextresp._handler import ApiHandler
from nextresp.schemas import InvalidInput, Location, SchemaAdapter, register_adapter


class TodoIn(pydantic.BaseModel):
    title: str
    done: bool = False


class Paging(msgspec.Struct):
    page: int = 1


class Auth(pydantic.BaseModel):
    x_token: str


def create(
    req: ApiRequest, res: ApiResponse, body: TodoIn, query: Paging, headers: Auth
) -> None:
    assert_type(headers.x_token, str)
    assert_type(body.title, str)
    assert_type(query.page, int)
    res.status(201).json({"title": body.title})


def late(req: ApiRequest, res: ApiResponse) -> None:
    assert_type(req.body_as(TodoIn), TodoIn)
    assert_type(req.query_as(Paging), Paging)
    assert_type(req.headers_as(Auth), Auth)
    res.end()


assert_type(api_handler(methods=["POST"], validation_status=400)(create), ApiHandler)
assert_type(api_methods(POST=create, validation_status=422), ApiHandler)
assert_type(ApiOptions(validation_status=400).validation_status, int)


class Adapter:
    strict_json = False

    def decode_json(self, data: bytes, /) -> TodoIn:
        raise InvalidInput([(("title",), "Expected a title")])

    def convert(self, values: object, /) -> TodoIn:
        raise InvalidInput([])


def factory(model: object) -> SchemaAdapter | None:
    return Adapter() if model is TodoIn else None


registered: object = register_adapter(factory)
where: Location = ("items", 0, "qty")

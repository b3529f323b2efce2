"""The models of the OpenAPI test tree: one of each schema library nextresp reads."""

from __future__ import annotations

import dataclasses
from typing import TypedDict

import msgspec
import pydantic

from nextresp import ApiError


class TodoIn(pydantic.BaseModel):
    title: str
    done: bool = False


class Todo(pydantic.BaseModel):
    id: int
    title: str
    done: bool
    tags: list[Tag] = []


class Tag(pydantic.BaseModel):
    name: str


Todo.model_rebuild()


class Paging(pydantic.BaseModel):
    page: int = 1
    tags: list[str] = []


class TodoPatch(msgspec.Struct):
    title: str | None = None
    done: bool | None = None


class Search(msgspec.Struct):
    q: str
    limit: int = 10


@dataclasses.dataclass
class Health:
    ok: bool
    version: str


class Page(TypedDict):
    path: str
    words: int


class TodoGone(ApiError):
    """The todo was deleted: 410, with its own problem type."""

    code = 410
    type = "https://example.com/problems/todo-gone"

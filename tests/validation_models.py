"""The same order, as a model of each schema adapter: for the typed-input tests."""

from __future__ import annotations

import dataclasses
from typing import Any, NotRequired, TypedDict

import msgspec
import pydantic


class PydanticItem(pydantic.BaseModel):
    name: str
    qty: int


class PydanticOrder(pydantic.BaseModel):
    items: list[PydanticItem]
    note: str = ""
    meta: Any = None


class MsgspecItem(msgspec.Struct):
    name: str
    qty: int


class MsgspecOrder(msgspec.Struct):
    items: list[MsgspecItem]
    note: str = ""
    meta: Any = None


@dataclasses.dataclass
class DataclassItem:
    name: str
    qty: int


@dataclasses.dataclass
class DataclassOrder:
    items: list[DataclassItem]
    note: str = ""
    meta: Any = None


class TypedDictItem(TypedDict):
    name: str
    qty: int


class TypedDictOrder(TypedDict):
    items: list[TypedDictItem]
    note: NotRequired[str]
    meta: NotRequired[Any]


class PydanticPaging(pydantic.BaseModel):
    page: int = 1
    tags: list[str] = []


class MsgspecPaging(msgspec.Struct):
    page: int = 1
    tags: list[str] = []


class PydanticAuth(pydantic.BaseModel):
    x_token: str
    x_retries: int = 0
    accept_language: list[str] = []


class MsgspecAuth(msgspec.Struct):
    x_token: str
    x_retries: int = 0
    accept_language: list[str] = []


@dataclasses.dataclass
class DataclassAuth:
    x_token: str
    x_retries: int = 0
    accept_language: list[str] = dataclasses.field(default_factory=list)


class TypedDictAuth(TypedDict):
    x_token: str
    x_retries: NotRequired[int]
    accept_language: NotRequired[list[str]]


#: The headers model of each adapter, by the adapter's name.
AUTHS: dict[str, Any] = {
    "pydantic": PydanticAuth,
    "msgspec": MsgspecAuth,
    "dataclass": DataclassAuth,
    "typeddict": TypedDictAuth,
}


def auth_summary(auth: Any) -> dict[str, object]:
    """What the header test handlers answer: the fields read, by name."""
    if isinstance(auth, dict):
        return {
            "token": auth["x_token"],
            "retries": auth.get("x_retries", 0),
            "languages": auth.get("accept_language", []),
        }
    return {
        "token": auth.x_token,
        "retries": auth.x_retries,
        "languages": auth.accept_language,
    }


#: The order model of each adapter, by the adapter's name.
ORDERS: dict[str, Any] = {
    "pydantic": PydanticOrder,
    "msgspec": MsgspecOrder,
    "dataclass": DataclassOrder,
    "typeddict": TypedDictOrder,
}


def summary(order: Any) -> dict[str, object]:
    """What the test handlers answer: the number of items and their total."""
    items = order["items"] if isinstance(order, dict) else order.items
    quantities = [item["qty"] if isinstance(item, dict) else item.qty for item in items]
    return {
        "items": len(quantities),
        "qty": sum(quantities),
        "type": type(order).__name__,
    }

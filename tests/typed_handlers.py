"""Handlers with typed input, written as a module of an app would write them.

String annotations (``from __future__ import annotations``) on purpose: nextresp
resolves them when the handler is decorated.
"""

from __future__ import annotations

import uuid

import msgspec

from nextresp import ApiRequest, ApiResponse, api_handler

from .validation_models import MsgspecPaging, PydanticOrder, PydanticPaging


@api_handler(methods=["GET"])
def pydantic_page(req: ApiRequest, res: ApiResponse, query: PydanticPaging) -> None:
    res.json({"page": query.page, "tags": query.tags})


@api_handler(methods=["GET"])
def msgspec_page(req: ApiRequest, res: ApiResponse, query: MsgspecPaging) -> None:
    res.json({"page": query.page, "tags": query.tags})


@api_handler(methods=["POST"])
def order_page(
    req: ApiRequest, res: ApiResponse, body: PydanticOrder, query: PydanticPaging
) -> None:
    res.json({"items": len(body.items), "page": query.page})


@api_handler(methods=["GET", "POST"])
def optional_body(
    req: ApiRequest, res: ApiResponse, body: PydanticOrder | None = None
) -> None:
    res.json({"body": None if body is None else len(body.items)})


@api_handler(methods=["POST"])
def late(req: ApiRequest, res: ApiResponse) -> None:
    order = req.body_as(PydanticOrder)
    page = req.query_as(MsgspecPaging)
    res.json({"items": len(order.items), "page": page.page})


@api_handler(methods=["POST"], validation_status=400)
def late_400(req: ApiRequest, res: ApiResponse) -> None:
    order = req.body_as(PydanticOrder)
    res.json({"items": len(order.items)})


def item(req: ApiRequest, res: ApiResponse, id: int) -> None:
    res.json({"id": id, "type": type(id).__name__})


def by_uuid(req: ApiRequest, res: ApiResponse, id: uuid.UUID) -> None:
    res.json({"id": str(id)})


def price(req: ApiRequest, res: ApiResponse, amount: float) -> None:
    res.json({"amount": amount})


def docs(req: ApiRequest, res: ApiResponse, slug: list[str]) -> None:
    res.json({"slug": slug})


class Point(msgspec.Struct):
    x: int
    y: int

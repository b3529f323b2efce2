"""Typed handlers served by a real gunicorn in ``test_validation_live``."""

from __future__ import annotations

from nextresp import ApiRequest, ApiResponse, api_methods

from .validation_models import MsgspecOrder, PydanticOrder, summary


def pydantic_post(req: ApiRequest, res: ApiResponse, body: PydanticOrder) -> None:
    res.json(summary(body))


def msgspec_post(req: ApiRequest, res: ApiResponse, body: MsgspecOrder) -> None:
    res.json(summary(body))


pydantic_app = api_methods(POST=pydantic_post, body_limit=200)
msgspec_app = api_methods(POST=msgspec_post, body_limit=200)

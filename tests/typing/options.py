"""Checked by ``mypy --strict``: options typed once, in every entry point."""

from __future__ import annotations

from typing import assert_type

from nextresp import ApiOptions, ApiRequest, ApiResponse, Cors, api_handler, api_methods
from nextresp._handler import ApiHandler


def get(req: ApiRequest, res: ApiResponse) -> None:
    res.json({"ok": True})


shared = ApiOptions(body_limit="2mb", cors=Cors(["https://app.example.com"]))
assert_type(shared.body_limit, int | None)
assert_type(shared.response_class, type[ApiResponse])
assert_type(api_handler(options=shared, etag=False)(get), ApiHandler)
assert_type(api_methods(GET=get, options=shared, problem_details=False), ApiHandler)
assert_type(api_handler(get).body_limit, int | None)

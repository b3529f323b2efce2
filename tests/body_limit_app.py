"""The app ``tests/test_body_limit_live.py`` serves, with the default body limit."""

from __future__ import annotations

from nextresp import ApiRequest, ApiResponse, api_handler


@api_handler
def app(req: ApiRequest, res: ApiResponse) -> None:
    body = req.body
    res.json({"length": 0 if body is None else len(body)})

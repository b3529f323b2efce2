"""A path that is not UTF-8 once percent-decoded: its 400 follows the tree's options
(``Accept``, ``problem_details``, ``response_class``) as every other error does."""

from __future__ import annotations

import json
from typing import Any

from nextresp import ApiResponse, routes

from .support import ROOT, call_wsgi

TREE = ROOT / "tests" / "openapi_tree" / "api"
# A server gives PATH_INFO its bytes as Latin-1 (PEP 3333): %FF arrives as "\xff".
UNDECODABLE = {"PATH_INFO": "/api/todos/\xff"}
DETAIL = b"The request path is not valid UTF-8 once percent-decoded"


class NextjsResponse(ApiResponse):
    """Errors as Next.js's clients read them: ``{"message": ...}``."""

    def error_body(self, problem: dict[str, Any], /) -> tuple[bytes, str]:
        return json.dumps({"message": problem["detail"]}).encode(), "application/json"


def test_the_400_is_plain_text_to_a_client_that_accepts_no_json() -> None:
    r = call_wsgi(
        routes(TREE),
        "GET",
        "/",
        headers={"Accept": "text/plain"},
        environ_overrides=UNDECODABLE,
    )
    assert (r.status_code, r.data) == (400, DETAIL)
    assert sorted(r.headers.items()) == [
        ("Content-Length", str(len(DETAIL))),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Vary", "Accept"),
        ("X-Content-Type-Options", "nosniff"),
    ]


def test_the_400_is_plain_text_when_the_tree_sends_no_problem_details() -> None:
    app = routes(TREE, problem_details=False)
    r = call_wsgi(app, "GET", "/", environ_overrides=UNDECODABLE)
    assert (r.status_code, r.data) == (400, DETAIL)
    assert sorted(r.headers.items()) == [
        ("Content-Length", str(len(DETAIL))),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("X-Content-Type-Options", "nosniff"),
    ]


def test_the_400_is_rendered_by_the_trees_response_class() -> None:
    app = routes(TREE, response_class=NextjsResponse)
    r = call_wsgi(app, "GET", "/", environ_overrides=UNDECODABLE)
    assert (r.status_code, r.headers["Content-Type"], r.data) == (
        400,
        "application/json",
        b'{"message": "The request path is not valid UTF-8 once percent-decoded"}',
    )

"""The document's own route, ``routes(openapi=...)``: its headers exactly, its 405 as
the tree's options shape every other one, and the paths refused for it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nextresp import ApiResponse, routes

from .support import ROOT, call_wsgi

TREE = ROOT / "tests" / "openapi_tree" / "api"
DOCUMENT = "/api/openapi.json"


class NextjsResponse(ApiResponse):
    """Errors as Next.js's clients read them: ``{"message": ...}``."""

    def error_body(self, problem: dict[str, Any], /) -> tuple[bytes, str]:
        return json.dumps({"message": problem["title"]}).encode(), "application/json"


def test_the_document_is_sent_with_its_headers_spelled_as_all_answers_spell_them() -> (
    None
):
    r = call_wsgi(routes(TREE, openapi=DOCUMENT), "GET", DOCUMENT)
    assert r.status_code == 200
    assert sorted(r.headers.items()) == [
        ("Content-Length", str(len(r.data))),
        ("Content-Type", "application/json"),
        ("ETag", r.headers["ETag"]),
    ]


def test_another_method_is_a_405_whose_allow_is_spelled_as_all_answers_spell_it() -> (
    None
):
    r = call_wsgi(routes(TREE, openapi=DOCUMENT), "POST", DOCUMENT)
    assert r.status_code == 405
    assert sorted(r.headers.items()) == [
        ("Allow", "GET, HEAD, OPTIONS"),
        ("Content-Length", "64"),
        ("Content-Type", "application/problem+json"),
        ("Vary", "Accept"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    assert r.data == b'{"type":"about:blank","title":"Method Not Allowed","status":405}'


def test_the_405_is_plain_text_to_a_client_that_accepts_no_json() -> None:
    r = call_wsgi(
        routes(TREE, openapi=DOCUMENT),
        "POST",
        DOCUMENT,
        headers={"Accept": "text/plain"},
    )
    assert (r.status_code, r.headers["Content-Type"], r.data) == (
        405,
        "text/plain; charset=utf-8",
        b"Method Not Allowed",
    )
    assert r.headers["Vary"] == "Accept"


def test_the_405_is_plain_text_when_the_tree_sends_no_problem_details() -> None:
    r = call_wsgi(
        routes(TREE, openapi=DOCUMENT, problem_details=False), "DELETE", DOCUMENT
    )
    assert r.status_code == 405
    assert sorted(r.headers.items()) == [
        ("Allow", "GET, HEAD, OPTIONS"),
        ("Content-Length", "18"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    assert r.data == b"Method Not Allowed"


def test_the_405_is_rendered_by_the_trees_response_class() -> None:
    app = routes(TREE, openapi=DOCUMENT, response_class=NextjsResponse)
    r = call_wsgi(app, "PUT", DOCUMENT)
    assert (r.status_code, r.headers["Content-Type"], r.data) == (
        405,
        "application/json",
        b'{"message": "Method Not Allowed"}',
    )
    assert r.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_a_path_that_is_neither_a_route_nor_the_document_is_a_404_beside_it() -> None:
    r = call_wsgi(routes(TREE, openapi=DOCUMENT), "GET", "/api/nothing")
    assert r.status_code == 404
    assert sorted(r.headers.items()) == [
        ("Content-Length", "55"),
        ("Content-Type", "application/problem+json"),
        ("Vary", "Accept"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    assert r.data == b'{"type":"about:blank","title":"Not Found","status":404}'


@pytest.mark.parametrize(
    "path",
    ["/api/openapi.json/", "/api//openapi.json", "//api/openapi.json"],
    ids=["trailing-slash", "empty-segment", "leading-double-slash"],
)
def test_an_openapi_path_with_an_empty_segment_is_refused(path: str) -> None:
    with pytest.raises(ValueError, match="without empty segments") as raised:
        routes(TREE, openapi=path)
    assert str(raised.value) == (
        "routes option openapi must be a path starting with / and without empty"
        f" segments or a trailing slash, as '/api/openapi.json', not {path!r}"
    )

"""Request body limits: ``body_limit`` and the host's own, and how deep JSON may nest.

The tighter of ``body_limit`` and the host's limit (Flask's ``MAX_CONTENT_LENGTH``)
applies; ``None`` is no limit of ours and 0 admits only an empty body. JSON may nest
512 levels and no more, however many brackets it holds beside.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from nextresp import ApiRequest, ApiResponse, api_handler

from .support import Call, call_wsgi

LIMIT = 1024 * 1024


def length_of_body(req: ApiRequest, res: ApiResponse) -> None:
    body = req.body
    res.json({"length": None if body is None else len(body)})


def test_body_limit_none_reads_bodies_over_the_default_limit(call: Call) -> None:
    handler = api_handler(body_limit=None)(length_of_body)
    data = b"x" * (LIMIT + 1)
    r = call(handler, "POST", "/", data=data, content_type="text/plain")
    assert (r.status_code, json.loads(r.data)) == (200, {"length": LIMIT + 1})


def test_body_limit_zero_admits_only_an_empty_body(call: Call) -> None:
    handler = api_handler(body_limit=0)(length_of_body)
    r = call(handler, "POST", "/")
    assert (r.status_code, json.loads(r.data)) == (200, {"length": None})
    r = call(handler, "POST", "/", data=b"x", content_type="text/plain")
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == "Request body exceeds the limit of 0 bytes"


def flask_app(handler: Any, max_content_length: int | None) -> Any:
    flask = pytest.importorskip("flask")
    app = flask.Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = max_content_length
    app.add_url_rule("/", view_func=handler, methods=["POST"])
    return app


@pytest.mark.parametrize("host_limit", [100, 10, None], ids=["larger", "equal", "none"])
def test_body_limit_tightens_a_larger_host_limit(host_limit: int | None) -> None:
    app = flask_app(api_handler(body_limit=10)(length_of_body), host_limit)
    r = call_wsgi(app, "POST", "/", data=b"0123456789", content_type="text/plain")
    assert (r.status_code, json.loads(r.data)) == (200, {"length": 10})
    r = call_wsgi(app, "POST", "/", data=b"0123456789!", content_type="text/plain")
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == "Request body exceeds the limit of 10 bytes"


def test_a_host_limit_applies_when_body_limit_is_none() -> None:
    app = flask_app(api_handler(body_limit=None)(length_of_body), 5)
    r = call_wsgi(app, "POST", "/", data=b"123456", content_type="text/plain")
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == "Request body exceeds the limit of 5 bytes"


# -- JSON nesting ------------------------------------------------------------------


def nested(depth: int) -> str:
    """JSON nested ``depth`` levels deep, lists and dicts in turn."""
    pairs, odd = divmod(depth, 2)
    return '{"a":[' * pairs + "[" * odd + "1" + "]" * odd + "]}" * pairs


def with_many_brackets(depth: int) -> bytes:
    """``nested(depth)`` beside 600 shallow lists: more brackets than the limit."""
    shallow = ",".join(["[]"] * 600)
    return f"[{nested(depth - 1)},{shallow}]".encode()


@pytest.mark.parametrize("depth", [1, 2, 511, 512])
def test_json_up_to_512_levels_among_many_brackets_is_parsed(
    call: Call, depth: int
) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"items": len(req.body)})

    data = with_many_brackets(depth)
    assert data.count(b"[") + data.count(b"{") > 512
    r = call(handler, "POST", "/", data=data, content_type="application/json")
    assert (r.status_code, json.loads(r.data)) == (200, {"items": 601})


@pytest.mark.parametrize("depth", [513, 514, 600])
def test_json_deeper_than_512_levels_among_many_brackets_is_400(
    call: Call, depth: int
) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"items": len(req.body)})

    data = with_many_brackets(depth)
    r = call(handler, "POST", "/", data=data, content_type="application/json")
    assert r.status_code == 400
    assert json.loads(r.data)["detail"] == "JSON nested deeper than 512 levels"


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"[" + b"[1]," * 600 + b"[1]]", 200),
        (b'{"a":' + b'{"b":' * 511 + b"1" + b"}" * 512, 200),
        (b'{"a":' + b'{"b":' * 512 + b"1" + b"}" * 513, 400),
    ],
    ids=["wide", "dicts-512", "dicts-513"],
)
def test_json_depth_counts_dicts_and_lists_alike(
    call: Call, data: bytes, status: int
) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.send(b"parsed" if req.body is not None else b"none")

    r = call(handler, "POST", "/", data=data, content_type="application/json")
    assert r.status_code == status

"""The ``methods`` guard: HEAD follows GET, and nothing else is implied.

RFC 9110, section 9.3.2: HEAD is GET without the body, so ``methods`` naming GET admits
HEAD; naming no GET, it does not. Names are matched upper-cased and listed once.
Handlers are decorated inside each test so that every run builds its own guard.
"""

from __future__ import annotations

import json

import pytest
from werkzeug.wrappers import Request

from nextresp import ApiResponse, api_handler

from .support import Call


@pytest.mark.parametrize(
    ("methods", "method", "status", "allow"),
    [
        (["GET"], "HEAD", 200, None),
        (["get"], "HEAD", 200, None),
        (["POST"], "HEAD", 405, "POST"),
        (["POST", "PUT"], "HEAD", 405, "POST, PUT"),
        (["POST"], "GET", 405, "POST"),
        (["HEAD"], "HEAD", 200, None),
        (["HEAD"], "GET", 405, "HEAD"),
    ],
    ids=[
        "get-admits-head",
        "lower-case-get-admits-head",
        "post-refuses-head",
        "post-put-refuse-head",
        "post-refuses-get",
        "head-alone",
        "head-alone-refuses-get",
    ],
)
def test_head_is_admitted_only_where_get_or_head_is_listed(
    call: Call, methods: list[str], method: str, status: int, allow: str | None
) -> None:
    reached: list[str] = []

    @api_handler(methods=methods)
    def handler(req: Request, res: ApiResponse) -> None:
        reached.append(req.method)
        res.json({"method": req.method})

    r = call(handler, method)
    assert r.status_code == status
    assert r.headers.get("Allow") == allow
    assert reached == ([method] if status == 200 else [])


def test_method_names_are_upper_cased_and_listed_once(call: Call) -> None:
    @api_handler(methods=["get", "Put", "GET", "put"])
    def handler(req: Request, res: ApiResponse) -> None:
        res.json({"method": req.method})

    r = call(handler, "DELETE")
    assert (r.status_code, r.headers["Allow"]) == (405, "GET, PUT")
    assert json.loads(r.data)["detail"] == "Method DELETE Not Allowed"
    r = call(handler, "OPTIONS")
    assert (r.status_code, r.headers["Allow"], r.data) == (204, "GET, PUT", b"")
    assert call(handler, "PUT").status_code == 200


def test_methods_must_name_at_least_one() -> None:
    with pytest.raises(ValueError, match="at least one") as info:
        api_handler(methods=[])
    assert str(info.value) == (
        "api_handler option methods must name at least one method"
    )

"""Checked by ``mypy --strict``: every helper keeps the caller's response type."""

from __future__ import annotations

from typing import assert_type

from werkzeug.wrappers import Request

from nextresp import ApiError, ApiRequest, ApiResponse, Cors, api_handler
from nextresp._handler import ApiHandler


class MyResponse(ApiResponse):
    def audit(self) -> str:
        return "audited"


def chains(res: MyResponse) -> None:
    assert_type(res.status(201), MyResponse)
    assert_type(res.status(201).set_header("X-A", "1"), MyResponse)
    assert_type(res.set_header("Vary", ["Accept", "Origin"]).json({}), MyResponse)
    assert_type(res.send(b"x"), MyResponse)
    assert_type(res.send(None), MyResponse)
    assert_type(res.redirect("/login"), MyResponse)
    assert_type(res.redirect(308, "/new"), MyResponse)
    assert_type(res.end(), MyResponse)
    assert_type(res.status(200).json({"a": 1}).audit(), str)


def reads(res: ApiResponse) -> None:
    line: str = res.status
    code: int = res.status_code
    del line, code


@api_handler
def bare(req: Request, res: ApiResponse) -> None:
    res.json({"name": "Next.js"})


@api_handler(etag=False, problem_details=False)
def configured(req: Request, res: ApiResponse) -> ApiResponse:
    raise ApiError(404, "no such thing", headers={"X-Reason": "gone"})


assert_type(bare, ApiHandler)
assert_type(configured, ApiHandler)


@api_handler(methods=["GET", "PUT"], body_limit=1024)
async def typed_request(req: ApiRequest, res: ApiResponse, id: int) -> None:
    name = req.query.get("name") or f"User {id}"
    body = req.body  # Any: parsed JSON, which res.json takes back
    res.json({"id": id, "name": name, "body": body})


assert_type(typed_request, ApiHandler)
assert_type(ApiRequest.lazy({}), ApiRequest)
assert_type(ApiResponse.blank(), ApiResponse)
assert_type(MyResponse.blank(), MyResponse)


class NextjsResponse(ApiResponse):
    def error_body(self, problem: dict[str, object], /) -> tuple[bytes, str]:
        return str(problem.get("detail")).encode(), "application/json"


@api_handler(response_class=NextjsResponse)
def validated(req: ApiRequest, res: ApiResponse) -> None:
    raise ApiError(422, "Invalid todo", errors=[{"field": "title"}], type="/probs/x")


assert_type(validated, ApiHandler)
assert_type(ApiError(422).problem, dict[str, object])


def cookies(res: MyResponse) -> None:
    assert_type(res.cookie("session", "s1"), MyResponse)
    assert_type(res.cookie("a", "b", max_age=60, same_site=None).json({}), MyResponse)
    assert_type(res.clear_cookie("session").status(204), MyResponse)


@api_handler(cors=Cors(["https://app.example.com"], credentials=True, max_age=600))
def shared(req: ApiRequest, res: ApiResponse) -> None:
    res.json({})


assert_type(shared, ApiHandler)
assert_type(Cors("*").origins, tuple[str, ...] | None)


@api_handler(body_limit="1mb")
def sized(req: ApiRequest, res: ApiResponse) -> None:
    res.json({"raw": len(req.get_data())})


assert_type(sized, ApiHandler)


class TodoGone(ApiError):
    """A kind of problem: its status, type and title declared once."""

    code = 410
    type = "https://example.com/problems/todo-gone"
    title = "Todo gone"


def gone() -> None:
    raise TodoGone("Deleted yesterday", headers={"Retry-After": "5"})


assert_type(TodoGone().type, str)
assert_type(TodoGone("x").code, int)

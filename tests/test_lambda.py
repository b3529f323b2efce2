"""AWS Lambda: handlers driven through ``apig-wsgi`` by API Gateway's own events.

The events are those API Gateway sends a Lambda function: payload 1.0 (REST APIs, and
HTTP APIs set to 1.0) and payload 2.0 (HTTP APIs), with their exact field names.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

apig_wsgi = pytest.importorskip("apig_wsgi")

from examples.aws_lambda import handler as examples_handler  # noqa: E402
from nextresp import ApiRequest, ApiResponse, api_handler  # noqa: E402

UNAUTHORIZED = (
    b'{"type":"about:blank","title":"Unauthorized","status":401,'
    b'"detail":"Authentication required"}'
)


def event_v1(
    method: str,
    path: str,
    *,
    query: dict[str, list[str]] | None = None,
    headers: dict[str, list[str]] | None = None,
    body: bytes | None = None,
) -> dict[str, Any]:
    """A REST API's proxy event (payload 1.0), multi-value fields included."""
    all_headers = {"Host": ["abc123.execute-api.eu-west-1.amazonaws.com"]}
    all_headers.update(headers or {})
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in all_headers.items()},
        "multiValueHeaders": all_headers,
        "queryStringParameters": (
            {name: values[-1] for name, values in query.items()} if query else None
        ),
        "multiValueQueryStringParameters": query,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/prod{path}",
            "stage": "prod",
            "identity": {"sourceIp": "203.0.113.7"},
        },
        "body": None if body is None else base64.b64encode(body).decode(),
        "isBase64Encoded": body is not None,
    }


def event_v2(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    cookies: list[str] | None = None,
    body: bytes | None = None,
) -> dict[str, Any]:
    """An HTTP API's event (payload 2.0)."""
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {"host": "abc123.execute-api.eu-west-1.amazonaws.com"}
        | (headers or {}),
        "requestContext": {
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "curl/8.5.0",
            },
            "routeKey": "$default",
            "stage": "$default",
        },
        "isBase64Encoded": body is not None,
    }
    if cookies:
        event["cookies"] = cookies
    if body is not None:
        event["body"] = base64.b64encode(body).decode()
    return event


def body_of(answer: dict[str, Any]) -> bytes:
    body: str = answer["body"]
    return base64.b64decode(body) if answer["isBase64Encoded"] else body.encode()


def test_v1_get_json() -> None:
    answer = examples_handler(event_v1("GET", "/api/hello"), None)
    assert answer == {
        "statusCode": 200,
        "multiValueHeaders": {
            "Content-Type": ["application/json"],
            "Content-Length": ["18"],
            "ETag": ['"a7ab844794a910312575b7eb18cfb912de9be17f"'],
        },
        "isBase64Encoded": False,
        "body": '{"name":"Next.js"}',
    }


def test_v2_get_json() -> None:
    answer = examples_handler(event_v2("GET", "/api/hello"), None)
    assert answer == {
        "statusCode": 200,
        "cookies": [],
        "headers": {
            "content-type": "application/json",
            "content-length": "18",
            "etag": '"a7ab844794a910312575b7eb18cfb912de9be17f"',
        },
        "isBase64Encoded": False,
        "body": '{"name":"Next.js"}',
    }


@pytest.mark.parametrize("make_event", [event_v1, event_v2], ids=["v1", "v2"])
def test_the_seeds_401_keeps_its_www_authenticate(make_event: Any) -> None:
    answer = examples_handler(make_event("DELETE", "/api/thing"), None)
    headers = answer.get("headers") or {
        name: values[-1] for name, values in answer["multiValueHeaders"].items()
    }
    assert answer["statusCode"] == 401
    assert {name.lower(): value for name, value in headers.items()} == {
        "www-authenticate": "Basic",
        "content-type": "application/problem+json",
        "content-length": str(len(UNAUTHORIZED)),
        "vary": "Accept",
        "x-content-type-options": "nosniff",
    }
    assert (answer["isBase64Encoded"], body_of(answer)) == (False, UNAUTHORIZED)


@pytest.mark.parametrize("make_event", [event_v1, event_v2], ids=["v1", "v2"])
def test_head_has_the_get_headers_and_no_body(make_event: Any) -> None:
    answer = examples_handler(make_event("HEAD", "/api/hello"), None)
    headers = answer.get("headers") or {
        name: values[-1] for name, values in answer["multiValueHeaders"].items()
    }
    assert answer["statusCode"] == 200
    assert {name.lower(): value for name, value in headers.items()}[
        "content-length"
    ] == "18"
    assert answer["body"] == ""


def test_v1_route_parameters_and_query() -> None:
    answer = examples_handler(
        event_v1("PUT", "/api/user/7", query={"name": ["Ada Lovelace"]}), None
    )
    assert (answer["statusCode"], answer["body"]) == (
        200,
        '{"id":7,"name":"Ada Lovelace"}',
    )


def test_v2_route_parameters_and_query() -> None:
    answer = examples_handler(
        event_v2("PUT", "/api/user/7", query="name=Ada%20Lovelace"), None
    )
    assert (answer["statusCode"], answer["body"]) == (
        200,
        '{"id":7,"name":"Ada Lovelace"}',
    )


@api_handler(methods=["POST"])
def login(req: ApiRequest, res: ApiResponse) -> None:
    seen = req.cookies.get("seen", "never")
    res.set_cookie("session", req.body["user"], httponly=True, samesite="Lax")
    res.set_cookie("seen", "yes")
    res.status(201).json({"user": req.body["user"], "seen": seen})


LOGIN = json.dumps({"user": "ada"}).encode()
SET_COOKIES = ["session=ada; HttpOnly; Path=/; SameSite=Lax", "seen=yes; Path=/"]


def test_v1_cookies_in_and_out() -> None:
    handler = apig_wsgi.make_lambda_handler(login)
    event = event_v1(
        "POST",
        "/login",
        headers={"Content-Type": ["application/json"], "Cookie": ["seen=before"]},
        body=LOGIN,
    )
    answer = handler(event, None)
    assert answer["statusCode"] == 201
    assert answer["multiValueHeaders"]["Set-Cookie"] == SET_COOKIES
    assert answer["body"] == '{"user":"ada","seen":"before"}'


def test_v2_cookies_in_and_out() -> None:
    handler = apig_wsgi.make_lambda_handler(login)
    event = event_v2(
        "POST",
        "/login",
        headers={"content-type": "application/json"},
        cookies=["seen=before", "other=1"],
        body=LOGIN,
    )
    answer = handler(event, None)
    assert answer["statusCode"] == 201
    assert answer["cookies"] == SET_COOKIES
    assert "set-cookie" not in answer["headers"]
    assert answer["body"] == '{"user":"ada","seen":"before"}'


def test_bytes_are_sent_base64() -> None:
    @api_handler
    def png(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("Content-Type", "image/png").send(b"\x89PNG\r\n\x1a\n")

    answer = apig_wsgi.make_lambda_handler(png, binary_support=True)(
        event_v2("GET", "/logo.png"), None
    )
    assert (answer["isBase64Encoded"], answer["body"]) == (True, "iVBORw0KGgo=")

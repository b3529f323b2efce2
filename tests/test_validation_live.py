"""Live: typed bodies under gunicorn, sent with a declared length or chunked."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator

import pytest

from .support import gunicorn

GOOD = b'{"items": [{"name": "tea", "qty": 1}, {"name": "cake", "qty": 2}]}'
SECRET = "hunter2-secret"
BAD = json.dumps({"items": [{"name": "tea", "qty": SECRET}]}).encode()


@pytest.fixture(scope="module", params=["pydantic", "msgspec"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, list[str]]]:
    app = f"tests.validation_live_app:{request.param}_app"
    with gunicorn(app, "--workers=1") as (address, log):
        yield address, log


def post(address: str, body: bytes, *, chunked: bool) -> tuple[int, bytes]:
    """POST ``body`` as JSON, in two chunks or with its length; return the answer."""
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=15)
    try:
        headers = {"Content-Type": "application/json", "Connection": "close"}
        if chunked:
            half = len(body) // 2
            connection.request(
                "POST",
                "/",
                iter([body[:half], body[half:]]),
                headers,
                encode_chunked=True,
            )
        else:
            connection.request("POST", "/", body, headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_a_valid_body_is_validated(
    server: tuple[str, list[str]], chunked: bool
) -> None:
    status, body = post(server[0], GOOD, chunked=chunked)
    assert status == 200
    assert json.loads(body)["qty"] == 3


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_a_body_over_the_limit_is_413(
    server: tuple[str, list[str]], chunked: bool
) -> None:
    status, body = post(server[0], b'{"note": "' + b"x" * 300 + b'"}', chunked=chunked)
    assert status == 413
    assert json.loads(body)["detail"] == "Request body exceeds the limit of 200 bytes"


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_a_secret_reaches_neither_answer_nor_log(
    server: tuple[str, list[str]], chunked: bool
) -> None:
    address, log = server
    status, body = post(address, BAD, chunked=chunked)
    assert status == 422
    assert json.loads(body)["errors"][0]["pointer"] == "#/items/0/qty"
    assert SECRET.encode() not in body
    assert not any(SECRET in line for line in log)

"""``RequestId`` and ``AccessLog``: the ready-made middleware."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from nextresp import (
    AccessLog,
    ApiError,
    ApiRequest,
    ApiResponse,
    RequestId,
    api_handler,
)
from nextresp import routes as routes_of
from nextresp._ready_middleware import new_request_id

from .support import call_wsgi

HEX32 = re.compile(r"[0-9a-f]{32}")


def echo_id(req: ApiRequest, res: ApiResponse) -> None:
    res.json({"id": req.request_id})


@pytest.mark.parametrize(
    "given",
    [
        pytest.param("abc-123", id="short-token"),
        pytest.param("a.b_c-D", id="dots-and-underscores"),
        pytest.param("x" * 200, id="200-characters"),
    ],
)
def test_a_safe_request_id_is_kept(given: str) -> None:
    handler = api_handler(use=[RequestId()])(echo_id)
    response = call_wsgi(handler, headers={"X-Request-Id": given})
    assert response.headers["X-Request-Id"] == given
    assert response.get_json() == {"id": given}


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(None, id="absent"),
        pytest.param("", id="empty"),
        pytest.param("x" * 201, id="too-long"),
        pytest.param("a b", id="a-space"),
        pytest.param("a,b", id="a-comma"),
        pytest.param("<script>", id="markup"),
    ],
)
def test_an_unsafe_or_missing_request_id_is_replaced_by_a_new_one(
    given: str | None,
) -> None:
    handler = api_handler(use=[RequestId()])(echo_id)
    headers = {} if given is None else {"X-Request-Id": given}
    response = call_wsgi(handler, headers=headers)
    made = response.headers["X-Request-Id"]
    assert HEX32.fullmatch(made)
    assert response.get_json() == {"id": made}


def test_a_new_request_id_is_a_version_4_uuid() -> None:
    made = {new_request_id() for _ in range(100)}
    assert len(made) == 100
    for value in made:
        assert uuid.UUID(value).version == 4
        assert uuid.UUID(value).hex == value


@pytest.mark.parametrize(
    ("method", "status"),
    [
        pytest.param("GET", 404, id="api-error"),
        pytest.param("POST", 500, id="unexpected-500"),
        pytest.param("DELETE", 405, id="method-guard-405"),
    ],
)
def test_every_error_answer_carries_the_request_id(method: str, status: int) -> None:
    @api_handler(methods=["GET", "POST"], use=[RequestId()])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        if req.method == "GET":
            raise ApiError(404)
        raise RuntimeError("boom")

    response = call_wsgi(handler, method, headers={"X-Request-Id": "req-1"})
    assert response.status_code == status
    assert response.headers["X-Request-Id"] == "req-1"


def test_another_header_can_carry_the_id() -> None:
    handler = api_handler(use=[RequestId(header="X-Correlation-Id")])(echo_id)
    response = call_wsgi(handler, headers={"X-Correlation-Id": "c-9"})
    assert response.headers["X-Correlation-Id"] == "c-9"
    assert "X-Request-Id" not in response.headers


def test_log_records_made_during_the_request_carry_the_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = logging.getLogger("tests.request_id")

    @api_handler(use=[RequestId()])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        log.warning("working")
        res.send("ok")

    with_ids = RequestId.logging_filter()
    caplog.handler.addFilter(with_ids)
    try:
        with caplog.at_level(logging.WARNING, "tests.request_id"):
            call_wsgi(handler, headers={"X-Request-Id": "req-7"})
            log.warning("outside")
    finally:
        caplog.handler.removeFilter(with_ids)
    assert [(r.getMessage(), r.__dict__["request_id"]) for r in caplog.records] == [
        ("working", "req-7"),
        ("outside", "-"),
    ]


def test_a_record_that_carries_its_own_id_keeps_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = logging.getLogger("tests.request_id")

    @api_handler(use=[RequestId()])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        log.warning("for another", extra={"request_id": "req-other"})
        res.send("ok")

    with_ids = RequestId.logging_filter()
    caplog.handler.addFilter(with_ids)
    try:
        with caplog.at_level(logging.WARNING, "tests.request_id"):
            call_wsgi(handler, headers={"X-Request-Id": "req-7"})
    finally:
        caplog.handler.removeFilter(with_ids)
    assert [r.__dict__["request_id"] for r in caplog.records] == ["req-other"]


def test_a_bad_header_name_is_refused() -> None:
    with pytest.raises(ValueError, match="header name"):
        RequestId(header="X Request")


# -- AccessLog -------------------------------------------------------------------


@pytest.fixture
def access(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.INFO, "nextresp.access"):
        yield caplog


def records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "nextresp.access"]


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        pytest.param("ok", 200, id="success"),
        pytest.param("api-error", 409, id="api-error"),
        pytest.param("crash", 500, id="unexpected-500"),
        pytest.param("mapped", 404, id="mapped-by-errors"),
    ],
)
def test_one_record_per_request_with_the_status_that_went_out(
    access: pytest.LogCaptureFixture, kind: str, status: int
) -> None:
    @api_handler(use=[RequestId(), AccessLog()], errors={LookupError: 404})
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        if kind == "api-error":
            raise ApiError(409)
        if kind == "crash":
            raise RuntimeError("boom")
        if kind == "mapped":
            raise KeyError("secret-key")
        res.json({"secret": "body"})

    call_wsgi(
        handler,
        "POST",
        "/orders?token=secret",
        headers={"X-Request-Id": "r-1", "Authorization": "Bearer secret"},
    )
    [record] = records(access)
    assert record.levelno == logging.INFO
    assert (record.method, record.route, record.status, record.request_id) == (  # type: ignore[attr-defined]
        "POST",
        "/orders",
        status,
        "r-1",
    )
    assert isinstance(record.duration_ms, float)  # type: ignore[attr-defined]
    assert record.getMessage().startswith(f"POST /orders {status} ")
    assert "secret" not in record.getMessage()


def test_under_routes_the_record_names_the_route_pattern(
    access: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    api = tmp_path / "api" / "users"
    api.mkdir(parents=True)
    (api / "[id].py").write_text("def GET(req, res, id):\n    res.json({'id': id})\n")
    before = set(sys.modules)
    try:
        app = routes_of(tmp_path / "api", use=[AccessLog()])
        assert call_wsgi(app, path="/api/users/7").status_code == 200
    finally:
        for name in set(sys.modules) - before:
            del sys.modules[name]
    [record] = records(access)
    assert record.route == "/api/users/[id]"  # type: ignore[attr-defined]


def test_no_record_when_the_logger_is_off(caplog: pytest.LogCaptureFixture) -> None:
    handler = api_handler(use=[AccessLog()])(echo_id)
    with caplog.at_level(logging.WARNING, "nextresp.access"):
        call_wsgi(handler)
    assert records(caplog) == []


def test_access_log_takes_a_logger() -> None:
    with pytest.raises(TypeError) as raised:
        AccessLog(logger="access")  # type: ignore[arg-type]
    assert str(raised.value) == (
        "AccessLog logger must be a logging.Logger, as in"
        " logger=logging.getLogger('access'), not 'access'"
    )


def test_the_default_header_is_written_x_request_id() -> None:
    request_id = RequestId()
    handler = api_handler(use=[request_id])(echo_id)
    response = call_wsgi(handler, headers={"X-Request-Id": "req-1"})
    assert ("X-Request-Id", "req-1") in response.headers.to_wsgi_list()
    assert repr(request_id) == "RequestId(header='X-Request-Id')"


def test_without_request_id_the_record_has_a_dash(
    access: pytest.LogCaptureFixture,
) -> None:
    handler = api_handler(use=[AccessLog()])(echo_id)
    call_wsgi(handler, headers={"X-Request-Id": "not-read"})
    [record] = records(access)
    assert record.request_id == "-"  # type: ignore[attr-defined]


def test_access_log_writes_to_the_logger_given(
    caplog: pytest.LogCaptureFixture,
) -> None:
    mine = logging.getLogger("tests.access")
    access_log = AccessLog(logger=mine)
    assert repr(access_log) == "AccessLog(logger='tests.access')"
    handler = api_handler(use=[access_log])(echo_id)
    with caplog.at_level(logging.INFO):
        call_wsgi(handler, path="/ping")
    [record] = caplog.records
    duration = record.duration_ms  # type: ignore[attr-defined]
    assert (record.name, record.getMessage()) == (
        "tests.access",
        f"GET /ping 200 {duration:.1f}ms",
    )


def test_the_duration_is_in_milliseconds_and_covers_the_handler(
    access: pytest.LogCaptureFixture,
) -> None:
    worked: list[float] = []

    @api_handler(use=[AccessLog()])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        began = time.perf_counter()
        time.sleep(0.05)
        worked.append(time.perf_counter() - began)
        res.send("done")

    began = time.perf_counter()
    assert call_wsgi(handler, path="/slow").data == b"done"
    whole = time.perf_counter() - began
    [record] = records(access)
    duration = record.duration_ms  # type: ignore[attr-defined]
    # Rounded to the microsecond: half of one either way at most.
    assert worked[0] * 1000 - 0.001 <= duration <= whole * 1000 + 0.001
    assert record.getMessage() == f"GET /slow 200 {duration:.1f}ms"


def test_each_duration_is_rounded_to_the_microsecond(
    access: pytest.LogCaptureFixture,
) -> None:
    handler = api_handler(use=[AccessLog()])(echo_id)
    for _ in range(5):
        call_wsgi(handler)
    durations = [r.duration_ms for r in records(access)]  # type: ignore[attr-defined]
    assert len(durations) == 5
    assert durations == [round(d, 3) for d in durations]

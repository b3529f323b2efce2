"""A returned model's values as JSON writes them, and the TypeError of a value returned
by a handler with no type to send it as, whatever kind of callable the handler is."""

from __future__ import annotations

import datetime
import decimal
import functools
import uuid
from typing import Any

import pydantic
import pytest

from nextresp import api_handler
from nextresp.testing import Client

ANSWER_THROUGH_RES = (
    "returned 5; an api_handler answers through res (res.json(...), res.send(...))"
    " and returns None or res; to send a returned value as JSON, annotate its type"
    " (-> Todo)"
)


def test_a_returned_models_ids_dates_and_decimals_are_sent_as_json_strings() -> None:
    class Invoice(pydantic.BaseModel):
        id: uuid.UUID
        issued: datetime.datetime
        total: decimal.Decimal
        lines: tuple[int, ...]

    def read(req: Any, res: Any) -> Any:
        return Invoice(
            id=uuid.UUID(int=1),
            issued=datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC),
            total=decimal.Decimal("9.90"),
            lines=(1, 2),
        )

    read.__annotations__["return"] = Invoice
    result = Client(api_handler(read)).get("/")
    assert (result.status, result.headers["Content-Type"]) == (200, "application/json")
    assert result.data == (
        b'{"id":"00000000-0000-0000-0000-000000000001",'
        b'"issued":"2024-05-01T12:30:00Z","total":"9.90","lines":[1,2]}'
    )


def test_a_partial_that_returns_a_value_is_told_to_answer_through_res(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def read(req: Any, res: Any, answer: int) -> object:
        return answer

    result = Client(api_handler(functools.partial(read, answer=5))).get("/")
    assert result.status == 500
    assert ANSWER_THROUGH_RES in caplog.text
    assert "AttributeError" not in caplog.text


def test_a_return_annotation_quoted_twice_is_not_taken_for_a_name_defined_later(
    caplog: pytest.LogCaptureFixture,
) -> None:
    namespace: dict[str, Any] = {}
    exec(
        "from __future__ import annotations\n"
        "def handler(req, res) -> \"'Undefined'\":\n"
        "    return 5\n",
        namespace,
    )
    assert namespace["handler"].__annotations__["return"] == "\"'Undefined'\""
    result = Client(api_handler(namespace["handler"])).get("/")
    assert result.status == 500
    assert ANSWER_THROUGH_RES in caplog.text
    assert "could not be resolved" not in caplog.text

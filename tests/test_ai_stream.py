"""``res.ai_stream``: the Vercel AI SDK UI message stream, framed around the parts.

tests/test_ai_stream_live.py has the SDK's own client read these streams.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from nextresp import ApiResponse, ai, api_handler
from nextresp._event_stream import HEARTBEAT
from nextresp._response import ResponseAlreadySent

from .support import Call
from .test_events import Source, read_all, start


def chunks_of(body: bytes) -> list[Any]:
    """Return the data of each event: the JSON chunks, and the final ``[DONE]``."""
    events = body.decode().split("\n\n")
    assert events[-1] == ""
    datas = [e.removeprefix("data: ") for e in events[:-1] if not e.startswith(":")]
    return [data if data == "[DONE]" else json.loads(data) for data in datas]


def test_ai_stream_headers(call: Call) -> None:
    r = call(api_handler(lambda req, res: res.ai_stream(["Hi"])))
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/event-stream"
    assert r.headers["x-vercel-ai-ui-message-stream"] == "v1"
    assert r.headers["Cache-Control"] == "no-cache, no-transform"
    assert r.headers["X-Accel-Buffering"] == "no"
    assert "Content-Length" not in r.headers
    assert "ETag" not in r.headers


def test_text_deltas_are_framed_as_one_text_part(call: Call) -> None:
    r = call(api_handler(lambda req, res: res.ai_stream(["Hel", "lo", ""])))
    assert r.data.startswith(HEARTBEAT)
    assert chunks_of(r.data) == [
        {"type": "start"},
        {"type": "text-start", "id": "text-1"},
        {"type": "text-delta", "id": "text-1", "delta": "Hel"},
        {"type": "text-delta", "id": "text-1", "delta": "lo"},
        {"type": "text-end", "id": "text-1"},
        {"type": "finish"},
        "[DONE]",
    ]


def test_each_event_is_one_data_line() -> None:
    _started, body = start(api_handler(lambda req, res: res.ai_stream(["a\nb"])))
    # Chunks pulled ahead leave together: one chunk may hold several events.
    assert b"".join(read_all(body)).split(b"\n\n")[:-1] == [
        HEARTBEAT.rstrip(b"\n"),
        b'data: {"type":"start"}',
        b'data: {"type":"text-start","id":"text-1"}',
        b'data: {"type":"text-delta","id":"text-1","delta":"a\\nb"}',
        b'data: {"type":"text-end","id":"text-1"}',
        b'data: {"type":"finish"}',
        b"data: [DONE]",
    ]


def test_an_empty_source_sends_start_and_finish(call: Call) -> None:
    r = call(api_handler(lambda req, res: res.ai_stream([])))
    assert chunks_of(r.data) == [{"type": "start"}, {"type": "finish"}, "[DONE]"]


def test_reasoning_and_text_alternate_as_separate_parts(call: Call) -> None:
    parts = [ai.Reasoning("a"), ai.Reasoning("b"), "x", ai.Reasoning("c")]
    r = call(api_handler(lambda req, res: res.ai_stream(parts)))
    assert chunks_of(r.data)[1:-2] == [
        {"type": "reasoning-start", "id": "reasoning-1"},
        {"type": "reasoning-delta", "id": "reasoning-1", "delta": "a"},
        {"type": "reasoning-delta", "id": "reasoning-1", "delta": "b"},
        {"type": "reasoning-end", "id": "reasoning-1"},
        {"type": "text-start", "id": "text-2"},
        {"type": "text-delta", "id": "text-2", "delta": "x"},
        {"type": "text-end", "id": "text-2"},
        {"type": "reasoning-start", "id": "reasoning-3"},
        {"type": "reasoning-delta", "id": "reasoning-3", "delta": "c"},
        {"type": "reasoning-end", "id": "reasoning-3"},
    ]


@pytest.mark.parametrize(
    ("part", "chunk"),
    [
        (
            ai.ToolCall("c1", "search", {"q": "x"}),
            {
                "type": "tool-input-available",
                "toolCallId": "c1",
                "toolName": "search",
                "input": {"q": "x"},
            },
        ),
        (
            ai.ToolResult("c1", [1, 2]),
            {"type": "tool-output-available", "toolCallId": "c1", "output": [1, 2]},
        ),
        (
            ai.ToolError("c1", "Timed out"),
            {"type": "tool-output-error", "toolCallId": "c1", "errorText": "Timed out"},
        ),
        (ai.Data("chart", {"v": 1}), {"type": "data-chart", "data": {"v": 1}}),
        (
            ai.Data("chart", 1, id="c", transient=True),
            {"type": "data-chart", "id": "c", "data": 1, "transient": True},
        ),
        (ai.Error("Slow down"), {"type": "error", "errorText": "Slow down"}),
        (
            {"type": "source-url", "sourceId": "s", "url": "https://a.example"},
            {"type": "source-url", "sourceId": "s", "url": "https://a.example"},
        ),
    ],
    ids=["tool-call", "tool-result", "tool-error", "data", "data-id", "error", "raw"],
)
def test_a_typed_or_raw_part_is_sent_as_its_chunk(
    call: Call, part: Any, chunk: dict[str, Any]
) -> None:
    r = call(api_handler(lambda req, res: res.ai_stream(["x", part])))
    assert chunks_of(r.data)[4:] == [chunk, {"type": "finish"}, "[DONE]"]
    assert chunks_of(r.data)[3] == {"type": "text-end", "id": "text-1"}


@pytest.mark.parametrize(
    ("finish", "chunk"),
    [
        (ai.Finish(), {"type": "finish"}),
        (ai.Finish("length"), {"type": "finish", "finishReason": "length"}),
        (
            ai.Finish(metadata={"tokens": 3}),
            {"type": "finish", "messageMetadata": {"tokens": 3}},
        ),
        (
            {"type": "finish", "finishReason": "other"},
            {"type": "finish", "finishReason": "other"},
        ),
    ],
    ids=["plain", "reason", "metadata", "raw"],
)
def test_a_finish_part_replaces_the_streams_own(
    call: Call, finish: Any, chunk: dict[str, Any]
) -> None:
    r = call(api_handler(lambda req, res: res.ai_stream(["x", finish])))
    assert chunks_of(r.data)[-3:] == [
        {"type": "text-end", "id": "text-1"},
        chunk,
        "[DONE]",
    ]


def test_a_failing_source_sends_a_generic_error_and_logs_the_real_one(
    call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    def parts() -> Iterator[str]:
        yield "Half"
        raise RuntimeError("api key sk-secret")

    with caplog.at_level(logging.ERROR, "nextresp"):
        r = call(api_handler(lambda req, res: res.ai_stream(parts())))
    assert r.status_code == 200
    assert chunks_of(r.data)[-3:] == [
        {"type": "text-end", "id": "text-1"},
        {"type": "error", "errorText": "An error occurred."},
        "[DONE]",
    ]
    assert b"sk-secret" not in r.data
    assert "sk-secret" in caplog.text
    assert [record.getMessage() for record in caplog.records] == [
        "an AI stream's source failed; the client was sent an error chunk"
    ]


@pytest.mark.parametrize(
    "bad",
    [7, b"bytes", {"no": "type"}, {"type": "start"}],
    ids=["int", "bytes", "no-type", "start"],
)
def test_a_part_of_the_wrong_kind_ends_the_stream_with_an_error(
    call: Call, bad: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, "nextresp"):
        r = call(api_handler(lambda req, res: res.ai_stream(["x", bad, "y"])))
    assert chunks_of(r.data)[-3:] == [
        {"type": "text-end", "id": "text-1"},
        {"type": "error", "errorText": "An error occurred."},
        "[DONE]",
    ]
    assert "AI stream's source failed" in caplog.text


def test_a_part_after_the_finish_is_an_error(call: Call) -> None:
    r = call(api_handler(lambda req, res: res.ai_stream([ai.Finish(), "late"])))
    assert chunks_of(r.data)[-3:] == [
        {"type": "finish"},
        {"type": "error", "errorText": "An error occurred."},
        "[DONE]",
    ]


def test_an_async_source_is_streamed(call: Call) -> None:
    async def parts() -> Any:
        yield "a"
        yield ai.Data("x", 1)

    r = call(api_handler(lambda req, res: res.ai_stream(parts())))
    assert chunks_of(r.data) == [
        {"type": "start"},
        {"type": "text-start", "id": "text-1"},
        {"type": "text-delta", "id": "text-1", "delta": "a"},
        {"type": "text-end", "id": "text-1"},
        {"type": "data-x", "data": 1},
        {"type": "finish"},
        "[DONE]",
    ]


def test_an_async_source_that_fails_sends_an_error(call: Call) -> None:
    async def parts() -> Any:
        yield "a"
        raise RuntimeError("boom")

    r = call(api_handler(lambda req, res: res.ai_stream(parts())))
    assert chunks_of(r.data)[-2:] == [
        {"type": "error", "errorText": "An error occurred."},
        "[DONE]",
    ]


def test_a_client_that_leaves_closes_the_generator() -> None:
    ran: list[str] = []

    def parts() -> Iterator[str]:
        try:
            yield "one"
            yield "two"
        finally:
            ran.append("finally")

    _started, body = start(api_handler(lambda req, res: res.ai_stream(parts())))
    chunks = iter(body)
    assert next(chunks) == HEARTBEAT
    assert next(chunks).startswith(b'data: {"type":"start"}\n\n')
    body.close()
    assert ran == ["finally"]


def test_a_client_that_leaves_closes_the_async_generator() -> None:
    ran: list[str] = []

    async def parts() -> Any:
        try:
            yield "one"
            yield "two"
        finally:
            ran.append("finally")

    _started, body = start(api_handler(lambda req, res: res.ai_stream(parts())))
    chunks = iter(body)
    assert next(chunks) == HEARTBEAT
    assert next(chunks) == b'data: {"type":"start"}\n\n'
    assert next(chunks) == b'data: {"type":"text-start","id":"text-1"}\n\n'
    body.close()
    assert ran == ["finally"]


def test_head_closes_a_source_it_never_reads() -> None:
    source = Source(["a"])
    (status, _headers), body = start(
        api_handler(lambda req, res: res.ai_stream(source)), method="HEAD"
    )
    assert status == "200 OK"
    assert read_all(body) == []
    assert (source.pulled, source.closed) == (0, 1)


@pytest.mark.parametrize(
    "parts", ["text", b"x", {"type": "start"}, 3], ids=["str", "bytes", "dict", "int"]
)
def test_ai_stream_refuses_what_is_not_a_stream_of_parts(parts: Any) -> None:
    with pytest.raises(TypeError, match=r"^ai_stream\(\) takes an iterable of items"):
        ApiResponse.blank().ai_stream(parts)


def test_ai_stream_after_a_finished_response_raises() -> None:
    with pytest.raises(
        ResponseAlreadySent, match=r"^ai_stream\(\) was called after end\(\)"
    ):
        ApiResponse.blank().end().ai_stream([])


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: ai.Reasoning(1),
            TypeError,
            "Reasoning delta must be a str, not 1 (int)",
        ),
        (lambda: ai.ToolCall("", "n", {}), ValueError, "ToolCall id must not be empty"),
        (
            lambda: ai.ToolCall("i", 2, {}),
            TypeError,
            "ToolCall name must be a str, not 2 (int)",
        ),
        (
            lambda: ai.ToolResult(7, 1),
            TypeError,
            "ToolResult id must be a str, not 7 (int)",
        ),
        (
            lambda: ai.ToolError(3, "x"),
            TypeError,
            "ToolError id must be a str, not 3 (int)",
        ),
        (
            lambda: ai.ToolError("i", ""),
            ValueError,
            "ToolError message must not be empty",
        ),
        (lambda: ai.Data("", 1), ValueError, "Data name must not be empty"),
        (
            lambda: ai.Data("n", 1, id=5),
            TypeError,
            "Data id must be a str, not 5 (int)",
        ),
        (
            lambda: ai.Data("n", 1, transient=1),
            TypeError,
            "Data transient must be a bool, not 1 (int)",
        ),
        (lambda: ai.Error(""), ValueError, "Error message must not be empty"),
        (
            lambda: ai.Finish("done"),
            ValueError,
            "Finish reason must be one of stop, length, content-filter, tool-calls,"
            " error, other or None, not 'done'",
        ),
    ],
    ids=[
        "reasoning",
        "tool-call-id",
        "tool-call-name",
        "tool-result-id",
        "tool-error-id",
        "tool-error-message",
        "data-name",
        "data-id",
        "data-transient",
        "error-message",
        "finish-reason",
    ],
)
def test_a_bad_part_raises_where_it_is_made(
    make: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        make()
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            {"type": 7},
            "a raw AI stream chunk needs a non-empty str 'type', not {'type': 7}",
        ),
        (
            {"type": ""},
            "a raw AI stream chunk needs a non-empty str 'type', not {'type': ''}",
        ),
        (
            {"type": "start"},
            "an AI stream sends its own 'start' chunk; send the message's metadata"
            " as {'type': 'message-metadata', 'messageMetadata': ...} instead",
        ),
    ],
    ids=["int-type", "empty-type", "start"],
)
def test_a_bad_raw_chunk_is_logged_with_what_is_wrong(
    call: Call, bad: dict[str, Any], message: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, "nextresp"):
        r = call(api_handler(lambda req, res: res.ai_stream([bad])))
    assert chunks_of(r.data)[-2:] == [
        {"type": "error", "errorText": "An error occurred."},
        "[DONE]",
    ]
    [record] = caplog.records
    assert record.exc_info is not None
    assert (type(record.exc_info[1]), str(record.exc_info[1])) == (ValueError, message)


class Ticks:
    """An async iterator of parts that has no ``aclose()``: nothing to close."""

    def __init__(self) -> None:
        self.pulled = 0

    def __aiter__(self) -> Ticks:
        return self

    async def __anext__(self) -> str:
        self.pulled += 1
        return f"tick {self.pulled}"


def test_a_client_that_leaves_an_async_source_without_aclose() -> None:
    ticks = Ticks()
    _started, body = start(api_handler(lambda req, res: res.ai_stream(ticks)))
    chunks = iter(body)
    assert next(chunks) == HEARTBEAT
    assert next(chunks) == b'data: {"type":"start"}\n\n'
    assert next(chunks) == b'data: {"type":"text-start","id":"text-1"}\n\n'
    body.close()
    assert ticks.pulled == 1

"""Live: AI streams for the AI SDK's own client to read (test_ai_stream_live.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

from examples.api.chat import app as chat
from nextresp import ApiRequest, ApiResponse, ai, api_methods

#: Every part a handler can send, in the order the stream sends them.
EVERY_PART: list[Any] = [
    ai.Reasoning("Think "),
    ai.Reasoning("first."),
    "Hello, ",
    "wörld",
    {"type": "start-step"},
    {"type": "tool-input-start", "toolCallId": "call-1", "toolName": "weather"},
    {"type": "tool-input-delta", "toolCallId": "call-1", "inputTextDelta": '{"c'},
    ai.ToolCall("call-1", "weather", {"city": "Paris"}),
    ai.ToolResult("call-1", {"celsius": 21}),
    ai.ToolCall("call-2", "weather", {"city": "Nowhere"}),
    ai.ToolError("call-2", "No such city"),
    {"type": "finish-step"},
    ai.Data("weather", {"city": "Paris", "celsius": 21}, id="w1"),
    ai.Data("progress", {"done": 1}, transient=True),
    {"type": "source-url", "sourceId": "s1", "url": "https://example.com/a"},
    {
        "type": "source-document",
        "sourceId": "s2",
        "mediaType": "text/plain",
        "title": "Notes",
    },
    {"type": "file", "url": "https://example.com/f.png", "mediaType": "image/png"},
    {"type": "message-metadata", "messageMetadata": {"model": "fake"}},
    ai.Error("The quota is nearly used up"),
    "Bye.",
    ai.Finish("stop", metadata={"tokens": 7}),
]


def every_part(req: ApiRequest, res: ApiResponse) -> None:
    res.ai_stream(EVERY_PART)


async def _async_parts() -> AsyncIterator[Any]:
    for part in ["One ", "two ", ai.Reasoning("hm"), "three"]:
        yield part


def async_parts(req: ApiRequest, res: ApiResponse) -> None:
    res.ai_stream(_async_parts())


def _failing() -> Iterator[str]:
    yield "Half an answer"
    raise RuntimeError("the model provider's secret key is sk-123")


def failing(req: ApiRequest, res: ApiResponse) -> None:
    res.ai_stream(_failing())


ROUTES = {
    "/api/chat": chat,
    "/every-part": api_methods(POST=every_part),
    "/async": api_methods(POST=async_parts),
    "/failing": api_methods(POST=failing),
}


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    handler = ROUTES.get(environ["PATH_INFO"])
    if handler is None:
        start_response("404 Not Found", [("Content-Length", "0")])
        return []
    return handler(environ, start_response)  # type: ignore[no-any-return]

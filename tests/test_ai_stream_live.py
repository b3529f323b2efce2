"""Live: the Vercel AI SDK's own client reads what ``res.ai_stream`` sends.

The ``ai`` npm package (the version pinned in tests/node/package.json) runs in node:
its ``DefaultChatTransport``, the transport ``useChat`` uses, POSTs a chat to the app
under gunicorn and parses the answer into chunks, and ``readUIMessageStream`` builds
the assistant message from them, as ``useChat`` does on screen. A machine without
node skips these tests, saying so; the package is installed on first use.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from .support import ROOT, gunicorn

NODE = shutil.which("node")
NPM = shutil.which("npm")
NODE_DIR = ROOT / "tests" / "node"
pytestmark = pytest.mark.skipif(
    NODE is None or NPM is None,
    reason="node and npm are not installed: the AI SDK's client cannot run here",
)


@pytest.fixture(scope="module")
def node_client() -> None:
    """Install the pinned ``ai`` package into tests/node when it is not there."""
    if (NODE_DIR / "node_modules" / "ai" / "package.json").exists():
        return
    assert NPM is not None
    done = subprocess.run(
        [NPM, "ci", "--no-audit", "--no-fund"],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def server(node_client: None) -> Iterator[str]:
    with gunicorn("tests.ai_stream_app:app", "--workers=1", "--threads=4") as (
        address,
        _log,
    ):
        yield address


def read_with_ai_sdk(address: str, path: str) -> dict[str, Any]:
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(NODE_DIR / "read_ui_stream.mjs"), f"http://{address}{path}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_sdk_reads_the_protocol_headers(server: str) -> None:
    headers = read_with_ai_sdk(server, "/every-part")["headers"]
    assert headers["content-type"] == "text/event-stream"
    assert headers["x-vercel-ai-ui-message-stream"] == "v1"
    assert headers["cache-control"] == "no-cache, no-transform"
    assert headers["x-accel-buffering"] == "no"
    assert "content-length" not in headers


def test_every_part_type_reaches_the_sdk_as_its_chunk(server: str) -> None:
    result = read_with_ai_sdk(server, "/every-part")
    assert result["status"] == 200
    assert result["chunks"] == [
        {"type": "start"},
        {"type": "reasoning-start", "id": "reasoning-1"},
        {"type": "reasoning-delta", "id": "reasoning-1", "delta": "Think "},
        {"type": "reasoning-delta", "id": "reasoning-1", "delta": "first."},
        {"type": "reasoning-end", "id": "reasoning-1"},
        {"type": "text-start", "id": "text-2"},
        {"type": "text-delta", "id": "text-2", "delta": "Hello, "},
        {"type": "text-delta", "id": "text-2", "delta": "wörld"},
        {"type": "text-end", "id": "text-2"},
        {"type": "start-step"},
        {"type": "tool-input-start", "toolCallId": "call-1", "toolName": "weather"},
        {"type": "tool-input-delta", "toolCallId": "call-1", "inputTextDelta": '{"c'},
        {
            "type": "tool-input-available",
            "toolCallId": "call-1",
            "toolName": "weather",
            "input": {"city": "Paris"},
        },
        {
            "type": "tool-output-available",
            "toolCallId": "call-1",
            "output": {"celsius": 21},
        },
        {
            "type": "tool-input-available",
            "toolCallId": "call-2",
            "toolName": "weather",
            "input": {"city": "Nowhere"},
        },
        {
            "type": "tool-output-error",
            "toolCallId": "call-2",
            "errorText": "No such city",
        },
        {"type": "finish-step"},
        {"type": "data-weather", "id": "w1", "data": {"city": "Paris", "celsius": 21}},
        {"type": "data-progress", "data": {"done": 1}, "transient": True},
        {"type": "source-url", "sourceId": "s1", "url": "https://example.com/a"},
        {
            "type": "source-document",
            "sourceId": "s2",
            "mediaType": "text/plain",
            "title": "Notes",
        },
        {"type": "file", "url": "https://example.com/f.png", "mediaType": "image/png"},
        {"type": "message-metadata", "messageMetadata": {"model": "fake"}},
        {"type": "error", "errorText": "The quota is nearly used up"},
        {"type": "text-start", "id": "text-3"},
        {"type": "text-delta", "id": "text-3", "delta": "Bye."},
        {"type": "text-end", "id": "text-3"},
        {"type": "finish", "finishReason": "stop", "messageMetadata": {"tokens": 7}},
    ]
    assert result["errors"] == ["The quota is nearly used up"]


def test_the_sdk_builds_the_message_useChat_shows(server: str) -> None:
    message = read_with_ai_sdk(server, "/every-part")["message"]
    assert message["role"] == "assistant"
    assert message["metadata"] == {"model": "fake", "tokens": 7}
    assert message["parts"] == [
        {
            "type": "reasoning",
            "id": "reasoning-1",
            "text": "Think first.",
            "state": "done",
        },
        {"type": "text", "text": "Hello, wörld", "state": "done"},
        {"type": "step-start"},
        {
            "type": "tool-weather",
            "toolCallId": "call-1",
            "state": "output-available",
            "input": {"city": "Paris"},
            "output": {"celsius": 21},
        },
        {
            "type": "tool-weather",
            "toolCallId": "call-2",
            "state": "output-error",
            "input": {"city": "Nowhere"},
            "errorText": "No such city",
        },
        {"type": "data-weather", "id": "w1", "data": {"city": "Paris", "celsius": 21}},
        {"type": "source-url", "sourceId": "s1", "url": "https://example.com/a"},
        {
            "type": "source-document",
            "sourceId": "s2",
            "mediaType": "text/plain",
            "title": "Notes",
        },
        {"type": "file", "mediaType": "image/png", "url": "https://example.com/f.png"},
        {"type": "text", "text": "Bye.", "state": "done"},
    ]


def test_an_async_source_reaches_the_sdk(server: str) -> None:
    message = read_with_ai_sdk(server, "/async")["message"]
    assert message["parts"] == [
        {"type": "text", "text": "One two ", "state": "done"},
        {"type": "reasoning", "id": "reasoning-2", "text": "hm", "state": "done"},
        {"type": "text", "text": "three", "state": "done"},
    ]


def test_a_failing_source_ends_with_an_error_the_sdk_reports(server: str) -> None:
    result = read_with_ai_sdk(server, "/failing")
    assert result["chunks"][-2:] == [
        {"type": "text-end", "id": "text-1"},
        {"type": "error", "errorText": "An error occurred."},
    ]
    assert result["errors"] == ["An error occurred."]
    assert "sk-123" not in json.dumps(result)
    assert result["message"]["parts"] == [
        {"type": "text", "text": "Half an answer", "state": "done"}
    ]


def test_the_chat_example_answers_useChat(server: str) -> None:
    result = read_with_ai_sdk(server, "/api/chat")
    assert result["errors"] == []
    assert result["message"]["parts"] == [
        {
            "type": "reasoning",
            "id": "reasoning-1",
            "text": "The user wants an echo.",
            "state": "done",
        },
        {
            "type": "text",
            "text": "You said: Hello. That is all a fake model can say.",
            "state": "done",
        },
    ]

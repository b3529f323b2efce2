"""The typed parts of an AI stream, and each one's chunk of the UI message stream.

The Vercel AI SDK's UI message stream (the ``ai`` npm package, read by ``useChat``)
is a server-sent event stream whose events each carry one JSON "chunk" with a
``type``. A handler yields plain ``str`` for answer text and these small values for
the rest; each one's ``chunk()`` is the JSON object sent, with the SDK's camelCase
member names. Text and reasoning need start and end chunks around their deltas:
the stream adds those (see ``_ai_stream``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass
from typing import Any

#: The ``finishReason`` values the SDK accepts.
FINISH_REASONS = ("stop", "length", "content-filter", "tool-calls", "error", "other")
#: The chunk types the stream writes itself: a handler may not send them raw.
FRAMING_TYPES = frozenset({"start"})


def _check_str(part: str, field: str, value: object, *, empty: bool = False) -> None:
    if not isinstance(value, str):
        raise TypeError(
            f"{part} {field} must be a str, not {value!r} ({type(value).__name__})"
        )
    if not value and not empty:
        raise ValueError(f"{part} {field} must not be empty")


@dataclass(frozen=True, slots=True)
class Reasoning:
    """A piece of the model's reasoning, shown apart from the answer.

    Consecutive pieces make one reasoning part, as consecutive ``str`` deltas make
    one text part.
    """

    delta: str

    def __post_init__(self) -> None:
        _check_str("Reasoning", "delta", self.delta, empty=True)


@dataclass(frozen=True, slots=True)
class ToolCall:
    """The model calls tool ``name`` with ``input`` (JSON); ``id`` pairs the result."""

    id: str
    name: str
    input: object

    def __post_init__(self) -> None:
        _check_str("ToolCall", "id", self.id)
        _check_str("ToolCall", "name", self.name)

    def chunk(self) -> dict[str, Any]:
        return {
            "type": "tool-input-available",
            "toolCallId": self.id,
            "toolName": self.name,
            "input": self.input,
        }


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What the tool call ``id`` returned (JSON)."""

    id: str
    output: object

    def __post_init__(self) -> None:
        _check_str("ToolResult", "id", self.id)

    def chunk(self) -> dict[str, Any]:
        return {
            "type": "tool-output-available",
            "toolCallId": self.id,
            "output": self.output,
        }


@dataclass(frozen=True, slots=True)
class ToolError:
    """The tool call ``id`` failed; ``message`` is shown to the user."""

    id: str
    message: str

    def __post_init__(self) -> None:
        _check_str("ToolError", "id", self.id)
        _check_str("ToolError", "message", self.message)

    def chunk(self) -> dict[str, Any]:
        return {
            "type": "tool-output-error",
            "toolCallId": self.id,
            "errorText": self.message,
        }


@dataclass(frozen=True, slots=True)
class Data:
    """Data of your own, ``data-NAME`` on the client: ``Data("weather", {...})``.

    Parts with the same ``name`` and ``id`` replace each other in the message (a
    progress bar updated in place); ``transient`` ones reach ``onData`` only and
    are not kept in the message.
    """

    name: str
    data: object
    _: KW_ONLY
    id: str | None = None
    transient: bool = False

    def __post_init__(self) -> None:
        _check_str("Data", "name", self.name)
        if self.id is not None:
            _check_str("Data", "id", self.id)
        if not isinstance(self.transient, bool):
            raise TypeError(
                f"Data transient must be a bool, not {self.transient!r}"
                f" ({type(self.transient).__name__})"
            )

    def chunk(self) -> dict[str, Any]:
        chunk: dict[str, Any] = {"type": f"data-{self.name}"}
        if self.id is not None:
            chunk["id"] = self.id
        chunk["data"] = self.data
        if self.transient:
            chunk["transient"] = True
        return chunk


@dataclass(frozen=True, slots=True)
class Error:
    """An error to show in the chat; ``message`` reaches the user as written."""

    message: str

    def __post_init__(self) -> None:
        _check_str("Error", "message", self.message)

    def chunk(self) -> dict[str, Any]:
        return {"type": "error", "errorText": self.message}


@dataclass(frozen=True, slots=True)
class Finish:
    """End the message with ``reason`` (``"stop"`` unless said) and ``metadata``.

    The stream sends a plain ``finish`` when the source ends without one; yield this
    to give the reason (``"length"`` when the model ran out of tokens) or metadata
    (token counts). Nothing may follow it.
    """

    reason: str | None = None
    _: KW_ONLY
    metadata: object = None

    def __post_init__(self) -> None:
        if self.reason is not None and self.reason not in FINISH_REASONS:
            raise ValueError(
                f"Finish reason must be one of {', '.join(FINISH_REASONS)} or None,"
                f" not {self.reason!r}"
            )

    def chunk(self) -> dict[str, Any]:
        chunk: dict[str, Any] = {"type": "finish"}
        if self.reason is not None:
            chunk["finishReason"] = self.reason
        if self.metadata is not None:
            chunk["messageMetadata"] = self.metadata
        return chunk


#: The typed parts that map to one chunk each.
ChunkPart = ToolCall | ToolResult | ToolError | Data | Error | Finish
CHUNK_PARTS = (ToolCall, ToolResult, ToolError, Data, Error, Finish)
#: What an AI stream's source yields: answer text, a typed part, or a raw chunk.
AiPart = str | Reasoning | ChunkPart | Mapping[str, Any]


def raw_chunk(part: Mapping[str, Any]) -> dict[str, Any]:
    """Return a chunk the handler wrote itself, checked for a ``type``."""
    kind = part.get("type")
    if not isinstance(kind, str) or not kind:
        raise ValueError(
            f"a raw AI stream chunk needs a non-empty str 'type', not {part!r}"
        )
    if kind in FRAMING_TYPES:
        raise ValueError(
            f"an AI stream sends its own {kind!r} chunk; send the message's metadata"
            " as {'type': 'message-metadata', 'messageMetadata': ...} instead"
        )
    return dict(part)

"""Streams as a client reads them: server-sent events and JSON lines, incrementally."""

from __future__ import annotations

import codecs
import re
from dataclasses import KW_ONLY, dataclass
from typing import Any

from . import _checks

# The event stream's line breaks (WHATWG HTML, section 9.2.5): CRLF, CR, LF.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class ReceivedEvent:
    """One server-sent event, as a browser's ``EventSource`` parses it.

    ``data`` is the text of the event's ``data:`` lines joined with LF (None when it
    had none: an event that only sets ``id`` or ``retry``); ``event`` its type,
    ``message`` by default, as ``EventSource`` dispatches it; ``id`` and ``retry``
    what this event set, or None. Compare with what a test expects:
    ``ReceivedEvent('{"n":1}', event="tick", id="7")``.
    """

    data: str | None
    _: KW_ONLY
    event: str = "message"
    id: str | None = None
    retry: int | None = None

    @property
    def json(self) -> Any:
        """The data parsed as JSON, as strictly as :attr:`Result.json` parses."""
        if self.data is None:
            raise AssertionError(f"expected an event with data, not {self!r}")
        return _checks.loads(self.data, "the event's data")


class StreamTimeout(AssertionError):
    """A stream did not give what a test asked for in time; ``read`` holds what it did.

    An ``AssertionError``, so pytest reports it as the test's failure with the
    items (events or JSON values) that arrived before the deadline.
    """

    def __init__(self, message: str, read: list[Any]) -> None:
        super().__init__(message)
        #: The events (or JSON values) read before the timeout.
        self.read = read


class EventParser:
    """Turn chunks of an event stream into :class:`ReceivedEvent` values.

    Lines may be split across chunks anywhere, a CRLF included; comments (``:``
    lines, the heartbeats ``res.sse`` sends) and unknown fields are skipped, as
    ``EventSource`` skips them. A block of only comments is no event.
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._text = ""
        self._first = True
        self._fields: dict[str, Any] = {}
        self._data: list[str] | None = None

    def feed(self, chunk: bytes) -> list[ReceivedEvent]:
        """Return the events that ``chunk`` completes."""
        try:
            text = self._decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise AssertionError(
                f"expected the event stream to be UTF-8, not {chunk!r}: {exc}"
            ) from None
        if self._first and text:
            self._first = False
            text = text.removeprefix("\ufeff")  # one byte order mark is allowed
        text = self._text + text
        # A CR at the end may be the first half of a CRLF split across two chunks:
        # it is held back until the next chunk says which.
        held = "\r" if text.endswith("\r") else ""
        lines = _LINE_BREAK.split(text.removesuffix("\r"))
        self._text = lines.pop() + held  # the last piece is unfinished
        events = []
        for line in lines:
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def _line(self, line: str) -> ReceivedEvent | None:
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon:
            value = value.removeprefix(" ")
        if name == "data":
            self._data = [*(self._data or []), value]
        elif name == "event":
            self._fields["event"] = value
        elif name == "id":
            if "\x00" not in value:  # the standard ignores such an id
                self._fields["id"] = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._fields["retry"] = int(value)
        return None

    def _dispatch(self) -> ReceivedEvent | None:
        data, fields = self._data, self._fields
        self._data, self._fields = None, {}
        if data is None and not fields:
            return None
        return ReceivedEvent(None if data is None else "\n".join(data), **fields)


class LineParser:
    """Turn chunks of newline-delimited JSON into values, skipping blank lines."""

    def __init__(self) -> None:
        self._buffer = b""
        self._count = 0

    def feed(self, chunk: bytes) -> list[Any]:
        """Return the values of the lines that ``chunk`` completes."""
        *lines, self._buffer = (self._buffer + chunk).split(b"\n")
        values = []
        for line in lines:
            self._count += 1
            if line.strip(b" \t\r"):
                values.append(_checks.loads(line, f"line {self._count}"))
        return values

    def end(self) -> None:
        """Fail when the stream ended inside a line."""
        if self._buffer.strip(b" \t\r"):
            raise AssertionError(
                f"expected the JSON lines to end with a line break, not with"
                f" {self._buffer[:200]!r}"
            )

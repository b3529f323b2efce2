"""The answer to a test request: status, headers, body, JSON, problem, streams."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

from . import _checks
from ._problem import Problem, check_problem
from ._reader import BodyReader
from ._streams import EventParser, LineParser, ReceivedEvent, StreamTimeout

if TYPE_CHECKING:
    from werkzeug.datastructures import Headers
    from werkzeug.test import TestResponse

EVENT_STREAM = "text/event-stream"
#: The media types of newline-delimited JSON that :meth:`Result.lines` reads.
JSON_LINES = frozenset(
    {
        "application/x-ndjson",
        "application/ndjson",
        "application/jsonl",
        "application/jsonlines",
        "application/x-jsonlines",
    }
)
STREAMS = JSON_LINES | {EVENT_STREAM}
_SHOWN_ITEMS = 5

T = TypeVar("T")


class Stream:
    """A body left open for a test to read: what was read before, and the rest.

    werkzeug's response keeps it as its ``response`` without iterating it; only
    :class:`Result` reads it.
    """

    def __init__(self, first: list[bytes], reader: BodyReader) -> None:
        self.first = first
        self.reader = reader


class Result:
    """What a request through :class:`Client` was answered.

    A body of known length is read whole when the request returns, and its
    iterable closed, as a server does. A stream (``text/event-stream`` or JSON
    lines) stays open until :meth:`events` or :meth:`lines` read what the test
    asks for, or :meth:`close`; any other body of unknown length is read when
    the request returns, within the client's ``timeout``.
    """

    __slots__ = ("_body", "_response", "_stream", "_timeout")

    def __init__(self, response: TestResponse, *, timeout: float) -> None:
        self._response = response
        self._timeout = timeout
        body = response.response
        self._stream: BodyReader | None = None
        if isinstance(body, Stream):
            self._body = b"".join(body.first)
            self._stream = body.reader
            if (response.mimetype or "") not in STREAMS:
                self._read_to_end()
        else:
            self._body = response.get_data()
            response.close()  # the request's input stream, uploads included

    def __repr__(self) -> str:
        content_type = self.headers.get("Content-Type")
        return f"<Result {self.status} {content_type or 'with no Content-Type'}>"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def status(self) -> int:
        """The status code: ``200``."""
        return self._response.status_code

    @property
    def status_line(self) -> str:
        """The status line as the app sent it: ``"200 OK"``."""
        return self._response.status

    @property
    def headers(self) -> Headers:
        """The headers, as werkzeug ``Headers``: ``headers.getlist("Set-Cookie")``."""
        return self._response.headers

    @property
    def content_type(self) -> str | None:
        """The ``Content-Type`` header, or None."""
        return self._response.headers.get("Content-Type")

    @property
    def data(self) -> bytes:
        """The body; a stream is read to its end first, within the timeout."""
        if self._stream is not None:
            self._read_to_end()
        return self._body

    @property
    def text(self) -> str:
        """The body decoded with the charset of its Content-Type (UTF-8 by default)."""
        charset = self._response.mimetype_params.get("charset", "utf-8")
        try:
            return self.data.decode(charset)
        except (LookupError, UnicodeDecodeError) as exc:
            raise AssertionError(
                f"expected {self._answer()} to decode as {charset!r},"
                f" not {_checks.excerpt(self._body)}: {exc}"
            ) from None

    @property
    def json(self) -> Any:
        """The body parsed as JSON, strictly; fail unless the answer is JSON.

        The Content-Type must be ``application/json`` or a ``+json`` type
        (``application/problem+json``); the body must be UTF-8 JSON with no
        NaN, infinity or member given twice.
        """
        mimetype = self._response.mimetype or ""
        if not _checks.is_json_type(mimetype):
            hint = ""
            if mimetype == EVENT_STREAM:
                hint = "; read events with .events()"
            elif mimetype in JSON_LINES:
                hint = "; read JSON lines with .lines()"
            raise AssertionError(
                f"expected a JSON answer (application/json or a +json type), not"
                f" {self._answer()} with {_checks.excerpt(self.data)}{hint}"
            )
        return _checks.loads(self.data, f"the body of {self._answer()}")

    @property
    def problem(self) -> Problem:
        """The RFC 9457 problem the answer carries; fail unless it is one.

        The Content-Type must be ``application/problem+json``, the body a JSON
        object whose ``status`` is the answer's status and whose ``title`` is a
        string.
        """
        return check_problem(
            self.status,
            self.headers.get("Content-Type"),
            self._response.mimetype or "",
            self.data,
        )

    def events(
        self, limit: int | None = None, *, timeout: float | None = None
    ) -> list[ReceivedEvent]:
        """Read server-sent events, as they come, then close the stream.

        Stop after ``limit`` events, or at the end of the stream. Fail with
        :class:`StreamTimeout`, which holds the events read, when they do not come
        within ``timeout`` seconds (the client's ``timeout`` by default): an
        endless stream never hangs a test. Once the stream is closed, the source
        behind it is too: the generator's ``finally`` has run when this returns,
        unless the source was busy in ``next()`` at a timeout, when it runs as
        soon as that returns. A second call parses what was read again.
        """
        self._expect(frozenset({EVENT_STREAM}), "events", "text/event-stream")
        return self._collect(EventParser().feed, None, limit, timeout, "events")

    def lines(
        self, limit: int | None = None, *, timeout: float | None = None
    ) -> list[Any]:
        """Read newline-delimited JSON values, as they come, then close the stream.

        As :meth:`events`, for ``application/x-ndjson`` (or ``application/jsonl``)
        answers: each line is a JSON value, parsed as strictly as :attr:`json`;
        blank lines are skipped.
        """
        self._expect(JSON_LINES, "lines", "application/x-ndjson")
        parser = LineParser()
        return self._collect(parser.feed, parser.end, limit, timeout, "JSON lines")

    def close(self) -> None:
        """Close a stream still open; its source's ``finally`` runs now.

        A result used as a context manager closes on exit; the ``nextresp_client``
        fixture closes every result at the end of the test.
        """
        if self._stream is not None:
            stream, self._stream = self._stream, None
            try:
                stream.close(self._timeout)
            finally:
                self._response.close()

    def _answer(self) -> str:
        return _checks.answer(self.status, self.headers.get("Content-Type"))

    def _expect(self, mimetypes: frozenset[str], method: str, shown: str) -> None:
        if (self._response.mimetype or "") in mimetypes:
            return
        raise AssertionError(
            f"expected {shown} to read with .{method}(), not {self._answer()}"
            f" with {_checks.excerpt(self.data)}"
        )

    def _collect(
        self,
        feed: Callable[[bytes], list[T]],
        end: Callable[[], None] | None,
        limit: int | None,
        timeout: float | None,
        noun: str,
    ) -> list[T]:
        limit = _check_limit(limit)
        timeout = self._timeout if timeout is None else check_timeout(timeout)
        items = feed(self._body)
        stream = self._stream
        if stream is None or (limit is not None and len(items) >= limit):
            self.close()
            if stream is None and end is not None:
                end()
            return items[:limit]
        deadline = time.monotonic() + timeout
        try:
            while limit is None or len(items) < limit:
                try:
                    chunk = stream.next(deadline)
                except TimeoutError:
                    raise StreamTimeout(
                        _timed_out(noun, limit, timeout, items), items
                    ) from None
                if chunk is None:
                    if end is not None:
                        end()
                    break
                self._body += chunk
                items += feed(chunk)
        finally:
            self.close()
        return items[:limit]

    def _read_to_end(self) -> None:
        stream = self._stream
        assert stream is not None
        deadline = time.monotonic() + self._timeout
        try:
            while True:
                try:
                    chunk = stream.next(deadline)
                except TimeoutError:
                    raise StreamTimeout(
                        f"expected the body to end within {self._timeout:g} s; it"
                        f" stayed open after {_checks.excerpt(self._body)}. Read an"
                        " endless stream with .events(limit=...) or"
                        " .lines(limit=...)",
                        [self._body],
                    ) from None
                if chunk is None:
                    break
                self._body += chunk
        finally:
            self.close()


def _check_limit(limit: object) -> int | None:
    if limit is None:
        return None
    if type(limit) is not int:
        raise TypeError(
            f"limit must be an int of 1 or more, or None, not {limit!r}"
            f" ({type(limit).__name__})"
        )
    if limit < 1:
        raise ValueError(f"limit must be 1 or more (or None for no limit), not {limit}")
    return limit


def check_timeout(timeout: object) -> float:
    """Return ``timeout`` if it is a number of seconds a wait can take, else raise."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(
            f"timeout must be a number of seconds, not {timeout!r}"
            f" ({type(timeout).__name__})"
        )
    if not 0 < timeout <= 1e6:  # NaN fails this too
        raise ValueError(
            f"timeout must be a number of seconds above 0 (and at most 1e6),"
            f" not {timeout!r}"
        )
    return float(timeout)


def _timed_out(noun: str, limit: int | None, timeout: float, items: list[Any]) -> str:
    shown = ", ".join(repr(item) for item in items[:_SHOWN_ITEMS])
    if len(items) > _SHOWN_ITEMS:
        shown += f", ... ({len(items) - _SHOWN_ITEMS} more)"
    wanted = (
        f"expected {limit} {noun} within {timeout:g} s"
        if limit is not None
        else f"expected the stream to end within {timeout:g} s (pass limit= to read"
        " an endless stream)"
    )
    return f"{wanted}, not {len(items)} before the timeout: [{shown}]"

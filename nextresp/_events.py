"""Server-sent events: the event type and its encoding on the wire.

The format is the "event stream" of the WHATWG HTML standard (section 9.2): UTF-8
lines of ``field: value``, an event ending at a blank line, ``:`` starting a comment.
A line break inside a field value would end the field early, so ``event`` and ``id``
refuse CR and LF, ``id`` refuses NUL too (a client ignores such an id), and ``data``
is split into one ``data:`` line per line of text, which the client joins with LF.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, Iterable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from . import _json

_FIELDS = ("data", "event", "id", "retry")
# The standard's line breaks: CRLF, lone CR, lone LF (and nothing else: str.splitlines
# would split on form feeds and U+2028, which a client keeps inside a line).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NOT_IN_FIELD = re.compile(r"[\r\n]")
_NOT_IN_ID = re.compile(r"[\r\n\x00]")


@dataclass(frozen=True, slots=True)
class Event:
    """One server-sent event: ``Event(data, *, event=None, id=None, retry=None)``.

    ``data`` is the message: a ``str`` is sent as its text (one ``data:`` line per
    line), anything else as JSON, and ``None`` sends no data (an event with only
    ``id`` or ``retry``, which a client records without dispatching a message).
    ``event`` names the event type (``addEventListener(name, ...)`` on the client;
    ``message`` when None), ``id`` becomes the client's last event ID (sent back as
    ``Last-Event-ID`` when it reconnects), and ``retry`` is the reconnection time in
    milliseconds.

    Values a field cannot carry are refused here, when the event is made: CR or LF
    in ``event`` or ``id``, NUL in ``id``, a negative ``retry``, and ``data`` that
    nextresp's JSON encoder refuses (NaN, infinities, sets, objects it does not
    know), with the ``TypeError`` or ``ValueError`` of ``json()``. Checked here, a bad
    event fails the line that made it, not the stream half sent.
    """

    data: object
    _: KW_ONLY
    event: str | None = None
    id: str | int | None = None
    retry: int | None = None
    # The JSON of ``data`` by the default encoder, made by the check: the stream
    # sends it as it is unless the response class encodes JSON another way.
    _encoded: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.data is not None and not isinstance(self.data, str):
            encoded = _json.encode(_json.dumps, self.data, "Event")
            object.__setattr__(self, "_encoded", encoded)
        if self.event is not None:
            _check_text("event", self.event, _NOT_IN_FIELD)
        if self.id is not None and type(self.id) is not int:
            _check_text("id", self.id, _NOT_IN_ID)
        if self.retry is not None:
            if type(self.retry) is not int:
                raise TypeError(
                    "event retry must be an int of milliseconds,"
                    f" not {self.retry!r} ({type(self.retry).__name__})"
                )
            if self.retry < 0:
                raise ValueError(
                    f"event retry must be 0 or more milliseconds, not {self.retry}"
                )


#: What a source of events yields: an :class:`Event`, a mapping of its fields
#: (``{"event": "tick", "data": {...}}``), or a ``str``, the data of one event.
EventLike = Event | Mapping[str, Any] | str
#: What ``res.sse`` streams: an iterable or an async iterable of events.
EventSource = Iterable[EventLike] | AsyncIterable[EventLike]


def _check_text(field: str, value: object, forbidden: re.Pattern[str]) -> None:
    if not isinstance(value, str):
        kinds = "a str or an int" if field == "id" else "a str"
        raise TypeError(
            f"event {field} must be {kinds}, not {value!r} ({type(value).__name__})"
        )
    bad = forbidden.search(value)
    if bad is not None:
        raise ValueError(
            f"event {field} {value!r} holds {bad.group()!r} at index {bad.start()},"
            f" which would end the {field} field early; remove it"
        )


def as_event(value: object) -> Event:
    """Return ``value`` as an :class:`Event`, or raise saying what an event may be."""
    if type(value) is Event:
        return value
    if isinstance(value, str):
        return Event(value)
    if isinstance(value, Event):
        return value
    if isinstance(value, Mapping):
        unknown = [key for key in value if key not in _FIELDS]
        if unknown:
            raise ValueError(
                f"an event mapping has the keys data, event, id and retry, not"
                f" {', '.join(map(repr, unknown))}; to send a dict as JSON data,"
                " yield {'data': the_dict} or Event(the_dict)"
            )
        return Event(
            value.get("data"),
            event=value.get("event"),
            id=value.get("id"),
            retry=value.get("retry"),
        )
    raise TypeError(
        "an event is a str (its data), a mapping of its fields or a nextresp.Event,"
        f" not {value!r} ({type(value).__name__})"
    )


def encode_event(
    event: EventLike, /, *, json_dumps: _json.JsonDumps = _json.dumps
) -> bytes:
    """Return the bytes of one event on the wire, its closing blank line included.

    ``event`` is an :class:`Event`, a mapping of its fields or a ``str`` (its data).
    Non-``str`` data is encoded with ``json_dumps`` (nextresp's compact JSON by
    default); a line break in its output becomes a new ``data:`` line, so any
    encoder's output arrives whole. Every value is written after ``": "``, so a
    leading space in it survives the parser, which drops one.
    """
    checked = as_event(event)
    lines: list[str] = []
    if checked.event is not None:
        lines.append(f"event: {checked.event}\n")
    data = checked.data
    if data is not None:
        if not isinstance(data, str):
            encoded = checked._encoded
            if encoded is None or json_dumps is not _json.dumps:
                encoded = _json.encode(json_dumps, data, "sse")
            data = encoded.decode()
        lines.extend(f"data: {line}\n" for line in _LINE_BREAK.split(data))
    if checked.id is not None:
        lines.append(f"id: {checked.id}\n")
    if checked.retry is not None:
        lines.append(f"retry: {checked.retry}\n")
    lines.append("\n")
    text = "".join(lines)
    try:
        return text.encode()
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"an event holds text that UTF-8 cannot encode ({exc.reason}); remove"
            " lone surrogates"
        ) from None

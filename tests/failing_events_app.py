"""The app ``tests/test_failing_events_live.py`` serves: an event source that sends
two events, then raises."""

from __future__ import annotations

from collections.abc import Iterator

from nextresp import ApiRequest, ApiResponse, Event, api_handler


def source() -> Iterator[Event]:
    yield Event("one", id=1)
    yield Event("two", id=2)
    raise LookupError("the feed broke")


@api_handler
def app(req: ApiRequest, res: ApiResponse) -> None:
    res.sse(source(), heartbeat=None)

"""The ready-made middleware: ``RequestId`` and ``AccessLog``.

Each is a small middleware built on the one signature, ``mw(req, res, call_next)``,
and works in any chain: ``api_handler(use=[RequestId(), AccessLog()])``.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import re
import time
from collections.abc import Callable
from random import getrandbits
from typing import TYPE_CHECKING

from ._headers import check_name

if TYPE_CHECKING:
    from ._request import ApiRequest
    from ._response import ApiResponse

# A request id a client may choose: a short token that can go into a log line or a
# header unchanged (no spaces, quotes, control characters or separators).
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,200}")
# A random 128-bit number with the bits of a version 4 UUID (RFC 9562, section 5.4).
_UUID4_CLEAR = ~((0xF0 << 72) | (0xC0 << 56)) & ((1 << 128) - 1)
_UUID4_SET = (0x40 << 72) | (0x80 << 56)

#: The id of the request the current thread (or task) answers, for logging.
current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "nextresp_request_id", default=None
)


def new_request_id() -> str:
    """Return a new id: a random UUID (version 4), as 32 hexadecimal digits.

    An id must be unique, not secret: ``random``'s generator (reseeded in each
    forked worker) gives 122 random bits, as ``uuid.uuid4()`` does from
    ``os.urandom``, for a sixth of its cost.
    """
    return "%032x" % (getrandbits(128) & _UUID4_CLEAR | _UUID4_SET)


class RequestIdFilter(logging.Filter):
    """Give each log record the ``request_id`` of the request being answered."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:  # AccessLog's carries its own
            record.request_id = current_request_id.get() or "-"
        return True


class RequestId:
    """Middleware: give each request an id, on ``req.request_id`` and every answer.

    The id is the request's ``X-Request-Id`` (or the header named) when it is a safe
    token of up to 200 letters, digits, ``.``, ``_`` and ``-``, as a proxy or load
    balancer sets it; anything else is replaced by a new random id. Every answer,
    errors included, carries it in the same header. While the chain runs, log
    records pass it on through ``RequestId.logging_filter()``.
    """

    __slots__ = ("_key", "header")

    def __init__(self, *, header: str = "X-Request-Id") -> None:
        #: The header read from the request and set on the answer.
        self.header = check_name(header)
        self._key = "HTTP_" + header.upper().replace("-", "_")

    def __repr__(self) -> str:
        return f"RequestId(header={self.header!r})"

    def __call__(
        self, req: ApiRequest, res: ApiResponse, call_next: Callable[[], object]
    ) -> None:
        given = req.environ.get(self._key)
        if given is None or _SAFE_ID.fullmatch(given) is None:
            given = new_request_id()
        req.request_id = given
        token = current_request_id.set(given)
        try:
            call_next()
        finally:
            current_request_id.reset(token)
            # PERF: added once the handler is done, as the fold keeps it on an error
            # answer too: a header set before the body would make every helper
            # look for it. The name and the id are checked already.
            res.headers._list.append((self.header, given))

    @staticmethod
    def logging_filter() -> logging.Filter:
        """Return a filter that gives log records a ``request_id`` attribute.

        Add it to a handler and use ``%(request_id)s`` in its format; records
        made outside a request get ``-``.
        """
        return RequestIdFilter()


#: The logger ``AccessLog`` writes to.
access_logger = logging.getLogger("nextresp.access")


class AccessLog:
    """Middleware: one ``INFO`` record per request on the ``nextresp.access`` logger.

    The record is written once the answer is handed to the server (so its duration
    covers a stream or a file to its last byte), errors included. It reads
    ``GET /api/users/[id] 200 3.1ms`` and carries the values as attributes:
    ``method``, ``route`` (the route pattern under ``routes()``, else the path),
    ``status``, ``duration_ms`` and ``request_id`` (with :class:`RequestId` outside
    it). Never a body, a query string, a header or a cookie.
    """

    __slots__ = ("logger",)

    def __init__(self, *, logger: logging.Logger | None = None) -> None:
        if logger is not None and not isinstance(logger, logging.Logger):
            raise TypeError(
                "AccessLog logger must be a logging.Logger, as in"
                f" logger=logging.getLogger('access'), not {logger!r}"
            )
        #: Where the records go.
        self.logger = access_logger if logger is None else logger

    def __repr__(self) -> str:
        return f"AccessLog(logger={self.logger.name!r})"

    def __call__(
        self, req: ApiRequest, res: ApiResponse, call_next: Callable[[], object]
    ) -> None:
        if self.logger.isEnabledFor(logging.INFO):
            res.after(functools.partial(self._log, req, res, time.perf_counter()))
        call_next()

    def _log(self, req: ApiRequest, res: ApiResponse, start: float) -> None:
        answer = res._answer or res  # the error response the fold chose, if any
        duration = round((time.perf_counter() - start) * 1000, 3)
        route = req.environ.get("nextresp.route") or req.path
        status = answer.status_code
        self.logger.info(
            "%s %s %s %.1fms",
            req.method,
            route,
            status,
            duration,
            extra={
                "method": req.method,
                "route": route,
                "status": status,
                "duration_ms": duration,
                "request_id": req.request_id or "-",
            },
        )
